import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct TensorTests {
    @Test func nestedLiteralsGiveRowMajorShapes() {
        let t: Tensor = [[1, 2, 3], [4, 5, 6]]
        #expect(t.shape == [2, 3])
        #expect(t.scalars == [1, 2, 3, 4, 5, 6])
        let cube: Tensor = [[[1], [2]], [[3], [4]]]
        #expect(cube.shape == [2, 2, 1])
        let s = Tensor(2.5)
        #expect(s.shape == [] && s.scalar == 2.5 && s.isScalar)
    }

    @Test func subscriptsReadAndWriteByMultiIndex() {
        var t = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        #expect(t[1, 2] == 5)
        #expect(t[-1, -3] == 3)
        t[0, 1] = 10
        #expect(t.scalars == [0, 10, 2, 3, 4, 5])
    }

    @Test func copiesAreIndependentValues() {
        let a = Tensor.zeros([3])
        var b = a
        b[0] = 1
        #expect(a.scalars == [0, 0, 0])
        #expect(b.scalars == [1, 0, 0])
    }

    @Test func stridesAreRowMajor() {
        #expect(Tensor.contiguousStrides([2, 3, 4]) == [12, 4, 1])
        #expect(Tensor.contiguousStrides([]) == [])
    }

    @Test func isFiniteDetectsNaNAndInfinity() {
        #expect(Tensor([1, 2]).isFinite)
        #expect(!Tensor([1, .nan]).isFinite)
        #expect(!Tensor([-.infinity, 0]).isFinite)
    }

    /// The check runs in lanes of eight plus a scalar tail: a non-finite value is found in
    /// every lane position and in the tail, for lengths around the lane width.
    @Test func isFiniteFindsNonFiniteValuesAtEveryPosition() {
        #expect(Tensor(shape: [0], scalars: []).isFinite)
        for n in [1, 7, 8, 9, 16, 17, 31] {
            let finite = (0..<n).map { Double($0) * 1e300 - 3e301 }
            #expect(Tensor(finite).isFinite)
            for bad in [Double.nan, .infinity, -.infinity] {
                for i in 0..<n {
                    var values = finite
                    values[i] = bad
                    #expect(!Tensor(values).isFinite, "n \(n), \(bad) at \(i)")
                }
            }
        }
    }

    @Test func descriptionRendersNestedRows() {
        let t: Tensor = [[1, 2], [3, 4.5]]
        #expect(t.description == "[[1., 2.],\n [3., 4.5]]")
        #expect(Tensor(.infinity).description == "inf")
    }
}

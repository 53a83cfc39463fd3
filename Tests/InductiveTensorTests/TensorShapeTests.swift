import InductiveTensor
import Testing

@Suite struct ShapeTests {
    let x = Tensor.arange(24).reshaped([2, 3, 4])

    @Test func reshapeInfersOneExtent() {
        #expect(x.reshaped([4, -1]).shape == [4, 6])
        #expect(x.reshaped(6, 4).scalars == x.scalars)
        #expect(x.flattened().shape == [24])
    }

    @Test func permuteAndTranspose() {
        let p = x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(p[k, i, j] == x[i, j, k]) } } }
        let m = Tensor.arange(6).reshaped([2, 3])
        #expect(m.T == Tensor([[0, 3], [1, 4], [2, 5]]))
        let batched = x.transposed()
        #expect(batched.shape == [2, 4, 3] && batched[1, 3, 2] == x[1, 2, 3])
        // A large transpose exercises the blocked path.
        let big = Tensor.arange(70 * 45).reshaped([70, 45])
        #expect(big.T.T == big && big.T[44, 69] == big[69, 44])
    }

    @Test func expandAndSqueeze() {
        #expect(x.expandingDims(at: 0).shape == [1, 2, 3, 4])
        #expect(x.expandingDims(at: -1).shape == [2, 3, 4, 1])
        #expect(Tensor.zeros([1, 3, 1]).squeezed().shape == [3])
        #expect(Tensor.zeros([1, 3, 1]).squeezed(axes: [0]).shape == [3, 1])
    }

    @Test func slicingWithRangesStridesAndIndices() {
        #expect(x[.index(1), .all, .range(1..<4, step: 2)] == Tensor([[13, 15], [17, 19], [21, 23]]))
        #expect(x[.all, .index(-1)] == Tensor([[8, 9, 10, 11], [20, 21, 22, 23]]))
        #expect(x.slice([.range(0..<0)]).shape == [0, 3, 4])
        #expect(Tensor.arange(10)[rows: 2..<5] == Tensor([2, 3, 4]))
        #expect(x.row(1) == x[.index(1)])
    }

    @Test func assignWritesARegion() {
        var t = Tensor.zeros([3, 4])
        t.assign([.range(0..<3, step: 2), .range(1..<3)], Tensor([[1, 2], [3, 4]]))
        #expect(t == Tensor([[0, 1, 2, 0], [0, 0, 0, 0], [0, 3, 4, 0]]))
        t.assign([.index(1)], Tensor(9))
        #expect(t.row(1) == Tensor([9, 9, 9, 9]))
    }

    @Test func concatenateAndStack() {
        let a: Tensor = [[1, 2]], b: Tensor = [[3, 4], [5, 6]]
        #expect(Tensor.concatenate([a, b]) == Tensor([[1, 2], [3, 4], [5, 6]]))
        #expect(Tensor.concatenate([b, b], axis: 1) == Tensor([[3, 4, 3, 4], [5, 6, 5, 6]]))
        #expect(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])]) == Tensor([[1, 2], [3, 4]]))
        #expect(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1) == Tensor([[1, 3], [2, 4]]))
    }

    @Test func takeGathersWithRepeatsAndNegatives() {
        let m = Tensor.arange(6).reshaped([3, 2])
        #expect(m.take([2, 0, 2]) == Tensor([[4, 5], [0, 1], [4, 5]]))
        #expect(m.take([-1], axis: 1) == Tensor([[1], [3], [5]]))
    }

    @Test func paddingZeroAndCircular() {
        let v: Tensor = [1, 2, 3]
        #expect(v.padded([(1, 2)]) == Tensor([0, 1, 2, 3, 0, 0]))
        #expect(v.padded([(2, 4)], mode: .circular) == Tensor([2, 3, 1, 2, 3, 1, 2, 3, 1]))
        let m: Tensor = [[1, 2], [3, 4]]
        #expect(m.padded([(1, 0), (0, 1)]) == Tensor([[0, 0, 0], [1, 2, 0], [3, 4, 0]]))
        #expect(m.padded([(0, 1), (1, 0)], mode: .circular) == Tensor([[2, 1, 2], [4, 3, 4], [2, 1, 2]]))
    }

    @Test func rollIsACyclicShift() {
        let v: Tensor = [1, 2, 3, 4]
        #expect(v.rolled(1, axis: 0) == Tensor([4, 1, 2, 3]))
        #expect(v.rolled(-1, axis: 0) == Tensor([2, 3, 4, 1]))
        #expect(v.rolled(9, axis: 0) == v.rolled(1, axis: 0))
        let m = Tensor.arange(6).reshaped([2, 3])
        #expect(m.rolled(1, axis: 1) == Tensor([[2, 0, 1], [5, 3, 4]]))
    }
}

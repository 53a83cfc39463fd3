import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ReductionTests {
    // x[i, j, k] = 12 i + 4 j + k
    let x = Tensor.arange(24).reshaped([2, 3, 4])

    @Test func sumOverAnyAxesWithAndWithoutKeepDims() {
        #expect(x.sum().scalar == 276)
        #expect(x.sum(axis: 0) == Tensor.arange(12).reshaped([3, 4]) * 2 + 12)
        #expect(x.sum(axis: 2) == Tensor([[6, 22, 38], [54, 70, 86]]))
        #expect(x.sum(axes: [0, 2]) == Tensor([60, 92, 124]))
        #expect(x.sum(axes: [0, 2], keepDims: true).shape == [1, 3, 1])
        #expect(x.sum(axis: -1, keepDims: true).shape == [2, 3, 1])
        #expect(x.sum(axes: [1]) == x.sum(axes: [-2]))
    }

    @Test func meanVarianceAndStandardDeviation() {
        let t: Tensor = [[1, 2, 3], [4, 6, 8]]
        #expect(t.mean(axis: 1) == Tensor([2, 6]))  // small integers: exact
        // Sums of small integers are exact; one rounded division and a square root: <= 1 ulp.
        expectClose(t.variance(axes: [1]), Tensor([2.0 / 3, 8.0 / 3]), rtol: 1e-15)
        expectClose(t.variance(axes: [1], correction: 1), Tensor([1, 4]), rtol: 1e-15)
        expectClose(t.standardDeviation(axes: [1], correction: 1), Tensor([1, 2]), rtol: 1e-15)
        expectClose(t.variance().scalar, 34.0 / 6, rtol: 1e-15)  // mean 4, squared deviations 9+4+1+0+4+16
    }

    @Test func maxMinArgmaxArgminWithTiesAndNaN() {
        let t: Tensor = [[3, 7, 7], [9, -1, 2]]
        #expect(t.max(axes: [1]) == Tensor([7, 9]))
        #expect(t.min(axes: [0]) == Tensor([3, -1, 2]))
        #expect(t.argmax(axis: 1) == Tensor([1, 0]))  // first of the tied maxima
        #expect(t.argmin(axis: 0) == Tensor([0, 1, 1]))
        #expect(t.argmax() == 3 && t.argmin() == 4)
        let withNaN: Tensor = [1, .nan, 3]
        #expect(withNaN.maxAll().isNaN && withNaN.minAll().isNaN)
        #expect(withNaN.argmax() == 1)
    }

    @Test func logSumExpIsStable() {
        let t: Tensor = [[1000, 1000], [-1000, -1000]]
        let l = t.logSumExp(axes: [1])
        // exp(0) = 1 and 1 + 1 = 2 are exact: log(2) and the addition of m, 1 ulp.
        // The second: 3 vectorized exps (<= 2 ulp each, CPU-dependent), 2 additions, log, + m:
        // <= ~5.5e-16 absolute on 1.3, plus libm's reference ~3e-16: <= 7e-16 relative < 1e-15.
        expectClose(l, Tensor([1000 + Foundation.log(2), -1000 + Foundation.log(2)]), rtol: 1e-15)
        let small: Tensor = [0.1, 0.2, 0.3]
        expectClose(small.logSumExp().scalar, Foundation.log(small.scalars.map { Foundation.exp($0) }.reduce(0, +)), rtol: 1e-15)
        #expect(Tensor([-.infinity, -.infinity]).logSumExp().scalar == -.infinity)
        #expect(t.logSumExp(axes: [1], keepDims: true).shape == [2, 1])
    }

    @Test func norms() throws {
        let v: Tensor = [3, -4]
        #expect(v.norm(.l1) == 7)
        #expect(v.norm() == 5)
        #expect(v.norm(.infinity) == 4)
        // Singular values of diag(3, 4) embedded in a rotation are 4 and 3.
        let c = Foundation.cos(0.3), s = Foundation.sin(0.3)
        let rotation = Tensor([[c, -s], [s, c]])
        let m = matmul(rotation, Tensor([[3, 0], [0, 4]]))
        // Entries are rounded products of cos, sin: 4 squares summed, one sqrt: <= ~3 eps/2 = 3.3e-16
        // relative. Nuclear and operator norms by the SVD of a 2 x 2 of condition 4/3: ~10 eps.
        expectClose(m.norm(.frobenius), 5, rtol: 1e-15)
        expectClose(m.norm(.nuclear), 7, rtol: 1e-14)
        expectClose(m.norm(.operator), 4, rtol: 1e-14)
        #expect(Tensor([[1, .nan], [0, 1]]).norm(.nuclear).isNaN)
        expectClose(Tensor([[3, 4], [6, 8]]).norm(axes: [1]), Tensor([5, 10]), rtol: 1e-15)
    }
}

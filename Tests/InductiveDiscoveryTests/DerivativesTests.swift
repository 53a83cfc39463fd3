import Foundation
import InductiveDiscovery
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct DerivativesTests {
    /// Fornberg's recursion on small integer offsets: a few roundings of O(1) rationals in
    /// pure Swift (the same on every machine); zero weights come out exactly 0.
    @Test func fornbergReproducesTextbookStencils() {
        expectClose(Tensor(finiteDifferenceWeights(order: 1, offsets: [-1, 0, 1])), Tensor([-0.5, 0, 0.5]), rtol: 1e-15)
        expectClose(Tensor(finiteDifferenceWeights(order: 2, offsets: [-1, 0, 1])), Tensor([1, -2, 1]), rtol: 1e-15)
        expectClose(Tensor(finiteDifferenceWeights(order: 1, offsets: [0, 1, 2])), Tensor([-1.5, 2, -0.5]), rtol: 1e-15)
        expectClose(Tensor(finiteDifferenceWeights(order: 3, offsets: [-2, -1, 0, 1, 2])), Tensor([-0.5, 1, 0, -1, 0.5]), rtol: 1e-14)
        expectClose(Tensor(finiteDifferenceWeights(order: 2, offsets: [0, 1, 2, 3])), Tensor([2, -5, 4, -1]), rtol: 1e-14)
    }

    @Test(arguments: [1, 2, 3])
    func finiteDifferencesAreExactOnLowDegreePolynomials(order: Int) {
        // Second-order stencils (central and one-sided) differentiate polynomials of degree
        // order + 1 exactly, ends included.
        let h = 0.1
        let t = Tensor.arange(12) * h
        let p = t.map { Foundation.pow($0, Double(order + 1)) } - 2 * t + 1
        let d = finiteDifferenceDerivative(p.reshaped([12, 1]), spacing: h, order: order, axis: 0).reshaped([12])
        let factorial = (1...(order + 1)).reduce(1.0) { $0 * Double($1) }
        let exact = factorial * t + (order == 1 ? -2 : 0)  // d^order t^(order+1) = (order+1)! t
        // No truncation error; rounding eps max|p| sum|w| / h^order with |p| <= 1.5, stencil weights
        // summing to <= ~20 in absolute value, h^3 = 1e-3: <= ~1e-11; 1e-9 leaves 100x.
        expectClose(d, exact, rtol: 1e-9, atol: 1e-9)
    }

    /// The interior runs as a chunked flat stencil (512 elements per chunk) and the ends row
    /// by row; both must give exactly the plain per-element sum 0 + w_0 u_0 + w_1 u_1 + ...
    /// (same operations in the same order, so equality is exact), for every axis position,
    /// lengths that cross chunk boundaries, and periodic wrapping.
    @Test func finiteDifferencesEqualThePlainStencilSumExactly() {
        func reference(_ u: Tensor, h: Double, order: Int, axis a: Int, periodic: Bool) -> [Double] {
            let shape = u.shape, n = shape[a]
            let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
            let half = (order + 1) / 2, oneSided = order + 2
            let scale = 1 / Foundation.pow(h, Double(order))
            let x = u.scalars
            var out = [Double](repeating: 0, count: x.count)
            for o in 0..<outer {
                for i in 0..<n {
                    let offsets: [Int]
                    if periodic || (i >= half && i < n - half) {
                        offsets = Array(-half...half)
                    } else {
                        let start = i < half ? 0 : n - oneSided
                        offsets = (0..<oneSided).map { start + $0 - i }
                    }
                    let w = finiteDifferenceWeights(order: order, offsets: offsets.map(Double.init)).map { $0 * scale }
                    for c in 0..<inner {
                        var acc = 0.0
                        for (k, offset) in offsets.enumerated() {
                            var j = i + offset
                            if periodic { j = ((j % n) + n) % n }
                            acc += w[k] * x[(o * n + j) * inner + c]
                        }
                        out[(o * n + i) * inner + c] = acc
                    }
                }
            }
            return out
        }
        var rng = RandomGenerator(seed: 41)
        for (shape, axis) in [([1203, 3], 0), ([3, 700, 2], 1), ([2, 3, 1100], 2), ([9, 1], 0)] {
            let u = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.normal() })
            for order in 1...3 {
                for periodic in [false, true] {
                    let d = finiteDifferenceDerivative(u, spacing: 0.01, order: order, axis: axis, periodic: periodic)
                    #expect(d.scalars == reference(u, h: 0.01, order: order, axis: axis, periodic: periodic),
                            "shape \(shape), axis \(axis), order \(order), periodic \(periodic)")
                }
            }
        }
    }

    @Test func finiteDifferencesConvergeAtSecondOrder() {
        func error(_ n: Int, periodic: Bool) -> Double {
            let h = 2 * Double.pi / Double(n)
            let x = Tensor.arange(n) * h
            return (finiteDifferenceDerivative(sin(x), spacing: h, order: 1, axis: 0, periodic: periodic) - cos(x)).norm(.infinity)
        }
        // Truncation h^2 |u'''| / 6 ~ 7e-4 dominates rounding eps / h ~ 4e-15 by 11 orders; the
        // next term is O(h^2) relative (~4e-3): 3.6..4.4 brackets 4 by 10%.
        for periodic in [false, true] {
            let ratio = error(100, periodic: periodic) / error(200, periodic: periodic)
            #expect(ratio > 3.6 && ratio < 4.4, "periodic \(periodic): ratio \(ratio)")
        }
    }

    @Test func spectralDerivativesAreExactForTrigonometricPolynomials() {
        let n = 32, h = 2 * Double.pi / 32
        let x = Tensor.arange(n) * h
        let u = Tensor.stack([sin(3 * x), cos(2 * x)], axis: 0)  // along axis 1
        // Exact for these modes; FFT rounding ~eps log2(32) ~ 1e-15 per mode is multiplied by
        // |k|^order with |k| <= 16: <= 16 eps log2 n ~ 2e-14 (order 1), 256 eps log2 n ~ 3e-13
        // (order 2), 4096 eps log2 n ~ 4.5e-12 (order 3; measured 1.6e-13 and 2e-12, FFT only):
        // 1e-12 and 1e-11.
        expectClose(spectralDerivative(u, spacing: h, order: 1, axis: 1), Tensor.stack([3 * cos(3 * x), -2 * sin(2 * x)]), rtol: 0, atol: 1e-12)
        expectClose(spectralDerivative(u, spacing: h, order: 2, axis: 1), Tensor.stack([-9 * sin(3 * x), -4 * cos(2 * x)]), rtol: 0, atol: 1e-12)
        expectClose(spectralDerivative(u, spacing: h, order: 3, axis: 1), Tensor.stack([-27 * cos(3 * x), 8 * sin(2 * x)]), rtol: 0, atol: 1e-11)
        expectClose(spectralDerivative(u.T, spacing: h, order: 1, axis: 0), Tensor.stack([3 * cos(3 * x), -2 * sin(2 * x)]).T, rtol: 0, atol: 1e-12)
    }

    @Test(arguments: [0, 1, 2, 3])
    func polynomialFitsAreExactOnPolynomialsOfTheirDegree(order: Int) {
        // A degree-5 fit reproduces a quintic (and its derivatives) everywhere, ends included.
        let h = 0.05
        let t = Tensor.arange(40) * h - 1
        let p = t.map { $0 * $0 * $0 * $0 * $0 - 3 * $0 * $0 * $0 + $0 - 0.5 }
        let exact: Tensor = switch order {
        case 0: p
        case 1: t.map { 5 * $0 * $0 * $0 * $0 - 9 * $0 * $0 + 1 }
        case 2: t.map { 20 * $0 * $0 * $0 - 18 * $0 }
        default: t.map { 60 * $0 * $0 - 18 }
        }
        let d = polynomialDerivative(p, spacing: h, order: order, axis: 0, degree: 5, halfWidth: 6)
        // No truncation error; the local least-squares fits (13 points, degree 5, in scaled
        // offsets) amplify rounding by their condition (~1e2) and by 1 / h^order = 8000 for the
        // third derivative: ~eps 1e2 8000 |p| ~ 2e-10 worst; 1e-8 leaves 50x.
        expectClose(d, exact, rtol: 1e-8, atol: 1e-8)
    }

    @Test func polynomialFitsAverageNoiseAwayAsTheirWeightsPredict() {
        // White noise of std s through a filter with weights w has std s ||w||; the centre
        // weights of the first derivative (degree 2, half-width m) are k / (h sum k^2).
        var rng = RandomGenerator(seed: 1)
        let noise = Tensor.randomNormal([200_000], using: &rng)
        let m = 5
        let d = polynomialDerivative(noise, spacing: 1, order: 1, axis: 0, degree: 2, halfWidth: m)
        let sumK2 = (1...m).reduce(0.0) { $0 + 2 * Double($1 * $1) }
        let predicted = 1 / sumK2.squareRoot()
        let interior = d.slice([.range(m..<(200_000 - m))])
        // 2e5 samples (strongly correlated over 11 points): the std estimate is good to ~1%.
        // Effective sample size ~2e5 / 11: relative s.e. 1 / sqrt(2 * 18000) = 0.5%, so 3% is 6
        // sigma (a seeded stream, no BLAS: the same number on every machine).
        expectClose(interior.standardDeviation().scalar, predicted, rtol: 0.03)
    }
}

import Foundation
import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

/// The best margin max_{|u| = 1} min_i y_i <u, x_i> in 2-d by a fine angle scan refined by
/// golden-section search (the margin is unimodal near its maximum for these data).
func bruteForceMargin2D(_ x: Tensor, _ y: Tensor) -> (angle: Double, margin: Double) {
    func margin(_ a: Double) -> Double {
        (0..<y.count).map { i in y.scalars[i] * (Foundation.cos(a) * x[i, 0] + Foundation.sin(a) * x[i, 1]) }.min()!
    }
    let grid = 20_000
    var best = 0.0, bestValue = -Double.infinity
    for k in 0..<grid {
        let a = 2 * Double.pi * Double(k) / Double(grid)
        let m = margin(a)
        if m > bestValue { bestValue = m; best = a }
    }
    var lo = best - 2 * Double.pi / Double(grid), hi = best + 2 * Double.pi / Double(grid)
    let phi = (5.0.squareRoot() - 1) / 2
    for _ in 0..<100 {
        let a = hi - phi * (hi - lo), b = lo + phi * (hi - lo)
        if margin(a) < margin(b) { lo = a } else { hi = b }
    }
    return ((lo + hi) / 2, margin((lo + hi) / 2))
}

@Suite struct HardMarginSVMTests {
    @Test func byHand() {
        // Constraints 2 w1 >= 1 and -2 w2 >= 1: the shortest w is (1/2, -1/2), both points support it.
        let s = hardMarginSVM(Tensor([[2, 0], [0, 2]]), Tensor([1, -1]))
        #expect(s.diagnostics.converged)
        // Orthogonal rows: dual coordinate ascent is exact after one sweep (to rounding of a
        // few binary-fraction operations); 1e-9 is the KKT tolerance 1e-10 with 10x.
        expectClose(s.weights, Tensor([0.5, -0.5]), rtol: 1e-9)
        expectClose(s.dual, Tensor([0.25, 0.25]), rtol: 1e-9)
    }

    @Test func matchesABruteForceMarginIn2D() {
        var rng = RandomGenerator(seed: 1)
        var rows: [[Double]] = [], labels: [Double] = []
        while rows.count < 40 {
            let p = [rng.normal(), rng.normal()]
            let side = p[0] - 0.5 * p[1]
            if Swift.abs(side) < 0.3 { continue }  // keep a gap so the data are separable through 0
            rows.append(p); labels.append(side > 0 ? 1 : -1)
        }
        let x = Tensor(rows), y = Tensor(labels)
        let s = hardMarginSVM(x, y)
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        let (angle, margin) = bruteForceMargin2D(x, y)
        // The brute-force maximum is accurate to ~1e-10 after golden-section refinement.
        // The SVM's KKT tolerance 1e-10 gives the margin to ~1e-10 (rtol 1e-8: 100x). The margin
        // as a function of the angle is a minimum of sinusoids, kinked at its maximum when two
        // support vectors are active (as here), so the angle error is linear in the margin
        // error, ~1e-9; 1e-6 leaves 1000x. (At a smooth maximum it would be ~sqrt(1e-10) ~ 1e-5.)
        // Solver and scan are plain Swift loops, no BLAS: the same numbers on every machine.
        expectClose(1 / s.weights.norm(), margin, rtol: 1e-8)
        let direction = s.weights / s.weights.norm()
        expectClose(direction, Tensor([Foundation.cos(angle), Foundation.sin(angle)]), rtol: 0, atol: 1e-6)
    }

    @Test func certificateInHigherDimension() {
        var rng = RandomGenerator(seed: 2)
        let n = 60, d = 10
        let teacher = Tensor.randomNormal([d], using: &rng)
        let x = Tensor.randomNormal([n, d], using: &rng)
        let y = sign(matmul(x, teacher))
        let s = hardMarginSVM(x, y)
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        // KKT: feasibility, complementary slackness, stationarity w = sum a_i y_i x_i, zero gap.
        #expect(s.minimumMargin >= 1 - 1e-9)  // KKT violation <= 1e-10 at convergence, 10x
        // w is accumulated update by update in the solver (pure Swift) while the reference is one
        // gemv: the drift is a random walk of <= iterations x n roundings of size eps max|w|
        // (1290 sweeps here: ~sqrt(1290 * 60) eps/2 ~ 3e-14 max|w|, measured 4.5e-15); entries
        // small by cancellation need this scale-aware atol: 1e-12 max|w| (the former fixed 1e-14
        // was below it).
        expectClose(s.weights, matmul(x * y.reshaped([n, 1]), s.dual, transposeA: true), rtol: 1e-12,
                    atol: 1e-12 * s.weights.norm(.infinity))
        #expect(s.dual.scalars.allSatisfy { $0 >= 0 })
        #expect(Swift.abs(s.dualityGap) < 1e-8, "gap \(s.dualityGap)")
    }

    @Test func nonSeparableDataDoNotConverge() {
        // The same point with both labels: no w can give both margins 1.
        let s = hardMarginSVM(Tensor([[1, 0], [1, 0], [0, 1]]), Tensor([1, -1, 1]), maxIterations: 500)
        #expect(!s.diagnostics.converged)
        #expect(s.minimumMargin < 1)
    }
}

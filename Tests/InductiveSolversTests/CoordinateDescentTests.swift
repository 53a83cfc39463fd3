import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

/// A design with X^T X = n I: the Lasso then decouples into w_j = S(x_j^T y / n, alpha).
func orthogonalDesign(n: Int, p: Int, seed: UInt64) throws -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let (q, _) = try qr(Tensor.randomNormal([n, p], using: &rng))
    return q * Double(n).squareRoot()
}

func softThreshold(_ z: Double, _ t: Double) -> Double { z > t ? z - t : (z < -t ? z + t : 0) }

@Suite struct CoordinateDescentTests {
    @Test func lassoOnAnOrthogonalDesignIsSoftThresholding() throws {
        let n = 50, p = 6
        let x = try orthogonalDesign(n: n, p: p, seed: 1)
        var rng = RandomGenerator(seed: 2)
        let y = matmul(x, Tensor([2, -1, 0.3, 0, 0.05, -0.6])) + 0.1 * Tensor.randomNormal([n], using: &rng)
        let alpha = 0.2
        let fit = lasso(x, y, alpha: alpha)
        let correlations = matmul(x, y, transposeA: true) / Double(n)
        let expected = correlations.map { softThreshold($0, alpha) }
        #expect(fit.diagnostics.converged)
        // Relative gap <= 1e-10 bounds the squared distance to the optimum by ~1e-10 ||y||^2 / n
        // (strong convexity 1 on this design): coefficient errors ~1e-5 at most; most are exact.
        // In fact the coordinates decouple (X^T X = n I to rounding), so one sweep is exact up to
        // ~n eps max|y| ~ 1e-13: 1e-6 is what the gap certifies at 10x, and the zero pattern is
        // decided by |x_j^T y / n| vs alpha with margins >= 0.05.
        expectClose(fit.coefficients, expected, rtol: 0, atol: 1e-6)
        #expect(fit.coefficients.scalars.filter { $0 == 0 }.count == expected.scalars.filter { $0 == 0 }.count)
    }

    @Test func lassoSatisfiesItsKKTConditions() {
        var rng = RandomGenerator(seed: 3)
        let n = 40, p = 15
        let x = Tensor.randomNormal([n, p], using: &rng)
        var truth = Tensor.zeros([p])
        truth = truth + Tensor([3, 0, 0, -2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0.5])
        let y = matmul(x, truth) + 0.2 * Tensor.randomNormal([n], using: &rng)
        let alpha = 0.1
        let fit = lasso(x, y, alpha: alpha, tolerance: 1e-14)
        #expect(fit.diagnostics.converged, "\(fit.diagnostics)")
        // Stationarity: X_j^T r / n = alpha sign(w_j) where w_j != 0, |X_j^T r / n| <= alpha where w_j = 0.
        let gradient = matmul(x, y - matmul(x, fit.coefficients), transposeA: true) / Double(n)
        for j in 0..<p {
            let w = fit.coefficients.scalars[j], g = gradient.scalars[j]
            if w != 0 {
                // Converged to a relative gap of 1e-14: gradient errors ~sqrt(1e-14) ||y|| / sqrt(n) ~ 1e-7.
                #expect(Swift.abs(g - alpha * (w > 0 ? 1 : -1)) < 1e-6, "coordinate \(j): gradient \(g), w \(w)")
            } else {
                #expect(Swift.abs(g) <= alpha + 1e-6, "coordinate \(j): gradient \(g)")
            }
        }
    }

    @Test func elasticNetWithoutL1IsRidge() throws {
        // (1/2n)||y - Xw||^2 + (alpha/2)||w||^2 has the minimizer of ||y - Xw||^2 + n alpha ||w||^2.
        var rng = RandomGenerator(seed: 4)
        let n = 30, p = 8
        let x = Tensor.randomNormal([n, p], using: &rng)
        let y = Tensor.randomNormal([n], using: &rng)
        let alpha = 0.3
        let fit = elasticNet(x, y, alpha: alpha, l1Ratio: 0, tolerance: 1e-15)
        #expect(fit.diagnostics.converged)
        // Gap 1e-15 with strong convexity >= alpha = 0.3: ||w - w*||^2 <= 2 gap scale / alpha ~ 1e-14,
        // i.e. |w - w*| ~ 1e-7; the direct ridge is exact to rounding. 1e-6 leaves 10x.
        expectClose(fit.coefficients, try ridge(x, y, alpha: Double(n) * alpha).coefficients, rtol: 0, atol: 1e-6)
    }

    @Test func dualityGapBoundsTheObjectiveError() {
        // Stop early (loose tolerance) and compare the objective with a tightly converged run:
        // the reported relative gap must bound the relative objective excess.
        var rng = RandomGenerator(seed: 5)
        let n = 40, p = 20
        let x = Tensor.randomNormal([n, p], using: &rng)
        let y = Tensor.randomNormal([n], using: &rng)
        func objective(_ w: Tensor) -> Double {
            let r = y - matmul(x, w)
            return dot(r, r) / (2 * Double(n)) + 0.05 * 0.7 * w.norm(.l1) + 0.05 * 0.3 / 2 * dot(w, w)
        }
        let loose = elasticNet(x, y, alpha: 0.05, l1Ratio: 0.7, tolerance: 1e-3)
        let tight = elasticNet(x, y, alpha: 0.05, l1Ratio: 0.7, tolerance: 1e-14)
        #expect(loose.diagnostics.converged && tight.diagnostics.converged)
        #expect(loose.diagnostics.iterations < tight.diagnostics.iterations)
        let scale = dot(y, y) / (2 * Double(n))
        let excess = (objective(loose.coefficients) - objective(tight.coefficients)) / scale
        // Below: the tight run is optimal to 1e-14, so the excess is >= -1e-14 - rounding of the
        // objectives (40 x 20 products, ~n eps ~ 1e-14 relative): -1e-12 leaves 50x.
        #expect(excess >= -1e-12 && excess <= loose.diagnostics.residual, "excess \(excess), gap \(loose.diagnostics.residual)")
    }

    @Test func iterationCapReportsNoConvergence() {
        var rng = RandomGenerator(seed: 6)
        let x = Tensor.randomNormal([30, 20], using: &rng)
        let y = Tensor.randomNormal([30], using: &rng)
        let fit = lasso(x, y, alpha: 0.01, tolerance: 1e-15, maxIterations: 2)
        #expect(!fit.diagnostics.converged && fit.diagnostics.iterations == 2)
    }
}

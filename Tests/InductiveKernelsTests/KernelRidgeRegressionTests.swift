import Foundation
import InductiveKernels
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct KernelRidgeRegressionTests {
    /// Against (K + ρ I)⁻¹ Y by LU on a well-conditioned problem: 1e-10 relative (condition
    /// ~1e3 times eps). kappa <= (lambda_max + ρ) / ρ <= (15 + 0.05) / 0.05 = 300, n = 15: each
    /// solve is within n eps kappa max|alpha| ~ 1e-12 max|alpha|; entries small by cancellation
    /// need that scale-aware atol (the former fixed 1e-12 was at the bound for max|alpha| ~ 1):
    /// 1e-11 max|alpha|, likewise for the predictions.
    @Test func matchesDirectSolve() throws {
        let x = normal([15, 3], seed: 1), xt = normal([6, 3], seed: 2)
        let kernel = Kernel.rbf(lengthScale: 1.3)
        let y = normal([15, 2], seed: 3)
        let krr = try KernelRidgeRegression(kernel: kernel, inputs: x, targets: y, ridge: 0.05)
        let k = try kernel(x, x)
        let alpha = try solve(k + Tensor.eye(15) * 0.05, y)
        expectClose(krr.dualCoefficients, alpha, rtol: 1e-10, atol: 1e-11 * alpha.norm(.infinity))
        let prediction = matmul(try kernel(xt, x), alpha)
        expectClose(try krr.predict(xt), prediction, rtol: 1e-10, atol: 1e-11 * prediction.norm(.infinity))
    }

    /// Ridgeless regression with duplicated inputs (K exactly singular) is the minimum-norm
    /// interpolant: finite, interpolating consistent targets, equal to the pseudo-inverse.
    @Test func singularKernelGivesMinimumNormInterpolant() throws {
        var x = normal([10, 2], seed: 4)
        x.assign([.index(7)], x.row(3))
        let k = try Kernel.rbf(lengthScale: 0.8)(x, x)
        var y = normal([10], seed: 5)
        y[7] = y[3]
        let krr = try KernelRidgeRegression(trainKernel: k, targets: y)
        #expect(krr.dualCoefficients.isFinite)
        // Spectrum: one rounding-level eigenvalue (|λ| <= 3e-16 on every kernel set) far under the
        // cutoff N eps λ_max = 7e-15, the rest in [0.0175, 3.2]: kappa_eff = 184, max|alpha| = 73.
        // Interpolation residual <= N eps ||K|| max|alpha| ~ 5e-13 (measured 5e-14) and dual
        // coefficients within N eps kappa_eff max|alpha| ~ 4e-13 max|alpha| (measured 1.7e-12):
        // atol 1e-11 and 1e-11 max|alpha|, >= 20x. (They were 1e-8 and 1e-6 relative, 1e5 times
        // the error: they could not catch an error below 1e-8.)
        expectClose(krr.predict(testTrainKernel: k), y, rtol: 0, atol: 1e-11)
        let pinvDual = matmul(try pinv(k), y)
        expectClose(krr.dualCoefficients, pinvDual, rtol: 0, atol: 1e-11 * pinvDual.norm(.infinity))
    }

    /// The NNGP posterior against the textbook formulas with an explicit inverse (σ² > 0:
    /// well conditioned), 1e-10; covariance symmetric, PSD, and 0 at noiseless training points.
    @Test func gaussianProcessPosteriorMatchesDirectFormula() throws {
        let mlp = InfiniteWidthMLP(depth: 2, activation: .erf, weightStd: 1.5, biasStd: 0.2)
        let x = normal([12, 3], seed: 6), xt = normal([5, 3], seed: 7)
        let y = normal([12], seed: 8)
        let k = mlp.nngp(x), kst = mlp.nngp(xt, x), kss = mlp.nngp(xt)
        let gp = try GaussianProcessRegression(trainKernel: k, targets: y, noiseVariance: 0.1)
        let (mean, covariance) = gp.posterior(testTrainKernel: kst, testKernel: kss)
        let inverse = try inv(k + Tensor.eye(12) * 0.1)
        // kappa(K + 0.1 I) <= (lambda_max + 0.1) / 0.1 ~ 1e2, n = 12: n eps kappa ~ 3e-13 relative to
        // the sums' scale; the posterior covariance is a difference of O(max kss) terms (can be
        // small by cancellation) and the mean a sum of terms |kst| |inverse y|: scale-aware atol
        // 1e-11 of those scales (the former fixed 1e-12 was at the bound).
        expectClose(mean, matmul(kst, matmul(inverse, y)), rtol: 1e-10,
                    atol: 1e-11 * matmul(abs(kst), abs(matmul(inverse, y))).maxAll())
        expectClose(covariance, kss - matmul(kst, matmul(inverse, kst, transposeB: true)), rtol: 1e-10,
                    atol: 1e-11 * kss.norm(.infinity))
        #expect(asymmetry(covariance) < 1e-14)  // kss - B B^T with syrk, mirrored: symmetric by construction
        // The posterior covariance's eigenvalues are >= 0.044 (0.07 of the largest): rounding
        // (~1e-14) cannot take it below -1e-12; only a wrong formula can.
        #expect(try relativeMinimumEigenvalue(covariance) > -1e-12)
        let noiseless = try GaussianProcessRegression(trainKernel: k, targets: y)
        let atTrain = noiseless.posterior(testTrainKernel: k, testKernel: k)
        // K's eigenvalues lie in [0.059, 5.8]: kappa = 98, so K K^+ y = y and K - K K^+ K = 0 to
        // N eps kappa ~ 2.6e-13 relative (measured 1.1e-14 on the mean, 3e-15 on the covariance):
        // 1e-11, 40x. (They were 1e-6 / 1e-7, 1e6 times the error.)
        expectClose(atTrain.mean, y, rtol: 0, atol: 1e-11 * y.norm(.infinity))
        #expect(atTrain.covariance.norm(.infinity) < 1e-11 * k.norm(.infinity))
    }
}

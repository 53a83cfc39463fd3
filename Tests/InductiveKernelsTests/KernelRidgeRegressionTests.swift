import Foundation
import InductiveKernels
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct KernelRidgeRegressionTests {
    /// Against (K + ρ I)⁻¹ Y by LU on a well-conditioned problem: 1e-10 relative (condition
    /// ~1e3 times eps).
    @Test func matchesDirectSolve() throws {
        let x = normal([15, 3], seed: 1), xt = normal([6, 3], seed: 2)
        let kernel = Kernel.rbf(lengthScale: 1.3)
        let y = normal([15, 2], seed: 3)
        let krr = try KernelRidgeRegression(kernel: kernel, inputs: x, targets: y, ridge: 0.05)
        let k = try kernel(x, x)
        let alpha = try solve(k + Tensor.eye(15) * 0.05, y)
        expectClose(krr.dualCoefficients, alpha, rtol: 1e-10, atol: 1e-12)
        expectClose(try krr.predict(xt), matmul(try kernel(xt, x), alpha), rtol: 1e-10, atol: 1e-12)
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
        expectClose(krr.predict(testTrainKernel: k), y, rtol: 1e-8, atol: 1e-8)
        expectClose(krr.dualCoefficients, matmul(try pinv(k), y), rtol: 1e-6, atol: 1e-8)
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
        expectClose(mean, matmul(kst, matmul(inverse, y)), rtol: 1e-10, atol: 1e-12)
        expectClose(covariance, kss - matmul(kst, matmul(inverse, kst, transposeB: true)), rtol: 1e-10, atol: 1e-12)
        #expect(asymmetry(covariance) < 1e-14)
        #expect(try relativeMinimumEigenvalue(covariance) > -1e-12)
        let noiseless = try GaussianProcessRegression(trainKernel: k, targets: y)
        let atTrain = noiseless.posterior(testTrainKernel: k, testKernel: k)
        expectClose(atTrain.mean, y, rtol: 1e-6, atol: 1e-7)
        #expect(atTrain.covariance.norm(.infinity) < 1e-7 * k.norm(.infinity))
    }
}

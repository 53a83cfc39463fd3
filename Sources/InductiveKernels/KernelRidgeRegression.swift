import Foundation
import InductiveNN
import InductiveTensor

/// Kernel ridge regression: the dual coefficients α = (K + ρ I)⁺ Y on the training points
/// and the predictor f(x) = K(x, X) α.
///
/// The inverse goes through the eigendecomposition K = V diag(λ) V^T, never Cholesky:
/// (K + ρI)⁺ = V diag(1 / (λ_i + ρ)) V^T with the terms λ_i + ρ <= rcond · max(λ + ρ)
/// dropped (a pseudo-inverse), so a singular or near-singular kernel (repeated inputs,
/// ρ = 0) gives finite predictions: the minimum-norm interpolant. ρ = 0 is kernel
/// "ridgeless" regression, the t → ∞ limit of gradient descent from f_0 = 0.
///
/// Shapes: K [N, N], Y [N] or [N, k]; predictions [M] or [M, k] from K(x*, X) [M, N].
/// Cost: one O(N³) eigendecomposition, then 2 M N k flops per prediction.
public struct KernelRidgeRegression: Sendable {
    /// The eigensystem of K (without the ridge).
    public let eigensystem: KernelEigensystem
    /// ρ.
    public let ridge: Double
    /// α = (K + ρI)⁺ Y, shaped like Y.
    public let dualCoefficients: Tensor
    /// The kernel function and training inputs, when built from them.
    public let kernel: Kernel?
    /// The training inputs, when built from a kernel function.
    public let inputs: Tensor?

    /// From a kernel matrix K [N, N] (lower triangle read) and targets Y [N] or [N, k].
    /// `rcond`: relative cutoff of the pseudo-inverse (default N ε).
    public init(trainKernel: Tensor, targets: Tensor, ridge: Double = 0, rcond: Double? = nil) throws {
        try self.init(eigensystem: KernelEigensystem(trainKernel), targets: targets, ridge: ridge, rcond: rcond,
                      kernel: nil, inputs: nil)
    }

    /// From a kernel function, training inputs X [N, ...] and targets.
    public init(kernel: Kernel, inputs: Tensor, targets: Tensor, ridge: Double = 0, rcond: Double? = nil) throws {
        try self.init(eigensystem: KernelEigensystem(kernel(inputs, inputs)), targets: targets, ridge: ridge,
                      rcond: rcond, kernel: kernel, inputs: inputs)
    }

    init(eigensystem: KernelEigensystem, targets: Tensor, ridge: Double, rcond: Double?, kernel: Kernel?, inputs: Tensor?) throws {
        precondition(targets.shape.first == eigensystem.count && targets.rank <= 2,
                     "KernelRidgeRegression: targets \(targets.shape) for a kernel on \(eigensystem.count) points")
        precondition(ridge >= 0 && ridge.isFinite, "KernelRidgeRegression: ridge must be finite and >= 0")
        guard targets.isFinite else { throw NonFiniteInput(what: "KernelRidgeRegression: the targets") }
        self.eigensystem = eigensystem
        self.ridge = ridge
        self.kernel = kernel
        self.inputs = inputs
        let shifted = eigensystem.eigenvalues.scalars.map { $0 + ridge }
        let cut = (rcond ?? Double(Swift.max(eigensystem.count, 1)) * Double.ulpOfOne) * Swift.max(shifted.max() ?? 0, 0)
        dualCoefficients = eigensystem.apply({ l in let v = l + ridge; return v > cut ? 1 / v : 0 }, to: targets)
    }

    /// K(x*, X) α for a test-train kernel [M, N]: [M] or [M, k].
    public func predict(testTrainKernel: Tensor) -> Tensor {
        precondition(testTrainKernel.rank == 2 && testTrainKernel.shape[1] == eigensystem.count,
                     "KernelRidgeRegression.predict: expected [M, \(eigensystem.count)], got \(testTrainKernel.shape)")
        return matmul(testTrainKernel, dualCoefficients)
    }

    /// Predictions at new inputs (only for a regression built from a kernel function).
    public func predict(_ x: Tensor) throws -> Tensor {
        guard let kernel, let inputs else { preconditionFailure("KernelRidgeRegression.predict(_:): built from a matrix; use predict(testTrainKernel:)") }
        return predict(testTrainKernel: try kernel(x, inputs))
    }
}

/// Gaussian-process regression (the Bayesian posterior of the NNGP, Lee et al. 2018): with
/// prior f ~ GP(0, K) and observations Y = f(X) + N(0, σ² I),
///
///     mean(x*)  = K(x*, X) (K + σ² I)⁻¹ Y,
///     cov(x*)   = K(x*, x*) - K(x*, X) (K + σ² I)⁻¹ K(X, x*).
///
/// Through the eigendecomposition of K (pseudo-inverse as in `KernelRidgeRegression`), so
/// σ² = 0 with a singular kernel stays finite. The covariance is symmetric by
/// construction; rounding can leave diagonal entries slightly below 0 when the posterior
/// variance is ~0 (test points equal to noiseless training points).
///
/// Shapes: K [N, N], Y [N] or [N, k], K(x*, X) [M, N], K(x*, x*) [M, M]; mean [M] or
/// [M, k], covariance [M, M] (shared by all outputs). Cost: O(N³) once, then
/// O(M N² + M² N) per posterior.
public struct GaussianProcessRegression: Sendable {
    /// The posterior mean is this regression with ridge σ².
    public let regression: KernelRidgeRegression
    /// σ².
    public var noiseVariance: Double { regression.ridge }

    /// From the train kernel K [N, N], targets Y and the observation noise σ² >= 0.
    public init(trainKernel: Tensor, targets: Tensor, noiseVariance: Double = 0, rcond: Double? = nil) throws {
        regression = try KernelRidgeRegression(trainKernel: trainKernel, targets: targets, ridge: noiseVariance, rcond: rcond)
    }

    /// The posterior mean at test points.
    public func mean(testTrainKernel: Tensor) -> Tensor { regression.predict(testTrainKernel: testTrainKernel) }

    /// The posterior mean and covariance at test points.
    public func posterior(testTrainKernel: Tensor, testKernel: Tensor) -> (mean: Tensor, covariance: Tensor) {
        let m = testTrainKernel.shape[0]
        precondition(testKernel.shape == [m, m], "GaussianProcessRegression: test kernel \(testKernel.shape), expected [\(m), \(m)]")
        let es = regression.eigensystem
        let shifted = es.eigenvalues.scalars.map { $0 + noiseVariance }
        let cut = Double(Swift.max(es.count, 1)) * Double.ulpOfOne * Swift.max(shifted.max() ?? 0, 0)
        // B = K(x*, X) V diag((λ + σ²)^(-1/2)), so that the subtracted term is B B^T.
        let scales = Tensor(shifted.map { $0 > cut ? 1 / $0.squareRoot() : 0 })
        let b = matmul(testTrainKernel, es.eigenvectors) * scales
        return (mean(testTrainKernel: testTrainKernel), testKernel - b.gramRows())
    }
}

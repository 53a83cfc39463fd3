import InductiveTensor

/// The factorization a `factorizedCompletion` run optimizes.
public enum MatrixFactorization: Sendable, Equatable {
    /// X = U U^T with U [n, k] (X symmetric positive semidefinite; needs a square, symmetric problem).
    case symmetric
    /// X = U V^T with U [m, k], V [n, k].
    case general
}

/// The end point of gradient descent on a factorized matrix-completion loss.
public struct FactorizedCompletion: Sendable, Equatable {
    /// X = U U^T or U V^T at the last step.
    public var matrix: Tensor
    /// U [m, k] and, for `.general`, V [n, k] (for `.symmetric`, `v == u`).
    public var u: Tensor
    public var v: Tensor
    /// ||P_obs(X - M)||_F / ||P_obs(M)||_F at the last step.
    public var relativeResidual: Double
    /// Steps taken; `residual` is `relativeResidual`; converged when it fell below the tolerance.
    public var diagnostics: SolverDiagnostics
}

/// Gradient descent on a factorized matrix-completion loss from a small initialization,
///
///     L(U, V) = (1/2) || P_obs(U V^T - M) ||_F^2        (V = U for `.symmetric`)
///
/// with gradients, for R = P_obs(U V^T - M),
///
///     grad_U = R V,  grad_V = R^T U          (general)
///     grad_U = (R + R^T) U                   (symmetric, X = U U^T)
///
/// from U_0 = initScale * G / sqrt(k) (and V_0 likewise), G with N(0, 1) entries, so that
/// ||U_0 U_0^T||_op is of order initScale^2. With full width k = n the factorization does not
/// limit the rank: any preference for low rank (small nuclear norm) comes from the dynamics
/// alone. Gunasekar et al. (2017) conjecture, and the experiment `ib.matrix-completion`
/// measures, that the limit approaches the minimum nuclear-norm completion as initScale -> 0.
///
/// - Shapes: `observed` [m, n] (unobserved entries ignored), `mask` [m, n] of 0/1; for
///   `.symmetric`, m = n and both symmetric.
/// - Step: `learningRate`, the caller's choice. Near a completion X the Hessian is at most
///   4 ||X||_op (symmetric) or 2 ||X||_op (general, balanced factors), so learningRate below
///   1 / (2 ||X||_op), resp. 1 / ||X||_op, is stable there (sufficient, not necessary: the mask
///   lowers the curvature). `ib.matrix-completion` uses 0.25 / ||P_obs(M)||_op, twice that for U V^T.
/// - Cost: O(m n k) per step (three matrix products).
/// - Stopping rule: `relativeResidual` <= `tolerance` (default 1e-10) or `maxSteps`.
/// - Throws: `SolverInputError` for mismatched shapes, a mask that is not 0/1, a nonpositive
///   step, scale or rank, or (for `.symmetric`) a non-square problem or asymmetric mask.
public func factorizedCompletion(
    _ observed: Tensor, mask: Tensor, factorization: MatrixFactorization, rank k: Int? = nil, initScale: Double,
    learningRate: Double, tolerance: Double = 1e-10, maxSteps: Int = 100_000, using rng: inout RandomGenerator
) throws -> FactorizedCompletion {
    guard observed.rank == 2 && mask.shape == observed.shape else {
        throw SolverInputError("factorizedCompletion: need matrices of one shape, got \(observed.shape) and mask \(mask.shape)")
    }
    guard mask.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw SolverInputError("factorizedCompletion: mask entries must be 0 or 1") }
    guard initScale > 0 && learningRate > 0 else { throw SolverInputError("factorizedCompletion: initScale and learningRate must be positive") }
    let m = observed.shape[0], n = observed.shape[1]
    if factorization == .symmetric {
        guard m == n && mask == mask.transposed() else {
            throw SolverInputError("factorizedCompletion: U U^T needs a square problem with a symmetric mask")
        }
    }
    let width = k ?? Swift.max(m, n)
    guard width >= 1 else { throw SolverInputError("factorizedCompletion: rank must be positive") }
    let target = observed * mask
    let scale = Swift.max(target.norm(), Double.leastNormalMagnitude)
    let factor = initScale / Double(width).squareRoot()
    var u = Tensor.randomNormal([m, width], using: &rng) * factor
    var v = factorization == .symmetric ? u : Tensor.randomNormal([n, width], using: &rng) * factor
    var steps = 0
    var residual = Double.infinity
    while true {
        let r = (matmul(u, v, transposeB: true) - target) * mask
        residual = r.norm() / scale
        if residual <= tolerance || steps == maxSteps || !residual.isFinite { break }
        steps += 1
        switch factorization {
        case .symmetric:
            u -= matmul(r + r.transposed(), u) * learningRate
            v = u
        case .general:
            let gu = matmul(r, v), gv = matmul(r, u, transposeA: true)
            u -= gu * learningRate
            v -= gv * learningRate
        }
    }
    return FactorizedCompletion(
        matrix: matmul(u, v, transposeB: true), u: u, v: v, relativeResidual: residual,
        diagnostics: SolverDiagnostics(iterations: steps, residual: residual, converged: residual <= tolerance))
}

import InductiveTensor

/// A minimum nuclear-norm completion and its certificate.
public struct MatrixCompletionSolution: Sendable, Equatable {
    /// The completed matrix Z (shape of the input).
    public var matrix: Tensor
    /// ||Z||_* (sum of singular values).
    public var nuclearNorm: Double
    /// max over observed (i, j) of |Z_ij - M_ij|, divided by max over observed |M_ij|.
    public var constraintViolation: Double
    /// Relative duality gap (||X||_* - <Y, M>) / ||X||_* for the feasible X (Z with the observed
    /// entries reset to M) and the dual-feasible Y built from the multipliers (see
    /// `minimumNuclearNormCompletion`): an upper bound on the relative suboptimality of X.
    public var dualityGap: Double
    /// Iterations; `residual` is max(relative primal, relative dual residual); converged flag.
    public var diagnostics: SolverDiagnostics
}

/// Minimum nuclear-norm matrix completion,
///
///     Z = argmin ||Z||_*  subject to  Z_ij = M_ij for every observed (i, j),
///
/// by ADMM on the split X = Z (X carries the equality constraints, Z the nuclear norm):
///
///     X <- P_obs(M) + P_unobs(Z - U)                   (projection onto the constraints)
///     Z <- SVT_{1/rho}(X + U)                          (singular value soft-thresholding)
///     U <- U + X - Z                                    (scaled multiplier)
///
/// with SVT_t(A) = U_A max(S_A - t, 0) V_A^T. The penalty rho is rebalanced (doubled or
/// halved, Boyd et al. 2011 section 3.4.1) when one residual exceeds the other tenfold.
///
/// - Shapes: `observed` [m, n] (its unobserved entries are ignored) and `mask` [m, n] with
///   1 for observed and 0 for unobserved entries.
/// - Cost: one SVD per iteration, O(m n min(m, n)).
/// - Stopping rule: the relative primal residual ||X - Z||_F / ||P_obs(M)||_F and the relative
///   dual residual rho ||Z - Z_prev||_F / ||P_obs(M)||_F both <= `tolerance` (default 1e-9), or
///   `maxIterations` (default 20,000).
/// - Certificate: at the optimum, Y = rho U lies in the subdifferential of ||.||_* at Z and
///   vanishes off the observed set; Y_hat = P_obs(Y) / max(1, ||P_obs(Y)||_op) is dual feasible
///   for max <Y, M> s.t. ||Y||_op <= 1, Y supported on the observed set, and gives the reported gap.
/// - Throws: `SolverInputError` for mismatched shapes or a mask that is not 0/1;
///   `LinearAlgebraError` if an SVD fails (non-finite data).
public func minimumNuclearNormCompletion(
    _ observed: Tensor, mask: Tensor, tolerance: Double = 1e-9, maxIterations: Int = 20_000
) throws -> MatrixCompletionSolution {
    guard observed.rank == 2 && mask.shape == observed.shape else {
        throw SolverInputError("minimumNuclearNormCompletion: need matrices of one shape, got \(observed.shape) and mask \(mask.shape)")
    }
    guard mask.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw SolverInputError("minimumNuclearNormCompletion: mask entries must be 0 or 1") }
    let (z, u, rho, iterations, residual) = try completionADMM(observed, mask: mask, tolerance: tolerance,
                                                                maxIterations: maxIterations) { a, t in
        let (uu, s, vt) = try svd(a)
        return matmul(uu * s.map { Swift.max($0 - t, 0) }, vt)
    }
    let unobserved = 1 - mask
    let target = observed * mask
    let nuclear = try singularValues(z).sumAll()
    let observedMax = Swift.max((abs(target)).maxAll(), Double.leastNormalMagnitude)
    let violation = (abs(z - target) * mask).maxAll() / observedMax
    let feasible = target + unobserved * z
    let y = (u * rho) * mask
    let yNorm = try singularValues(y).scalars.first ?? 0
    let dualValue = dot(y, target) / Swift.max(1, yNorm)
    let primalValue = try singularValues(feasible).sumAll()
    let gap = primalValue > 0 ? (primalValue - dualValue) / primalValue : 0
    return MatrixCompletionSolution(
        matrix: z, nuclearNorm: nuclear, constraintViolation: violation, dualityGap: gap,
        diagnostics: SolverDiagnostics(iterations: iterations, residual: residual, converged: residual <= tolerance))
}

/// The ADMM loop shared by the completion solvers: X carries the observed entries, Z the
/// objective through `proximal(A, t)` (the proximal map of t times the objective at A).
/// Returns (Z, scaled multiplier U, final rho, iterations, residual).
private func completionADMM(
    _ observed: Tensor, mask: Tensor, tolerance: Double, maxIterations: Int,
    proximal: (Tensor, Double) throws -> Tensor
) throws -> (Tensor, Tensor, Double, Int, Double) {
    let unobserved = 1 - mask
    let target = observed * mask
    let scale = Swift.max(target.norm(), Double.leastNormalMagnitude)
    let (_, s0, _) = try svd(target)
    var rho = 1 / Swift.max(0.1 * (s0.scalars.first ?? 1), Double.leastNormalMagnitude)
    var z = target
    var u = Tensor.zeros(like: target)
    var x = target
    var iterations = 0
    var residual = Double.infinity
    while iterations < maxIterations {
        iterations += 1
        x = target + unobserved * (z - u)
        let zPrevious = z
        z = try proximal(x + u, 1 / rho)
        u += x - z
        let primal = (x - z).norm() / scale
        let dual = rho * (z - zPrevious).norm() / scale
        residual = Swift.max(primal, dual)
        if residual <= tolerance { break }
        // Rebalancing is limited to every 10th of the first 2,000 iterations: ADMM converges
        // for any fixed rho, and a rho that keeps changing can stall it.
        guard iterations % 10 == 0 && iterations <= 2_000 else { continue }
        if primal > 10 * dual {
            rho *= 2; u *= 0.5
        } else if dual > 10 * primal {
            rho *= 0.5; u *= 2
        }
    }
    return (z, u, rho, iterations, residual)
}

/// A minimum-trace positive semidefinite completion and its certificate.
public struct PSDCompletionSolution: Sendable, Equatable {
    /// The completed matrix Z, symmetric positive semidefinite by construction (shape of the input).
    public var matrix: Tensor
    /// tr(Z) = ||Z||_* (Z is PSD).
    public var trace: Double
    /// max over observed (i, j) of |Z_ij - M_ij|, divided by max over observed |M_ij|.
    public var constraintViolation: Double
    /// Relative duality gap (tr Z - <Y, M>) / tr Z with the dual-feasible Y built from the
    /// multipliers (see `minimumTracePSDCompletion`): an upper bound on the relative
    /// suboptimality of Z, up to `constraintViolation`.
    public var dualityGap: Double
    /// Iterations; `residual` is max(relative primal, relative dual residual); converged flag.
    public var diagnostics: SolverDiagnostics
}

/// Minimum-trace positive semidefinite completion (the minimum nuclear norm among PSD
/// completions, since ||Z||_* = tr Z for Z PSD),
///
///     Z = argmin tr(Z)  subject to  Z PSD  and  Z_ij = M_ij for every observed (i, j),
///
/// the convex problem that gradient descent on a factorization U U^T from small
/// initialization is compared with. The same ADMM as `minimumNuclearNormCompletion`, with
/// the Z-step the proximal map of t tr(Z) + indicator(Z PSD): for sym(A) = Q diag(l) Q^T,
/// Z = Q diag(max(l - t, 0)) Q^T.
///
/// - Shapes: symmetric `observed` [n, n] (unobserved entries ignored) and a symmetric 0/1
///   `mask` [n, n].
/// - Cost: one symmetric eigendecomposition per iteration, O(n^3).
/// - Stopping rule: as `minimumNuclearNormCompletion` (both relative residuals <= `tolerance`).
/// - Certificate: the dual is max <Y, M> s.t. I - Y PSD, Y symmetric and supported on the
///   observed set (weak duality: tr Z - <Y, M> = <I - Y, Z> >= 0 for feasible Z). At the
///   optimum rho U = I - S with S PSD; Y = P_obs(rho U) / max(1, lambda_max(P_obs(rho U))) is
///   dual feasible and gives the reported gap.
/// - Throws: `SolverInputError` for a non-square problem, mismatched shapes, a mask that is
///   not 0/1 or not symmetric, or asymmetric observed entries; `LinearAlgebraError` if an
///   eigendecomposition fails (non-finite data).
public func minimumTracePSDCompletion(
    _ observed: Tensor, mask: Tensor, tolerance: Double = 1e-9, maxIterations: Int = 20_000
) throws -> PSDCompletionSolution {
    guard observed.rank == 2 && observed.shape[0] == observed.shape[1] && mask.shape == observed.shape else {
        throw SolverInputError("minimumTracePSDCompletion: need square matrices of one shape, got \(observed.shape) and mask \(mask.shape)")
    }
    guard mask.scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw SolverInputError("minimumTracePSDCompletion: mask entries must be 0 or 1") }
    guard mask == mask.transposed() else { throw SolverInputError("minimumTracePSDCompletion: the mask must be symmetric") }
    let target = observed * mask
    guard target == target.transposed() else { throw SolverInputError("minimumTracePSDCompletion: the observed entries must be symmetric") }
    let (z, u, rho, iterations, residual) = try completionADMM(observed, mask: mask, tolerance: tolerance,
                                                                maxIterations: maxIterations) { a, t in
        let (l, q) = try eigh((a + a.transposed()) * 0.5)
        return matmul(q * l.map { Swift.max($0 - t, 0) }, q, transposeB: true)
    }
    let symmetric = (z + z.transposed()) * 0.5
    let trace = (0..<z.shape[0]).reduce(0.0) { $0 + symmetric[$1, $1] }
    let observedMax = Swift.max(abs(target).maxAll(), Double.leastNormalMagnitude)
    let violation = (abs(symmetric - target) * mask).maxAll() / observedMax
    var y = (u * rho) * mask
    y = (y + y.transposed()) * 0.5
    let top = try eigvalsh(y).maxAll()
    let dualValue = dot(y, target) / Swift.max(1, top)
    let gap = trace > 0 ? (trace - dualValue) / trace : 0
    return PSDCompletionSolution(
        matrix: symmetric, trace: trace, constraintViolation: violation, dualityGap: gap,
        diagnostics: SolverDiagnostics(iterations: iterations, residual: residual, converged: residual <= tolerance))
}

import InductiveTensor

/// Coefficients of a linear model and how the solver got them.
public struct LinearFit: Sendable, Equatable {
    /// The coefficients: shape [p] for a target vector y of shape [n], [p, k] for y of shape [n, k].
    public var coefficients: Tensor
    /// Iterations, final residual (see the solver) and convergence flag.
    public var diagnostics: SolverDiagnostics

    /// Creates a fit from coefficients and diagnostics.
    public init(coefficients: Tensor, diagnostics: SolverDiagnostics) {
        self.coefficients = coefficients
        self.diagnostics = diagnostics
    }
}

/// Direct solvers are "converged" when their relative stationarity residual is below
/// sqrt(machine epsilon): above that, the system was too ill-conditioned for double precision.
let directSolverTolerance = Double.ulpOfOne.squareRoot()

private func checkRegressionShapes(_ name: String, _ x: Tensor, _ y: Tensor) {
    precondition(x.rank == 2, "\(name): X must be a matrix, got shape \(x.shape)")
    precondition((y.rank == 1 || y.rank == 2) && y.shape[0] == x.shape[0],
                 "\(name): X is \(x.shape) but y is \(y.shape) (need y of shape [\(x.shape[0])] or [\(x.shape[0]), k])")
}

/// Relative stationarity residual ||X^T (X w - y) + P w||_F / max(||X^T y||_F, tiny) of
/// min ||X w - y||^2 + w^T P w (P given as a matrix, a per-feature vector, or nil for 0).
func stationarityResidual(_ x: Tensor, _ y: Tensor, _ w: Tensor, penalty: Tensor?) -> Double {
    var g = matmul(x, matmul(x, w) - y, transposeA: true)
    if let p = penalty {
        if p.rank == 2 { g += matmul(p, w) } else { g += (w.rank == 1 ? p * w : p.reshaped([p.count, 1]) * w) }
    }
    let scale = matmul(x, y, transposeA: true).norm()
    return g.norm() / Swift.max(scale, Double.leastNormalMagnitude)
}

/// The accuracy criterion that decides between the normal equations and a rank-revealing
/// solve: Cholesky of G = X^T X + P gives w with relative error about eps kappa(G), so it is
/// used only when LAPACK's estimate of 1/kappa(G) is at least sqrt(eps) (at least half the
/// digits survive). Below that, and for every G that is singular in exact arithmetic (whose
/// rounded Cholesky may or may not complete, depending on the BLAS kernels), the stacked
/// problem [X; R] w = [y; 0] with R^T R = P is solved by SVD (`dgelsd`): its error grows like
/// kappa(G)^(1/2) eps, and its rank cutoff (singular values below eps max(m, n) s_max) is an
/// explicit tolerance that returns the minimum-norm solution when G is singular.
public let normalEquationsReciprocalConditionLimit = Double.ulpOfOne.squareRoot()

/// The Cholesky factorization of `gram` when it is accurate enough to solve with (estimated
/// 1/kappa >= `normalEquationsReciprocalConditionLimit`), else nil: the one place where the
/// solvers decide between the normal equations and a rank-revealing route.
func wellConditionedCholesky(_ gram: Tensor) throws -> CholeskyFactorization? {
    guard let factor = try choleskyFactorization(gram),
          factor.reciprocalCondition >= normalEquationsReciprocalConditionLimit else { return nil }
    return factor
}

/// argmin ||X w - y||^2 + ||R w||^2 where G = X^T X + R^T R is already formed: Cholesky of G
/// when it is well conditioned, else the minimum-norm solution of the stacked problem.
private func solveRegularizedNormalEquations(
    _ x: Tensor, _ y: Tensor, gram: Tensor, root: () throws -> Tensor
) throws -> Tensor {
    if let factor = try wellConditionedCholesky(gram) { return try factor.solve(matmul(x, y, transposeA: true)) }
    return try stackedMinimumNorm(x, y, root: try root())
}

/// Ridge through the thin SVD X = U diag(s) V^T (n < p): w = V diag(s / (s^2 + alpha)) U^T y,
/// accurate whatever the conditioning (the filter factors vanish smoothly as s -> 0, so no
/// cutoff is needed for alpha > 0). Cost O(n^2 p) time and O(n p) memory, unlike the
/// stacked (n + p) x p problem.
private func ridgeThroughSVD(_ x: Tensor, _ y: Tensor, alpha: Double) throws -> Tensor {
    let (u, s, vt) = try svd(x)
    let filter = s / (s * s + alpha)
    let projected = matmul(u, y, transposeA: true)  // [r] or [r, k]
    let scaled = y.rank == 1 ? projected * filter : projected * filter.reshaped([filter.count, 1])
    return matmul(vt, scaled, transposeA: true)
}

/// The minimum-norm solution of [X; R] w = [y; 0] (dgelsd).
private func stackedMinimumNorm(_ x: Tensor, _ y: Tensor, root: Tensor) throws -> Tensor {
    let stacked = Tensor.concatenate([x, root], axis: 0)
    let zeros = Tensor.zeros(y.rank == 1 ? [root.shape[0]] : [root.shape[0], y.shape[1]])
    return try lstsq(stacked, Tensor.concatenate([y, zeros], axis: 0)).solution
}

/// Ridge regression: w = argmin ||X w - y||^2 + alpha ||w||^2 = (X^T X + alpha I)^-1 X^T y.
///
/// - Shapes: X is [n, p]; y is [n] (w is [p]) or [n, k] (w is [p, k], one column per target).
/// - `alpha` >= 0; `alpha == 0` gives the minimum-norm least-squares solution
///   (`minimumNormLeastSquares`), which is also the limit alpha -> 0+.
/// - Method: Cholesky of the smaller Gram matrix, X^T X + alpha I (p x p, cost O(n p^2)) when
///   n >= p, else X X^T + alpha I (n x n, w = X^T (X X^T + alpha I)^-1 y, cost O(n^2 p)).
///   When alpha is so small that the Gram matrix's estimated reciprocal condition number is
///   below sqrt(eps) (`normalEquationsReciprocalConditionLimit`), an SVD route is taken
///   instead: for n >= p the stacked problem [X; sqrt(alpha) I] w = [y; 0] (cost
///   O((n + p) p^2)), for n < p the filter w = V diag(s / (s^2 + alpha)) U^T y of the thin
///   SVD of X (cost O(n^2 p)).
/// - Diagnostics: one iteration; `residual` is the relative stationarity residual
///   ||X^T (X w - y) + alpha w|| / ||X^T y||; converged when it is below sqrt(machine epsilon).
/// - Throws: `LinearAlgebraError` for non-finite input.
public func ridge(_ x: Tensor, _ y: Tensor, alpha: Double) throws -> LinearFit {
    checkRegressionShapes("ridge", x, y)
    precondition(alpha >= 0, "ridge: alpha must be non-negative, got \(alpha)")
    if alpha == 0 { return try minimumNormLeastSquares(x, y) }
    let n = x.shape[0], p = x.shape[1]
    let w: Tensor
    if n >= p {
        let gram = matmul(x, x, transposeA: true) + Tensor.eye(p) * alpha
        w = try solveRegularizedNormalEquations(x, y, gram: gram) { Tensor.eye(p) * alpha.squareRoot() }
    } else if let factor = try wellConditionedCholesky(x.gramRows() + Tensor.eye(n) * alpha) {
        w = matmul(x, try factor.solve(y), transposeA: true)
    } else {
        w = try ridgeThroughSVD(x, y, alpha: alpha)
    }
    let r = stationarityResidual(x, y, w, penalty: Tensor.full([p], alpha))
    return LinearFit(coefficients: w, diagnostics: SolverDiagnostics(iterations: 1, residual: r, converged: r <= directSolverTolerance))
}

/// Generalized ridge: w = argmin ||X w - y||^2 + w^T P w = (X^T X + P)^-1 X^T y.
///
/// - `penalty`: a vector d of shape [p] (P = diag(d), a per-feature penalty, d_i >= 0) or a
///   symmetric positive semidefinite matrix P of shape [p, p].
/// - Shapes of X, y and w as in `ridge(_:_:alpha:)`.
/// - Method: for a positive vector and n < p, the dual form w = D^-1 X^T (X D^-1 X^T + I)^-1 y
///   (cost O(n^2 p)); otherwise Cholesky of X^T X + P (O(n p^2)). Whenever the matrix
///   factored has an estimated reciprocal condition number below sqrt(eps)
///   (`normalEquationsReciprocalConditionLimit`), in particular when X^T X + P is singular (P
///   only semidefinite and X rank-deficient), the minimum-norm solution of the stacked
///   least-squares problem [X; P^(1/2)] w = [y; 0] is returned instead (SVD, `dgelsd`); in
///   the dual case the SVD of X D^-1/2 instead (O(n^2 p), D > 0 so the problem is regular).
/// - Diagnostics: one iteration; `residual` is ||X^T (X w - y) + P w|| / ||X^T y||, converged
///   when below sqrt(machine epsilon).
/// - Throws: `LinearAlgebraError` for non-finite input.
public func ridge(_ x: Tensor, _ y: Tensor, penalty: Tensor) throws -> LinearFit {
    checkRegressionShapes("ridge", x, y)
    let n = x.shape[0], p = x.shape[1]
    precondition((penalty.rank == 1 && penalty.count == p) || penalty.shape == [p, p],
                 "ridge: penalty must have shape [\(p)] or [\(p), \(p)] for X of shape \(x.shape), got \(penalty.shape)")
    let root = {
        penalty.rank == 1 ? Tensor.diagonal(penalty.map { Swift.max($0, 0).squareRoot() }) : try symmetricSqrt(penalty)
    }
    var w: Tensor
    if penalty.rank == 1 && n < p && penalty.scalars.allSatisfy({ $0 > 0 }) {
        let inverse = 1 / penalty
        let scaled = x * inverse  // X D^-1, broadcasting over rows
        let gram = matmul(scaled, x, transposeB: true) + Tensor.eye(n)
        if let factor = try wellConditionedCholesky(gram) {
            w = matmul(scaled, try factor.solve(y), transposeA: true)
        } else {
            // w = D^-1/2 v with v the ridge solution (alpha = 1) for X D^-1/2: O(n^2 p).
            let rootInverse = inverse.map { $0.squareRoot() }
            w = try ridgeThroughSVD(x * rootInverse, y, alpha: 1) * (y.rank == 1 ? rootInverse : rootInverse.reshaped([p, 1]))
        }
    } else {
        let matrix = penalty.rank == 1 ? Tensor.diagonal(penalty) : penalty
        w = try solveRegularizedNormalEquations(x, y, gram: matmul(x, x, transposeA: true) + matrix, root: root)
    }
    let r = stationarityResidual(x, y, w, penalty: penalty)
    return LinearFit(coefficients: w, diagnostics: SolverDiagnostics(iterations: 1, residual: r, converged: r <= directSolverTolerance))
}

/// Minimum-norm least squares: among the minimizers of ||X w - y||, the one closest to x0,
///
///     w = x0 + X^+ (y - X x0),
///
/// which for x0 = 0 (the default) is the minimum-norm solution X^+ y. This is also the limit
/// of gradient descent on ||X w - y||^2 started at x0 (with a stable step): the component of
/// x0 in the null space of X never moves, w = V2 V2^T x0 + X^+ y.
///
/// - Shapes: X [n, p]; y [n] or [n, k]; x0 (optional) with w's shape, [p] or [p, k].
/// - Method: LAPACK `dgelsd` (SVD-based, singular values below eps * max(n, p) * s_max are
///   treated as zero); cost O(n p min(n, p)).
/// - Diagnostics: one iteration; `residual` is the relative normal-equation residual
///   ||X^T (X w - y)|| / ||X^T y||; converged when below sqrt(machine epsilon).
/// - Throws: `LinearAlgebraError` for non-finite input.
public func minimumNormLeastSquares(_ x: Tensor, _ y: Tensor, closestTo x0: Tensor? = nil) throws -> LinearFit {
    checkRegressionShapes("minimumNormLeastSquares", x, y)
    var w: Tensor
    if let x0 {
        let expected = y.rank == 1 ? [x.shape[1]] : [x.shape[1], y.shape[1]]
        precondition(x0.shape == expected, "minimumNormLeastSquares: x0 must have shape \(expected), got \(x0.shape)")
        w = x0 + (try lstsq(x, y - matmul(x, x0))).solution
    } else {
        w = try lstsq(x, y).solution
    }
    let r = stationarityResidual(x, y, w, penalty: nil)
    return LinearFit(coefficients: w, diagnostics: SolverDiagnostics(iterations: 1, residual: r, converged: r <= directSolverTolerance))
}

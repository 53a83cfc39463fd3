import InductiveTensor

/// Elastic net by cyclic coordinate descent:
///
///     w = argmin (1 / 2n) ||y - X w||^2 + alpha * l1Ratio * ||w||_1 + alpha * (1 - l1Ratio) / 2 * ||w||^2
///
/// (the scaling of scikit-learn's `ElasticNet`; `l1Ratio = 1` is the Lasso). No intercept:
/// centre X and y first if one is wanted.
///
/// - Shapes: X [n, p], y [n]; w [p]. `warmStart` (optional, shape [p]) is the first iterate.
/// - Update (one sweep over j = 1..p, residual r = y - X w kept current):
///   w_j <- S(X_j^T r + ||X_j||^2 w_j, n alpha l1Ratio) / (||X_j||^2 + n alpha (1 - l1Ratio)),
///   S(z, t) = sign(z) max(|z| - t, 0). Cost O(n p) per sweep.
/// - Stopping rule: after each sweep, the duality gap G(w) (below) divided by the objective's
///   value at w = 0, ||y||^2 / 2n, is compared with `tolerance` (default 1e-10). The gap is an
///   upper bound on the suboptimality of w, so the relative objective error is below tolerance
///   when the solver reports convergence. At most `maxIterations` sweeps (default 10,000).
/// - The gap: the elastic net is a Lasso on the augmented data [X; sqrt(beta) I], [y; 0]
///   (beta = n alpha (1 - l1Ratio), lambda = n alpha l1Ratio). With its residual
///   rt = [r; -sqrt(beta) w] and the dual point theta = s rt, s = min(1, lambda / ||X^T r - beta w||_inf),
///   G = (1/n) [ ||rt||^2 / 2 + lambda ||w||_1 - s y^T r + s^2 ||rt||^2 / 2 ] >= 0.
///   When l1Ratio = 0 (ridge) the gap is replaced by the strong-convexity bound
///   ||X^T r - beta w||^2 / (2 beta), again relative to ||y||^2 / 2 and in units of n.
/// - Diagnostics: sweeps, the final relative duality gap (or bound), converged flag.
public func elasticNet(
    _ x: Tensor, _ y: Tensor, alpha: Double, l1Ratio: Double = 0.5,
    tolerance: Double = 1e-10, maxIterations: Int = 10_000, warmStart: Tensor? = nil
) -> LinearFit {
    precondition(x.rank == 2 && y.rank == 1 && y.count == x.shape[0],
                 "elasticNet: need X [n, p] and y [n], got \(x.shape) and \(y.shape)")
    precondition(alpha >= 0, "elasticNet: alpha must be non-negative, got \(alpha)")
    precondition(l1Ratio >= 0 && l1Ratio <= 1, "elasticNet: l1Ratio must lie in [0, 1], got \(l1Ratio)")
    precondition(maxIterations >= 1, "elasticNet: maxIterations must be positive")
    let n = x.shape[0], p = x.shape[1]
    let lambda = Double(n) * alpha * l1Ratio
    let beta = Double(n) * alpha * (1 - l1Ratio)
    // Columns stored contiguously: each coordinate update reads one column.
    let columns = x.transposed().scalars
    var w = [Double](repeating: 0, count: p)
    if let warmStart {
        precondition(warmStart.shape == [p], "elasticNet: warmStart must have shape [\(p)], got \(warmStart.shape)")
        w = warmStart.scalars
    }
    var r = (y - matmul(x, Tensor(w))).scalars
    let ys = y.scalars
    var squaredNorms = [Double](repeating: 0, count: p)
    for j in 0..<p {
        var s = 0.0
        for i in 0..<n { let v = columns[j * n + i]; s += v * v }
        squaredNorms[j] = s
    }
    let scale = Swift.max(0.5 * ys.reduce(0) { $0 + $1 * $1 }, Double.leastNormalMagnitude)

    /// ||X^T r - beta w||^2, the squared gradient of the smooth part.
    func gradientNormSquared() -> Double {
        var total = 0.0
        for j in 0..<p {
            var c = 0.0
            for i in 0..<n { c += columns[j * n + i] * r[i] }
            let g = c - beta * w[j]
            total += g * g
        }
        return total
    }

    func relativeGap() -> Double {
        var rr = 0.0, yr = 0.0, l1 = 0.0, ww = 0.0
        for i in 0..<n { rr += r[i] * r[i]; yr += ys[i] * r[i] }
        var dualNorm = 0.0
        for j in 0..<p {
            var c = 0.0
            for i in 0..<n { c += columns[j * n + i] * r[i] }
            dualNorm = Swift.max(dualNorm, Swift.abs(c - beta * w[j]))
            l1 += Swift.abs(w[j]); ww += w[j] * w[j]
        }
        if lambda == 0 {
            // l1Ratio = 0 or alpha = 0: the Lasso dual below degenerates. With beta > 0 the
            // objective is beta-strongly convex, so P(w) - P* <= ||grad P(w)||^2 / (2 beta); with
            // alpha = 0 (plain least squares) the squared gradient norm itself is used.
            let g2 = gradientNormSquared()
            return (beta > 0 ? g2 / (2 * beta) : g2) / scale
        }
        let rtNorm2 = rr + beta * ww
        let s = dualNorm > lambda ? lambda / dualNorm : 1
        let gap = 0.5 * rtNorm2 + lambda * l1 - s * yr + 0.5 * s * s * rtNorm2
        return Swift.max(gap, 0) / scale
    }

    var iterations = 0
    var gap = relativeGap()
    while gap > tolerance && iterations < maxIterations {
        iterations += 1
        columns.withUnsafeBufferPointer { c in
            r.withUnsafeMutableBufferPointer { res in
                for j in 0..<p where squaredNorms[j] > 0 {
                    let col = c.baseAddress! + j * n
                    var z = 0.0
                    for i in 0..<n { z += col[i] * res[i] }
                    let old = w[j]
                    z += squaredNorms[j] * old
                    let shrunk = Swift.max(Swift.abs(z) - lambda, 0)
                    let new = shrunk == 0 ? 0 : (z > 0 ? shrunk : -shrunk) / (squaredNorms[j] + beta)
                    let delta = new - old
                    if delta != 0 {
                        for i in 0..<n { res[i] -= delta * col[i] }
                        w[j] = new
                    }
                }
            }
        }
        gap = relativeGap()
    }
    return LinearFit(coefficients: Tensor(w),
                     diagnostics: SolverDiagnostics(iterations: iterations, residual: gap, converged: gap <= tolerance))
}

/// The Lasso, w = argmin (1 / 2n) ||y - X w||^2 + alpha ||w||_1, by cyclic coordinate descent:
/// `elasticNet` with `l1Ratio = 1` (same shapes, stopping rule on the relative duality gap,
/// default tolerance 1e-10, at most `maxIterations` sweeps of cost O(n p) each).
public func lasso(
    _ x: Tensor, _ y: Tensor, alpha: Double,
    tolerance: Double = 1e-10, maxIterations: Int = 10_000, warmStart: Tensor? = nil
) -> LinearFit {
    elasticNet(x, y, alpha: alpha, l1Ratio: 1, tolerance: tolerance, maxIterations: maxIterations, warmStart: warmStart)
}

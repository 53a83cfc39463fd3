import InductiveTensor

/// A hard-margin linear SVM and its certificate of optimality.
public struct SVMSolution: Sendable, Equatable {
    /// The max-margin direction w (shape [d]); the geometric margin is 1 / ||w||.
    public var weights: Tensor
    /// The dual variables a_i >= 0 (shape [n]); w = sum_i a_i y_i x_i, support vectors have a_i > 0.
    public var dual: Tensor
    /// min_i y_i <w, x_i>: 1 at the optimum.
    public var minimumMargin: Double
    /// The relative duality gap (P - D) / P, P = ||w||^2 / 2, D = sum_i a_i - ||w||^2 / 2; 0 at the optimum.
    public var dualityGap: Double
    /// Sweeps; `residual` is the KKT violation (see `hardMarginSVM`); converged flag.
    public var diagnostics: SolverDiagnostics
}

/// Hard-margin linear SVM through the origin, by dual coordinate ascent:
///
///     w = argmin (1/2) ||w||^2  subject to  y_i <w, x_i> >= 1 for all i,
///
/// whose dual is max_{a >= 0} sum_i a_i - (1/2) ||sum_i a_i y_i x_i||^2. The direction w/||w||
/// is the maximum-margin separator that gradient descent on separable data converges to.
/// There is no bias: append a constant feature to the inputs for an affine separator (its
/// weight is then penalized too).
///
/// - Shapes: x [n, d], labels y [n] with entries +1 or -1.
/// - Update (cyclic sweeps over i, with w = sum a_i y_i x_i kept current):
///   a_i <- max(0, a_i + (1 - y_i <w, x_i>) / ||x_i||^2). Cost O(n d) per sweep.
/// - Stopping rule: the KKT violation
///   max( max_i (1 - y_i <w, x_i>)_+ , max_i a_i |y_i <w, x_i> - 1| / sum_j a_j )
///   (primal feasibility and complementary slackness, scale-free) <= `tolerance` (default 1e-10),
///   or `maxIterations` sweeps (default 100,000). The reported duality gap is
///   ((1/2)||w||^2 - (sum a - (1/2)||w||^2)) / ((1/2)||w||^2).
/// - If the data are not linearly separable the dual is unbounded: the iterates grow, the
///   cap is reached and `converged` is false.
public func hardMarginSVM(_ x: Tensor, _ y: Tensor, tolerance: Double = 1e-10, maxIterations: Int = 100_000) -> SVMSolution {
    precondition(x.rank == 2 && y.rank == 1 && y.count == x.shape[0],
                 "hardMarginSVM: need x [n, d] and y [n], got \(x.shape) and \(y.shape)")
    precondition(y.scalars.allSatisfy { $0 == 1 || $0 == -1 }, "hardMarginSVM: labels must be +1 or -1")
    let n = x.shape[0], d = x.shape[1]
    // Rows z_i = y_i x_i: the constraints read <w, z_i> >= 1.
    let z = (x * y.reshaped([n, 1])).scalars
    var squaredNorms = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var s = 0.0
        for k in 0..<d { s += z[i * d + k] * z[i * d + k] }
        precondition(s > 0, "hardMarginSVM: sample \(i) is the zero vector and can never have margin 1")
        squaredNorms[i] = s
    }
    var a = [Double](repeating: 0, count: n)
    var w = [Double](repeating: 0, count: d)

    func margins() -> [Double] {
        (0..<n).map { i in
            var s = 0.0
            for k in 0..<d { s += w[k] * z[i * d + k] }
            return s
        }
    }
    func kktViolation() -> Double {
        let m = margins()
        let total = Swift.max(a.reduce(0, +), Double.leastNormalMagnitude)
        var v = 0.0
        for i in 0..<n {
            v = Swift.max(v, 1 - m[i])
            v = Swift.max(v, a[i] * Swift.abs(m[i] - 1) / total)
        }
        return v
    }

    var iterations = 0
    var violation = kktViolation()
    while violation > tolerance && iterations < maxIterations {
        iterations += 1
        for i in 0..<n {
            var margin = 0.0
            for k in 0..<d { margin += w[k] * z[i * d + k] }
            let new = Swift.max(0, a[i] + (1 - margin) / squaredNorms[i])
            let delta = new - a[i]
            if delta != 0 {
                a[i] = new
                for k in 0..<d { w[k] += delta * z[i * d + k] }
            }
        }
        // The KKT check costs a sweep; do it every 10 sweeps once the first few are done.
        if iterations < 10 || iterations % 10 == 0 || iterations == maxIterations { violation = kktViolation() }
    }
    let ww = w.reduce(0) { $0 + $1 * $1 }
    let primal = 0.5 * ww, dualValue = a.reduce(0, +) - 0.5 * ww
    let gap = primal > 0 ? (primal - dualValue) / primal : .infinity
    return SVMSolution(weights: Tensor(w), dual: Tensor(a), minimumMargin: margins().min() ?? .infinity,
                       dualityGap: gap,
                       diagnostics: SolverDiagnostics(iterations: iterations, residual: violation, converged: violation <= tolerance))
}

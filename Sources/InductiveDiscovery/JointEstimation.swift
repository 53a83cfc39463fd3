import Foundation
import InductiveTensor

/// Settings of `jointStateParameterEstimate`.
public struct JointEstimationOptions: Sendable, Equatable {
    /// The collocation tolerance tau: the defect of step i in variable v enters the least squares
    /// divided by tau sigma_v, i.e. as a model error of standard deviation tau sigma_v per step.
    /// nil: 1 / samples, so that deviations from the model are penalized on every time scale
    /// shorter than the record (a random walk of tau sigma per step drifts by sigma only after
    /// 1 / tau^2 steps); scale-free (in units of the noise and the sampling).
    public var tolerance: Double? = nil
    /// Levenberg-Marquardt iterations at most.
    public var maxIterations: Int = 100
    /// `discoverODE`'s joint stage: after the threshold, also drop, one at a time, terms whose
    /// squared z-score (coefficient / standard error)^2 is below log(n d) (BIC).
    public var dropInsignificant: Bool = true

    /// The defaults listed above.
    public init() {}
}

/// The result of `jointStateParameterEstimate`.
public struct JointEstimate: Sendable {
    /// Coefficients, layout [terms, d] row-major (as `SparseRegressionFit.coefficients`), 0 off the support.
    public var coefficients: [Double]
    /// Gauss-Newton standard errors of the coefficients (same layout, 0 off the support): sqrt of
    /// the diagonal of the (pseudo-)inverse Schur complement at the solution, in the noise
    /// model's units (`identifiedStandardErrors`). +infinity for a coefficient the data do not
    /// identify (a term collinear with others or about 0 on the trajectory); NaN when the
    /// Jacobian at the solution is not finite.
    public var standardErrors: [Double]
    /// The denoised states X^ [n, d].
    public var states: Tensor
    /// Levenberg-Marquardt iterations taken, and whether the cost stopped decreasing before the cap.
    public var iterations: Int
    public var converged: Bool
    /// The tolerance tau used.
    public var tolerance: Double
}

/// x^e for small non-negative integer e.
@inline(__always) private func integerPower(_ x: Double, _ e: Int) -> Double {
    var r = 1.0
    for _ in 0..<e { r *= x }
    return r
}

/// Cholesky of the symmetric n x n matrix m (row-major) in place: the lower factor L (L L^T = m)
/// in the lower triangle. false when a pivot is not positive or not finite (callers use it only
/// on matrices positive definite by construction, so this is a rounding breakdown, answered by
/// more damping).
private func denseCholesky(_ m: inout [Double], _ n: Int, offset o: Int = 0) -> Bool {
    for j in 0..<n {
        var s = m[o + j * n + j]
        for k in 0..<j { s -= m[o + j * n + k] * m[o + j * n + k] }
        guard s > 0 && s.isFinite else { return false }
        let root = s.squareRoot()
        m[o + j * n + j] = root
        for i in (j + 1)..<n {
            var t = m[o + i * n + j]
            for k in 0..<j { t -= m[o + i * n + k] * m[o + j * n + k] }
            m[o + i * n + j] = t / root
        }
    }
    return true
}

/// Solves L z = b (forward, `transpose` false) or L^T z = b for the lower factor at l[o...],
/// n x n, on `columns` right-hand sides stored at b[bo + q * columns + c].
private func triangularSolve(_ l: [Double], _ o: Int, _ n: Int, _ b: inout [Double], _ bo: Int, columns: Int, transpose: Bool) {
    if !transpose {
        for q in 0..<n {
            for c in 0..<columns {
                var s = b[bo + q * columns + c]
                for k in 0..<q { s -= l[o + q * n + k] * b[bo + k * columns + c] }
                b[bo + q * columns + c] = s / l[o + q * n + q]
            }
        }
    } else {
        for q in stride(from: n - 1, through: 0, by: -1) {
            for c in 0..<columns {
                var s = b[bo + q * columns + c]
                for k in (q + 1)..<n { s -= l[o + k * n + q] * b[bo + k * columns + c] }
                b[bo + q * columns + c] = s / l[o + q * n + q]
            }
        }
    }
}

/// A symmetric positive definite block-tridiagonal matrix with n blocks of size d x d
/// (diagonal blocks D_i, upper blocks E_i = A[i, i+1]), factored as A = L L^T with L block lower
/// bidiagonal: L_ii = chol(D_i - W_(i-1)^T W_(i-1)), W_i = L_ii^-1 E_i (L[i+1, i] = W_i^T).
/// Cost O(n d^3) to factor, O(n d^2) per right-hand side to solve.
public struct BlockTridiagonalCholesky: Sendable {
    let n: Int, d: Int
    var l: [Double]  // [n, d, d] lower factors
    var w: [Double]  // [n - 1, d, d]

    /// Factors the matrix with diagonal blocks `diagonal` [n, d, d] and upper blocks `upper`
    /// [n - 1, d, d] (row-major). nil on a non-positive pivot: for a matrix positive definite
    /// by construction, a rounding breakdown.
    public init?(diagonal: [Double], upper: [Double], blocks n: Int, size d: Int) {
        precondition(n >= 1 && d >= 1 && diagonal.count == n * d * d && upper.count == (n - 1) * d * d, "block shapes")
        self.n = n
        self.d = d
        l = diagonal
        w = upper
        let dd = d * d
        for i in 0..<n {
            // D_i - W_(i-1)^T W_(i-1)
            if i > 0 {
                w.withUnsafeBufferPointer { pw in
                    l.withUnsafeMutableBufferPointer { pl in
                        let wi = pw.baseAddress! + (i - 1) * dd
                        Self.subtractTransposedProduct(wi, wi, from: pl.baseAddress! + i * dd, size: d, columns: d)
                    }
                }
            }
            guard denseCholesky(&l, d, offset: i * dd) else { return nil }
            if i < n - 1 { triangularSolve(l, i * dd, d, &w, i * dd, columns: d, transpose: false) }
        }
    }

    /// target[a, c] -= (W^T x)[a, c] for d x d W, and d x `columns` blocks x and target
    /// (row-major): the update of the factorization (x = W_(i-1)) and of the forward solve
    /// (x = z_(i-1)). x and target are disjoint blocks, possibly of one array.
    private static func subtractTransposedProduct(_ w: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
                                                  from target: UnsafeMutablePointer<Double>, size d: Int, columns: Int) {
        for a in 0..<d {
            for c in 0..<columns {
                var s = 0.0
                for k in 0..<d { s += w[k * d + a] * x[k * columns + c] }
                target[a * columns + c] -= s
            }
        }
    }

    /// Solves A x = b in place for `columns` right-hand sides, b laid out [n, d, columns].
    public func solve(_ b: inout [Double], columns: Int) {
        forwardSolve(&b, columns: columns)
        backwardSolve(&b, columns: columns)
    }

    /// The backward half of `solve`: x = L^-T z in place (z laid out [n, d, columns]).
    public func backwardSolve(_ b: inout [Double], columns: Int) {
        let dd = d * d, block = d * columns
        for i in stride(from: n - 1, through: 0, by: -1) {
            if i < n - 1 {
                for a in 0..<d {
                    for c in 0..<columns {
                        var s = 0.0
                        for k in 0..<d { s += w[i * dd + a * d + k] * b[(i + 1) * block + k * columns + c] }
                        b[i * block + a * columns + c] -= s
                    }
                }
            }
            triangularSolve(l, i * dd, d, &b, i * block, columns: columns, transpose: true)
        }
    }

    /// The forward half of `solve`: z = L^-1 b in place (b laid out [n, d, columns]).
    public func forwardSolve(_ b: inout [Double], columns: Int) {
        let dd = d * d, block = d * columns
        for i in 0..<n {
            // b_i -= W_(i-1)^T z_(i-1)
            if i > 0 {
                w.withUnsafeBufferPointer { pw in
                    b.withUnsafeMutableBufferPointer { pb in
                        Self.subtractTransposedProduct(pw.baseAddress! + (i - 1) * dd, pb.baseAddress! + (i - 1) * block,
                                                       from: pb.baseAddress! + i * block, size: d, columns: columns)
                    }
                }
            }
            triangularSolve(l, i * dd, d, &b, i * block, columns: columns, transpose: false)
        }
    }
}

/// The residuals and Jacobian of `jointStateParameterEstimate`'s least squares: states X [n, d]
/// and the coefficients c (the `parameters` nonzero entries of the start, ordered by equation
/// then term) on a polynomial support.
public struct JointCollocationProblem: Sendable {
    let y: [Double]            // [n, d] data
    let n: Int, d: Int
    let dt: Double
    let sigma: [Double]        // per variable
    let scale: [Double]        // tau sigma_v
    let terms: [[Int]]         // exponents of the distinct support terms
    let parameterTerm: [Int]   // parameter k -> index into terms
    let parameterEquation: [Int]

    /// The number of coefficients estimated.
    public var parameters: Int { parameterTerm.count }
    /// The start's nonzero coefficients in parameter order, and the support term of each.
    public let start: [Double]
    let supportTerms: [Int]
    let termCount: Int

    /// The problem for data y [n, d] (n >= 3), steps dt, library exponent rows `exponents`,
    /// start and support `coefficients` [terms, d] row-major, noise sigma per variable and
    /// tolerance tau; nil when these do not fit together or the support is empty.
    public init?(_ y: Tensor, dt: Double, exponents: [[Int]], coefficients: [Double], sigma: [Double], tolerance tau: Double) {
        guard y.rank == 2 else { return nil }
        let n = y.shape[0], d = y.shape[1], termCount = exponents.count
        guard n >= 3, d >= 1, coefficients.count == termCount * d, sigma.count == d, exponents.allSatisfy({ $0.count == d }),
              sigma.allSatisfy({ $0 > 0 && $0.isFinite }), dt > 0 && dt.isFinite, tau > 0 && tau.isFinite else { return nil }
        var supportTerms: [Int] = [], parameterTerm: [Int] = [], parameterEquation: [Int] = [], start: [Double] = []
        var termIndex: [Int: Int] = [:]
        for v in 0..<d {
            for j in 0..<termCount where coefficients[j * d + v] != 0 {
                if termIndex[j] == nil { termIndex[j] = supportTerms.count; supportTerms.append(j) }
                parameterTerm.append(termIndex[j]!)
                parameterEquation.append(v)
                start.append(coefficients[j * d + v])
            }
        }
        guard !start.isEmpty else { return nil }
        self.y = y.scalars; self.n = n; self.d = d; self.dt = dt; self.sigma = sigma; self.scale = sigma.map { tau * $0 }
        self.terms = supportTerms.map { exponents[$0] }; self.parameterTerm = parameterTerm; self.parameterEquation = parameterEquation
        self.start = start; self.supportTerms = supportTerms; self.termCount = termCount
    }

    /// Parameter-ordered coefficients written back to the full [terms, d] layout (0 off the support).
    public func fullCoefficients(_ c: [Double]) -> [Double] {
        var full = [Double](repeating: 0, count: termCount * d)
        for k in 0..<parameters { full[supportTerms[parameterTerm[k]] * d + parameterEquation[k]] = c[k] }
        return full
    }

    /// Values [n, terms] and gradients [n, terms, d] of the support monomials at the states.
    func monomials(_ x: [Double]) -> (values: [Double], gradients: [Double]) {
        let t = terms.count
        var values = [Double](repeating: 0, count: n * t), gradients = [Double](repeating: 0, count: n * t * d)
        for i in 0..<n {
            for (k, e) in terms.enumerated() {
                var v = 1.0
                for r in 0..<d { v *= integerPower(x[i * d + r], e[r]) }
                values[i * t + k] = v
                for q in 0..<d where e[q] > 0 {
                    var g = Double(e[q])
                    for r in 0..<d { g *= integerPower(x[i * d + r], r == q ? e[r] - 1 : e[r]) }
                    gradients[(i * t + k) * d + q] = g
                }
            }
        }
        return (values, gradients)
    }

    /// f(X_i) [n, d] from the monomial values.
    func rightHandSide(_ values: [Double], _ c: [Double]) -> [Double] {
        let t = terms.count
        var f = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            for k in 0..<parameters { f[i * d + parameterEquation[k]] += c[k] * values[i * t + parameterTerm[k]] }
        }
        return f
    }

    /// The residual vector: data part (X - Y) / sigma [n, d], then the trapezoid defects
    /// (X_(i+1) - X_i - dt/2 (f_i + f_(i+1))) / (tau sigma) [n - 1, d].
    public func residuals(_ x: [Double], _ c: [Double]) -> [Double] {
        let f = rightHandSide(monomials(x).values, c)
        var r = [Double](repeating: 0, count: (2 * n - 1) * d)
        for i in 0..<n { for v in 0..<d { r[i * d + v] = (x[i * d + v] - y[i * d + v]) / sigma[v] } }
        for i in 0..<(n - 1) {
            for v in 0..<d {
                r[(n + i) * d + v] = (x[(i + 1) * d + v] - x[i * d + v] - 0.5 * dt * (f[i * d + v] + f[(i + 1) * d + v])) / scale[v]
            }
        }
        return r
    }

    /// The Jacobian's blocks at (x, c): for defect i, L_i = d r2_i / d X_i, R_i = d r2_i / d X_(i+1)
    /// (each [d, d]) and P_i = d r2_i / d c ([d, parameters]); the data part is diag(1 / sigma).
    public func jacobian(_ x: [Double], _ c: [Double]) -> (l: [Double], r: [Double], p: [Double]) {
        let (values, gradients) = monomials(x)
        let t = terms.count, np = parameters, dd = d * d
        // Df_i [n, d, d]: d f_v / d x_q.
        var df = [Double](repeating: 0, count: n * dd)
        for i in 0..<n {
            for k in 0..<np {
                let v = parameterEquation[k], term = parameterTerm[k]
                for q in 0..<d { df[i * dd + v * d + q] += c[k] * gradients[(i * t + term) * d + q] }
            }
        }
        var l = [Double](repeating: 0, count: (n - 1) * dd), r = l
        var p = [Double](repeating: 0, count: (n - 1) * d * np)
        for i in 0..<(n - 1) {
            for v in 0..<d {
                for q in 0..<d {
                    let identity = v == q ? 1.0 : 0.0
                    l[i * dd + v * d + q] = (-identity - 0.5 * dt * df[i * dd + v * d + q]) / scale[v]
                    r[i * dd + v * d + q] = (identity - 0.5 * dt * df[(i + 1) * dd + v * d + q]) / scale[v]
                }
            }
            for k in 0..<np {
                let v = parameterEquation[k], term = parameterTerm[k]
                p[(i * d + v) * np + k] = -0.5 * dt * (values[i * t + term] + values[(i + 1) * t + term]) / scale[v]
            }
        }
        return (l, r, p)
    }
}

extension JointCollocationProblem {
    /// The Schur complement of the states in the undamped Gauss-Newton matrix J^T J at (x, c),
    /// S = C - B^T A^-1 B (p x p), in the form without cancellation: with the Jacobian
    /// J = [Sigma^-1 0; L P] (L the defects' state blocks, block bidiagonal, P their coefficient
    /// columns), Woodbury gives S = P^T (I + L Sigma^2 L^T)^-1 P. M = I + L Sigma^2 L^T is block
    /// tridiagonal ((n - 1) blocks of d x d) with eigenvalues >= 1; with M = G G^T and W = G^-1 P,
    /// S = W^T W is a Gram matrix, positive semidefinite by construction.
    /// Returns W^T W row-major, or nil when the values are not finite (M >= I cannot fail to
    /// factor otherwise). Cost O(n (d^3 + d^2 p + d p^2)), memory O(n d (d + p)).
    public func schurComplement(_ x: [Double], _ c: [Double]) -> [Double]? {
        let (l, r, p) = jacobian(x, c)
        let blocks = n - 1, dd = d * d, np = parameters
        guard l.allSatisfy({ $0.isFinite }), r.allSatisfy({ $0.isFinite }), p.allSatisfy({ $0.isFinite }) else { return nil }
        let variance = sigma.map { $0 * $0 }
        // Row i of L: L_i at state block i, R_i at state block i + 1.
        var diagonal = [Double](repeating: 0, count: blocks * dd), upper = [Double](repeating: 0, count: Swift.max(0, blocks - 1) * dd)
        for i in 0..<blocks {
            for a in 0..<d {
                for b in 0..<d {
                    var s = a == b ? 1.0 : 0.0
                    for q in 0..<d {
                        s += variance[q] * (l[i * dd + a * d + q] * l[i * dd + b * d + q] + r[i * dd + a * d + q] * r[i * dd + b * d + q])
                    }
                    diagonal[i * dd + a * d + b] = s
                    if i + 1 < blocks {
                        var u = 0.0
                        for q in 0..<d { u += variance[q] * r[i * dd + a * d + q] * l[(i + 1) * dd + b * d + q] }
                        upper[i * dd + a * d + b] = u
                    }
                }
            }
        }
        guard let factor = BlockTridiagonalCholesky(diagonal: diagonal, upper: upper, blocks: blocks, size: d) else { return nil }
        var w = p  // [n - 1, d, np]
        factor.forwardSolve(&w, columns: np)
        var s = [Double](repeating: 0, count: np * np)
        for row in 0..<(blocks * d) {
            for a in 0..<np where w[row * np + a] != 0 {
                for b in a..<np { s[a * np + b] += w[row * np + a] * w[row * np + b] }
            }
        }
        for a in 0..<np { for b in 0..<a { s[a * np + b] = s[b * np + a] } }
        return s.allSatisfy({ $0.isFinite }) ? s : nil
    }
}

/// Standard errors from the p x p Schur complement S (row-major, positive semidefinite) of a
/// least squares with `rows` residuals summed into it: sqrt of the diagonal of the
/// pseudo-inverse, with the rank decided by eigenvalues, never by a factorization failing.
/// S = V diag(w) V^T; an eigenvalue w_j <= tol = (rows + p) eps max(w) is a direction the data do
/// not determine (tol bounds the rounding of the Gram product W^T W over `rows` terms, Higham
/// gamma_rows, plus the eigensolver's backward error p eps |S|). The variance of coefficient k
/// splits into the determined part sum_(w_j > tol) V_kj^2 / w_j and the undetermined part
/// sum_(w_j <= tol) V_kj^2 / tol (the smallest variance such a direction could have); when the
/// undetermined part is the larger, coefficient k is not identifiable and its standard error is
/// +infinity (rounding mixes a determined coefficient into a null direction by at most
/// ~eps max(w) / w_j, whose share is then below p / rows^2 of its variance). All +infinity when S
/// is 0; NaN when S is not finite or the eigensolver fails. Cost O(p^3).
public func identifiedStandardErrors(schur s: [Double], parameters np: Int, rows: Int) -> [Double] {
    precondition(s.count == np * np && np >= 1 && rows >= 1, "Schur complement shape")
    guard s.allSatisfy({ $0.isFinite }), let (values, vectors) = try? eigh(Tensor(shape: [np, np], scalars: s)) else {
        return [Double](repeating: .nan, count: np)
    }
    let w = values.scalars, v = vectors.scalars
    let largest = w.map { Swift.abs($0) }.max() ?? 0
    guard largest > 0 else { return [Double](repeating: .infinity, count: np) }
    let tol = Double(rows + np) * Double.ulpOfOne * largest
    return (0..<np).map { k in
        var determined = 0.0, undetermined = 0.0
        for j in 0..<np {
            let share = v[k * np + j] * v[k * np + j]
            if w[j] > tol { determined += share / w[j] } else { undetermined += share / tol }
        }
        return undetermined > determined ? .infinity : determined.squareRoot()
    }
}

/// The stop threshold of the joint stages' Levenberg-Marquardt iterations on a chi-square cost
/// (a sum of `rows` squared residuals in noise units):
///
///     max(relative max(1, cost / rows), rows eps cost).
///
/// Moving a coefficient by delta standard errors from the optimum raises the cost by delta^2, so
/// a decrease below `relative` (default 1e-6) means the coefficients are within ~sqrt(relative)
/// standard errors of it (1e-3 for the default). When
/// the model misfits (cost > rows: more than the expected chi-square of every residual, twice
/// the expected per degree of freedom of the joint problems), the standard errors scaled by
/// the fit, s^2 = cost / rows, are the meaningful ones, and 1e-3 of those is a change of
/// 1e-6 cost / rows. rows eps cost bounds the rounding of the naive sum of the cost (Higham's
/// gamma_rows); it only matters above ~6.7e4 rows (rows^2 eps > 1e-6), so a rise of the
/// cost by rounding alone does not read as a failed step.
public func levenbergMarquardtStopTolerance(cost: Double, rows: Int, relative: Double = 1e-6) -> Double {
    Swift.max(relative * Swift.max(1, cost / Double(Swift.max(1, rows))), Double(rows) * Double.ulpOfOne * cost)
}

/// Where a Levenberg–Marquardt run of the joint stages stands: states `x`, coefficients `c`,
/// residuals `r` at (x, c) and `cost` = |r|^2.
struct LevenbergMarquardtState {
    var x: [Double]
    var c: [Double]
    var r: [Double]
    var cost: Double
    var iterations = 0
    var converged = false
}

/// The Levenberg–Marquardt iteration shared by the joint stages (`jointStateParameterEstimate`,
/// `pdeJointEstimate`): `step(x, c, r, lambda)` solves the damped normal equations (nil on a
/// breakdown, answered by more damping) and returns the step and the model's predicted
/// decrease; a step that lowers the cost is taken (`accepted` sees the new point) and lambda
/// follows Nielsen's update from the gain ratio; a failed step multiplies lambda by a growing
/// factor. Stops converged when an accepted step lowers the cost, or a rejected one raises it,
/// by at most `levenbergMarquardtStopTolerance` (with `relative`) with lambda <= 1; unconverged when lambda
/// passes 1e12 or after `maxIterations`. lambda starts at `initialDamping`.
///
/// `predictive` adds a stop that looks ahead: two accepted steps in a row at lambda <= 1, each
/// gaining at least half of what its model predicted, that lowered the cost by D' then D, with
/// rate theta = D / D' < 1, leave about R = theta / (1 - theta) D to gain (a linearly converging
/// sequence's remaining sum, as in the stopping test of simplified Newton iterations, Hairer
/// and Wanner, Solving ODEs II, IV.8), and the run stops when R is below the same tolerance and
/// D below 100 times it. A coefficient delta standard errors from the optimum keeps the cost at
/// least delta^2 above it (the profile cost over the states is (c - c*)^T Cov^-1 (c - c*) >=
/// delta_j^2), so R estimates how far the coefficients still are: within ~sqrt(tolerance)
/// standard errors while the rate holds, and, since D <= 100 tolerance, within ~10 sqrt(tolerance)
/// whenever the remaining steps shrink at least twofold. The plain rule (D itself below the
/// tolerance) assumes theta <= 1/2 and spends one more step when convergence is fast. A
/// rejected or failed step, or one with a poorer gain, restarts the pair.
func levenbergMarquardt(_ state: inout LevenbergMarquardtState, rows: Int, maxIterations: Int, stop relative: Double = 1e-6,
                        predictive: Bool = false, initialDamping: Double = 1e-6,
                        residuals: ([Double], [Double]) -> [Double],
                        step: ([Double], [Double], [Double], Double) -> (dx: [Double], dc: [Double], predicted: Double)?,
                        accepted: ([Double], [Double]) -> Void = { _, _ in }) {
    var lambda = initialDamping, growth = 2.0
    var previousDecrease: Double? = nil
    while state.iterations < maxIterations {
        state.iterations += 1
        guard let s = step(state.x, state.c, state.r, lambda) else {
            previousDecrease = nil
            lambda *= growth
            growth *= 2
            if lambda > 1e12 { break }
            continue
        }
        let nx = zip(state.x, s.dx).map { $0 + $1 }, nc = zip(state.c, s.dc).map { $0 + $1 }
        let nr = residuals(nx, nc)
        let newCost = nr.reduce(0) { $0 + $1 * $1 }
        // The cost is a chi-square in noise units: moving one coefficient by one standard error
        // changes it by about 1, so once a step lowers it by less than 1e-6 the coefficients are
        // within ~1e-3 standard errors of the optimum (unless convergence is very slow); the
        // threshold grows with a misfit and with the rounding of the cost
        // (`levenbergMarquardtStopTolerance`). Only a step damped by at most lambda = 1 (at
        // least about half the Gauss-Newton step on the Marquardt scale) measures the distance
        // to the optimum; a tiny change under heavy damping only reflects a short step.
        let measures = lambda <= 1
        let stop = levenbergMarquardtStopTolerance(cost: state.cost, rows: rows, relative: relative)
        if newCost.isFinite && newCost <= state.cost {
            let decrease = state.cost - newCost
            state.x = nx; state.c = nc; state.r = nr; state.cost = newCost
            accepted(nx, nc)
            // Nielsen's update from the gain ratio rho = actual / predicted decrease.
            let rho = s.predicted > 0 ? decrease / s.predicted : 1
            lambda = Swift.max(lambda * Swift.max(1.0 / 3, 1 - Foundation.pow(2 * rho - 1, 3)), 1e-15)
            growth = 2
            if decrease <= stop && measures { state.converged = true; break }
            if predictive && measures && rho >= 0.5 {
                if let previous = previousDecrease, decrease <= 100 * stop, case let theta = decrease / previous, theta < 1,
                   theta / (1 - theta) * decrease <= stop {
                    state.converged = true
                    break
                }
                previousDecrease = decrease
            } else {
                previousDecrease = nil
            }
        } else if newCost.isFinite && newCost - state.cost <= stop && measures {
            // At the optimum up to rounding: the step no longer lowers the cost measurably.
            state.converged = true
            break
        } else {
            previousDecrease = nil
            lambda *= growth
            growth *= 2
            if lambda > 1e12 { break }
        }
    }
}

/// The backward-elimination choice of the joint stages (`jointRefit`, `pdeJointRefit`).
public enum EliminationChoice: Equatable, Sendable {
    /// Every candidate is significant (or there is none): keep the support.
    case keepAll
    /// Drop this term (an index into the coefficients).
    case drop(Int)
    /// This term's standard error was not computed (NaN, e.g. a factorization at lambda = 0
    /// failed): significance cannot be judged, so nothing is dropped.
    case unavailable(Int)
}

/// The least significant of the `candidates` (indices into `coefficients`), by the squared
/// z-score z^2 = (c / SE)^2, dropped when z^2 < price (the Schwarz/BIC price of one parameter,
/// log of the number of observations, in its Wald form with sigma known). SE = +infinity (the
/// data do not identify the term) counts as z^2 = 0 and goes first; SE = 0 as z^2 = +infinity;
/// a NaN SE (not computed) stops the elimination (`unavailable`) rather than counting as
/// insignificant. Ties go to the first candidate. Cost O(candidates).
public func leastSignificantTerm(coefficients: [Double], standardErrors: [Double], candidates: [Int], price: Double) -> EliminationChoice {
    if let missing = candidates.first(where: { standardErrors[$0].isNaN }) { return .unavailable(missing) }
    let scored = candidates.map { j -> (index: Int, z2: Double) in
        let se = standardErrors[j], c = coefficients[j]
        return (j, se.isFinite && se > 0 ? c * c / (se * se) : se.isFinite ? Double.infinity : 0)
    }
    guard let weakest = scored.min(by: { $0.z2 < $1.z2 }), weakest.z2 < price else { return .keepAll }
    return .drop(weakest.index)
}

/// Joint state and parameter estimation for X' = Theta(X) Xi on a fixed support: from samples
/// Y [n, d] (row i at time i dt) with noise of standard deviation sigma_v per variable, finds the
/// states X^ and the coefficients c of the nonzero entries of `coefficients` ([terms, d]) that minimize
///
///     sum_(i, v) (X^_iv - Y_iv)^2 / sigma_v^2
///       + sum_(i < n-1, v) [X^_(i+1)v - X^_iv - dt/2 (f_v(X^_i) + f_v(X^_(i+1)))]^2 / (tau sigma_v)^2,
///
/// f_v = sum_j c_jv Theta_j (trapezoid collocation, second order: the clean-data bias is
/// O(dt^2)). Unlike the weak form's linear estimators, the library is evaluated on the
/// denoised states, so its noise (errors in variables) no longer limits the coefficients.
/// Levenberg-Marquardt (Marquardt's diagonal scaling, Nielsen's damping update) from
/// (Y or `initialStates`, coefficients), stopped when a step damped by lambda <= 1 lowers the cost
/// by less than 1e-6 (it is a chi-square in noise units) or after `options.maxIterations`; each
/// step solves the normal equations, block tridiagonal in the states (d x d blocks) bordered by
/// the p coefficient columns, through the Woodbury form: a block tridiagonal Cholesky of
/// M = I + L D^-1 L^T ((n - 1) blocks) and the p x p Schur complement as the Gram matrix
/// lambda diag(C) + W^T W, W = G^-1 P, never the difference C - B^T A^-1 B (which loses up to
/// ~2 log10(1 / tau) digits). The standard errors use the same form at lambda = 0
/// (`JointCollocationProblem.schurComplement`, `identifiedStandardErrors`).
///
/// - Parameters:
///   - exponents: the library's exponent rows (`PolynomialLibrary.exponents`), one per term.
///   - coefficients: the start and the support, [terms, d] row-major.
///   - initialStates: the states to start from (default: the data), [n, d].
/// - Returns: nil when the data or settings cannot be used (fewer than 3 samples, a sigma that is
///   not positive, an empty support, `initialStates` of another shape or not finite) or the
///   iteration ends on non-finite values. When the damping passes 1e12 without an accepted
///   step, the last accepted point with `converged` false.
/// - Cost: O(n (d^3 + d^2 p + d p^2) + p^3) per iteration, memory O(n d (d + p)).
public func jointStateParameterEstimate(_ y: Tensor, dt: Double, exponents: [[Int]], coefficients: [Double], sigma: [Double],
                                        initialStates: Tensor? = nil, options: JointEstimationOptions = JointEstimationOptions()) -> JointEstimate? {
    guard y.rank == 2, y.shape[0] >= 3 else { return nil }
    let tau = options.tolerance ?? 1 / Double(y.shape[0])
    guard let problem = JointCollocationProblem(y, dt: dt, exponents: exponents, coefficients: coefficients, sigma: sigma, tolerance: tau) else { return nil }
    let n = problem.n, d = problem.d
    let np = problem.parameters, dd = d * d
    var x = problem.y, c = problem.start
    if let initialStates {
        guard initialStates.shape == y.shape, initialStates.isFinite else { return nil }
        x = initialStates.scalars
    }
    let r = problem.residuals(x, c)
    let cost = r.reduce(0) { $0 + $1 * $1 }
    guard cost.isFinite else { return nil }
    // The Jacobian at the current point: a rejected step leaves it as it is.
    var jacobian = problem.jacobian(x, c)

    /// The damped normal equations at (x, c) without forming C - B^T A^-1 B: with the state
    /// block A_lambda = D + L^T L (D = Sigma^-2 + lambda diag(A), diagonal) and
    /// M = I + L D^-1 L^T (block tridiagonal, (n - 1) blocks, eigenvalues >= 1, M = G G^T),
    /// Woodbury gives the Schur complement lambda diag(C) + W^T W (W = G^-1 P), the reduced
    /// right-hand side -P^T M^-1 (r2 - L D^-1 Sigma^-1 r1), and the states' step
    /// dx = -D^-1 (Sigma^-1 r1 + L^T z), z = M^-1 (r2 + P dc - L D^-1 Sigma^-1 r1).
    /// Returns the step and the model's predicted decrease, or nil on a breakdown (answered by
    /// more damping).
    func step(_ x: [Double], _ c: [Double], _ r: [Double], damping: Double)
        -> (dx: [Double], dc: [Double], predicted: Double)? {
        let (l, rr, p) = jacobian
        let blocks = n - 1
        // diag(A) = Sigma^-2 + diag(L^T L), and D.
        var stateDiagonal = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for v in 0..<d { stateDiagonal[i * d + v] = 1 / (problem.sigma[v] * problem.sigma[v]) } }
        for i in 0..<blocks {
            for q in 0..<d {
                var sl = 0.0, sr = 0.0
                for a in 0..<d { sl += l[i * dd + a * d + q] * l[i * dd + a * d + q]; sr += rr[i * dd + a * d + q] * rr[i * dd + a * d + q] }
                stateDiagonal[i * d + q] += sl
                stateDiagonal[(i + 1) * d + q] += sr
            }
        }
        let inverseD = (0..<(n * d)).map { 1 / (1 / (problem.sigma[$0 % d] * problem.sigma[$0 % d]) + damping * stateDiagonal[$0]) }
        var diagonal = [Double](repeating: 0, count: blocks * dd), upper = [Double](repeating: 0, count: Swift.max(0, blocks - 1) * dd)
        for i in 0..<blocks {
            for a in 0..<d {
                for b in 0..<d {
                    var s = a == b ? 1.0 : 0.0
                    for q in 0..<d {
                        s += l[i * dd + a * d + q] * l[i * dd + b * d + q] * inverseD[i * d + q]
                            + rr[i * dd + a * d + q] * rr[i * dd + b * d + q] * inverseD[(i + 1) * d + q]
                    }
                    diagonal[i * dd + a * d + b] = s
                    if i + 1 < blocks {
                        var u = 0.0
                        for q in 0..<d { u += rr[i * dd + a * d + q] * l[(i + 1) * dd + b * d + q] * inverseD[(i + 1) * d + q] }
                        upper[i * dd + a * d + b] = u
                    }
                }
            }
        }
        guard let factor = BlockTridiagonalCholesky(diagonal: diagonal, upper: upper, blocks: blocks, size: d) else { return nil }
        // e = Sigma^-1 r1, t = L D^-1 e; columns [r2 - t, P] through G^-1.
        let e = (0..<(n * d)).map { r[$0] / problem.sigma[$0 % d] }
        let columns = np + 1
        var z = [Double](repeating: 0, count: blocks * d * columns)
        for i in 0..<blocks {
            for a in 0..<d {
                var t = 0.0
                for q in 0..<d { t += l[i * dd + a * d + q] * e[i * d + q] * inverseD[i * d + q] + rr[i * dd + a * d + q] * e[(i + 1) * d + q] * inverseD[(i + 1) * d + q] }
                let row = i * d + a
                z[row * columns] = r[n * d + row] - t
                for k in 0..<np { z[row * columns + 1 + k] = p[row * np + k] }
            }
        }
        factor.forwardSolve(&z, columns: columns)
        // S_lambda = lambda diag(C) (Moré's floor: a coefficient whose column is about 0 on the
        // trajectory is still damped) + W^T W; right side -W^T z0.
        var corner = [Double](repeating: 0, count: np), gc = [Double](repeating: 0, count: np)
        for row in 0..<(blocks * d) {
            for k in 0..<np where p[row * np + k] != 0 { corner[k] += p[row * np + k] * p[row * np + k]; gc[k] += p[row * np + k] * r[n * d + row] }
        }
        let cornerFloor = 1e-12 * corner.reduce(0, Swift.max)
        let scaling = corner.map { Swift.max($0, cornerFloor) }
        var schur = [Double](repeating: 0, count: np * np), right = [Double](repeating: 0, count: np)
        for row in 0..<(blocks * d) {
            let z0 = z[row * columns]
            for a in 0..<np {
                let wa = z[row * columns + 1 + a]
                if wa == 0 { continue }
                right[a] -= wa * z0
                for b in a..<np { schur[a * np + b] += wa * z[row * columns + 1 + b] }
            }
        }
        for a in 0..<np { schur[a * np + a] += damping * scaling[a]; for b in 0..<a { schur[a * np + b] = schur[b * np + a] } }
        guard denseCholesky(&schur, np) else { return nil }
        var dc = right
        triangularSolve(schur, 0, np, &dc, 0, columns: 1, transpose: false)
        triangularSolve(schur, 0, np, &dc, 0, columns: 1, transpose: true)
        // z = M^-1 (r2 + P dc - t): G^-1 of it is z0 + W dc, then G^-T.
        var y = [Double](repeating: 0, count: blocks * d)
        for row in 0..<(blocks * d) {
            var s = z[row * columns]
            for k in 0..<np { s += z[row * columns + 1 + k] * dc[k] }
            y[row] = s
        }
        factor.backwardSolve(&y, columns: 1)
        // dx = -D^-1 (e + L^T y); the gradient gx = e + L^T r2 for the prediction.
        var lty = [Double](repeating: 0, count: n * d), gx = e
        for i in 0..<blocks {
            for q in 0..<d {
                var sl = 0.0, sr = 0.0, gl = 0.0, gr = 0.0
                for a in 0..<d {
                    sl += l[i * dd + a * d + q] * y[i * d + a]; sr += rr[i * dd + a * d + q] * y[i * d + a]
                    gl += l[i * dd + a * d + q] * r[n * d + i * d + a]; gr += rr[i * dd + a * d + q] * r[n * d + i * d + a]
                }
                lty[i * d + q] += sl; lty[(i + 1) * d + q] += sr
                gx[i * d + q] += gl; gx[(i + 1) * d + q] += gr
            }
        }
        let dx = (0..<(n * d)).map { -(e[$0] + lty[$0]) * inverseD[$0] }
        // The model's decrease |r|^2 - |r + J delta|^2 = -2 g.delta - delta^T J^T J delta, with
        // (J^T J + lambda D) delta = -g: -g.delta + lambda delta^T D delta.
        var gd = 0.0, dDd = 0.0
        for q in 0..<(n * d) { gd += gx[q] * dx[q]; dDd += stateDiagonal[q] * dx[q] * dx[q] }
        for k in 0..<np { gd += gc[k] * dc[k]; dDd += scaling[k] * dc[k] * dc[k] }
        guard dx.allSatisfy({ $0.isFinite }), dc.allSatisfy({ $0.isFinite }) else { return nil }
        return (dx, dc, -gd + damping * dDd)
    }

    var run = LevenbergMarquardtState(x: x, c: c, r: r, cost: cost)
    levenbergMarquardt(&run, rows: r.count, maxIterations: options.maxIterations,
                       residuals: { problem.residuals($0, $1) }, step: { step($0, $1, $2, damping: $3) },
                       accepted: { jacobian = problem.jacobian($0, $1) })
    x = run.x; c = run.c
    let iterations = run.iterations, converged = run.converged
    guard c.allSatisfy({ $0.isFinite }), x.allSatisfy({ $0.isFinite }) else { return nil }
    let full = problem.fullCoefficients(c)
    let standardErrors = problem.schurComplement(x, c).map { identifiedStandardErrors(schur: $0, parameters: np, rows: (n - 1) * d) }
        ?? [Double](repeating: .nan, count: np)
    return JointEstimate(coefficients: full, standardErrors: problem.fullCoefficients(standardErrors), states: Tensor(shape: [n, d], scalars: x),
                         iterations: iterations, converged: converged, tolerance: tau)
}

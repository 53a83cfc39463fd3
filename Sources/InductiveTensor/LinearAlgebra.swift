import Foundation

// Dense linear algebra on row-major tensors through LAPACK (see LAPACK.swift).
// Shapes are programmer errors (precondition); numerical failures are thrown.

/// A failure reported by a LAPACK routine, or input it cannot take.
public struct LinearAlgebraError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The matrix is exactly singular (a zero pivot).
        case singular
        /// A leading minor is not positive definite (Cholesky).
        case notPositiveDefinite
        /// The iterative part of the algorithm did not converge.
        case noConvergence
        /// The input contains NaN or infinity.
        case nonFinite
        /// LAPACK rejected an argument (a bug in the caller).
        case illegalArgument
        /// LAPACKE could not allocate its workspace.
        case outOfMemory
    }

    /// The LAPACK routine (e.g. `dgesv`).
    public let routine: String
    /// LAPACK's `info` value (0 when the error was detected before the call).
    public let info: Int
    /// The category.
    public let kind: Kind

    public var description: String {
        switch kind {
        case .singular: return "\(routine): the matrix is singular (pivot \(info) is exactly zero)"
        case .notPositiveDefinite: return "\(routine): the matrix is not positive definite (leading minor of order \(info))"
        case .noConvergence: return "\(routine): the algorithm did not converge (\(info) off-diagonal elements or superdiagonals)"
        case .nonFinite: return "\(routine): the input contains NaN or infinity"
        case .illegalArgument: return "\(routine): argument \(-info) had an illegal value"
        case .outOfMemory: return "\(routine): out of memory for the LAPACK workspace"
        }
    }
}

@inline(__always)
private func check(_ routine: String, _ info: Int, positive: LinearAlgebraError.Kind) throws {
    if info == 0 { return }
    // LAPACKE reports a failed workspace allocation as -1010 (LAPACK_WORK_MEMORY_ERROR) or
    // -1011 (LAPACK_TRANSPOSE_MEMORY_ERROR).
    if info == -1010 || info == -1011 { throw LinearAlgebraError(routine: routine, info: info, kind: .outOfMemory) }
    throw LinearAlgebraError(routine: routine, info: info, kind: info < 0 ? .illegalArgument : positive)
}

@inline(__always)
private func requireFinite(_ routine: String, _ tensors: Tensor...) throws {
    for t in tensors where !t.isFinite {
        throw LinearAlgebraError(routine: routine, info: 0, kind: .nonFinite)
    }
}

private func requireSquare(_ name: String, _ a: Tensor) {
    precondition(a.rank == 2 && a.shape[0] == a.shape[1], "\(name): expected a square matrix, got shape \(a.shape)")
}

/// Row-major m x n -> column-major buffer (the transpose's storage).
private func columnMajor(_ a: Tensor) -> [Double] { a.rank == 2 ? a.transposed().scalars : a.scalars }

/// Column-major rows x cols buffer -> row-major tensor.
private func fromColumnMajor(_ data: [Double], rows: Int, cols: Int) -> Tensor {
    Tensor(shape: [cols, rows], scalars: data).transposed()
}

/// Eigendecomposition of a symmetric matrix: A = V diag(w) V^T with w ascending and V
/// orthogonal (eigenvectors are the columns of V). Only the lower triangle of `a` is read.
/// LAPACK `dsyevd`; cost O(n^3).
public func eigh(_ a: Tensor) throws -> (values: Tensor, vectors: Tensor) {
    requireSquare("eigh", a)
    try requireFinite("dsyevd", a)
    let n = a.shape[0]
    // The row-major buffer read as column-major is A^T, whose upper triangle is A's lower.
    var buffer = a.scalars
    var w = [Double](repeating: 0, count: n)
    try check("dsyevd", LAPACK.syevd(vectors: true, uplo: "U", n: n, a: &buffer, w: &w), positive: .noConvergence)
    return (Tensor(w), fromColumnMajor(buffer, rows: n, cols: n))
}

/// Eigenvalues of a symmetric matrix, ascending (lower triangle read). LAPACK `dsyevd`.
public func eigvalsh(_ a: Tensor) throws -> Tensor {
    requireSquare("eigvalsh", a)
    try requireFinite("dsyevd", a)
    let n = a.shape[0]
    var buffer = a.scalars
    var w = [Double](repeating: 0, count: n)
    try check("dsyevd", LAPACK.syevd(vectors: false, uplo: "U", n: n, a: &buffer, w: &w), positive: .noConvergence)
    return Tensor(w)
}

/// Singular value decomposition A = U diag(s) V^T of an m x n matrix, s descending.
/// Reduced (default): U is m x k, Vt is k x n, k = min(m, n); full: U m x m, Vt n x n.
/// LAPACK `dgesdd`; cost O(m n min(m, n)).
public func svd(_ a: Tensor, fullMatrices: Bool = false) throws -> (u: Tensor, s: Tensor, vt: Tensor) {
    precondition(a.rank == 2, "svd: expected a matrix, got shape \(a.shape)")
    try requireFinite("dgesdd", a)
    let m = a.shape[0], n = a.shape[1], k = Swift.min(m, n)
    let ucols = fullMatrices ? m : k, vtrows = fullMatrices ? n : k
    var buffer = columnMajor(a)
    var s = [Double](repeating: 0, count: k)
    var u = [Double](repeating: 0, count: Swift.max(m * ucols, 1))
    var vt = [Double](repeating: 0, count: Swift.max(vtrows * n, 1))
    try check("dgesdd", LAPACK.gesdd(jobz: fullMatrices ? "A" : "S", m: m, n: n, a: &buffer, s: &s,
                                     u: &u, ldu: Swift.max(m, 1), vt: &vt, ldvt: Swift.max(vtrows, 1)),
              positive: .noConvergence)
    return (fromColumnMajor(Array(u.prefix(m * ucols)), rows: m, cols: ucols), Tensor(s),
            fromColumnMajor(Array(vt.prefix(vtrows * n)), rows: vtrows, cols: n))
}

/// Singular values of a matrix, descending. LAPACK `dgesdd` without vectors.
public func singularValues(_ a: Tensor) throws -> Tensor {
    precondition(a.rank == 2, "singularValues: expected a matrix, got shape \(a.shape)")
    try requireFinite("dgesdd", a)
    let m = a.shape[0], n = a.shape[1]
    var buffer = columnMajor(a)
    var s = [Double](repeating: 0, count: Swift.min(m, n))
    var u = [Double](repeating: 0, count: 1), vt = [Double](repeating: 0, count: 1)
    try check("dgesdd", LAPACK.gesdd(jobz: "N", m: m, n: n, a: &buffer, s: &s, u: &u, ldu: 1, vt: &vt, ldvt: 1),
              positive: .noConvergence)
    return Tensor(s)
}

/// Solves A x = b (b a vector of length n) or A X = B (B n x k) by LU with partial
/// pivoting. LAPACK `dgesv`; cost O(n^3 + n^2 k). Throws `.singular` for a zero pivot.
public func solve(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    requireSquare("solve", a)
    let n = a.shape[0]
    precondition((b.rank == 1 || b.rank == 2) && b.shape[0] == n, "solve: A is \(a.shape) but b is \(b.shape)")
    try requireFinite("dgesv", a, b)
    var ca = columnMajor(a)
    let k = b.rank == 1 ? 1 : b.shape[1]
    var cb = b.rank == 1 ? b.scalars : columnMajor(b)
    try check("dgesv", LAPACK.gesv(n: n, nrhs: k, a: &ca, b: &cb), positive: .singular)
    return b.rank == 1 ? Tensor(cb) : fromColumnMajor(cb, rows: n, cols: k)
}

/// Solves A x = b for symmetric positive definite A by Cholesky (lower triangle read).
/// LAPACK `dposv`; cost n^3/3. Throws `.notPositiveDefinite` at a pivot that is not
/// positive; for a matrix that may be singular or nearly so, success says nothing about
/// accuracy: use `choleskyFactorization` and its `reciprocalCondition`.
public func solvePositiveDefinite(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    requireSquare("solvePositiveDefinite", a)
    let n = a.shape[0]
    precondition((b.rank == 1 || b.rank == 2) && b.shape[0] == n, "solvePositiveDefinite: A is \(a.shape) but b is \(b.shape)")
    try requireFinite("dposv", a, b)
    var ca = a.scalars  // symmetric: read the upper triangle of A^T = lower of A
    let k = b.rank == 1 ? 1 : b.shape[1]
    var cb = b.rank == 1 ? b.scalars : columnMajor(b)
    try check("dposv", LAPACK.posv(uplo: "U", n: n, nrhs: k, a: &ca, b: &cb), positive: .notPositiveDefinite)
    return b.rank == 1 ? Tensor(cb) : fromColumnMajor(cb, rows: n, cols: k)
}

/// The lower-triangular L with A = L L^T for symmetric positive definite A (lower
/// triangle read). LAPACK `dpotrf`; cost n^3/3. Whether it throws for a matrix that is
/// singular in exact arithmetic depends on rounding (so on the CPU's BLAS kernels): decide
/// definiteness with `choleskyFactorization(_:)` and its `reciprocalCondition` instead.
public func cholesky(_ a: Tensor) throws -> Tensor {
    requireSquare("cholesky", a)
    try requireFinite("dpotrf", a)
    let n = a.shape[0]
    var ca = a.scalars  // column-major view of A^T; "U" of A^T is L^T of A
    try check("dpotrf", LAPACK.potrf(uplo: "U", n: n, a: &ca), positive: .notPositiveDefinite)
    return lowerTriangle(ofPotrfUpper: ca, n: n)
}

/// L from `potrf`'s "U" output of A^T: the column-major buffer holds U = L^T in its upper
/// triangle, which read as row-major is L; the other triangle is zeroed.
private func lowerTriangle(ofPotrfUpper buffer: [Double], n: Int) -> Tensor {
    var l = Tensor(shape: [n, n], scalars: buffer)
    for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { l.scalars[i * n + j] = 0 } }
    return l
}

/// A Cholesky factorization A = L L^T together with LAPACK's estimate of A's reciprocal
/// condition number, so that callers decide "numerically positive definite" by a stated
/// criterion instead of by whether the factorization happened to complete.
///
/// Why both: `dpotrf` stops only at a pivot that is not positive. A matrix that is singular
/// in exact arithmetic is, after rounding, as likely to factor with a tiny positive pivot
/// (how likely depends on the BLAS kernels, hence on the CPU) as to fail, and the solution
/// from such a factor is noise. `reciprocalCondition` (1/kappa_1(A), estimated by `dpocon`
/// to within a small factor) is what tells the two apart: a solve through the factor has
/// relative error about eps / reciprocalCondition.
public struct CholeskyFactorization: Sendable {
    /// The estimate of 1 / (||A||_1 ||A^-1||_1) from `dpocon`; in [0, 1].
    public let reciprocalCondition: Double
    /// The factor as LAPACK left it (column-major U = L^T), for `dpotrs`.
    private let packed: [Double]
    private let n: Int

    init(packed: [Double], n: Int, reciprocalCondition: Double) {
        self.packed = packed
        self.n = n
        self.reciprocalCondition = reciprocalCondition
    }

    /// The lower-triangular factor L (n x n), built on request (O(n^2)).
    public var lower: Tensor { lowerTriangle(ofPotrfUpper: packed, n: n) }

    /// Solves A x = b (b of shape [n]) or A X = B (B of shape [n, k]) with the factor
    /// (`dpotrs`); cost O(n^2 k). Relative error about eps / `reciprocalCondition`.
    public func solve(_ b: Tensor) throws -> Tensor {
        precondition((b.rank == 1 || b.rank == 2) && b.shape[0] == n, "CholeskyFactorization.solve: A is [\(n), \(n)] but b is \(b.shape)")
        try requireFinite("dpotrs", b)
        let k = b.rank == 1 ? 1 : b.shape[1]
        var cb = b.rank == 1 ? b.scalars : columnMajor(b)
        try check("dpotrs", LAPACK.potrs(uplo: "U", n: n, nrhs: k, a: packed, b: &cb), positive: .singular)
        return b.rank == 1 ? Tensor(cb) : fromColumnMajor(cb, rows: n, cols: k)
    }
}

/// Cholesky factorization of a symmetric matrix (lower triangle read) with its reciprocal
/// condition estimate, or nil when a pivot is not positive (the matrix is indefinite, or
/// singular to working precision). LAPACK `dpotrf` + `dpocon`; cost n^3/3 + O(n^2).
///
/// Callers that need a positive definite matrix should also require
/// `reciprocalCondition >= ` their accuracy threshold (for example sqrt(eps): at least half
/// the digits of a solve survive) and take a rank-revealing route otherwise.
/// - Throws: `LinearAlgebraError` for non-finite input.
public func choleskyFactorization(_ a: Tensor) throws -> CholeskyFactorization? {
    requireSquare("choleskyFactorization", a)
    try requireFinite("dpotrf", a)
    let n = a.shape[0]
    // ||A||_1 of the symmetric matrix from its lower triangle (what LAPACK reads).
    var norm1 = 0.0
    for j in 0..<n {
        var column = 0.0
        for i in 0..<n { column += Swift.abs(i >= j ? a.scalars[i * n + j] : a.scalars[j * n + i]) }
        norm1 = Swift.max(norm1, column)
    }
    var ca = a.scalars
    let info = LAPACK.potrf(uplo: "U", n: n, a: &ca)
    if info > 0 { return nil }
    try check("dpotrf", info, positive: .notPositiveDefinite)
    var rcond = 0.0
    try check("dpocon", LAPACK.pocon(uplo: "U", n: n, a: ca, anorm: norm1, rcond: &rcond), positive: .illegalArgument)
    return CholeskyFactorization(packed: ca, n: n, reciprocalCondition: rcond)
}

/// Minimum-norm least-squares solution x = argmin ||A x - b|| with the smallest ||x||
/// (b a vector of length m or an m x k matrix). Singular values below `rcond * s_max`
/// are treated as zero (default: machine epsilon * max(m, n)). LAPACK `dgelsd`.
public func lstsq(_ a: Tensor, _ b: Tensor, rcond: Double? = nil) throws -> (solution: Tensor, rank: Int, singularValues: Tensor) {
    precondition(a.rank == 2, "lstsq: expected a matrix, got shape \(a.shape)")
    let m = a.shape[0], n = a.shape[1]
    precondition((b.rank == 1 || b.rank == 2) && b.shape[0] == m, "lstsq: A is \(a.shape) but b is \(b.shape)")
    try requireFinite("dgelsd", a, b)
    let k = b.rank == 1 ? 1 : b.shape[1]
    let ldb = Swift.max(m, n, 1)
    var ca = columnMajor(a)
    var cb = [Double](repeating: 0, count: ldb * k)
    let bcol = b.rank == 1 ? b.scalars : columnMajor(b)
    for j in 0..<k { for i in 0..<m { cb[j * ldb + i] = bcol[j * m + i] } }
    var s = [Double](repeating: 0, count: Swift.max(Swift.min(m, n), 1))
    var rank = 0
    let rc = rcond ?? Double.ulpOfOne * Double(Swift.max(m, n))
    try check("dgelsd", LAPACK.gelsd(m: m, n: n, nrhs: k, a: &ca, b: &cb, ldb: ldb, s: &s, rcond: rc, rank: &rank),
              positive: .noConvergence)
    var x = [Double](repeating: 0, count: n * k)
    for j in 0..<k { for i in 0..<n { x[j * n + i] = cb[j * ldb + i] } }
    let solution = b.rank == 1 ? Tensor(x) : fromColumnMajor(x, rows: n, cols: k)
    return (solution, rank, Tensor(Array(s.prefix(Swift.min(m, n)))))
}

/// Moore-Penrose pseudo-inverse V diag(1/s) U^T, dropping singular values at or below
/// `rcond * s_max` (default: machine epsilon * max(m, n)). Cost: one SVD.
public func pinv(_ a: Tensor, rcond: Double? = nil) throws -> Tensor {
    let (u, s, vt) = try svd(a)
    let m = a.shape[0], n = a.shape[1]
    let cutoff = (rcond ?? Double.ulpOfOne * Double(Swift.max(m, n))) * (s.scalars.first ?? 0)
    let inv = s.map { $0 > cutoff ? 1 / $0 : 0 }
    // V diag(inv) U^T = (Vt^T * inv) @ U^T
    return matmul(vt.transposed() * inv, u, transposeB: true)
}

/// The inverse of a square matrix (LU, `dgesv` against the identity). Throws `.singular`.
public func inv(_ a: Tensor) throws -> Tensor {
    requireSquare("inv", a)
    return try solve(a, Tensor.eye(a.shape[0]))
}

/// sign(det A) and log|det A| from an LU factorization (LAPACK `dgetrf`). A singular
/// matrix gives (0, -inf), as NumPy's `slogdet`.
public func slogdet(_ a: Tensor) throws -> (sign: Double, logAbsDet: Double) {
    requireSquare("slogdet", a)
    try requireFinite("dgetrf", a)
    let n = a.shape[0]
    var ca = columnMajor(a)
    var ipiv = [Int32](repeating: 0, count: Swift.max(n, 1))
    let info = LAPACK.getrf(m: n, n: n, a: &ca, ipiv: &ipiv)
    if info > 0 { return (0, -.infinity) }
    try check("dgetrf", info, positive: .singular)
    var sign = 1.0, logAbs = 0.0
    for i in 0..<n {
        let d = ca[i * n + i]
        if d < 0 { sign = -sign }
        if Int(ipiv[i]) != i + 1 { sign = -sign }
        logAbs += Foundation.log(Swift.abs(d))
    }
    return (sign, logAbs)
}

/// det A = sign * exp(logAbsDet) (may overflow for large matrices; prefer `slogdet`).
public func det(_ a: Tensor) throws -> Double {
    let (s, l) = try slogdet(a)
    return s * Foundation.exp(l)
}

/// Reduced QR factorization A = Q R of an m x n matrix: Q is m x k with orthonormal
/// columns, R is k x n upper triangular, k = min(m, n). LAPACK `dgeqrf` + `dorgqr`.
public func qr(_ a: Tensor) throws -> (q: Tensor, r: Tensor) {
    precondition(a.rank == 2, "qr: expected a matrix, got shape \(a.shape)")
    try requireFinite("dgeqrf", a)
    let m = a.shape[0], n = a.shape[1], k = Swift.min(m, n)
    var ca = columnMajor(a)
    var r = [Double]()
    try check("dgeqrf/dorgqr", LAPACK.geqrfOrgqr(m: m, n: n, a: &ca, r: &r), positive: .noConvergence)
    return (fromColumnMajor(Array(ca.prefix(m * k)), rows: m, cols: k), fromColumnMajor(r, rows: k, cols: n))
}

/// f(A) = V diag(f(w)) V^T for a symmetric matrix A = V diag(w) V^T (lower triangle read).
/// Cost: one eigendecomposition plus O(n^3).
public func symmetricMatrixFunction(_ a: Tensor, _ f: (Double) -> Double) throws -> Tensor {
    let (w, v) = try eigh(a)
    return matmul(v * w.map(f), v, transposeB: true)
}

/// exp(A) for symmetric A, through its eigendecomposition.
public func symmetricExp(_ a: Tensor) throws -> Tensor { try symmetricMatrixFunction(a) { Foundation.exp($0) } }

/// A^p for symmetric A (eigenvalues must be non-negative for non-integer p, else NaN).
public func symmetricPower(_ a: Tensor, _ p: Double) throws -> Tensor {
    try symmetricMatrixFunction(a) { Foundation.pow($0, p) }
}

/// The symmetric square root A^(1/2) of a symmetric positive semidefinite matrix
/// (eigenvalues clamped at 0 to absorb rounding).
public func symmetricSqrt(_ a: Tensor) throws -> Tensor {
    try symmetricMatrixFunction(a) { Swift.max($0, 0).squareRoot() }
}

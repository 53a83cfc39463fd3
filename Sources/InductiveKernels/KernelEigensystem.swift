#if canImport(CLinearAlgebra)
import CLinearAlgebra
#endif
import Foundation
import InductiveNN
import InductiveTensor

/// The eigendecomposition K = V diag(λ) V^T of a symmetric kernel matrix on n points, with
/// eigenvalues in DESCENDING order (λ_1 >= λ_2 >= ...) and the orthonormal eigenvectors as
/// the columns of V: the spectral-bias view, where the residual's component along q_i
/// decays at a rate set by λ_i.
///
/// Only the lower triangle of K is read (LAPACK `dsyevd`). Cost O(n³), memory 2 n² doubles.
/// Eigenvectors of repeated eigenvalues are any orthonormal basis of their space, and each
/// vector's sign is arbitrary: compare projections through |.| or through reconstructions.
public struct KernelEigensystem: Sendable {
    /// λ, shape [n], descending.
    public let eigenvalues: Tensor
    /// V, shape [n, n]; column i is the unit eigenvector q_i of λ_i.
    ///
    /// - Complexity: free for `init(_:)`. For an eigensystem kept factored (the one of
    ///   `GradientDescentMSE.eigensystem`) **every access forms V anew: 2 n³ flops and n²
    ///   doubles**; read it once into a local (`let v = es.eigenvectors`), never per entry or
    ///   in a loop; `project`/`reconstruct` need no V.
    public var eigenvectors: Tensor {
        switch storage {
        case .explicit(let v): return v
        case .factored(let f): return f.eigenvectors()
        }
    }

    /// V itself, or V = Q S kept as its two factors (see `TridiagonalEigenfactors`).
    enum Storage: Sendable {
        case explicit(Tensor)
        case factored(TridiagonalEigenfactors)
    }

    let storage: Storage

    /// Decomposes a symmetric kernel matrix [n, n]. Throws `LinearAlgebraError` for NaN or
    /// infinite entries (or if LAPACK does not converge).
    public init(_ kernel: Tensor) throws {
        precondition(kernel.rank == 2 && kernel.shape[0] == kernel.shape[1], "KernelEigensystem: expected a square kernel matrix, got \(kernel.shape)")
        let (w, v) = try eigh(kernel)
        let n = w.count
        eigenvalues = Tensor(w.scalars.reversed())
        // Columns in reverse order (LAPACK returns ascending eigenvalues).
        storage = .explicit(Tensor(shape: [n, n]) { out in
            v.withUnsafeBufferPointer { p in for i in 0..<n { for j in 0..<n { out[i * n + j] = p[i * n + n - 1 - j] } } }
        })
    }

    /// The same eigensystem kept factored as V = Q S: Q the orthogonal reduction of K to
    /// tridiagonal form T = Q^T K Q (Householder reflectors, LAPACK `dsytrd`) and S the
    /// eigenvectors of T (`dstedc`): the two steps of `dsyevd`, which then forms Q S (2 n³
    /// flops, about half its time). Kept apart, `project` and `reconstruct` of k columns cost
    /// O(n² k) (the reflectors applied to the k columns, `dormtr`), for callers that never
    /// need V itself (`GradientDescentMSE`). The eigenvalues are those of `init(_:)`, bit for
    /// bit; projections agree with the explicit V's to rounding (O(n ε) relative).
    /// Falls back to `init(_:)` where LAPACKE is not available (Apple platforms) and for
    /// matrices whose norm `dsyevd` would rescale first.
    init(factoring kernel: Tensor) throws {
        #if canImport(CLinearAlgebra)
        precondition(kernel.rank == 2 && kernel.shape[0] == kernel.shape[1], "KernelEigensystem: expected a square kernel matrix, got \(kernel.shape)")
        // Non-finite input: `init(_:)` throws. dsyevd scales matrices with max |K_ij| outside
        // about [1e-146, 1e145] first; leave those to it too.
        let largest = kernel.isFinite && kernel.count > 0 ? kernel.norm(.infinity) : .nan
        if largest == 0 || (largest > 1e-140 && largest < 1e140), let f = TridiagonalEigenfactors(kernel) {
            let n = f.n
            self.init(eigenvalues: Tensor(shape: [n]) { out in for i in 0..<n { out[i] = f.values[n - 1 - i] } }, storage: .factored(f))
            return
        }
        #endif
        try self.init(kernel)
    }

    private init(eigenvalues: Tensor, storage: Storage) {
        self.eigenvalues = eigenvalues
        self.storage = storage
    }

    /// The eigensystem of `kernel` on the rows of `inputs` ([n, ...]).
    public init(kernel: Kernel, inputs: Tensor) throws {
        try self.init(kernel(inputs, inputs))
    }

    /// n.
    public var count: Int { eigenvalues.count }

    /// λ_i / n: the eigenvalues of the kernel's integral operator under the empirical
    /// distribution of the n points (the Nyström estimate; what converges as n grows).
    public var operatorEigenvalues: Tensor { eigenvalues * (1 / Double(Swift.max(count, 1))) }

    /// The coordinates V^T r of a residual (or any vector) in the eigenbasis: entry i is
    /// q_i·r. r is [n] or [n, k] (one column per output); the result has r's shape.
    /// Cost: 2 n² k flops.
    public func project(_ r: Tensor) -> Tensor {
        precondition(r.shape.first == count && r.rank <= 2, "KernelEigensystem.project: expected [\(count)] or [\(count), k], got \(r.shape)")
        switch storage {
        case .explicit(let v): return matmul(v, r, transposeA: true)
        case .factored(let f): return f.project(r)
        }
    }

    /// V c: the vector whose coordinates in the eigenbasis are c ([n] or [n, k]).
    public func reconstruct(_ c: Tensor) -> Tensor {
        precondition(c.shape.first == count && c.rank <= 2, "KernelEigensystem.reconstruct: expected [\(count)] or [\(count), k], got \(c.shape)")
        switch storage {
        case .explicit(let v): return matmul(v, c)
        case .factored(let f): return f.reconstruct(c)
        }
    }

    /// The eigenvalues below which a pseudo-inverse treats λ as 0: rcond · λ_max, with rcond
    /// n ε by default (the rounding level of a computed eigenvalue).
    func cutoff(rcond: Double? = nil) -> Double {
        (rcond ?? Double(Swift.max(count, 1)) * Double.ulpOfOne) * Swift.max(eigenvalues.scalars.first ?? 0, 0)
    }

    /// V diag(h(λ)) V^T B for B [n, k] (a spectral function applied to columns).
    func apply(_ h: (Double) -> Double, to b: Tensor) -> Tensor {
        let c = project(b)
        let weights = Tensor(eigenvalues.scalars.map(h))
        return reconstruct(c.rank == 1 ? c * weights : c * weights.expandingDims(at: 1))
    }
}

/// K = Q T Q^T = Q S diag(λ) S^T Q^T without forming V = Q S: the Householder reflectors of Q
/// (as `dsytrd` leaves them), λ ascending and S (column-major, `dstedc`).
struct TridiagonalEigenfactors: Sendable {
    let n: Int
    /// `dsytrd`'s output (uplo U on the column-major view of row-major K, i.e. K's lower
    /// triangle, as `eigh`): the reflectors above the superdiagonal.
    let reflectors: [Double]
    let tau: [Double]
    /// Ascending eigenvalues of T (= of K).
    let values: [Double]
    /// Column-major n x n: column j is the eigenvector of T for values[j].
    let s: [Double]

    #if canImport(CLinearAlgebra)
    /// nil when LAPACK reports a failure (the caller then takes the `dsyevd` path, which
    /// throws its own error).
    init?(_ kernel: Tensor) {
        let n = kernel.shape[0]
        self.n = n
        var a = kernel.scalars
        var d = [Double](repeating: 0, count: Swift.max(n, 1)), e = [Double](repeating: 0, count: Swift.max(n, 1))
        var tau = [Double](repeating: 0, count: Swift.max(n, 1))
        var s = [Double](repeating: 0, count: Swift.max(n * n, 1))
        if n > 0 {
            let lda = Int32(n)
            guard LAPACKE_dsytrd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), &a, lda, &d, &e, &tau) == 0,
                  LAPACKE_dstedc(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "I")), Int32(n), &d, &e, &s, lda) == 0 else { return nil }
        }
        reflectors = a
        self.tau = tau
        values = Array(d.prefix(n))
        self.s = s
    }

    /// Q X (or Q^T X) for X column-major [n, k], in place.
    func applyQ(_ x: inout [Double], columns k: Int, transpose: Bool) {
        if n == 0 || k == 0 { return }
        let info = LAPACKE_dormtr(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int8(UInt8(ascii: "U")),
                                  Int8(UInt8(ascii: transpose ? "T" : "N")), Int32(n), Int32(k), reflectors, Int32(n), tau, &x, Int32(n))
        // -1010: LAPACKE could not allocate dormtr's workspace (out of memory); any other
        // non-zero info is an argument error, a bug here. Non-throwing callers (`project`,
        // `reconstruct`): stop with a message that names the cause.
        precondition(info == 0, info == -1010
            ? "KernelEigensystem: out of memory for dormtr's workspace (LAPACK_WORK_MEMORY_ERROR, n = \(n), \(k) columns)"
            : "KernelEigensystem: dormtr rejected argument \(-info) (info \(info))")
    }
    #endif

    /// Row-major [n] or [n, k] -> column-major [n, k] buffer.
    func columns(_ r: Tensor) -> (buffer: [Double], k: Int) {
        let k = r.rank == 1 ? 1 : r.shape[1]
        if k == 1 { return (r.scalars, 1) }
        return (r.transposed().scalars, k)
    }

    /// V^T r with the coordinates in descending eigenvalue order: S^T (Q^T r), rows reversed.
    func project(_ r: Tensor) -> Tensor {
        #if canImport(CLinearAlgebra)
        var (y, k) = columns(r)
        applyQ(&y, columns: k, transpose: true)
        // Column-major y is row-major y^T [k, n], and the row-major view of column-major S is
        // S^T: (S^T y)^T = y^T S, a [k, n] x [n, n] row-major product with B transposed.
        var c = [Double](repeating: 0, count: n * k)
        if n > 0 {
            y.withUnsafeBufferPointer { py in
                s.withUnsafeBufferPointer { ps in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.gemm(transposeA: false, transposeB: true, m: k, n: n, k: n, alpha: 1, a: py.baseAddress!, lda: n,
                                  b: ps.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
        }
        // c is [k, n] row-major, ascending: entry (a, j). Out: [n] or [n, k], descending.
        return Tensor(shape: r.shape) { out in
            for i in 0..<n { for a in 0..<k { out[i * k + a] = c[a * n + (n - 1 - i)] } }
        }
        #else
        preconditionFailure("unreachable: no factored eigensystems without LAPACKE")
        #endif
    }

    /// V c for c in descending order: Q (S c).
    func reconstruct(_ c: Tensor) -> Tensor {
        #if canImport(CLinearAlgebra)
        let k = c.rank == 1 ? 1 : c.shape[1]
        // Ascending, column-major [n, k] = row-major [k, n].
        var ascending = [Double](repeating: 0, count: n * k)
        c.withUnsafeBufferPointer { pc in
            for i in 0..<n { for a in 0..<k { ascending[a * n + (n - 1 - i)] = pc[i * k + a] } }
        }
        // z = S c: row-major z^T [k, n] = c^T S^T, and the row-major view of S is S^T.
        var z = [Double](repeating: 0, count: n * k)
        if n > 0 {
            ascending.withUnsafeBufferPointer { pa in
                s.withUnsafeBufferPointer { ps in
                    z.withUnsafeMutableBufferPointer { pz in
                        BLAS.gemm(transposeA: false, transposeB: false, m: k, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
                                  b: ps.baseAddress!, ldb: n, beta: 0, c: pz.baseAddress!, ldc: n)
                    }
                }
            }
        }
        applyQ(&z, columns: k, transpose: false)
        return Tensor(shape: c.shape) { out in
            for i in 0..<n { for a in 0..<k { out[i * k + a] = z[a * n + i] } }
        }
        #else
        preconditionFailure("unreachable: no factored eigensystems without LAPACKE")
        #endif
    }

    /// V = Q S, columns in descending eigenvalue order (what `KernelEigensystem(_:)` holds).
    func eigenvectors() -> Tensor {
        #if canImport(CLinearAlgebra)
        var z = s
        applyQ(&z, columns: n, transpose: false)
        let n = self.n
        return Tensor(shape: [n, n]) { out in
            // z column-major: V[i, j_ascending] = z[j * n + i].
            for i in 0..<n { for j in 0..<n { out[i * n + j] = z[(n - 1 - j) * n + i] } }
        }
        #else
        preconditionFailure("unreachable: no factored eigensystems without LAPACKE")
        #endif
    }
}

// One of the two files that talk to the system's BLAS (OpenBLAS on Linux, Accelerate on
// Apple platforms). Everything else calls these thin wrappers or the Tensor API.

#if canImport(Accelerate)
import Accelerate
#else
import CLinearAlgebra
#endif

/// Thin wrappers over the BLAS routines the library uses (row-major, `Double`).
public enum BLAS {
    /// C = alpha * op(A) op(B) + beta * C, all row-major; op(X) = X or X^T.
    /// A is m x k after op, B is k x n after op, C is m x n. Cost: 2 m n k flops.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // As BLAS: C is not read when beta is 0.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : c[i * ldc + j] * beta } }
            return
        }
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y = alpha * op(A) x + beta * y, A row-major m x n (before op).
    @inlinable
    public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        let rows = transpose ? n : m, inner = transpose ? m : n
        if rows == 0 { return }
        if inner == 0 {
            for i in 0..<rows { y[i] = beta == 0 ? 0 : y[i] * beta }
            return
        }
        cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n),
                    alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// Symmetric rank-k update C = alpha * A A^T + beta * C (or A^T A when `transpose`),
    /// writing the full symmetric result. A is n x k (k x n when transposed). Cost: n^2 k flops.
    @inlinable
    public static func syrk(
        transpose: Bool, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if n == 0 { return }
        cblas_dsyrk(CblasRowMajor, CblasUpper, transpose ? CblasTrans : CblasNoTrans,
                    Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(ldc))
        for i in 0..<n { for j in 0..<i { c[i * ldc + j] = c[j * ldc + i] } }
    }

    /// sum_i x_i y_i.
    @inlinable
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in cblas_ddot(Int32(x.count), px.baseAddress, 1, py.baseAddress, 1) }
        }
    }

    /// sqrt(sum_i x_i^2), with the scaling of BLAS `dnrm2` (no overflow for large entries).
    @inlinable
    public static func nrm2(_ x: [Double]) -> Double {
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { cblas_dnrm2(Int32(x.count), $0.baseAddress, 1) }
    }

    /// The BLAS library in use and its thread count, for logs and benchmarks.
    public static var configuration: String {
        #if canImport(Accelerate)
        return "Accelerate (Apple)"
        #else
        let config = String(cString: openblas_get_config())
        return "\(config), \(openblas_get_num_threads()) threads"
        #endif
    }

    /// Number of threads the BLAS uses (OpenBLAS only; nil elsewhere).
    public static var threadCount: Int? {
        #if canImport(Accelerate)
        return nil
        #else
        return Int(openblas_get_num_threads())
        #endif
    }
}

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
        // A small output over a long inner dimension (a Gram matrix or X^T y of tall data) gains
        // nothing from threads, which split only the output: sum it in slices of the inner
        // dimension small enough that each call runs on one thread.
        let slice = innerSlice(outputCount: m * n, inner: k)
        var k0 = 0
        while k0 < k {
            let kc = Swift.min(slice, k - k0)
            cblas_dgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(kc), alpha, a + (transposeA ? k0 * lda : k0), Int32(lda),
                b + (transposeB ? k0 : k0 * ldb), Int32(ldb), k0 == 0 ? beta : 1, c, Int32(ldc))
            k0 += kc
        }
    }

    /// `gemm` as calls that OpenBLAS runs on the calling thread (each of at most
    /// `singleThreadWork` multiply-adds): split along the inner dimension, and for outputs of more
    /// than singleThreadWork / 8 entries (slices under 8 deep) first into blocks of rows whose
    /// slices are 32 deep. For products issued from several threads at once: OpenBLAS's own
    /// threads, entered concurrently, spin against each other. Cost: 2 m n k flops.
    @inlinable
    public static func gemmOnCallingThread(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let rowsPerBlock = Swift.max(1, singleThreadWork / Swift.max(1, n * 32))
        if m > rowsPerBlock && m * n * 8 > singleThreadWork {
            var i0 = 0
            while i0 < m {
                let mb = Swift.min(rowsPerBlock, m - i0)
                gemmOnCallingThread(transposeA: transposeA, transposeB: transposeB, m: mb, n: n, k: k, alpha: alpha,
                                    a: a + (transposeA ? i0 : i0 * lda), lda: lda, b: b, ldb: ldb, beta: beta, c: c + i0 * ldc, ldc: ldc)
                i0 += mb
            }
            return
        }
        let slice = Swift.max(1, singleThreadWork / Swift.max(1, m * n))
        var k0 = 0
        repeat {
            let kc = Swift.min(slice, k - k0)
            gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: kc, alpha: alpha,
                 a: a + (transposeA ? k0 * lda : k0), lda: lda, b: b + (transposeB ? k0 : k0 * ldb), ldb: ldb,
                 beta: k0 == 0 ? beta : 1, c: c, ldc: ldc)
            k0 += kc
        } while k0 < k
    }

    /// OpenBLAS runs a product on one thread when m n k is at most 65536 * 4 (its
    /// SMP_THRESHOLD_MIN times GEMM_MULTITHREAD_THRESHOLD).
    @usableFromInline static let singleThreadWork = 65536 * 4

    /// The inner-dimension slice for an output of `outputCount` entries: all of `inner` unless
    /// the output is small (at most 2048 entries, where splitting the output between threads
    /// does not pay) and the whole product would be threaded.
    @inlinable
    static func innerSlice(outputCount: Int, inner: Int) -> Int {
        guard outputCount <= 2048, outputCount * inner > singleThreadWork else { return inner }
        return singleThreadWork / outputCount
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
        let slice = innerSlice(outputCount: n * n, inner: k)
        var k0 = 0
        repeat {
            let kc = Swift.min(slice, k - k0)
            cblas_dsyrk(CblasRowMajor, CblasUpper, transpose ? CblasTrans : CblasNoTrans,
                        Int32(n), Int32(kc), alpha, a + (transpose ? k0 * lda : k0), Int32(lda),
                        k0 == 0 ? beta : 1, c, Int32(ldc))
            k0 += kc
        } while k0 < k
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
        return "\(openBLASBuildConfiguration), \(openblas_get_num_threads()) threads"
        #endif
    }

    #if !canImport(Accelerate)
    /// OpenBLAS's build description, read once: `openblas_get_config` rebuilds it in a static
    /// buffer on every call, so concurrent calls can return a torn string. A `static let` is
    /// initialized exactly once, thread-safely.
    private static let openBLASBuildConfiguration = String(cString: openblas_get_config())
    #endif

    /// Number of threads the BLAS uses (OpenBLAS only; nil elsewhere).
    public static var threadCount: Int? {
        #if canImport(Accelerate)
        return nil
        #else
        return Int(openblas_get_num_threads())
        #endif
    }
}

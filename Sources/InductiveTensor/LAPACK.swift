// The other file that talks to the system library: LAPACK in column-major storage,
// through LAPACKE on Linux and Accelerate's CLAPACK interface on Apple platforms.
// Each wrapper returns LAPACK's `info` (0 on success); LinearAlgebra.swift turns it
// into a thrown `LinearAlgebraError`.

#if canImport(Accelerate)
import Accelerate
#else
import CLinearAlgebra
#endif
import Foundation

@usableFromInline
enum LAPACK {
    @usableFromInline static func char(_ c: Character) -> CChar { CChar(bitPattern: c.asciiValue!) }

    #if canImport(Accelerate)
    typealias Int_ = __CLPK_integer

    /// Runs a routine twice: a workspace query (lwork = -1), then the call. The integer
    /// workspace is at least `minimumIntegerWorkspace` whatever the query reports.
    private static func withWorkspace(
        minimumIntegerWorkspace: Int = 1,
        _ body: (_ work: UnsafeMutablePointer<Double>, _ lwork: UnsafeMutablePointer<Int_>,
                 _ iwork: UnsafeMutablePointer<Int_>, _ liwork: UnsafeMutablePointer<Int_>) -> Int_
    ) -> Int {
        var query = 0.0
        var iquery: Int_ = 0
        var lwork: Int_ = -1, liwork: Int_ = -1
        var info = body(&query, &lwork, &iquery, &liwork)
        if info != 0 { return Int(info) }
        lwork = Int_(query.rounded(.up)) + 1
        liwork = Swift.max(iquery, Int_(minimumIntegerWorkspace), 1)
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int_](repeating: 0, count: Int(liwork))
        info = work.withUnsafeMutableBufferPointer { w in
            iwork.withUnsafeMutableBufferPointer { iw in body(w.baseAddress!, &lwork, iw.baseAddress!, &liwork) }
        }
        return Int(info)
    }
    #endif

    /// Symmetric eigendecomposition (divide and conquer). `a` is n x n column-major; on
    /// exit it holds the eigenvectors (columns) and `w` the ascending eigenvalues.
    static func syevd(vectors: Bool, uplo: Character, n: Int, a: inout [Double], w: inout [Double]) -> Int {
        #if canImport(Accelerate)
        var jobz = char(vectors ? "V" : "N"), ul = char(uplo)
        var nn = Int_(n), lda = Int_(Swift.max(n, 1))
        return a.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                withWorkspace { work, lwork, iwork, liwork in
                    var info: Int_ = 0
                    dsyevd_(&jobz, &ul, &nn, pa.baseAddress, &lda, pw.baseAddress, work, lwork, iwork, liwork, &info)
                    return info
                }
            }
        }
        #else
        return Int(LAPACKE_dsyevd(LAPACK_COL_MAJOR, char(vectors ? "V" : "N"), char(uplo), Int32(n), &a, Int32(Swift.max(n, 1)), &w))
        #endif
    }

    /// SVD by divide and conquer. `a` is m x n column-major (destroyed). jobz: "A" full,
    /// "S" reduced, "N" values only. u is m x ucol, vt is vtrow x n, column-major.
    static func gesdd(jobz: Character, m: Int, n: Int, a: inout [Double], s: inout [Double],
                      u: inout [Double], ldu: Int, vt: inout [Double], ldvt: Int) -> Int {
        #if canImport(Accelerate)
        var job = char(jobz)
        var mm = Int_(m), nn = Int_(n), lda = Int_(Swift.max(m, 1)), lu = Int_(ldu), lvt = Int_(ldvt)
        var iw = [Int_](repeating: 0, count: 8 * Swift.max(1, Swift.min(m, n)))
        return a.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.withUnsafeMutableBufferPointer { pu in
                    vt.withUnsafeMutableBufferPointer { pvt in
                        iw.withUnsafeMutableBufferPointer { piw in
                            withWorkspace { work, lwork, _, _ in
                                var info: Int_ = 0
                                dgesdd_(&job, &mm, &nn, pa.baseAddress, &lda, ps.baseAddress, pu.baseAddress, &lu,
                                        pvt.baseAddress, &lvt, work, lwork, piw.baseAddress, &info)
                                return info
                            }
                        }
                    }
                }
            }
        }
        #else
        return Int(LAPACKE_dgesdd(LAPACK_COL_MAJOR, char(jobz), Int32(m), Int32(n), &a, Int32(Swift.max(m, 1)), &s,
                                  &u, Int32(ldu), &vt, Int32(ldvt)))
        #endif
    }

    /// Solves A X = B by LU with partial pivoting. A n x n, B n x nrhs, column-major.
    static func gesv(n: Int, nrhs: Int, a: inout [Double], b: inout [Double]) -> Int {
        var ipiv = [Int32](repeating: 0, count: Swift.max(n, 1))
        #if canImport(Accelerate)
        var nn = Int_(n), nr = Int_(nrhs), lda = Int_(Swift.max(n, 1)), ldb = Int_(Swift.max(n, 1)), info: Int_ = 0
        dgesv_(&nn, &nr, &a, &lda, &ipiv, &b, &ldb, &info)
        return Int(info)
        #else
        return Int(LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(n), Int32(nrhs), &a, Int32(Swift.max(n, 1)), &ipiv, &b, Int32(Swift.max(n, 1))))
        #endif
    }

    /// LU factorization with partial pivoting of an m x n column-major matrix.
    static func getrf(m: Int, n: Int, a: inout [Double], ipiv: inout [Int32]) -> Int {
        #if canImport(Accelerate)
        var mm = Int_(m), nn = Int_(n), lda = Int_(Swift.max(m, 1)), info: Int_ = 0
        dgetrf_(&mm, &nn, &a, &lda, &ipiv, &info)
        return Int(info)
        #else
        return Int(LAPACKE_dgetrf(LAPACK_COL_MAJOR, Int32(m), Int32(n), &a, Int32(Swift.max(m, 1)), &ipiv))
        #endif
    }

    /// Cholesky factorization A = L L^T (uplo "L") of an n x n column-major matrix.
    static func potrf(uplo: Character, n: Int, a: inout [Double]) -> Int {
        #if canImport(Accelerate)
        var ul = char(uplo), nn = Int_(n), lda = Int_(Swift.max(n, 1)), info: Int_ = 0
        dpotrf_(&ul, &nn, &a, &lda, &info)
        return Int(info)
        #else
        return Int(LAPACKE_dpotrf(LAPACK_COL_MAJOR, char(uplo), Int32(n), &a, Int32(Swift.max(n, 1))))
        #endif
    }

    /// Reciprocal condition number estimate (1-norm) of a symmetric positive definite matrix
    /// from its Cholesky factor (`potrf` output in `a`) and the 1-norm of the original matrix.
    static func pocon(uplo: Character, n: Int, a: [Double], anorm: Double, rcond: inout Double) -> Int {
        #if canImport(Accelerate)
        var ul = char(uplo), nn = Int_(n), lda = Int_(Swift.max(n, 1)), info: Int_ = 0
        var an = anorm, rc = 0.0
        var aa = a
        var work = [Double](repeating: 0, count: 3 * Swift.max(n, 1))
        var iwork = [Int_](repeating: 0, count: Swift.max(n, 1))
        dpocon_(&ul, &nn, &aa, &lda, &an, &rc, &work, &iwork, &info)
        rcond = rc
        return Int(info)
        #else
        return Int(LAPACKE_dpocon(LAPACK_COL_MAJOR, char(uplo), Int32(n), a, Int32(Swift.max(n, 1)), anorm, &rcond))
        #endif
    }

    /// Solves A X = B from the Cholesky factor computed by `potrf` (column-major).
    static func potrs(uplo: Character, n: Int, nrhs: Int, a: [Double], b: inout [Double]) -> Int {
        #if canImport(Accelerate)
        var ul = char(uplo), nn = Int_(n), nr = Int_(nrhs), lda = Int_(Swift.max(n, 1)), ldb = Int_(Swift.max(n, 1)), info: Int_ = 0
        var aa = a
        dpotrs_(&ul, &nn, &nr, &aa, &lda, &b, &ldb, &info)
        return Int(info)
        #else
        return Int(LAPACKE_dpotrs(LAPACK_COL_MAJOR, char(uplo), Int32(n), Int32(nrhs), a, Int32(Swift.max(n, 1)), &b, Int32(Swift.max(n, 1))))
        #endif
    }

    /// Solves A X = B for symmetric positive definite A (Cholesky), column-major.
    static func posv(uplo: Character, n: Int, nrhs: Int, a: inout [Double], b: inout [Double]) -> Int {
        #if canImport(Accelerate)
        var ul = char(uplo), nn = Int_(n), nr = Int_(nrhs), lda = Int_(Swift.max(n, 1)), ldb = Int_(Swift.max(n, 1)), info: Int_ = 0
        dposv_(&ul, &nn, &nr, &a, &lda, &b, &ldb, &info)
        return Int(info)
        #else
        return Int(LAPACKE_dposv(LAPACK_COL_MAJOR, char(uplo), Int32(n), Int32(nrhs), &a, Int32(Swift.max(n, 1)), &b, Int32(Swift.max(n, 1))))
        #endif
    }

    /// Minimum-norm least squares by SVD (divide and conquer). A m x n, B ldb x nrhs with
    /// ldb = max(m, n), column-major; on exit B's first n rows hold the solution.
    static func gelsd(m: Int, n: Int, nrhs: Int, a: inout [Double], b: inout [Double], ldb: Int,
                      s: inout [Double], rcond: Double, rank: inout Int) -> Int {
        #if canImport(Accelerate)
        var mm = Int_(m), nn = Int_(n), nr = Int_(nrhs), lda = Int_(Swift.max(m, 1)), lb = Int_(ldb)
        var rc = rcond, rk: Int_ = 0
        // LIWORK >= 3 minmn nlvl + 11 minmn, nlvl = max(0, int(log2(minmn / (smlsiz + 1))) + 1),
        // smlsiz = 25 (LAPACK's documentation), in case the query does not report it.
        let minmn = Swift.max(Swift.min(m, n), 1)
        let nlvl = Swift.max(0, Int(Foundation.log2(Double(minmn) / 26)) + 1)
        let liwork = 3 * minmn * nlvl + 11 * minmn
        let info = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                s.withUnsafeMutableBufferPointer { ps in
                    withWorkspace(minimumIntegerWorkspace: liwork) { work, lwork, iwork, _ in
                        var info: Int_ = 0
                        dgelsd_(&mm, &nn, &nr, pa.baseAddress, &lda, pb.baseAddress, &lb, ps.baseAddress, &rc, &rk,
                                work, lwork, iwork, &info)
                        return info
                    }
                }
            }
        }
        rank = Int(rk)
        return info
        #else
        var rk: Int32 = 0
        let info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, Int32(m), Int32(n), Int32(nrhs), &a, Int32(Swift.max(m, 1)), &b, Int32(ldb), &s, rcond, &rk)
        rank = Int(rk)
        return Int(info)
        #endif
    }

    /// QR factorization (Householder) of an m x n column-major matrix, then the first
    /// `k` columns of Q formed explicitly in `a`.
    static func geqrfOrgqr(m: Int, n: Int, a: inout [Double], r: inout [Double]) -> Int {
        let k = Swift.min(m, n)
        var tau = [Double](repeating: 0, count: Swift.max(k, 1))
        #if canImport(Accelerate)
        var mm = Int_(m), nn = Int_(n), kk = Int_(k), lda = Int_(Swift.max(m, 1))
        var info = a.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                withWorkspace { work, lwork, _, _ in
                    var info: Int_ = 0
                    dgeqrf_(&mm, &nn, pa.baseAddress, &lda, pt.baseAddress, work, lwork, &info)
                    return info
                }
            }
        }
        #else
        var info = Int(LAPACKE_dgeqrf(LAPACK_COL_MAJOR, Int32(m), Int32(n), &a, Int32(Swift.max(m, 1)), &tau))
        #endif
        if info != 0 { return info }
        // R is the upper triangle of the first k rows (k x n, column-major).
        r = [Double](repeating: 0, count: k * n)
        if k > 0 { for j in 0..<n { for i in 0...Swift.min(j, k - 1) { r[j * k + i] = a[j * m + i] } } }
        #if canImport(Accelerate)
        var nq = Int_(k)
        info = a.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                withWorkspace { work, lwork, _, _ in
                    var info: Int_ = 0
                    dorgqr_(&mm, &nq, &kk, pa.baseAddress, &lda, pt.baseAddress, work, lwork, &info)
                    return info
                }
            }
        }
        #else
        info = Int(LAPACKE_dorgqr(LAPACK_COL_MAJOR, Int32(m), Int32(k), Int32(k), &a, Int32(Swift.max(m, 1)), &tau))
        #endif
        return info
    }
}

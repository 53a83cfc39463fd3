import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

/// Exact-algebra tolerance: LAPACK in double precision on well-conditioned 6x6 to 9x9
/// problems is accurate to a few hundred ulps. Residuals and orthogonality of backward-stable
/// factorizations do not involve the condition number: <= c n eps ||A|| with n <= 9 and
/// ||A|| <~ 6 for standard normal entries, ~1e-14; the forward comparisons (lstsq vs pinv vs
/// normal equations, exp(A) exp(-A)) add kappa <~ 25 (4 x 9 Gaussian: kappa(A) ~ 5, of A A^T
/// ~ 25; exp of eigenvalues in [0.1, ~2]: ~ e^2). 1e-12 leaves >= 10x over c n eps kappa ||A||.
let algebraTolerance = 1e-12

func randomSymmetric(_ n: Int, seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let a = Tensor.randomNormal([n, n], using: &rng)
    return (a + a.T) * 0.5
}

func randomSPD(_ n: Int, seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let a = Tensor.randomNormal([n, n], using: &rng)
    return matmul(a, a, transposeB: true) + Tensor.eye(n)
}

func expectOrthonormalColumns(_ q: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(matmul(q, q, transposeA: true), Tensor.eye(q.shape[1]), rtol: 0, atol: algebraTolerance,
                sourceLocation: sourceLocation)
}

@Suite struct LinearAlgebraTests {
    @Test func eighSatisfiesAVEqualsVW() throws {
        let a = randomSymmetric(7, seed: 1)
        let (w, v) = try eigh(a)
        expectClose(matmul(a, v), v * w, rtol: 0, atol: algebraTolerance)
        expectOrthonormalColumns(v)
        #expect(zip(w.scalars, w.scalars.dropFirst()).allSatisfy { $0 <= $1 })
        expectClose(try eigvalsh(a), w, rtol: 0, atol: algebraTolerance)
    }

    @Test func eighReadsOnlyTheLowerTriangle() throws {
        let a = randomSymmetric(5, seed: 2)
        var corrupted = a
        for i in 0..<5 { for j in (i + 1)..<5 { corrupted[i, j] = 99 } }
        expectClose(try eigvalsh(corrupted), try eigvalsh(a), rtol: 0, atol: algebraTolerance)
    }

    @Test(arguments: [(6, 4), (4, 6), (5, 5)])
    func svdReconstructsWithOrthonormalFactors(shape: (Int, Int)) throws {
        var rng = RandomGenerator(seed: 3)
        let a = Tensor.randomNormal([shape.0, shape.1], using: &rng)
        let (u, s, vt) = try svd(a)
        let k = min(shape.0, shape.1)
        #expect(u.shape == [shape.0, k] && s.shape == [k] && vt.shape == [k, shape.1])
        expectClose(matmul(u * s, vt), a, rtol: 0, atol: algebraTolerance)
        expectOrthonormalColumns(u)
        expectOrthonormalColumns(vt.T)
        expectClose(try singularValues(a), s, rtol: 0, atol: algebraTolerance)
        let full = try svd(a, fullMatrices: true)
        #expect(full.u.shape == [shape.0, shape.0] && full.vt.shape == [shape.1, shape.1])
        expectOrthonormalColumns(full.u)
        expectOrthonormalColumns(full.vt)
    }

    @Test func solveAndInverse() throws {
        var rng = RandomGenerator(seed: 4)
        let a = Tensor.randomNormal([6, 6], using: &rng) + Tensor.eye(6) * 3
        let b = Tensor.randomNormal([6], using: &rng)
        let x = try solve(a, b)
        expectClose(matmul(a, x), b, rtol: 0, atol: algebraTolerance)
        let bm = Tensor.randomNormal([6, 3], using: &rng)
        expectClose(matmul(a, try solve(a, bm)), bm, rtol: 0, atol: algebraTolerance)
        expectClose(matmul(a, try inv(a)), Tensor.eye(6), rtol: 0, atol: algebraTolerance)
    }

    @Test func singularMatrixThrowsNamingTheRoutine() {
        let singular: Tensor = [[1, 2], [2, 4]]
        #expect(throws: LinearAlgebraError.self) { try solve(singular, Tensor([1, 1])) }
        do {
            _ = try inv(singular)
            Issue.record("inv of a singular matrix did not throw")
        } catch let e as LinearAlgebraError {
            #expect(e.kind == .singular && e.routine == "dgesv")
            #expect(e.description.contains("singular"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func nonFiniteInputThrowsBeforeLAPACK() {
        let bad: Tensor = [[1, .nan], [0, 1]]
        for body in [{ _ = try eigh(bad) }, { _ = try svd(bad) }, { _ = try solve(bad, Tensor([1, 1])) },
                     { _ = try cholesky(bad) }, { _ = try lstsq(bad, Tensor([1, 1])) }] as [() throws -> Void] {
            do { try body(); Issue.record("no error") } catch let e as LinearAlgebraError {
                #expect(e.kind == .nonFinite)
            } catch { Issue.record("unexpected \(error)") }
        }
    }

    @Test func choleskyAndPositiveDefiniteSolve() throws {
        let a = randomSPD(6, seed: 5)
        let l = try cholesky(a)
        // ||A|| ~ (2 sqrt 6)^2 + 1 ~ 25: |L L^T - A| <= (n + 1) eps ||A|| ~ 4e-14, and the residual
        // of the solve with ||x|| <= ||b|| / lambda_min <= 7.4 is <= n eps ||A|| ||x|| ~ 2.4e-13:
        // 1e-11 leaves >= 40x.
        expectClose(matmul(l, l, transposeB: true), a, rtol: 0, atol: 1e-11)
        for i in 0..<6 { for j in (i + 1)..<6 { #expect(l[i, j] == 0) } }
        let b = Tensor.arange(6)
        expectClose(matmul(a, try solvePositiveDefinite(a, b)), b, rtol: 0, atol: 1e-11)
        do {
            _ = try cholesky(Tensor([[1, 2], [2, 1]]))
            Issue.record("indefinite matrix accepted")  // eigenvalues 3 and -1: indefinite far beyond rounding
        } catch let e as LinearAlgebraError { #expect(e.kind == .notPositiveDefinite && e.info == 2) }
    }

    @Test func choleskyFactorizationEstimatesTheConditionNumber() throws {
        // A = Q diag(d) Q^T with known kappa_2 = 1e6; dpocon estimates 1/kappa_1, which is
        // within a factor n of 1/kappa_2 for an n x n matrix, and the estimator itself is
        // within a factor ~3 in practice: accept [1/(10 n kappa), 10 n / kappa].
        var rng = RandomGenerator(seed: 11)
        let (q, _) = try qr(Tensor.randomNormal([8, 8], using: &rng))
        let d = Tensor([1, 0.3, 0.1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6])
        let a = matmul(q * d, q, transposeB: true)
        let factor = try #require(try choleskyFactorization(a))
        #expect(factor.reciprocalCondition >= 1e-6 / 80 && factor.reciprocalCondition <= 80e-6, "\(factor.reciprocalCondition)")
        // |L L^T - A|_ij <= gamma_(n+1) (|L| |L^T|)_ij <= 9 eps/2 sqrt(a_ii a_jj) <= 1e-15 (||A|| = 1).
        expectClose(matmul(factor.lower, factor.lower, transposeB: true), a, rtol: 0, atol: 1e-14)
        // Solve: error <= c n eps kappa ||x|| = 8 * 2.2e-16 * 1e6 ~ 2e-9; 1e-8 leaves c <= 5.
        let x = Tensor.randomNormal([8, 2], using: &rng)
        #expect(relativeError(try factor.solve(matmul(a, x)), x) < 1e-8)
        // Indefinite: nil, not a throw.
        #expect(try choleskyFactorization(Tensor([[1, 2], [2, 1]])) == nil)
    }

    @Test func singularMatricesAreRecognizedWhetherOrNotTheirCholeskyCompletes() throws {
        // G = B^T B with B of rank 3 in R^5: singular in exact arithmetic. After rounding its
        // Cholesky may complete with a tiny pivot or stop; either way the decision "positive
        // definite to working accuracy" (reciprocal condition >= sqrt(eps)) must be no.
        for seed in 0..<20 {
            var rng = RandomGenerator(seed: UInt64(100 + seed))
            let b = matmul(Tensor.randomNormal([7, 3], using: &rng), Tensor.randomNormal([3, 5], using: &rng))
            let g = matmul(b, b, transposeA: true)
            if let factor = try choleskyFactorization(g) {
                #expect(factor.reciprocalCondition < Double.ulpOfOne.squareRoot(), "seed \(seed): \(factor.reciprocalCondition)")
            }
            // Shifted by 100 eps ||G||: positive definite beyond Cholesky's backward error
            // (~n eps ||G||), so it always factors, and 1/kappa ~ 100 eps is still far below
            // sqrt(eps): the criterion, not a failure, is what says "singular to working accuracy".
            let shifted = g + Tensor.eye(5) * (100 * Double.ulpOfOne * abs(g).maxAll() * 5)
            let factor = try #require(try choleskyFactorization(shifted), "seed \(seed)")
            #expect(factor.reciprocalCondition < Double.ulpOfOne.squareRoot(), "seed \(seed): \(factor.reciprocalCondition)")
        }
    }

    @Test func lstsqGivesTheMinimumNormSolutionEqualToPinv() throws {
        var rng = RandomGenerator(seed: 6)
        let a = Tensor.randomNormal([4, 9], using: &rng)  // underdetermined, full row rank
        let b = Tensor.randomNormal([4], using: &rng)
        let (x, rank, s) = try lstsq(a, b)
        #expect(rank == 4 && s.shape == [4])
        expectClose(matmul(a, x), b, rtol: 0, atol: algebraTolerance)
        expectClose(x, matmul(try pinv(a), b), rtol: 0, atol: algebraTolerance)
        // Minimum norm: x = A^T (A A^T)^-1 b, i.e. in the row space of A.
        expectClose(x, matmul(a, try solve(matmul(a, a, transposeB: true), b), transposeA: true), rtol: 0, atol: algebraTolerance)
        // Overdetermined: the normal equations hold.
        let tall = Tensor.randomNormal([9, 3], using: &rng), y = Tensor.randomNormal([9, 2], using: &rng)
        let xs = try lstsq(tall, y).solution
        #expect(xs.shape == [3, 2])
        expectClose(matmul(tall, matmul(tall, xs) - y, transposeA: true), Tensor.zeros([3, 2]), rtol: 0, atol: algebraTolerance)
    }

    @Test func pinvOfARankDeficientMatrix() throws {
        let a: Tensor = [[1, 2], [2, 4], [3, 6]]  // rank 1
        let p = try pinv(a)
        expectClose(matmul(matmul(a, p), a), a, rtol: 0, atol: algebraTolerance)
        expectClose(matmul(matmul(p, a), p), p, rtol: 0, atol: algebraTolerance)
        #expect(try lstsq(a, Tensor([1, 2, 3])).rank == 1)
    }

    @Test func slogdetAndDet() throws {
        let a: Tensor = [[2, 1, 0], [1, 3, 1], [0, 1, 4]]  // det = 18
        let (sign, logAbs) = try slogdet(a)
        // LU of a diagonally dominant 3 x 3 (no pivoting): 3 pivots each within ~2 eps, their
        // logs summed: |error| <= ~5 eps/2 ~ 6e-16 absolute on log 18 = 2.9, i.e. 2e-16
        // relative; 1e-15 leaves 4x. det of the permutation is exact (pivots +-1).
        #expect(sign == 1)
        expectClose(logAbs, Foundation.log(18), rtol: 1e-15)
        expectClose(try det(Tensor([[0, 1], [1, 0]])), -1, rtol: 1e-15)
        let singular = try slogdet(Tensor([[1, 2], [2, 4]]))
        #expect(singular.sign == 0 && singular.logAbsDet == -.infinity)
    }

    @Test func qrIsOrthonormalTimesUpperTriangular() throws {
        var rng = RandomGenerator(seed: 7)
        for shape in [[6, 4], [4, 6]] {
            let a = Tensor.randomNormal(shape, using: &rng)
            let (q, r) = try qr(a)
            let k = shape.min()!
            #expect(q.shape == [shape[0], k] && r.shape == [k, shape[1]])
            expectClose(matmul(q, r), a, rtol: 0, atol: algebraTolerance)
            expectOrthonormalColumns(q)
            for i in 0..<k { for j in 0..<min(i, shape[1]) { #expect(r[i, j] == 0) } }
        }
    }

    @Test func functionsOfSymmetricMatrices() throws {
        let a = randomSPD(5, seed: 8) * 0.1
        let root = try symmetricSqrt(a)
        expectClose(matmul(root, root), a, rtol: 0, atol: algebraTolerance)
        expectClose(try symmetricPower(a, 2), matmul(a, a), rtol: 0, atol: algebraTolerance)
        // exp(A) exp(-A) = I, and for a diagonal matrix it is elementwise.
        expectClose(matmul(try symmetricExp(a), try symmetricExp(-a)), Tensor.eye(5), rtol: 0, atol: algebraTolerance)
        expectClose(try symmetricExp(Tensor.diagonal(Tensor([0, 1]))), Tensor.diagonal(Tensor([1, Foundation.exp(1)])),
                    rtol: 0, atol: algebraTolerance)
    }
}

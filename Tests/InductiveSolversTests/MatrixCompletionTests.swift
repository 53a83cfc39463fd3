import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

/// Minimizes a convex function on an interval by ternary search (to |interval| < 1e-10).
func ternaryMinimize(_ lo: Double, _ hi: Double, _ f: (Double) -> Double) -> Double {
    var (a, b) = (lo, hi)
    while b - a > 1e-10 {
        let m1 = a + (b - a) / 3, m2 = b - (b - a) / 3
        if f(m1) < f(m2) { b = m2 } else { a = m1 }
    }
    return (a + b) / 2
}

@Suite struct MatrixCompletionTests {
    @Test func twoByTwoByHand() throws {
        // ||[[1, 1], [1, x]]||_* = sqrt(3 + x^2 + 2 |x - 1|) is smallest (2) at x = 1, the rank-1 completion.
        let s = try minimumNuclearNormCompletion(Tensor([[1, 1], [1, 0]]), mask: Tensor([[1, 1], [1, 0]]))
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        // Converged to the default relative gap 1e-9: the norm within ~1e-9 relative (1e-8: 10x); the
        // missing entry enters the objective as 2 |x - 1| / (2 sqrt 3) to first order (kinked): |x - 1| <~ 1e-8.
        expectClose(s.matrix, Tensor([[1, 1], [1, 1]]), rtol: 0, atol: 1e-7)
        expectClose(s.nuclearNorm, 2, rtol: 1e-8)
    }

    @Test func matchesANestedConvexSearchOnAThreeByThree() throws {
        // Two missing entries; the minimal nuclear norm as a function of them is convex, so
        // min_a min_b by nested ternary searches is exact to ~1e-9.
        let m = Tensor([[1, 2, 0], [0.5, -1, 3], [2, 0, 1]])
        let mask = Tensor([[1, 1, 0], [1, 1, 1], [1, 0, 1]])
        func nuclear(_ a: Double, _ b: Double) -> Double {
            var filled = m.scalars
            filled[2] = a; filled[7] = b
            return try! singularValues(Tensor(shape: [3, 3], scalars: filled)).sumAll()
        }
        let a = ternaryMinimize(-20, 20) { a in nuclear(a, ternaryMinimize(-20, 20) { nuclear(a, $0) }) }
        let b = ternaryMinimize(-20, 20) { nuclear(a, $0) }
        let s = try minimumNuclearNormCompletion(m, mask: mask, tolerance: 1e-11)
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        // Ternary searches to 1e-10 of the arguments (the objective is Lipschitz with constant
        // <= sqrt 2): ~1e-10; the solver at gap 1e-11. 1e-8 leaves 100x.
        expectClose(s.nuclearNorm, nuclear(a, b), rtol: 1e-8)
        #expect(s.constraintViolation < 1e-9)
    }

    @Test func recoversALowRankMatrixWithACertificate() throws {
        // 40 x 40 rank-2 PSD, half the entries observed: far above the ~ r n log n samples that
        // exact recovery needs, so the minimum nuclear-norm completion is the matrix itself.
        var rng = RandomGenerator(seed: 1)
        let u = Tensor.randomNormal([40, 2], using: &rng)
        let m = matmul(u, u, transposeB: true)
        let mask = Tensor.randomBernoulli([40, 40], p: 0.5, using: &rng)
        let s = try minimumNuclearNormCompletion(m, mask: mask)
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        // At the default relative gap 1e-9 the recovery error is ~sqrt(gap) ~ 3e-5 in the worst case,
        // but the exact-recovery certificate makes the optimum sharp (error linear in the gap):
        // measured 2.1e-9 (constraint violation 1.8e-9, gap 3.3e-9), so 1e-6 leaves 500x.
        #expect(relativeError(s.matrix, m) < 1e-6, "error \(relativeError(s.matrix, m))")
        #expect(s.constraintViolation < 1e-7)
        #expect(s.dualityGap >= -1e-9 && s.dualityGap < 1e-6, "gap \(s.dualityGap)")
        #expect(s.nuclearNorm <= m.norm(.nuclear) * (1 + 1e-8))
    }
}

@Suite struct PSDCompletionTests {
    @Test func matchesASchurComplementSearchOnAThreeByThree() throws {
        // Unknown: the pair (1, 3) = (3, 1) and the diagonal entry (3, 3). The trace is
        // smallest when Z_33 is the least value keeping Z PSD: with A the observed top-left
        // 2 x 2 block (positive definite) and v = (a, M_23), Z PSD iff Z_33 >= v^T A^-1 v, so
        // the optimum is min_a v^T A^-1 v (a convex quadratic) found by ternary search.
        let m = Tensor([[2, 1, 0], [1, 3, -1], [0, -1, 0]])
        let mask = Tensor([[1, 1, 0], [1, 1, 1], [0, 1, 0]])
        let aInverse = try inv(Tensor([[2, 1], [1, 3]]))
        func schur(_ a: Double) -> Double { let v = Tensor([a, -1]); return dot(v, matmul(aInverse, v)) }
        let best = ternaryMinimize(-20, 20, schur)
        let s = try minimumTracePSDCompletion(m, mask: mask, tolerance: 1e-11)
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        // Ternary search to 1e-10 on a quadratic with curvature ~1: value error ~1e-20; the
        // solver at relative residual 1e-11 on entries of size ~3: 1e-8 leaves 100x.
        expectClose(s.trace, 2 + 3 + schur(best), rtol: 1e-8)
        expectClose(s.matrix[0, 2], best, rtol: 0, atol: 1e-6)
        #expect(s.dualityGap < 1e-8 && s.dualityGap > -1e-8, "gap \(s.dualityGap)")
        #expect(try eigvalsh(s.matrix).minAll() >= -1e-12)
    }

    @Test func agreesWithTheNuclearNormSolverWhenItsOptimumIsPSD() throws {
        // A rank-2 PSD matrix, 60% of symmetric pairs observed: both solvers recover it, so the
        // unconstrained optimum is PSD and the two problems have the same solution.
        var rng = RandomGenerator(seed: 11)
        let z = Tensor.randomNormal([20, 2], using: &rng)
        let m = matmul(z, z, transposeB: true)
        var mask = Tensor.zeros([20, 20])
        for i in 0..<20 { for j in i..<20 where rng.uniform() < 0.6 { mask[i, j] = 1; mask[j, i] = 1 } }
        let psd = try minimumTracePSDCompletion(m, mask: mask)
        let nuclear = try minimumNuclearNormCompletion(m, mask: mask)
        #expect(psd.diagnostics.converged && nuclear.diagnostics.converged)
        // Both at relative residual 1e-9 with a sharp optimum (exact recovery): errors ~1e-8; 1e-6 leaves 100x.
        #expect(relativeError(psd.matrix, nuclear.matrix) < 1e-6, "\(relativeError(psd.matrix, nuclear.matrix))")
        #expect(relativeError(psd.matrix, m) < 1e-6)
        expectClose(psd.trace, nuclear.nuclearNorm, rtol: 1e-7)
        #expect(psd.dualityGap < 1e-7, "gap \(psd.dualityGap)")
    }

    @Test func badInputThrowsAReason() {
        let m = Tensor([[1, 2], [2, 1]])
        #expect(throws: SolverInputError.self) { try minimumNuclearNormCompletion(m, mask: Tensor([[1, 0.5], [1, 1]])) }
        #expect(throws: SolverInputError.self) { try minimumNuclearNormCompletion(m, mask: Tensor.ones([3, 3])) }
        #expect(throws: SolverInputError.self) { try minimumTracePSDCompletion(m, mask: Tensor([[1, 1], [0, 1]])) }
        #expect(throws: SolverInputError.self) { try minimumTracePSDCompletion(Tensor([[1, 2], [3, 1]]), mask: Tensor.ones([2, 2])) }
    }
}

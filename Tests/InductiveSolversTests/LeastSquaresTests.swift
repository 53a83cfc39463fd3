import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

/// Direct solvers on well-conditioned random problems of size <= 30: agreement to 1e-10
/// relative leaves a margin of ~10^4 over double-precision rounding of O(n^3) operations.
let directTolerance = 1e-10

/// (X^T X + alpha I)^-1 X^T y through the eigendecomposition of X^T X: an independent route.
func ridgeByEigendecomposition(_ x: Tensor, _ y: Tensor, alpha: Double) throws -> Tensor {
    let (values, vectors) = try eigh(matmul(x, x, transposeA: true))
    let projected = matmul(vectors, matmul(x, y, transposeA: true), transposeA: true)
    let scaled = y.rank == 1 ? projected / (values + alpha) : projected / (values + alpha).reshaped([values.count, 1])
    return matmul(vectors, scaled)
}

@Suite struct LeastSquaresTests {
    @Test(arguments: [(30, 8), (8, 30)])
    func ridgeMatchesTheEigendecompositionFormula(shape: (Int, Int)) throws {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.randomNormal([shape.0, shape.1], using: &rng)
        let y = Tensor.randomNormal([shape.0], using: &rng)
        let sMax = try singularValues(x).scalars[0]
        for alpha in [1e-3, 0.5, 20] {
            let fit = try ridge(x, y, alpha: alpha)
            // Both routes are backward stable solves with X^T X + alpha I (or X X^T + alpha I),
            // whose condition number is at most kappa = (s_max^2 + alpha) / alpha; each has
            // normwise relative error <= c p eps kappa with c of order one (the eigenvalues of
            // X^T X carry an absolute error ~ p eps s_max^2, divided by lambda + alpha >= alpha).
            // 10 p eps kappa bounds the difference: 2.1e-10 for alpha = 1e-3, 2e-14 for alpha = 20.
            let kappa = (sMax * sMax + alpha) / alpha
            let bound = 10 * Double(max(shape.0, shape.1)) * Double.ulpOfOne * kappa
            let reference = try ridgeByEigendecomposition(x, y, alpha: alpha)
            let error = relativeError(fit.coefficients, reference)
            #expect(error <= bound, "alpha \(alpha): normwise error \(error) > bound \(bound)")
            #expect(fit.diagnostics.converged && fit.diagnostics.iterations == 1)
        }
        // Several targets at once give the columns of the single-target fits.
        let targets = Tensor.randomNormal([shape.0, 3], using: &rng)
        let multi = try ridge(x, targets, alpha: 0.7).coefficients
        // gemm/trsm vs gemv/trsv on the same factor: kappa <= (s_max^2 + 0.7) / 0.7 ~ 1e2 with p = 30:
        // <= p eps kappa max|w| ~ 7e-13 max|w|; entries small by cancellation need that scale-aware
        // atol (the former fixed 1e-12 was at the bound): directTolerance max|w|, 100x.
        for k in 0..<3 {
            let single = try ridge(x, targets.slice([.all, .index(k)]), alpha: 0.7).coefficients
            expectClose(multi.slice([.all, .index(k)]), single, rtol: directTolerance, atol: directTolerance * single.norm(.infinity))
        }
    }

    @Test func perFeaturePenaltyDualAndPrimalFormsAgree() throws {
        var rng = RandomGenerator(seed: 2)
        let d = Tensor([0.1, 1, 10, 0.5, 2, 3, 0.01, 4, 1, 1])
        for n in [25, 6] {  // primal (n >= p) and dual (n < p) branches
            let x = Tensor.randomNormal([n, 10], using: &rng)
            let y = Tensor.randomNormal([n], using: &rng)
            let fit = try ridge(x, y, penalty: d)
            let direct = try solve(matmul(x, x, transposeA: true) + Tensor.diagonal(d), matmul(x, y, transposeA: true))
            // kappa(X^T X + D) <= (s_max^2 + 4) / 0.01 ~ 4e3 (dual branch, n = 6): each route within
            // p eps kappa max|w| ~ 1e-11 max|w|, above the former fixed atol 1e-12 for entries small
            // by cancellation: scale-aware atol directTolerance max|w| (10x).
            let atol = directTolerance * direct.norm(.infinity)
            expectClose(fit.coefficients, direct, rtol: directTolerance, atol: atol)
            #expect(fit.diagnostics.converged)
            // A matrix penalty equal to diag(d) gives the same answer.
            expectClose(try ridge(x, y, penalty: Tensor.diagonal(d)).coefficients, direct, rtol: directTolerance, atol: atol)
        }
    }

    @Test func singularPenaltyFallsBackToTheMinimumNormStackedSolution() throws {
        // The decision must not depend on whether the rounded X^T X + P happens to factor: its
        // reciprocal condition estimate is ~eps (below the sqrt(eps) limit) either way.
        // X has rank 2 in R^4 and P penalizes only the first coordinate: X^T X + P is singular.
        var rng = RandomGenerator(seed: 3)
        let basis = Tensor.randomNormal([2, 4], using: &rng)
        let x = matmul(Tensor.randomNormal([12, 2], using: &rng), basis)
        let y = Tensor.randomNormal([12], using: &rng)
        let p = Tensor.diagonal(Tensor([1, 0, 0, 0]))
        let fit = try ridge(x, y, penalty: p)
        #expect(fit.diagnostics.residual < 1e-9, "stationarity \(fit.diagnostics.residual)")
        let stacked = try lstsq(Tensor.concatenate([x, p], axis: 0), Tensor.concatenate([y, Tensor.zeros([4])], axis: 0)).solution
        // The same SVD-based solve of a 16 x 4 problem with condition number ~10 on its range:
        // agreement to 1e-9 leaves a margin of 10^5 over 16 eps kappa.
        expectClose(fit.coefficients, stacked, rtol: 1e-9, atol: 1e-12)
        // The same answer with the penalty given as a vector.
        expectClose(try ridge(x, y, penalty: Tensor([1, 0, 0, 0])).coefficients, stacked, rtol: 1e-9, atol: 1e-12)
    }

    @Test func tinyAlphaTakesTheStackedRouteAndStaysAccurate() throws {
        // kappa(X) = 1e5, so X^T X + alpha I has kappa ~ 1e10 > 1/sqrt(eps): Cholesky would give
        // errors ~ kappa(G) eps ~ 1e-7 (measured 1e-8..1e-6), the stacked SVD route ~ kappa(X) eps
        // ~ 2e-11. With a consistent y = X w and alpha = 1e-22, ridge differs from w by at most
        // alpha / s_min^2 = 1e-12. The bound 1e-9 sits between the two routes' errors.
        var rng = RandomGenerator(seed: 6)
        let (u, _, vt) = try svd(Tensor.randomNormal([40, 6], using: &rng))
        let x = matmul(u * Tensor([1, 0.3, 0.1, 0.01, 1e-3, 1e-5]), vt)
        let truth = Tensor.randomNormal([6], using: &rng)
        let fit = try ridge(x, matmul(x, truth), alpha: 1e-22)
        #expect(relativeError(fit.coefficients, truth) < 1e-9)
        #expect(fit.diagnostics.converged)
    }

    @Test func tinyAlphaOnWideDataTakesTheSVDRoute() throws {
        // n < p: the dual Gram X X^T + alpha I has kappa ~ (1 / 1e-5)^2 = 1e10 > 1/sqrt(eps), so
        // the SVD filter V diag(s / (s^2 + alpha)) U^T y is used (error ~ kappa(X) eps ~ 2e-11;
        // Cholesky of the dual Gram would give ~ kappa eps ~ 1e-6). With y = X w for w in the
        // row space, ridge tends to w with bias alpha / s_min^2 = 1e-12 at alpha = 1e-22.
        var rng = RandomGenerator(seed: 7)
        let (u, _, vt) = try svd(Tensor.randomNormal([6, 40], using: &rng))
        let x = matmul(u * Tensor([1, 0.3, 0.1, 0.01, 1e-3, 1e-5]), vt)
        let truth = matmul(x, Tensor.randomNormal([6], using: &rng), transposeA: true)  // in the row space
        let y = matmul(x, truth)
        let fit = try ridge(x, y, alpha: 1e-22)
        #expect(relativeError(fit.coefficients, truth) < 1e-9)
        // A per-feature penalty d = alpha 1 takes the dual route's own fallback (the SVD of
        // X D^-1/2) and must give the same solution, also for several targets at once.
        let perFeature = try ridge(x, y, penalty: Tensor.full([40], 1e-22))
        #expect(relativeError(perFeature.coefficients, truth) < 1e-9)
        let targets = Tensor.stack([y, 2 * y], axis: 1)
        let multi = try ridge(x, targets, penalty: Tensor.full([40], 1e-22)).coefficients
        #expect(relativeError(multi, Tensor.stack([truth, 2 * truth], axis: 1)) < 1e-9)
    }

    @Test func ridgeTendsToTheMinimumNormSolutionAsAlphaVanishes() throws {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.randomNormal([5, 12], using: &rng)
        let y = Tensor.randomNormal([5], using: &rng)
        let minimum = try minimumNormLeastSquares(x, y).coefficients
        // ||w_alpha - w_LN|| = O(alpha / s_min^2): 1e-9 with alpha = 1e-10 and s_min^2 ~ 1.
        // (5 x 12 Gaussian: s_min^2 ~ (sqrt 12 - sqrt 5)^2 ~ 1.5; rounding ~ n eps kappa(X X^T) ~ 2e-14.)
        // The bound is normwise, so an entry near 0 may carry all of it: atol 1e-8 ||w_LN||, 100x.
        expectClose(try ridge(x, y, alpha: 1e-10).coefficients, minimum, rtol: 1e-8, atol: 1e-8 * minimum.norm())
        #expect(try ridge(x, y, alpha: 0).coefficients == minimum)  // alpha = 0 calls minimumNormLeastSquares: same path
    }

    @Test func minimumNormByHand() throws {
        // x1 + x2 = 2: the shortest solution is (1, 1).
        let fit = try minimumNormLeastSquares(Tensor([[1, 1]]), Tensor([2]))
        // A 1 x 2 SVD (singular value sqrt 2) and two products: a few ulp, 1e-14 leaves ~20x.
        expectClose(fit.coefficients, Tensor([1, 1]), rtol: 1e-14)
        // From x0 = (3, 0) the closest solution is (2.5, -0.5): x0 moved along the row (1, 1).
        expectClose(try minimumNormLeastSquares(Tensor([[1, 1]]), Tensor([2]), closestTo: Tensor([3, 0])).coefficients,
                    Tensor([2.5, -0.5]), rtol: 1e-14)
    }

    @Test func closestSolutionIsNullSpaceComponentPlusMinimumNorm() throws {
        // The gradient-descent limit V2 V2^T x0 + x_LN of the implicit-bias notes.
        var rng = RandomGenerator(seed: 5)
        let x = Tensor.randomNormal([4, 9], using: &rng)
        let y = Tensor.randomNormal([4], using: &rng)
        let x0 = Tensor.randomNormal([9], using: &rng)
        let (_, _, vt) = try svd(x, fullMatrices: true)
        let v2 = vt.slice([.range(4..<9)]).T  // null-space basis, 9 x 5
        let expected = matmul(v2, matmul(v2, x0, transposeA: true)) + (try minimumNormLeastSquares(x, y)).coefficients
        let fit = try minimumNormLeastSquares(x, y, closestTo: x0)
        // 4 x 9 Gaussian, kappa ~ 5: SVD routes within ~9 eps kappa ||x|| ~ 1e-14; atol 1e-12 on O(1) entries.
        expectClose(fit.coefficients, expected, rtol: directTolerance, atol: 1e-12)
        expectClose(matmul(x, fit.coefficients), y, rtol: directTolerance, atol: 1e-12)
    }
}

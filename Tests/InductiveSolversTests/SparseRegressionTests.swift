import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct SparseRegressionTests {
    let truth = Tensor([0, 1.5, 0, 0, -2, 0, 0.8, 0])

    func problem(n: Int, noise: Double, seed: UInt64) -> (Tensor, Tensor) {
        var rng = RandomGenerator(seed: seed)
        let x = Tensor.randomNormal([n, truth.count], using: &rng)
        return (x, matmul(x, truth) + noise * Tensor.randomNormal([n], using: &rng))
    }

    @Test func stlsqRecoversAnExactSparseModel() throws {
        let (x, y) = problem(n: 60, noise: 0, seed: 1)
        let fit = try sequentialThresholdedLeastSquares(x, y, threshold: 0.1)
        // Exact data: the refit on the true support reproduces the truth to rounding.
        // (60 x 3 least squares, kappa ~ 1.5: ~n eps kappa |w| ~ 4e-14; 1e-12 leaves 25x, and the
        // residual ~ eps ||y|| sqrt(n) ~ 1e-14.)
        expectClose(fit.coefficients, truth, rtol: 1e-12, atol: 1e-12)
        #expect(fit.diagnostics.converged && fit.diagnostics.residual < 1e-12)
    }

    @Test func stlsqWithNoiseFindsTheSupportAndRidgeOnlySteersSelection() throws {
        let (x, y) = problem(n: 200, noise: 0.05, seed: 2)
        let plain = try sequentialThresholdedLeastSquares(x, y, threshold: 0.2)
        let ridged = try sequentialThresholdedLeastSquares(x, y, threshold: 0.2, alpha: 0.05)
        let support = truth.scalars.map { $0 != 0 }
        #expect(plain.coefficients.scalars.map { $0 != 0 } == support)
        // Same support, and the final unregularized refit makes the coefficients identical
        // (the same refit call on the same columns: bit-identical; the tolerance is slack).
        expectClose(ridged.coefficients, plain.coefficients, rtol: 1e-12, atol: 1e-14)
        // On the support, the least-squares refit: compare with lstsq on those columns.
        let columns = [1, 4, 6]
        let refit = try lstsq(x.take(columns, axis: 1), y).solution
        // Cholesky/QR vs SVD on 200 x 3, kappa ~ 1.3: ~1e-14 relative on entries >= 0.7: 1e-10 is slack.
        expectClose(plain.coefficients.take(columns), refit, rtol: 1e-10)
    }

    /// The reported residual sums over the kept terms only; it must agree with the dense
    /// ||X W - Y||_F / ||Y||_F. The two differ only in rounding: each residual entry by at most
    /// about p eps sum_j |x_ij w_j| in either way of summing, so in norm by at most
    /// 2 p eps ||X||_F ||W||_F, relative to ||Y||_F.
    @Test func stlsqResidualAgreesWithTheDenseProduct() throws {
        for (seed, noise) in [(UInt64(11), 0.05), (12, 0.5)] {
            let (x, y) = problem(n: 300, noise: noise, seed: seed)
            let y2 = y * 0.5 + matmul(x, Tensor([0, 0, 2, 0, 0, 0.3, 0, 0]))
            let targets = Tensor.stack([y, y2], axis: 1)
            for (rhs, threshold) in [(y, 0.2), (targets, 0.2), (targets, 0.0)] {
                let fit = try sequentialThresholdedLeastSquares(x, rhs, threshold: threshold, alpha: 0.01)
                let w = fit.coefficients
                let dense = (matmul(x, w) - rhs).norm() / rhs.norm()
                let bound = 2 * Double(x.shape[1]) * Double.ulpOfOne * x.norm() * w.norm() / rhs.norm()
                #expect(Swift.abs(fit.diagnostics.residual - dense) <= bound,
                        "seed \(seed), threshold \(threshold): \(fit.diagnostics.residual) vs \(dense), bound \(bound)")
                #expect(fit.diagnostics.residual > 0)
            }
        }
    }

    @Test func stlsqFitsSeveralTargetsColumnByColumn() throws {
        let (x, y) = problem(n: 80, noise: 0.01, seed: 3)
        let y2 = matmul(x, Tensor([1, 0, 0, 0, 0, 0, 0, -3]))
        let both = try sequentialThresholdedLeastSquares(x, Tensor.stack([y, y2], axis: 1), threshold: 0.1)
        #expect(both.coefficients.shape == [8, 2])
        // gemm vs gemv of the same refits: ~n eps kappa ~ 3e-14 relative on nonzeros >= 0.7 (zeros are
        // exact): 1e-12 leaves 30x; the exact-data column likewise with atol 1e-12 for its zeros.
        expectClose(both.coefficients.slice([.all, .index(0)]), try sequentialThresholdedLeastSquares(x, y, threshold: 0.1).coefficients, rtol: 1e-12)
        expectClose(both.coefficients.slice([.all, .index(1)]), Tensor([1, 0, 0, 0, 0, 0, 0, -3]), rtol: 1e-12, atol: 1e-12)
    }

    @Test func stridgeIsInvariantToColumnScalingWhenNormalizing() throws {
        let (x, y) = problem(n: 150, noise: 0.02, seed: 4)
        let scales = Tensor([1, 1000, 1, 0.001, 1, 1, 50, 1])
        let a = try sequentialThresholdRidge(x, y, alpha: 1e-5, tolerance: 2)
        let b = try sequentialThresholdRidge(x * scales, y, alpha: 1e-5, tolerance: 2)
        #expect(a.coefficients.scalars.map { $0 != 0 } == truth.scalars.map { $0 != 0 })
        // Scaling column j by s_j divides its coefficient by s_j, and changes nothing else.
        // With normalized columns the two problems differ by ~1 ulp per entry: ~n eps kappa ~ 5e-14
        // relative, so 1e-9 is loose but a wrong normalization would be O(1) off.
        expectClose(b.coefficients * scales, a.coefficients, rtol: 1e-9, atol: 1e-12)
    }

    @Test func toleranceSearchFindsTheSupportAndKeepsTheBestScoreOnItsPath() throws {
        let (x, y) = problem(n: 400, noise: 0.05, seed: 5)
        for norm in SelectionNorm.allCases {
            var options = ToleranceSearchOptions()
            options.norm = norm
            var rng = RandomGenerator(seed: 0)
            let result = try stridgeToleranceSearch(x, y, options: options, using: &rng)
            #expect(result.coefficients.scalars.map { $0 != 0 } == truth.scalars.map { $0 != 0 }, "norm \(norm)")
            #expect(result.path.count == options.maxSteps + 1 && result.path[0].tolerance == 0)
            #expect(result.score == result.path.map(\.score).min(), "the winner is the best-scoring candidate")
            // The l0 weight defaults to 1e-3 cond(X).
            let s = try singularValues(x).scalars
            expectClose(result.l0Penalty, 1e-3 * s[0] / s[s.count - 1], rtol: 1e-12)  // same SVD call, 2 roundings
        }
    }

    @Test func toleranceSearchScoreFormulas() {
        #expect(SelectionNorm.l2.score(residualNorm: 3, nonzeros: 2, l0Penalty: 0.5) == 4)
        #expect(SelectionNorm.squaredL2.score(residualNorm: 3, nonzeros: 2, l0Penalty: 0.5) == 10)
        #expect(SelectionNorm.default == .l2)
    }
}

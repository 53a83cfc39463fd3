import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct MatrixFactorizationTests {
    /// (1/2) ||P_obs(U V^T - M)||_F^2.
    func loss(_ u: Tensor, _ v: Tensor, _ m: Tensor, _ mask: Tensor) -> Double {
        let r = (matmul(u, v, transposeB: true) - m) * mask
        return 0.5 * dot(r, r)
    }

    @Test(arguments: [MatrixFactorization.symmetric, .general])
    func oneStepIsTheFiniteDifferenceGradientStep(_ factorization: MatrixFactorization) throws {
        var rng = RandomGenerator(seed: 3)
        let z = Tensor.randomNormal([6, 2], using: &rng)
        let m = matmul(z, z, transposeB: true)
        var mask = Tensor.zeros([6, 6])
        for i in 0..<6 { for j in i..<6 where rng.uniform() < 0.5 { mask[i, j] = 1; mask[j, i] = 1 } }
        let eta = 0.01
        var r0 = RandomGenerator(seed: 5), r1 = RandomGenerator(seed: 5)
        let start = try factorizedCompletion(m, mask: mask, factorization: factorization, initScale: 1, learningRate: eta, maxSteps: 0, using: &r0)
        let next = try factorizedCompletion(m, mask: mask, factorization: factorization, initScale: 1, learningRate: eta, maxSteps: 1, using: &r1)
        // Central differences with h = 1e-5 of a quartic with O(10) coefficients: truncation
        // ~h^2 * 10 = 1e-9, rounding ~1e-16 * 10 / h = 1e-10 per entry; after the step (x eta): ~1e-11.
        let h = 1e-5
        func numericGradient(_ f: (Tensor) -> Double, at x: Tensor) -> Tensor {
            var g = Tensor.zeros(like: x)
            for i in 0..<x.count {
                var plus = x, minus = x
                plus[flat: i] += h; minus[flat: i] -= h
                g[flat: i] = (f(plus) - f(minus)) / (2 * h)
            }
            return g
        }
        switch factorization {
        case .symmetric:
            let g = numericGradient({ loss($0, $0, m, mask) }, at: start.u)
            expectClose(next.u, start.u - g * eta, rtol: 0, atol: 1e-9)
            #expect(next.v == next.u)
        case .general:
            let gu = numericGradient({ loss($0, start.v, m, mask) }, at: start.u)
            let gv = numericGradient({ loss(start.u, $0, m, mask) }, at: start.v)
            expectClose(next.u, start.u - gu * eta, rtol: 0, atol: 1e-9)
            expectClose(next.v, start.v - gv * eta, rtol: 0, atol: 1e-9)
        }
        #expect(next.diagnostics.iterations == 1)
    }

    @Test func smallInitializationApproachesTheMinimumTraceCompletion() throws {
        // 12 x 12 rank 1, 50% of pairs observed, U U^T from scale 1e-3 (a different size, seed
        // and scale from the experiment). The limit is within O(scale) of the convex optimum:
        // tolerance 1e-2 against ~1e-3 expected; from scale 1 the same run ends much farther away.
        var rng = RandomGenerator(seed: 21)
        let z = Tensor.randomNormal([12, 1], using: &rng)
        let m = matmul(z, z, transposeB: true)
        var mask = Tensor.zeros([12, 12])
        for i in 0..<12 { for j in i..<12 where rng.uniform() < 0.5 { mask[i, j] = 1; mask[j, i] = 1 } }
        let convex = try minimumTracePSDCompletion(m, mask: mask)
        let eta = 0.25 / (try singularValues(m * mask).maxAll())
        var r = RandomGenerator(seed: 22), rLarge = RandomGenerator(seed: 22)
        let small = try factorizedCompletion(m, mask: mask, factorization: .symmetric, initScale: 1e-3, learningRate: eta,
                                         tolerance: 1e-7, maxSteps: 20_000, using: &r)
        let large = try factorizedCompletion(m, mask: mask, factorization: .symmetric, initScale: 1, learningRate: eta,
                                         tolerance: 1e-7, maxSteps: 20_000, using: &rLarge)
        #expect(small.relativeResidual < 1e-4, "\(small.diagnostics)")
        let dSmall = relativeError(small.matrix, convex.matrix), dLarge = relativeError(large.matrix, convex.matrix)
        #expect(dSmall < 1e-2, "distance \(dSmall)")
        #expect(dLarge > 10 * dSmall, "distances \(dLarge) (scale 1) and \(dSmall) (scale 1e-3)")
    }

    @Test func badInputThrowsAReason() {
        let m = Tensor([[1, 2], [2, 1]])
        var rng = RandomGenerator(seed: 1)
        #expect(throws: SolverInputError.self) {
            try factorizedCompletion(m, mask: Tensor([[1, 1], [0, 1]]), factorization: .symmetric, initScale: 1, learningRate: 0.1, using: &rng)
        }
        #expect(throws: SolverInputError.self) {
            try factorizedCompletion(m, mask: Tensor.ones([2, 3]), factorization: .general, initScale: 1, learningRate: 0.1, using: &rng)
        }
        #expect(throws: SolverInputError.self) {
            try factorizedCompletion(m, mask: Tensor.ones([2, 2]), factorization: .general, initScale: 1, learningRate: 0, using: &rng)
        }
    }
}


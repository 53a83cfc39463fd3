import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct MinibatchSGDTests {
    @Test func reshufflingVisitsEachExampleOnceIndependentBatchesMayRepeat() {
        var rng = RandomGenerator(seed: 5)
        let rr = epochBatches(exampleCount: 23, batchSize: 5, sampling: .randomReshuffling, using: &rng)
        #expect(rr.count == 4 && rr.allSatisfy { $0.count == 5 })
        #expect(Set(rr.joined()).count == 20)
        var repeats = 0
        for _ in 0..<20 {
            let wr = epochBatches(exampleCount: 23, batchSize: 5, sampling: .independentBatches, using: &rng)
            #expect(wr.allSatisfy { Set($0).count == 5 })
            if Set(wr.joined()).count < 20 { repeats += 1 }
        }
        // An epoch of 4 independent batches repeats an example with probability about 0.97.
        #expect(repeats > 10)
    }

    @Test func eulerStepsOnOneBatchApproachItsFlow() throws {
        // On C_k = (1/2) theta^T A theta, n steps of eps / n give (I - eps A / n)^n theta_0,
        // which tends to exp(-eps A) theta_0: the gap falls like 1/n.
        let a = Tensor([[2.0, 0.5], [0.5, 1.0]])
        let loss: BatchLoss = { t, _ in (t * matmul(Variable(a), t)).sum() * 0.5 }
        let start = Tensor([1.0, -2.0]), eps = 0.4
        let flow = matmul(try symmetricExp(-eps * a), start)
        var gaps: [Double] = []
        for n in [4, 16, 64] {
            var theta = start
            MinibatchSGD(learningRate: eps, batchSize: 1, stepsPerBatch: n).run(&theta, batches: [[0]], loss: loss)
            var manual = start
            for _ in 0..<n { manual = manual - eps / Double(n) * matmul(a, manual) }
            #expect((theta - manual).norm() < 1e-14)
            gaps.append((theta - flow).norm())
        }
        // (I − hA)^n = exp(−εA − ε²A²/(2n) − ε³A³/(3n²) − …): the gap is g(n) = c/n (1 + δ_n)
        // with |δ_n| ≤ r = ελ_max/n (the ε³ term relative to the ε² one, (2/3)ελ/n, and the
        // second-order term of the exponential, ε²λ²/(4n), both below ελ/n for ελ < 1). So
        // g(n)/g(4n) lies in [4(1 − r)/(1 + r/4), 4(1 + r)/(1 − r/4)]; λ_max(A) = 1.5 + √0.5.
        let lambdaMax = 1.5 + 0.5.squareRoot()
        for (k, n) in [4, 16].enumerated() {
            let r = eps * lambdaMax / Double(n), ratio = gaps[k] / gaps[k + 1]
            #expect(ratio > 4 * (1 - r) / (1 + r / 4) && ratio < 4 * (1 + r) / (1 - r / 4), "n = \(n): ratio \(ratio), r = \(r)")
        }
    }

    @Test func penalizedStepMatchesTheHessianRoute() {
        // One batch (B = N): theta - eps (g + lambda 2 H g) with the Hessian built row by row.
        let x = normal([6, 3], seed: 61), y = normal([6], seed: 62)
        let loss: BatchLoss = { t, rows in
            let r = tanh(matmul(Variable(x.take(rows)), t)) - Variable(y.take(rows))
            return (r * r).mean()
        }
        let start = normal([3], seed: 63)
        var rng = RandomGenerator(seed: 1)
        var step = PenalizedGradientDescent(learningRate: 0.1, batchSize: 6, penaltyWeight: 0.3)
        var theta = start
        step.step(&theta, exampleCount: 6, loss: loss, using: &rng)
        let f: ParameterLoss = { loss($0, Array(0..<6)) }
        let g = gradient(at: start, of: f), h = hessian(at: start, of: f)
        let expected = start - 0.1 * (g + 0.3 * 2 * matmul(h, g))
        #expect((theta - expected).norm() < 1e-13)
        expectClose(step.lastPenalty, (g * g).sumAll(), rtol: 1e-12)
    }

    @Test func penalizedStepUsesAllExamplesWhenBatchesLeaveSomeOut() {
        // N = 6, B = 4: one batch of 4, two examples sit out of the penalty but not of C.
        let x = normal([6, 3], seed: 64), y = normal([6], seed: 65)
        let loss: BatchLoss = { t, rows in
            let r = tanh(matmul(Variable(x.take(rows)), t)) - Variable(y.take(rows))
            return (r * r).mean()
        }
        let start = normal([3], seed: 66)
        var rng = RandomGenerator(seed: 2)
        var replay = rng
        var step = PenalizedGradientDescent(learningRate: 0.1, batchSize: 4, penaltyWeight: 0.3)
        var theta = start
        step.step(&theta, exampleCount: 6, loss: loss, using: &rng)
        let batch = epochBatches(exampleCount: 6, batchSize: 4, sampling: .randomReshuffling, using: &replay)[0]
        let full: ParameterLoss = { loss($0, Array(0..<6)) }, part: ParameterLoss = { loss($0, batch) }
        let gb = gradient(at: start, of: part)
        let expected = start - 0.1 * (gradient(at: start, of: full) + 0.3 * 2 * matmul(hessian(at: start, of: part), gb))
        // A few dozen roundings of O(1) numbers.
        #expect((theta - expected).norm() < 1e-13)
    }
}

import Foundation
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

/// f(theta) = 1/2 (theta - c)^T A (theta - c) with A = diag(1, 4, 0.5): minimum at c.
let quadraticCenter: Tensor = [1, -2, 3]
let quadraticCurvature: Tensor = [1, 4, 0.5]
func quadraticGradient(_ theta: Tensor) -> Tensor { (theta - quadraticCenter) * quadraticCurvature }

func minimize(_ optimizer: inout some Optimizer, steps: Int) -> Tensor {
    var parameters = [Tensor.zeros([3])]
    var rng = RandomGenerator(seed: 0)
    for _ in 0..<steps {
        optimizer.update(&parameters, gradients: [quadraticGradient(parameters[0])], rng: &rng)
    }
    return parameters[0]
}

@Suite struct OptimizerTests {
    /// Every deterministic rule reaches the known minimum (to 1e-8: each converges
    /// linearly, and the step counts leave a margin of several orders). Gradient descent
    /// contracts by max |1 - 0.3 lambda| = 0.85 per step (0.85^400 = 5e-29), heavy ball by
    /// ~sqrt(0.9) (0.95^1500 = 1e-34): both end at the rounding floor, a few eps |c|
    /// (measured 4e-16 relative), so 1e-12 (it was 1e-8, 1e8 times the error). Adam's steps
    /// are ~lr = 0.05 * 0.3^9 = 1e-6 at the end of its schedule: 1e-6 stays. Elementwise
    /// arithmetic only, no BLAS.
    @Test func everyOptimizerFindsTheMinimumOfAQuadratic() {
        var gd = GradientDescent(learningRate: 0.3)
        expectClose(minimize(&gd, steps: 400), quadraticCenter, rtol: 1e-12)
        var momentum = GradientDescent(learningRate: 0.1, momentum: 0.9)
        expectClose(minimize(&momentum, steps: 1500), quadraticCenter, rtol: 1e-12)
        var nesterov = GradientDescent(learningRate: 0.1, momentum: 0.9, nesterov: true)
        expectClose(minimize(&nesterov, steps: 1500), quadraticCenter, rtol: 1e-12)
        var adam = Adam(learningRate: 0.05, schedule: .step(every: 400, factor: 0.3))
        expectClose(minimize(&adam, steps: 4000), quadraticCenter, rtol: 1e-6)
        var adamW = Adam.adamW(learningRate: 0.05, weightDecay: 0)
        // AdamW with zero decay performs Adam's arithmetic: identical (rtol 1e-15 is slack).
        expectClose(minimize(&adamW, steps: 300), minimize(&adam, steps: 0) * 0 + minimizeAdamReference(steps: 300), rtol: 1e-15)
    }

    /// Adam's first steps follow Algorithm 1 of Kingma and Ba with bias correction:
    /// m^_1 = g_1 and v^_1 = g_1^2, so the first step is -eta g / (|g| + eps) (about eta in
    /// every coordinate, whatever the gradient scale); the second is checked by hand too.
    @Test func adamBiasCorrectionAsInThePaper() {
        var adam = Adam(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        var p = [Tensor([0, 0, 0])]
        var rng = RandomGenerator(seed: 0)
        let g1 = quadraticGradient(p[0])
        adam.update(&p, gradients: [g1], rng: &rng)
        expectClose(p[0], -0.1 * g1 / (abs(g1) + 1e-8), rtol: 1e-15)  // the same 3 operations: identical
        let g2 = quadraticGradient(p[0])
        adam.update(&p, gradients: [g2], rng: &rng)
        let m = 0.9 * 0.1 * g1 + 0.1 * g2, v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2
        let mHat = m / (1 - 0.81), vHat = v / (1 - 0.999 * 0.999)
        // ~15 roundings in another order (the two steps are each ~0.1 in size and of one sign,
        // no cancellation): <= 15 eps/2 ~ 1.7e-15; 1e-14 leaves 6x.
        expectClose(p[0], -0.1 * g1 / (abs(g1) + 1e-8) - 0.1 * mHat / (sqrt(vHat) + 1e-8), rtol: 1e-14)
    }

    /// The weight-decay update of the notes: w <- (1 - eps alpha) w - eps grad J, to 1e-12.
    @Test func coupledAndDecoupledDecayInGradientDescent() {
        let w = normal([4], seed: 1), g = normal([4], seed: 2)
        var rng = RandomGenerator(seed: 0)
        for decay in [WeightDecay.coupled(0.3), .decoupled(0.3)] {
            var opt = GradientDescent(learningRate: 0.1, weightDecay: decay)
            var p = [w]
            opt.update(&p, gradients: [g], rng: &rng)
            // Two terms of opposite signs can cancel: each form is within ~3 eps/2 of |0.97 w| + |0.1 g|,
            // the scale-aware atol (rtol alone would not bound an entry near 0).
            expectClose(p[0], (1 - 0.1 * 0.3) * w - 0.1 * g, rtol: 1e-12, atol: 4 * Double.ulpOfOne * (abs(w) + 0.1 * abs(g)).maxAll())
        }
        // In Adam they differ: decoupled decay is not rescaled by the second moment.
        var coupled = Adam(learningRate: 0.1, weightDecay: .coupled(0.3)), decoupled = Adam(learningRate: 0.1, weightDecay: .decoupled(0.3))
        var p1 = [w], p2 = [w]
        coupled.update(&p1, gradients: [g], rng: &rng)
        decoupled.update(&p2, gradients: [g], rng: &rng)
        // The same cancellation: atol 4 eps max(|w| + 0.1) (the Adam step is ~0.1 per coordinate).
        expectClose(p2[0], w * (1 - 0.03) - 0.1 * g / (abs(g) + 1e-8), rtol: 1e-14, atol: 4 * Double.ulpOfOne * (abs(w) + 0.1).maxAll())
        #expect(!p1[0].isClose(to: p2[0], rtol: 1e-6))
    }

    /// SGLD on U = lambda theta^2 / 2 has the stationary variance T / (lambda (1 - eta lambda / 2))
    /// of its discrete update (not the continuous T / lambda, 11% away at eta lambda = 0.2).
    /// 40,000 independent chains after 150 steps (the initial state has decayed by 0.8^300):
    /// the variance estimate has relative standard error sqrt(2 / 40000) = 0.7%; tolerance
    /// 3.5% (5 standard errors).
    @Test func langevinStationaryVariance() {
        let lambda = 2.0, eta = 0.1, temperature = 0.5
        var sgld = Langevin(learningRate: eta, temperature: temperature)
        var p = [Tensor.zeros([40_000])]
        var rng = RandomGenerator(seed: 7)
        for _ in 0..<150 { sgld.update(&p, gradients: [p[0] * lambda], rng: &rng) }
        let variance = p[0].variance().scalar
        let discrete = temperature / (lambda * (1 - eta * lambda / 2))
        #expect(abs(variance / discrete - 1) < 0.035, "variance \(variance), expected \(discrete)")
        #expect(abs(variance / (temperature / lambda) - 1) > 0.05)
    }

    @Test func learningRateSchedules() {
        #expect(LearningRateSchedule.constant.rate(base: 0.1, step: 99) == 0.1)
        // 0.1 * 0.5^2 is exact scaling; the cosine at step 50 adds 0.09 (1 + cos(π/2)) / 2: a few roundings.
        expectClose(LearningRateSchedule.step(every: 10, factor: 0.5).rate(base: 0.1, step: 25), 0.025, rtol: 1e-15)
        let cosine = LearningRateSchedule.cosine(totalSteps: 100, minimum: 0.01)
        expectClose(cosine.rate(base: 0.1, step: 0), 0.1, rtol: 1e-15)
        expectClose(cosine.rate(base: 0.1, step: 50), 0.055, rtol: 1e-14)
        expectClose(cosine.rate(base: 0.1, step: 200), 0.01, rtol: 1e-15)
    }

    @Test func optimizerStateRoundTrips() throws {
        var adam = Adam(learningRate: 0.05)
        _ = minimize(&adam, steps: 5)
        var restored = Adam(learningRate: 0.05)
        try restored.restore(Dictionary(uniqueKeysWithValues: adam.stateTensors.map { ($0.name, $0.value) }))
        var a = [Tensor([0.5, 0.5, 0.5])], b = a
        var rng = RandomGenerator(seed: 1)
        adam.update(&a, gradients: [Tensor([1, 2, 3])], rng: &rng)
        restored.update(&b, gradients: [Tensor([1, 2, 3])], rng: &rng)
        #expect(a == b)
    }
}

/// Adam without decay run the same way, for comparing AdamW(lambda = 0) with it.
func minimizeAdamReference(steps: Int) -> Tensor {
    var adam = Adam(learningRate: 0.05)
    return minimize(&adam, steps: steps)
}

extension OptimizerTests {
    /// Adam updates its moments in place; the result must be bit for bit the whole-tensor
    /// formulas of Algorithm 1 (m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2, written
    /// here as tensor expressions): the same operations on every element in the same order,
    /// so tolerance zero. Large enough (two parts' worth plus 5 elements) that the in-place
    /// loops run split over the cores; coupled decay so that the gradient is a modified copy.
    @Test func adamInPlaceMomentsEqualTheTensorFormulas() {
        let n = 2 * Parallel.minimumCheapElementsPerPart + 5
        var rng = RandomGenerator(seed: 77)
        var adam = Adam(learningRate: 0.01, weightDecay: .coupled(1e-3))
        var p = [Tensor((0..<n).map { _ in rng.uniform(-1, 1) })]
        var q = p[0], m = Tensor.zeros([n]), v = Tensor.zeros([n])
        for t in 1...3 {
            let g0 = Tensor((0..<n).map { _ in rng.uniform(-2, 2) })
            adam.update(&p, gradients: [g0], rng: &rng)
            var g = g0
            g.addScaled(q, 1e-3)
            m = m * 0.9 + g * (1 - 0.9)
            v = v * 0.999 + g * g * (1 - 0.999)
            let c1 = 1 - Foundation.pow(0.9, Double(t)), c2 = 1 - Foundation.pow(0.999, Double(t))
            q.addScaled(Tensor.zipWith(m, v) { a, b in (a / c1) / ((b / c2).squareRoot() + 1e-8) }, -0.01)
            #expect(zip(p[0].scalars, q.scalars).allSatisfy { $0.bitPattern == $1.bitPattern }, "step \(t)")
        }
    }
}

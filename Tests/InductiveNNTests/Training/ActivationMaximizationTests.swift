import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ActivationMaximizationTests {
    /// For a linear unit a(x) = w·x + b the maximizer on the sphere of radius r is r w / ‖w‖
    /// (Cauchy–Schwarz). Projected normalized ascent with steps 0.05 r (1 − t/T) converges to
    /// it: near the optimum the angle to w shrinks by about 1 / (1 + 0.05 (1 − t/T)) per step,
    /// e^(−0.05 T / 2) = e^(−50) over T = 2000 steps, i.e. rounding level; 1e-8 relative leaves a
    /// wide margin while a wrong projection or sign fails by O(1).
    @Test func linearUnitOptimumIsTheNormalizedWeight() {
        var rng = RandomGenerator(seed: 31)
        let dense = Dense(inputSize: 10, outputSize: 3, using: &rng)
        let model = Sequential([dense, ActivationLayer(.tanh)])
        let r = 2.5
        let result = ActivationMaximization(model: model, depth: 1, unit: .index(1), radius: r, start: normal([1, 10], seed: 32),
                                            steps: 2000, learningRate: 0.05 * r)
        let w = dense.weight.slice([.all, .index(1)])
        expectClose(result.input.reshaped([10]), w * (r / w.norm()), rtol: 1e-8)
        expectClose(result.activation, r * w.norm() + dense.bias![1], rtol: 1e-8)
        expectClose(result.input.norm(), r, .exactAlgebra)
        // The trace rises (ascent) to the optimum.
        #expect(result.trace.last! >= result.trace.first!)
    }

    /// Channel selection: the mean over positions of one channel of a [batch, C, H, W] output.
    @Test func channelMeanSelectsOneChannel() {
        let y = normal([2, 3, 2, 2], seed: 7)
        let a = ActivationMaximization.activations(of: Variable(constant: y), unit: .channelMean(1)).value
        for b in 0..<2 {
            expectClose(a[b], y.slice([.index(b), .index(1)]).mean().scalar, .exactAlgebra)
        }
        let i = ActivationMaximization.activations(of: Variable(constant: y), unit: .index(5)).value
        #expect(i[1] == y.reshaped([2, 12])[1, 5])
    }
}

import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct WidthScalingTests {
    /// Same draws, different scaling: without biases the mean-field output is the NTK output
    /// divided by sqrt(n) (the output layer's 1/n instead of 1/sqrt(n)); the hidden layers agree.
    @Test func meanFieldOutputIsScaledDown() {
        var r1 = RandomGenerator(seed: 4), r2 = RandomGenerator(seed: 4)
        let n = 64
        let ntk = WidthScaling.ntk.network(inputSize: 3, width: n, depth: 2, activation: .relu, weightStd: 1.5, biasStd: 0, using: &r1)
        let mf = WidthScaling.meanField.network(inputSize: 3, width: n, depth: 2, activation: .relu, weightStd: 1.5, biasStd: 0, using: &r2)
        #expect(ntk.parameters == mf.parameters)
        let x = normal([5, 3], seed: 5)
        expectClose(mf(x), ntk(x) * (1 / Double(n).squareRoot()), .exactAlgebra)
        #expect(ntk.layers.count == 3)
    }
}

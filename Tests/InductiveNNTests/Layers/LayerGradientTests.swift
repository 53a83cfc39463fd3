import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

/// Every layer's derivatives with respect to input and parameters, first and second order,
/// against finite differences. Central differences with h = cbrt(eps) max(1, |x|) ~ 6e-6:
/// truncation ~h^2 |f'''| ~ 1e-11 against rounding ~eps |f| / h ~ 4e-11 |f|, ~1e-10 scaled;
/// a wrong rule is off by O(1): 1e-6 (first order) and 1e-5 (second) leave >= 1e4.
@Suite struct LayerGradientTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let layer: any Layer
        let input: Tensor
        var description: String { name }
    }

    static let cases: [Case] = {
        var rng = RandomGenerator(seed: 1)
        return [
            Case(name: "dense standard tanh", layer: Dense(inputSize: 3, outputSize: 4, activation: .tanh, using: &rng), input: normal([5, 3], seed: 2)),
            Case(name: "dense ntk erf", layer: Dense(inputSize: 3, outputSize: 4, activation: .erf, parameterization: .ntk(weightStd: 1.5, biasStd: 0.1), using: &rng), input: normal([5, 3], seed: 3)),
            Case(name: "dense mean-field no bias", layer: Dense(inputSize: 3, outputSize: 2, parameterization: .meanField(weightStd: 1, biasStd: 0), useBias: false, using: &rng), input: normal([4, 3], seed: 4)),
            Case(name: "dense gelu", layer: Dense(inputSize: 3, outputSize: 3, activation: .gelu, using: &rng), input: normal([4, 3], seed: 5)),
            Case(name: "dense softplus sin sigmoid", layer: Sequential(Dense(inputSize: 2, outputSize: 3, activation: .softplus, using: &rng), Dense(inputSize: 3, outputSize: 3, activation: .sin, using: &rng), ActivationLayer(.sigmoid)), input: normal([4, 2], seed: 6)),
            Case(name: "conv1d same", layer: Convolution(inputChannels: 2, outputChannels: 3, kernel: [3], activation: .tanh, using: &rng), input: normal([2, 2, 7], seed: 7)),
            Case(name: "conv2d valid stride 2", layer: Convolution(inputChannels: 2, outputChannels: 2, kernel: [3, 2], strides: [2, 1], padding: .valid, using: &rng), input: normal([2, 2, 6, 5], seed: 8)),
            Case(name: "conv2d circular", layer: Convolution(inputChannels: 1, outputChannels: 2, kernel: [3, 3], padding: .circular, activation: .tanh, using: &rng), input: normal([2, 1, 4, 5], seed: 9)),
            Case(name: "max pool 2d", layer: Pooling(.maximum, window: [2, 2]), input: normal([2, 2, 4, 4], seed: 10)),
            Case(name: "average pool 1d overlapping", layer: Pooling(.average, window: [3], strides: [1]), input: normal([2, 2, 6], seed: 11)),
            Case(name: "global max pool", layer: GlobalPooling(.maximum), input: normal([2, 3, 4, 4], seed: 12)),
            Case(name: "global average pool", layer: GlobalPooling(.average), input: normal([2, 3, 5], seed: 13)),
            Case(name: "layer norm", layer: LayerNorm(features: 4), input: normal([3, 4], seed: 14)),
            Case(name: "fourier features trainable", layer: FourierFeatures(inputSize: 2, features: 3, sigma: 0.5, trainable: true, using: &rng), input: normal([4, 2], seed: 15)),
            Case(name: "residual", layer: Residual(Dense(inputSize: 3, outputSize: 3, activation: .tanh, using: &rng)), input: normal([4, 3], seed: 16)),
            Case(name: "flatten reshape", layer: Sequential(Flatten(), Reshape([2, 3])), input: normal([2, 3, 2], seed: 17)),
        ]
    }()

    @Test(arguments: cases)
    func derivativesMatchFiniteDifferences(_ c: Case) {
        let (first, second) = checkLayer(c.layer, input: c.input)
        #expect(first.passes(.finiteDifferences), "\(c.name) first order: \(first)")
        #expect(second.passes(.secondOrderFiniteDifferences), "\(c.name) second order: \(second)")
    }

    /// BatchNorm in training mode (batch statistics) differentiated through the statistics.
    @Test func batchNormTrainingModeDerivatives() {
        let bn = BatchNorm(features: 3)
        let f = { (xs: [Variable]) -> Variable in
            var context = ForwardContext(training: true)
            let y = bn.apply(parameters: Array(xs.dropFirst()), to: xs[0], context: &context)
            return (y * y * y * Variable(normal(y.shape, seed: 5))).sum()
        }
        let args = [normal([5, 3, 2], seed: 1), normal([3], seed: 2), normal([3], seed: 3)]
        #expect(checkGradient(of: f, at: args).passes(.finiteDifferences))
        #expect(checkHessianVectorProduct(of: f, at: args, direction: args.map { normal($0.shape, seed: 9) }).passes(.secondOrderFiniteDifferences))
    }
}

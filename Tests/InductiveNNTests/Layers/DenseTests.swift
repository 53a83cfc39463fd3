import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct DenseTests {
    /// Each parameterization computes its documented formula.
    @Test func parameterizationsFollowTheirFormulas() {
        let w = normal([4, 3], seed: 1), b = normal([3], seed: 2), x = normal([5, 4], seed: 3)
        let standard = Dense(weight: w, bias: b, activation: .tanh)
        // The same gemm on the same operands, then tanh: identical (rtol 1e-14 is slack).
        expectClose(standard(x), tanh(matmul(x, w) + b), rtol: 1e-14)
        // The scaled forms may be computed in another order (scale before or after the 4-term
        // products, bias added last): each within ~(4 + 2) eps/2 of the sum of |terms|, which an
        // entry small by cancellation does not bound: atol 8 eps max(s |x||w| + b_s |b|), rtol 1e-13.
        let ntk = Dense(weight: w, bias: b, parameterization: .ntk(weightStd: 1.4, biasStd: 0.1))
        let ntkScale = (matmul(abs(x), abs(w)) * (1.4 / 2) + abs(b) * 0.1).maxAll()
        expectClose(ntk(x), matmul(x, w) * (1.4 / 2) + b * 0.1, rtol: 1e-13, atol: 8 * Double.ulpOfOne * ntkScale)
        let meanField = Dense(weight: w, bias: b, parameterization: .meanField(weightStd: 2, biasStd: 0))
        expectClose(meanField(x), matmul(x, w) * (2.0 / 4), rtol: 1e-13, atol: 8 * Double.ulpOfOne * (matmul(abs(x), abs(w)) * 0.5).maxAll())
    }

    @Test func ntkParameterizationDrawsStandardNormals() {
        var rng = RandomGenerator(seed: 4)
        let layer = Dense(inputSize: 200, outputSize: 300, parameterization: .ntk(weightStd: 1, biasStd: 1), using: &rng)
        // 60,000 N(0,1) draws: the sample variance is within 0.02 of 1 (5 standard errors).
        // (s.e. sqrt(2 / 60000) = 0.0058: 0.02 is 3.5 sigma; seeded, so the same everywhere.)
        #expect(abs(layer.weight.variance().scalar - 1) < 0.02)
    }

    @Test func flatParametersRoundTrip() {
        var rng = RandomGenerator(seed: 5)
        var model = Sequential(Dense(inputSize: 3, outputSize: 4, using: &rng), Dense(inputSize: 4, outputSize: 2, using: &rng))
        #expect(model.parameterNames == ["0.weight", "0.bias", "1.weight", "1.bias"])
        let theta = model.flatParameters
        #expect(theta.count == model.parameterCount && theta.count == 3 * 4 + 4 + 4 * 2 + 2)
        let x = normal([2, 3], seed: 6)
        let y = model(x)
        let viaFlat = model.apply(parameters: model.unflatten(Variable(theta)), to: Variable(x)).value
        #expect(viaFlat == y)
        model.setFlatParameters(theta * 2)
        #expect(model.flatParameters == theta * 2)
    }

    @Test func activationsAsFunctionsAndLayers() {
        let x: Tensor = [-1, 0.5, 2]
        #expect(Activation.relu(x) == Tensor([0, 0.5, 2]))
        expectClose(Activation.gelu(x), x.map { $0 * 0.5 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }, rtol: 1e-15)  // the same libm formula
        #expect(ActivationLayer(.leakyRelu(slope: 0.1))(x) == Tensor([-0.1, 0.5, 2]))
        #expect(Activation(name: "tanh") == .tanh && Activation(name: "nope") == nil)
        for a in [Activation.leakyRelu(slope: 0.2), .gelu, .erf, .identity] { #expect(Activation(name: a.description) == a) }
    }
}

import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor

/// The small CNN the interpretability experiments open up: trained once on the shipped digits
/// (80 % train, 20 % test, split by the experiment's generator).
struct InterpretabilityCNN {
    let model: Sequential
    let train: Dataset
    let test: Dataset
    let testAccuracy: Double

    /// [1, 8, 8] -> conv 3×3 (8, ReLU) -> conv 3×3 (16, ReLU) -> max-pool 2×2 -> dense 10.
    static func architecture(using rng: inout RandomGenerator) -> Sequential {
        Sequential([
            Reshape([1, 8, 8]),
            Convolution(inputChannels: 1, outputChannels: 8, kernel: [3, 3], activation: .relu, using: &rng),
            Convolution(inputChannels: 8, outputChannels: 16, kernel: [3, 3], activation: .relu, using: &rng),
            Pooling(.maximum, window: [2, 2]),
            Flatten(),
            Dense(inputSize: 256, outputSize: 10, using: &rng),
        ])
    }

    /// Minibatch Adam (batch 32, rate 3e-3) on the softmax cross-entropy for `epochs` epochs.
    init(epochs: Int, rng: inout RandomGenerator, progress: (Double) -> Void) throws {
        let digits = try Dataset.digits()
        (train, test) = try digits.split(testFraction: 0.2, using: &rng)
        var net = Self.architecture(using: &rng)
        var theta = net.parameters
        var optimizer = Adam(learningRate: 3e-3)
        let batch = 32
        for epoch in 0..<epochs {
            let order = rng.permutation(train.count)
            for start in stride(from: 0, to: train.count - batch + 1, by: batch) {
                let idx = Array(order[start..<(start + batch)])
                let x = train.inputs.take(idx), y = train.targets.take(idx)
                let model = net
                let (_, g) = valueAndGradients(at: theta) { vars in Loss.softmaxCrossEntropy(model.apply(parameters: vars, to: Variable(constant: x)), y) }
                optimizer.update(&theta, gradients: g, rng: &rng)
            }
            net.parameters = theta
            progress(Double(epoch + 1) / Double(epochs))
        }
        model = net
        testAccuracy = accuracy(logits: net(test.inputs), labels: test.targets)
    }
}

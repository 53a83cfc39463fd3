import InductiveAutodiff
import InductiveTensor

// The two ways to predict with a network trained with (inverted) `Dropout`: weight scaling,
// the evaluation-mode pass (inverted dropout already rescales by 1 / (1 - p) in training, so
// evaluation is the plain network with the trained weights), and the Monte-Carlo ensemble,
// the mean over sub-networks drawn by training-mode passes. For a linear network they agree
// in expectation; nonlinearities make them differ.

extension Layer {
    /// The weight-scaling prediction: one evaluation-mode pass (dropout inactive).
    public func weightScalingPrediction(_ x: Tensor) -> Tensor { self(x) }

    /// The Monte-Carlo dropout ensemble: the mean of `samples` training-mode passes (fresh
    /// dropout masks each, from `rng`), with the standard error of that mean per entry.
    /// Layers whose training mode does more than drop units (batch normalization) also run
    /// in training mode, on the batch's own statistics. Cost: `samples` forward passes.
    public func monteCarloDropoutPrediction(_ x: Tensor, samples: Int, using rng: inout RandomGenerator)
        -> (mean: Tensor, standardError: Tensor)
    {
        precondition(samples >= 2, "monteCarloDropoutPrediction: need at least two samples")
        var context = ForwardContext(training: true, rng: rng)
        let constants = parameters.map { Variable(constant: $0) }
        var sum = Tensor.zeros([0]), sumSquares = Tensor.zeros([0])
        for s in 0..<samples {
            let y = apply(parameters: constants, to: Variable(constant: x), context: &context).value
            if s == 0 { sum = y; sumSquares = y * y } else { sum += y; sumSquares += y * y }
        }
        rng = context.rng
        let n = Double(samples)
        let mean = sum / n
        let variance = (sumSquares / n - mean * mean).map { Swift.max($0, 0) } * (n / (n - 1))
        return (mean, sqrt(variance / n))
    }
}

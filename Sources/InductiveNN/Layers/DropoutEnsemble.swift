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
    /// in training mode, on the batch's own statistics. The variance is accumulated by
    /// Welford's update (numerically stable). Cost: `samples` forward passes.
    public func monteCarloDropoutPrediction(_ x: Tensor, samples: Int, using rng: inout RandomGenerator)
        -> (mean: Tensor, standardError: Tensor)
    {
        precondition(samples >= 2, "monteCarloDropoutPrediction: need at least two samples")
        var context = ForwardContext(training: true, rng: rng)
        let constants = parameters.map { Variable(constant: $0) }
        // Welford's update: mean_k = mean_{k-1} + (y - mean_{k-1}) / k and
        // M2_k = M2_{k-1} + (y - mean_{k-1})(y - mean_k), so the variance is a sum of squares
        // of deviations (never E[y²] − mean², which cancels when the spread is small).
        var mean = Tensor.zeros([0]), m2 = Tensor.zeros([0])
        for s in 0..<samples {
            let y = apply(parameters: constants, to: Variable(constant: x), context: &context).value
            if s == 0 { mean = y; m2 = Tensor.zeros(y.shape); continue }
            let delta = y - mean
            mean += delta / Double(s + 1)
            m2 += delta * (y - mean)
        }
        rng = context.rng
        let n = Double(samples)
        let variance = m2 / (n - 1)
        return (mean, sqrt(variance / n))
    }
}

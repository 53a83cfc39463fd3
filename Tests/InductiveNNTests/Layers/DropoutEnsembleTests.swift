import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct DropoutEnsembleTests {
    @Test func linearNetworkEnsembleMeanIsTheWeightScaledOutput() {
        // Inverted dropout is unbiased for a linear network: E_mask[f] equals the evaluation pass.
        var rng = RandomGenerator(seed: 3)
        let net = Sequential(Dense(inputSize: 4, outputSize: 16, using: &rng), Dropout(rate: 0.4),
                             Dense(inputSize: 16, outputSize: 2, using: &rng))
        let x = normal([5, 4], seed: 9)
        var sampling = RandomGenerator(seed: 4)
        let (mean, se) = net.monteCarloDropoutPrediction(x, samples: 4000, using: &sampling)
        let scaled = net.weightScalingPrediction(x)
        let z = abs(mean - scaled) / se
        // 10 entries, each within 4.5 standard errors (a 1e-5 chance per entry by chance).
        #expect(z.maxAll() < 4.5, "largest gap \(z.maxAll()) standard errors")
        // The masks really vary: the ensemble has a spread.
        #expect(se.minAll() > 0)
        // A ReLU network is biased: E[relu(u)] != relu(E[u]); the gap is visible.
        var rng2 = RandomGenerator(seed: 5)
        let relu = Sequential(Dense(inputSize: 4, outputSize: 64, activation: .relu, using: &rng2), Dropout(rate: 0.5),
                              Dense(inputSize: 64, outputSize: 64, activation: .relu, using: &rng2), Dropout(rate: 0.5),
                              Dense(inputSize: 64, outputSize: 1, using: &rng2))
        let (m2, se2) = relu.monteCarloDropoutPrediction(x, samples: 4000, using: &sampling)
        #expect((abs(m2 - relu.weightScalingPrediction(x)) / se2).maxAll() > 4.5)
    }

    @Test func varianceIsAccurateOnALargeOffset() {
        // y = 1e8 + 2 m x with a Bernoulli(1/2) mask m and x = 1 (inverted dropout doubles it):
        // y ∈ {1e8, 1e8 + 2}, sample variance 4 p̂(1 − p̂) n/(n − 1) ≈ 1. E[y²] − mean² would
        // subtract numbers of 1e16, whose spacing is 2: an O(1) error. Welford's deviations are
        // O(1) and exact here. p̂ = 1/2 ± 0.025 (1 SE, n = 400): within 4 SE, 4 p̂(1 − p̂) ≥ 0.99
        // (and ≤ 1 · n/(n − 1) < 1.01) and the mean 1e8 + 2p̂ is within 0.2 of 1e8 + 1.
        let net = Sequential(Dropout(rate: 0.5), Dense(weight: Tensor([[1.0]]), bias: Tensor([1e8])))
        var sampling = RandomGenerator(seed: 11)
        let n = 400
        let (mean, se) = net.monteCarloDropoutPrediction(Tensor([[1.0]]), samples: n, using: &sampling)
        let variance = se.scalar * se.scalar * Double(n)
        #expect(variance > 0.99 && variance < 1.01, "variance \(variance)")
        #expect(Swift.abs(mean.scalar - (1e8 + 1)) < 0.25, "mean \(mean.scalar)")
    }
}

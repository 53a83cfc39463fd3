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
}

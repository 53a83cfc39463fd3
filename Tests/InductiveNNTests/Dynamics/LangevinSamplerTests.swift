import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct LangevinSamplerTests {
    @Test func samplesAOneDimensionalGaussian() {
        // U = (theta - mu)^2 / (2 s^2), T = 1: the chains sample N(mu, s^2 / (1 - eta / (2 s^2))).
        let mu = 1.5, s = 0.8, eta = 0.01 * s * s
        let sampler = LangevinSampler(stepSize: eta, temperature: 1, burnIn: 2000, thinning: 100)
        var rng = RandomGenerator(seed: 21)
        let chains = 2000, samples = 10
        // Relaxation: the mean contracts by (1 - eta / s^2) = 0.99 per step, so after the
        // burn-in the start's bias is e^-20 of |mu|; samples 100 steps apart in a chain still
        // correlate (e^-1), so the standard errors below count only the 2000 independent
        // chains, not all 20,000 draws (conservative: the extra draws only reduce the error).
        let draws = sampler.sample(from: Tensor.zeros([chains, 1]), samples: samples,
                                   gradient: { ($0 - mu) / (s * s) }, using: &rng)
        #expect(draws.shape == [chains * samples, 1])
        let mean = draws.mean().scalar, variance = draws.variance().scalar
        let exactVariance = s * s / (1 - eta / (2 * s * s))
        let independent = Double(chains)
        // 4 standard errors (a 6e-5 chance each by accident).
        #expect(abs(mean - mu) < 4 * (exactVariance / independent).squareRoot(), "mean \(mean)")
        #expect(abs(variance / exactVariance - 1) < 4 * (2 / independent).squareRoot(), "variance \(variance) vs \(exactVariance)")
        // Not the start: the chains moved to mu.
        #expect(abs(mean) > 1)
    }
}

import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct FourierFeaturesTests {
    /// The basic embedding is [cos 2πx_i, sin 2πx_i], written out with Foundation's cos/sin
    /// (one product and one trigonometric call per entry: a few ulps).
    @Test func basicEmbedding() {
        let x = uniform([5, 2], seed: 8)
        let y = FourierFeatures.basic(inputSize: 2)(x)
        #expect(y.shape == [5, 4])
        for i in 0..<5 {
            for j in 0..<2 {
                expectClose(y[i, j], Foundation.cos(2 * Double.pi * x[i, j]), .exactAlgebra)
                expectClose(y[i, 2 + j], Foundation.sin(2 * Double.pi * x[i, j]), .exactAlgebra)
            }
        }
    }

    /// Positional encoding: axis i at level j has frequency scale^(j / levels) and nothing on
    /// the other axes.
    @Test func positionalFrequencies() {
        let f = FourierFeatures.positional(inputSize: 2, levels: 3, scale: 8)
        #expect(f.frequencies.shape == [2, 6])
        expectClose(f.frequencies[0, 2], 4, .exactAlgebra)
        expectClose(f.frequencies[1, 4], 2, .exactAlgebra)
        #expect(f.frequencies[0, 3] == 0 && f.frequencies[1, 0] == 0)
        #expect(f.featureCount == 6)
    }

    /// Gaussian features: frequencies N(0, σ²): the sample standard deviation of 20,000 draws is
    /// σ within 5 standard errors (σ / √(2 n) for a Gaussian's standard deviation).
    @Test func gaussianScale() {
        var rng = RandomGenerator(seed: 11)
        let f = FourierFeatures(inputSize: 2, features: 10_000, sigma: 7, using: &rng)
        let s = f.frequencies.standardDeviation().scalar
        let standardError: Double = 7 / (2 * 20_000.0).squareRoot()
        let deviation: Double = Swift.abs(s - 7)
        #expect(deviation < 5 * standardError)
    }

    /// Trainable frequencies: first- and second-order finite-difference checks through the layer.
    @Test func gradientChecks() {
        let layer = FourierFeatures(frequencies: normal([2, 3], seed: 5), trainable: true)
        let (first, second) = checkLayer(layer, input: uniform([4, 2], seed: 6))
        #expect(first.passes(.finiteDifferences), "\(first)")
        #expect(second.passes(.secondOrderFiniteDifferences), "\(second)")
    }
}

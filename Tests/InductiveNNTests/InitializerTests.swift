import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct InitializerTests {
    /// Variances of 250,000 draws match each formula within 2% (5 standard errors of a
    /// variance estimate: 5 sqrt(2 / 250000) = 1.4%).
    @Test func variancesMatchTheFormulas() {
        var rng = RandomGenerator(seed: 1)
        let (fanIn, fanOut) = (500, 500)
        let cases: [(Initializer, Double)] = [
            (.normal(std: 0.3), 0.09), (.uniform(limit: 0.6), 0.36 / 3),
            (.xavierNormal(), 2.0 / 1000), (.xavierUniform(gain: 2), 4 * 2.0 / 1000),
            (.heNormal, 2.0 / 500), (.heUniform, 2.0 / 500), (.lecunNormal, 1.0 / 500),
        ]
        for (initializer, variance) in cases {
            let w = initializer.make([fanIn, fanOut], fanIn: fanIn, fanOut: fanOut, using: &rng)
            #expect(abs(w.variance().scalar / variance - 1) < 0.02, "\(initializer)")
            #expect(abs(w.mean().scalar) < 5 * (variance / 250_000).squareRoot())
        }
        #expect(Initializer.zeros.make([2], fanIn: 1, fanOut: 1, using: &rng) == Tensor.zeros([2]))
        #expect(Initializer.constant(0.5).make([2], fanIn: 1, fanOut: 1, using: &rng) == Tensor([0.5, 0.5]))
    }

    @Test func orthogonalGivesOrthonormalRowsOrColumns() {
        var rng = RandomGenerator(seed: 2)
        let tall = Initializer.orthogonal(gain: 2).make([6, 4], fanIn: 6, fanOut: 4, using: &rng)
        // Householder QR: orthogonality to ~n eps = 1.3e-15 (times gain^2 = 4); 1e-12 leaves 200x.
        expectClose(matmul(tall, tall, transposeA: true), Tensor.eye(4) * 4, rtol: 0, atol: 1e-12)
        let wide = Initializer.orthogonal().make([3, 5], fanIn: 3, fanOut: 5, using: &rng)
        expectClose(matmul(wide, wide, transposeB: true), Tensor.eye(3), rtol: 0, atol: 1e-12)
    }
}

import InductiveDiscovery
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct BenchmarkDataTests {
    @Test func gridsAreThePaperGrids() {
        #expect(burgersData.u.shape == [101, 256] && kdvData.u.shape == [201, 512])
        // Grid values i * step (or start + i * step): one or two roundings, exact for binary fractions.
        expectClose(burgersData.t.scalars.last!, 10, rtol: 1e-14)
        expectClose(kdvData.t.scalars.last!, 20, rtol: 1e-14)
        #expect(burgersData.x.scalars.first == -8 && kdvData.x.scalars.first == -30)
        expectClose(burgersData.x.scalars[1] - burgersData.x.scalars[0], 16.0 / 256, rtol: 1e-14)
    }

    @Test func lorenzSamples() throws {
        let data = try DiscoveryBenchmark.lorenz(samples: 100)
        #expect(data.y.shape == [100, 3] && data.y.row(0) == Tensor([-8, 8, 27]))
        expectClose(data.t.scalars[99], 0.198, rtol: 1e-14)  // 99 * 0.002: one rounding each side
    }

    @Test func noiseHasTheRequestedLevel() {
        var rng = RandomGenerator(seed: 3)
        let noisy = DiscoveryBenchmark.addingNoise(kdvData.u, level: 0.01, using: &rng)
        let ratio = (noisy - kdvData.u).standardDeviation().scalar / kdvData.u.standardDeviation().scalar
        // 102,912 independent normals: the sample std is within 3 / sqrt(2 n) ~ 0.7% of 0.01.
        // (Relative s.e. 1 / sqrt(2 n) = 0.22%: the 1% band is 4.5 sigma; a seeded stream.)
        expectClose(ratio, 0.01, rtol: 0.01)
    }
}

import Foundation
import InductiveDiscovery
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct PeriodicPDEsTests {
    @Test func gridPointsAndWavenumbers() {
        let grid = PeriodicGrid(start: -1, length: 4, count: 8)
        // Binary fractions (exact) and 2π k / L with one rounding of π/2 times small integers.
        expectClose(grid.points, Tensor([-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5]), rtol: 1e-15)
        let k = Double.pi / 2
        expectClose(Tensor(grid.wavenumbers), Tensor([0, 1, 2, 3, -4, -3, -2, -1]) * k, rtol: 1e-15)
    }

    @Test func heatIsExactInFourierSpace() {
        // u0 = sin x + 0.5 cos 3x: u = e^(-D t) sin x + 0.5 e^(-9 D t) cos 3x.
        let grid = PeriodicGrid(start: 0, length: 2 * Double.pi, count: 64)
        let x = grid.points
        let d = 0.3
        let s = simulateHeat(initial: sin(x) + 0.5 * cos(3 * x), grid: grid, diffusivity: d, count: 11, interval: 0.2)
        #expect(s.u.shape == [11, 64] && s.t.shape == [11])
        for i in 0..<11 {
            let t = Double(i) * 0.2
            let exact = Foundation.exp(-d * t) * sin(x) + 0.5 * Foundation.exp(-9 * d * t) * cos(3 * x)
            // Exact up to FFT rounding (~1e-15 relative per transform): two transforms and an
            // exp per mode, <= ~2 eps log2(64) ~ 3e-15; 1e-13 leaves 30x.
            #expect(relativeError(s.u.row(i), exact) < 1e-13)
        }
    }

    @Test func burgersMatchesTheColeHopfSolution() {
        // u0 = sin x, nu = 0.1 on [0, 2 pi): the front steepens to a width ~ nu, resolved by
        // 256 points (spectrum below 1e-13 at the 2/3 cutoff). ETDRK4 error with h = 1e-3 is ~1e-13.
        // The bound 1e-8 covers the Cole-Hopf quadrature and aliasing beyond the cutoff.
        let grid = PeriodicGrid(start: 0, length: 2 * Double.pi, count: 256)
        let x = grid.points
        let s = simulateBurgers(initial: sin(x), grid: grid, viscosity: 0.1, count: 3, interval: 0.5)
        for i in 1..<3 {
            let exact = burgersColeHopf(x, time: Double(i) * 0.5, amplitude: 1, viscosity: 0.1)
            let e = relativeError(s.u.row(i), exact)
            #expect(e < 1e-8, "t = \(Double(i) * 0.5): relative error \(e)")
        }
    }

    @Test func kdvCarriesASolitonAtItsSpeed() {
        // A single soliton of speed 2 on [-30, 30) with 512 points; its tails at the boundary
        // are below 1e-15, so the periodic problem has the whole-line solution to rounding.
        let grid = PeriodicGrid(start: -30, length: 60, count: 512)
        let x = grid.points
        let s = simulateKdV(initial: kdvSoliton(x, time: 0, speed: 2, position: -5), grid: grid, count: 3, interval: 1,
                            maxStep: 2e-4)
        for i in 1..<3 {
            let e = relativeError(s.u.row(i), kdvSoliton(x, time: Double(i), speed: 2, position: -5))
            // Time stepping h^4-limited (h = 2e-4) and spatial error below 1e-13: ~1e-10; 1e-8 leaves 100x.
            #expect(e < 1e-8, "t = \(i): relative error \(e)")
        }
    }

    @Test func kdvTimeSteppingIsFourthOrder() {
        let grid = PeriodicGrid(start: -30, length: 60, count: 256)
        let x = grid.points
        let exact = kdvSoliton(x, time: 1, speed: 2, position: -5)
        func error(_ h: Double) -> Double {
            relativeError(simulateKdV(initial: kdvSoliton(x, time: 0, speed: 2, position: -5), grid: grid, count: 2,
                                      interval: 1, maxStep: h).u.row(1), exact)
        }
        let ratio = error(0.02) / error(0.01)
        // Fourth order: 2^4 = 16 (12..20 allows for the next term and the spatial error floor).
        #expect(ratio > 12 && ratio < 20, "ratio \(ratio)")
    }

    @Test func spectralSolversConserveTheMean() {
        // Both equations are conservation laws: the k = 0 mode never changes (g_0 = 0, L_0 = 0).
        let b = DiscoveryBenchmark.burgers(times: 11)
        let k = DiscoveryBenchmark.kdv(times: 11)
        for s in [b, k] {
            let means = s.u.mean(axis: 1)
            // The k = 0 mode is never updated, but each step's FFT round trip rounds it afresh:
            // a random walk of ~eps max|u| per step over ~1e3..1e4 steps, ~1e-14 of max|u|. The
            // means can be small next to max|u|, so the absolute part is scale-aware:
            // 1e-12 max|u| (rtol alone compared rounding of max|u| with the mean).
            expectClose(means, Tensor.full(means.shape, means.scalars[0]), rtol: 1e-12, atol: 1e-12 * s.u.norm(.infinity))
        }
    }
}

import Foundation
import InductiveDiscovery
import InductiveTensor
import InductiveTestSupport
import Testing

/// x'' + 2 zeta omega x' + omega^2 x = 0 from (x0, 0), underdamped: the exact solution.
func dampedExact(_ t: Double, omega: Double = 1, zeta: Double = 0.1, x0: Double = 2) -> [Double] {
    let wd = omega * (1 - zeta * zeta).squareRoot()
    let decay = Foundation.exp(-zeta * omega * t)
    let a = x0, b = zeta * omega * x0 / wd
    let x = decay * (a * Foundation.cos(wd * t) + b * Foundation.sin(wd * t))
    let v = decay * ((-zeta * omega) * (a * Foundation.cos(wd * t) + b * Foundation.sin(wd * t))
                     + wd * (-a * Foundation.sin(wd * t) + b * Foundation.cos(wd * t)))
    return [x, v]
}

@Suite struct ODEIntegrationTests {
    @Test func rungeKutta4IsFourthOrder() {
        let system = ODESystem.dampedOscillator()
        func error(_ substeps: Int) -> Double {
            let s = rungeKutta4(system, initial: [2, 0], interval: 1, count: 6, substeps: substeps)
            let exact = dampedExact(5)
            return Swift.abs(s.y[5, 0] - exact[0]) + Swift.abs(s.y[5, 1] - exact[1])
        }
        let ratio = error(20) / error(40)
        // Halving h divides a fourth-order error by 2^4 = 16 (asymptotically; 12..20 allows the next term).
        #expect(ratio > 12 && ratio < 20, "ratio \(ratio)")
    }

    @Test func dormandPrinceMeetsItsToleranceOnAKnownSolution() throws {
        let times = (0...100).map { Double($0) * 0.2 }
        let s = try dormandPrince(.dampedOscillator(), initial: [2, 0], times: times, rtol: 1e-10, atol: 1e-12)
        #expect(s.t.scalars == times)
        var worst = 0.0
        for (i, t) in times.enumerated() {
            let e = dampedExact(t)
            worst = Swift.max(worst, Swift.abs(s.y[i, 0] - e[0]), Swift.abs(s.y[i, 1] - e[1]))
        }
        // Local tolerance 1e-10 relative accumulates over ~100 oscillation-scaled steps: 1e-8 global.
        #expect(worst < 1e-8, "worst error \(worst)")
        // Looser tolerance, fewer steps, larger (but bounded) error.
        let loose = try dormandPrince(.dampedOscillator(), initial: [2, 0], times: times, rtol: 1e-5, atol: 1e-8)
        #expect(loose.acceptedSteps < s.acceptedSteps)
    }

    @Test func lotkaVolterraConservesItsInvariant() throws {
        // V = delta x - gamma ln x + beta y - alpha ln y is constant along trajectories.
        // (4, 2) = (gamma / delta, alpha / beta) is the equilibrium, where the solution is constant
        // and the check could not fail: start from (8, 2), an orbit with x in [1.6, 8].
        let (alpha, beta, delta, gamma) = (1.0, 0.5, 0.25, 1.0)
        let s = try dormandPrince(.lotkaVolterra(), initial: [8, 2], times: (0...50).map { Double($0) }, rtol: 1e-11, atol: 1e-13)
        let v = (0..<51).map { i in
            delta * s.y[i, 0] - gamma * Foundation.log(s.y[i, 0]) + beta * s.y[i, 1] - alpha * Foundation.log(s.y[i, 1])
        }
        // Local error per step <= 1e-11 |y| (|y| <= 8) over ~1900 steps. With every step at the
        // tolerance and all errors aligned, the drift of V (|grad V| = O(1)) could reach
        // 1900 * 8e-11 ~ 1.5e-7; that worst case does not happen for an error-controlled
        // method on a closed orbit (errors of successive steps are not aligned): as an estimate,
        // independent errors add up like sqrt(1900) ~ 44, giving ~3.5e-9. Measured: 3.5e-12 (pure
        // Swift, the same on every machine). 1e-8 is that estimate with a small margin and
        // 3000x the measurement.
        // V = 0.23 is a sum of O(2) terms, so the tolerance is absolute.
        for value in v { expectClose(value, v[0], rtol: 0, atol: 1e-8) }
    }

    @Test func dormandPrinceAgreesWithFineRK4OnLorenz() throws {
        // Over t in [0, 1] chaos has not yet amplified rounding much; RK4 with h = 1e-4 has error ~1e-10.
        let dp = try dormandPrince(.lorenz(), initial: [-8, 8, 27], times: [0, 0.5, 1], rtol: 1e-12, atol: 1e-12)
        let rk = rungeKutta4(.lorenz(), initial: [-8, 8, 27], interval: 0.5, count: 3, substeps: 5000)
        // Both ~1e-10 (DP: tolerance 1e-12 over ~1e2 steps; RK4: h^4 |y^(5)| ~ 1e-16 * 1e6), times
        // the Lorenz growth e^(0.9 t) ~ 2.5 by t = 1: ~5e-10 of |y| ~ 30; 1e-8 leaves 20x.
        expectClose(dp.y, rk.y, rtol: 1e-8, atol: 1e-8)
    }

    @Test func rejectsOutputTimesThatDoNotIncrease() {
        #expect(throws: DiscoveryError.self) {
            try dormandPrince(.lorenz(), initial: [1, 1, 1], times: [0, 1, 1])
        }
    }
}

import Foundation
import InductiveDiscovery
import InductiveTensor
import Testing

/// Exact solution of u_t = -a u_x + nu u_xx on the line: decaying travelling sine modes
/// A e^(-nu q^2 t) sin(q (x - a t) + phi). Not periodic on the sampled interval.
private func advectionDiffusion(nt: Int, dt: Double, nx: Int, dx: Double, a: Double, nu: Double) -> Tensor {
    let modes: [(amplitude: Double, q: Double, phase: Double)] = [(1.0, 1.0, 0.3), (0.5, 2.3, 1.1)]
    var u = [Double](repeating: 0, count: nt * nx)
    for i in 0..<nt {
        let t = Double(i) * dt
        for j in 0..<nx {
            let x = Double(j) * dx
            u[i * nx + j] = modes.reduce(0) { $0 + $1.amplitude * Foundation.exp(-nu * $1.q * $1.q * t) * Foundation.sin($1.q * (x - a * t) + $1.phase) }
        }
    }
    return Tensor(shape: [nt, nx], scalars: u)
}

@Suite struct PDEJointEstimationTests {
    @Test func jacobianMatchesCentralDifferences() throws {
        // Terms u*u_x, u_xx, u^2, u: each residual entry is at most quadratic in any one field
        // value and linear in each coefficient, so a central difference is exact up to rounding.
        // A residual entry sums <= ~50 products of size <= max|J| max|X| (|X| <= 1.5 here), so its
        // rounding is <= ~50 * 1.1e-16 * 1.5 max|J|; divided by 2 eps = 2e-4 that is
        // ~4e-11 max|J|. Bound 1e-8 max|J| (both rules).
        let nt = 7, nx = 20
        var rng = RandomGenerator(seed: 51)
        let x = Tensor(shape: [nt, nx], scalars: (0..<(nt * nx)).map { _ in rng.uniform(-1, 1) })
        let y = Tensor(shape: [nt, nx], scalars: x.scalars.map { $0 + 0.1 * rng.uniform(-1, 1) })
        let terms: [(power: Int, derivative: Int)] = [(1, 1), (0, 2), (2, 0), (1, 0)]
        let c = [-0.9, 0.07, 0.3, -0.2]
        for rule in PDECollocationRule.allCases {
            let problem = try #require(PDEJointProblem(y, dt: 0.05, dx: 0.2, terms: terms, coefficients: c, sigma: 0.1, tolerance: 0.2,
                                                       halfWidth: 3, collocation: rule))
            let j = problem.denseJacobian(x.scalars, c)
            let columns = j.shape[1], rows = j.shape[0]
            let scale = j.scalars.map { Swift.abs($0) }.max()!
            let eps = 1e-4
            var worst = 0.0
            for col in 0..<columns {
                var xp = x.scalars, xm = x.scalars, cp = c, cm = c
                if col < nt * nx { xp[col] += eps; xm[col] -= eps } else { cp[col - nt * nx] += eps; cm[col - nt * nx] -= eps }
                let rp = problem.residuals(xp, cp), rm = problem.residuals(xm, cm)
                for row in 0..<rows { worst = Swift.max(worst, Swift.abs((rp[row] - rm[row]) / (2 * eps) - j.scalars[row * columns + col])) }
            }
            #expect(worst < 1e-8 * scale, "\(rule): largest difference \(worst) of max |J| \(scale)")
        }
    }

    @Test func cleanDataBiasHasTheCollocationOrder() throws {
        // Exact advection-diffusion data (a = 1, nu = 0.1, modes q = 1 and 2.3, |lambda| <= 2.4),
        // 80 points dx 0.125, t in [0, 2]. Central differences of half-width 8 err by
        // ~(q dx)^16 ~ 1e-9, far below the time rules' bias, which scales as dt^4 for Simpson
        // ((lambda dt)^4 / 180 ~ 2e-5 at dt 0.1) and dt^2 for the trapezoid. Halving dt must
        // divide the worst coefficient error by 16 (Simpson) or 4 (trapezoid); the next terms
        // are (lambda dt)^2 ~ 6% relative, so the windows (12, 20) and (3, 5) separate the orders.
        let a = 1.0, nu = 0.1, dx = 0.125, nx = 80
        for (rule, window) in [(PDECollocationRule.simpson, 12.0...20.0), (.trapezoid, 3.0...5.0)] {
            var errors: [Double] = []
            for dt in [0.1, 0.05] {
                let nt = Int((2 / dt).rounded()) + 1
                let u = advectionDiffusion(nt: nt, dt: dt, nx: nx, dx: dx, a: a, nu: nu)
                var options = PDEJointEstimationOptions()
                options.collocation = rule
                let estimate = try #require(pdeJointEstimate(u, dt: dt, dx: dx, terms: [(0, 1), (0, 2)], coefficients: [-a * 1.02, nu * 0.97],
                                                            sigma: 1e-4 * u.standardDeviation().scalar, options: options))
                #expect(estimate.converged)
                errors.append(Swift.max(Swift.abs(estimate.coefficients[0] + a) / a, Swift.abs(estimate.coefficients[1] - nu) / nu))
            }
            let ratio = errors[0] / errors[1]
            #expect(window.contains(ratio), "\(rule): errors \(errors), ratio \(ratio)")
            if rule == .simpson { #expect(errors[1] < 1e-4, "Simpson error at dt 0.05: \(errors[1])") }
        }
    }

    @Test func noisyBurgersFromAnotherInitialState() throws {
        // Burgers nu = 0.15 on [0, 16) with 80 points, 60 times dt 0.1, from
        // 0.9 exp(-(x - 5)^2 / 1.5) - 0.5 exp(-(x - 11)^2 / 2); 5% noise, seeds 4100-4102 (grid,
        // state and seeds fixed before any run). Start 3% / 5% off. Each coefficient must lie
        // within 4 of its Gauss-Newton standard errors of the truth (a false failure has
        // probability ~6e-5 per coefficient if the standard errors are right) and within 1%.
        let grid = PeriodicGrid(start: 0, length: 16, count: 80)
        let initial = grid.points.map { 0.9 * Foundation.exp(-($0 - 5) * ($0 - 5) / 1.5) - 0.5 * Foundation.exp(-($0 - 11) * ($0 - 11) / 2) }
        let clean = simulateBurgers(initial: initial, grid: grid, viscosity: 0.15, count: 60, interval: 0.1, maxStep: 1e-3).u
        let truth = [-1.0, 0.15]
        for seed in UInt64(4100)...4102 {
            var rng = RandomGenerator(seed: seed)
            let noisy = DiscoveryBenchmark.addingNoise(clean, level: 0.05, using: &rng)
            let sigma = 0.05 * clean.standardDeviation().scalar
            let estimate = try #require(pdeJointEstimate(noisy, dt: 0.1, dx: 0.2, terms: [(1, 1), (0, 2)], coefficients: [-1.03, 0.1425], sigma: sigma))
            #expect(estimate.converged, "seed \(seed)")
            for k in 0..<2 {
                let error = Swift.abs(estimate.coefficients[k] - truth[k])
                #expect(error < 4 * estimate.standardErrors[k], "seed \(seed) term \(k): error \(error), SE \(estimate.standardErrors[k])")
                #expect(error / Swift.abs(truth[k]) < 0.01, "seed \(seed) term \(k): relative error \(error / Swift.abs(truth[k]))")
            }
        }
    }

    @Test func unusableInputGivesNil() {
        let u = advectionDiffusion(nt: 10, dt: 0.1, nx: 30, dx: 0.2, a: 1, nu: 0.1)
        let terms: [(power: Int, derivative: Int)] = [(0, 1), (0, 2)]
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0) == nil)
        #expect(pdeJointEstimate(u, dt: -0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01) == nil)
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1], sigma: 0.01) == nil)
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, .nan], sigma: 0.01) == nil)
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: [], coefficients: [], sigma: 0.01) == nil)
        // 30 points cannot hold a stencil of half-width 15 and an interior point.
        var wide = PDEJointEstimationOptions()
        wide.spaceHalfWidth = 15
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01, options: wide) == nil)
        // Fewer than 4 samples in time.
        #expect(pdeJointEstimate(u.slice([.range(0..<3), .all]), dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01) == nil)
        // Above the cost cap.
        var capped = PDEJointEstimationOptions()
        capped.maximumFlopsPerIteration = 1
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01, options: capped) == nil)
        // A start field of another shape.
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01, initialField: Tensor.zeros([3, 3])) == nil)
    }
}

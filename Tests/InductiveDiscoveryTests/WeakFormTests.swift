import Foundation
import InductiveDiscovery
import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

/// Trapezoid sum h * sum_j f(s_j) over the bump's 2m + 1 offsets.
private func trapezoid(_ values: [Double], _ h: Double) -> Double { values.reduce(0, +) * h }

/// Held-out data shared by the recovery tests (simulated once).
private let heldOut = DiscoveryCase.heldOut()

@Suite struct WeakFormTests {
    @Test func bumpDerivativesMatchTheClosedForm() {
        // p = 2: psi = 1 - 2 z^2 + z^4, psi' = (-4 z + 4 z^3) / a, psi'' = (-4 + 12 z^2) / a^2 (z = s / a).
        let bump = BumpFunction(halfWidth: 5, power: 2, spacing: 0.3)
        let a = 1.5
        let z = (-5...5).map { Double($0) / 5 }
        let expected: [[Double]] = [z.map { 1 - 2 * $0 * $0 + $0 * $0 * $0 * $0 },
                                    z.map { (-4 * $0 + 4 * $0 * $0 * $0) / a },
                                    z.map { (-4 + 12 * $0 * $0) / (a * a) }]
        for r in 0..<2 {
            // A degree-4 Horner evaluation: a few roundings of numbers below 12.
            expectClose(Tensor(bump.derivative(order: r)), Tensor(expected[r]), rtol: 0, atol: 1e-14)
        }
        // r = 2 = p: the second derivative jumps at the ends (8 / a^2 inside, 0 outside); the
        // one-sided value from inside is returned, so every entry matches the polynomial.
        // r = 3 > p: the third derivative is 24 z / a^3; r = 5 > 2p: 0.
        expectClose(Tensor(bump.derivative(order: 2)), Tensor(expected[2]), rtol: 0, atol: 1e-13)
        expectClose(Tensor(bump.derivative(order: 3)), Tensor(z.map { 24 * $0 / (a * a * a) }), rtol: 0, atol: 1e-13)
        #expect(bump.derivative(order: 5).allSatisfy { $0 == 0 })
    }

    @Test func trapezoidOnBumpTimesMonomialsMatchesTheBetaIntegral() {
        // integral_{-a}^{a} (1 - s^2/a^2)^p s^(2j) ds = a^(2j+1) B(j + 1/2, p + 1). The integrand's
        // derivatives vanish at the ends up to order p - 1, so by Euler-Maclaurin the trapezoid
        // error is O(h^(p+2)) (the first odd derivative that does not vanish is the 7th); the
        // error must shrink by at least 2^5 from h to h / 2.
        let p = 6, a = 2.0
        for j in 0...3 {
            let beta = Foundation.exp(lgamma(Double(j) + 0.5) + lgamma(Double(p) + 1) - lgamma(Double(j + p) + 1.5))
            let exact = Foundation.pow(a, Double(2 * j + 1)) * beta
            var errors: [Double] = []
            for m in [16, 32] {
                let h = a / Double(m)
                let bump = BumpFunction(halfWidth: m, power: p, spacing: h)
                let psi = bump.derivative(order: 0)
                let values = (-m...m).map { psi[$0 + m] * Foundation.pow(Double($0) * h, Double(2 * j)) }
                errors.append(Swift.abs(trapezoid(values, h) - exact) / exact)
            }
            // Euler-Maclaurin: B_8 / 8! h^8 [f^(7)] with f^(7)(a) ~ 1e6 a^-1 for j = 3: ~2e-9 relative.
            #expect(errors[1] < 1e-8, "j = \(j): relative error \(errors[1])")
            #expect(errors[1] <= errors[0] / 32 || errors[1] < 1e-14, "j = \(j): errors \(errors)")
        }
    }

    @Test func trapezoidOnBumpTimesSinusoidMatchesItsClosedForm() {
        // p = 1: integral_{-a}^{a} (1 - s^2/a^2) cos(w s) ds = 4 (sin(w a) - w a cos(w a)) / (w^3 a^2).
        // psi' jumps at the ends, so the trapezoid error is the Euler-Maclaurin term
        // (h^2 / 12) (f'(a) - f'(-a)) = (h^2 / 12)(-4 cos(w a) / a) plus O(h^4): the measured error
        // minus that term must be below (h^4 / 720) * 2 max|f'''| <= h^4 (6/a^3 + 6 w/a^2 + 2 w^2/a + w^3) / 360.
        let a = 1.3, w = 2.7, m = 40
        let h = a / Double(m)
        let bump = BumpFunction(halfWidth: m, power: 1, spacing: h)
        let psi = bump.derivative(order: 0)
        let values = (-m...m).map { psi[$0 + m] * Foundation.cos(w * Double($0) * h) }
        let exact = 4 * (Foundation.sin(w * a) - w * a * Foundation.cos(w * a)) / (w * w * w * a * a)
        let leading = h * h / 12 * (-4 * Foundation.cos(w * a) / a)
        let bound = Foundation.pow(h, 4) * (6 / (a * a * a) + 6 * w / (a * a) + 2 * w * w / a + w * w * w) / 360
        #expect(Swift.abs(trapezoid(values, h) - exact - leading) < bound)
    }

    @Test func weakColumnsMatchDirectIntegralsOfTheTerms() throws {
        // u(t, x) = sin(x - t) + 0.3 cos(2x + 0.5 t) with its derivatives in closed form; every
        // weak column (derivatives moved by parts, mixed terms by the divergence identities)
        // must equal the trapezoid integral of phi times the term computed from the exact
        // derivatives. Both are trapezoid sums of the same smooth integrals (quadrature error
        // O(h^(p+1)) for each).
        let nt = 60, nx = 128
        let dt = 0.05, dx = 2 * Double.pi / 64
        func value(_ t: Double, _ x: Double, _ m: Int) -> Double {
            // d^m/dx^m of sin(x - t) and of 0.3 cos(2x + t/2).
            let a = Foundation.sin(x - t + Double(m) * Double.pi / 2)
            let b = 0.3 * Foundation.pow(2, Double(m)) * Foundation.cos(2 * x + 0.5 * t + Double(m) * Double.pi / 2)
            return a + b
        }
        let grid = (0..<nt).flatMap { i in (0..<nx).map { j in (Double(i) * dt, Double(j) * dx) } }
        let u = Tensor(shape: [nt, nx], scalars: grid.map { value($0.0, $0.1, 0) })
        var options = WeakFormOptions()
        options.spaceHalfWidth = 20
        options.timeHalfWidth = 12
        options.spaceWindows = 8
        options.timeWindows = 3
        let weak = try buildWeakPDERegression(u, dt: dt, dx: dx, degree: 2, maxDerivative: 4, options: options)
        let library = PDELibrary(degree: 2, maxDerivative: 4)
        // Direct: phi_k times the term from exact derivatives.
        let px = 8, pt = 4
        let bx = BumpFunction(halfWidth: 20, power: px, spacing: dx).derivative(order: 0)
        let bt = BumpFunction(halfWidth: 12, power: pt, spacing: dt).derivative(order: 0)
        let centresX = (0..<8).map { 20 + Int((Double($0) * Double(nx - 1 - 40) / 7).rounded()) }
        let centresT = (0..<3).map { 12 + Int((Double($0) * Double(nt - 1 - 24) / 2).rounded()) }
        for (j, term) in library.terms.enumerated() {
            var direct: [Double] = []
            for ct in centresT {
                for cx in centresX {
                    var sum = 0.0
                    for i in -12...12 {
                        for l in -20...20 {
                            let (t, x) = (Double(ct + i) * dt, Double(cx + l) * dx)
                            var f = Foundation.pow(value(t, x, 0), Double(term.power))
                            if term.derivative > 0 { f *= value(t, x, term.derivative) }
                            sum += bt[i + 12] * bx[l + 20] * f
                        }
                    }
                    direct.append(sum * dt * dx)
                }
            }
            let column = weak.problem.library.slice([.all, .index(j)])
            let scale = Tensor(direct).norm()
            // Fully moved terms: trapezoid sums of integrals equal by parts; each sum's error is
            // O((h/a)^(p - r + 1)) with p - r >= 4 in x, (1/20)^5 = 3e-7: tolerance 1e-5. Terms with a leftover (u^p d^m u, p >= 1, m >= 2) use degree-6 fits on 9
            // points: error ~ (4h)^7 max|u^(7)| / 7! ~ 1e-5 of |u_x|; tolerance 1e-4.
            // u^2 u_xxxx has no identity and is the term itself with u_xxxx from the degree-6 fit:
            // error ~ (4h)^3 max|u^(7)| / 3! ~ 1e-2 of |u_xxxx|.
            let mixed = term.power >= 1 && term.derivative >= 2
            let fallback = term.power >= 2 && term.derivative >= 4
            #expect((column - Tensor(direct)).norm() <= (fallback ? 1e-2 : mixed ? 1e-4 : 1e-5) * scale, "\(library.names[j])")
        }
    }

    @Test func exactSolutionsSatisfyTheWeakSystemToQuadratureAccuracy() throws {
        // The Cole-Hopf Burgers solution (exact up to its Fourier quadrature, ~1e-12) and the
        // KdV soliton (exact on the line; on a 60-long window its tails are ~1e-10): the weak
        // residual b - G xi_true is a difference of trapezoid sums of smooth integrands, each
        // with error O((h/a)^(p - r + 1)): in time p = 8, r = 1, (1/12)^8 = 2e-9; in space
        // p = 7, r <= 3, (1/24)^5 = 1e-7, times derivative factors below 10: tolerance 1e-5 of
        // ||b||. With the default time power 4 the time error (1/12)^4 = 5e-5 would dominate:
        // the residual must then be larger (and shrink as the half-width grows).
        let nu = 0.1
        let xGrid = PeriodicGrid(start: 0, length: 2 * Double.pi, count: 256)
        let times = (0..<80).map { Double($0) * 0.02 }
        var rows: [Double] = []
        for t in times { rows += burgersColeHopf(xGrid.points, time: t, amplitude: 1, viscosity: nu).scalars }
        let burgers = Tensor(shape: [80, 256], scalars: rows)
        var options = WeakFormOptions()
        options.spaceHalfWidth = 24
        options.timeHalfWidth = 12
        options.timePower = 8
        let b = try buildWeakPDERegression(burgers, dt: 0.02, dx: xGrid.spacing, degree: 2, maxDerivative: 3, options: options)
        let names = b.problem.termNames
        var xi = [Double](repeating: 0, count: names.count)
        xi[names.firstIndex(of: "u*u_x")!] = -1
        xi[names.firstIndex(of: "u_xx")!] = nu
        let residual = (b.problem.target - matmul(b.problem.library, Tensor(xi))).norm()
        #expect(residual <= 1e-5 * b.problem.target.norm(), "Burgers residual \(residual / b.problem.target.norm())")

        let x = PeriodicGrid(start: -30, length: 60, count: 400).points
        var kdvRows: [Double] = []
        for i in 0..<100 {
            let t = Double(i) * 0.02
            kdvRows += kdvSoliton(x, time: t, speed: 1.5, position: -5).scalars
        }
        let kdv = Tensor(shape: [100, 400], scalars: kdvRows)
        let k = try buildWeakPDERegression(kdv, dt: 0.02, dx: 60.0 / 400, degree: 2, maxDerivative: 3, options: options)
        var xk = [Double](repeating: 0, count: names.count)
        xk[names.firstIndex(of: "u*u_x")!] = -6
        xk[names.firstIndex(of: "u_xxx")!] = -1
        let kResidual = (k.problem.target - matmul(k.problem.library, Tensor(xk))).norm()
        #expect(kResidual <= 1e-5 * k.problem.target.norm(), "KdV residual \(kResidual / k.problem.target.norm())")
        // Power 4 in time: an O((h/b)^4) quadrature error, shrinking about 16-fold when the
        // half-width doubles (at least 8-fold asked).
        func timeResidual(timeHalfWidth: Int) throws -> Double {
            var o = options
            o.timePower = 4
            o.timeHalfWidth = timeHalfWidth
            let w = try buildWeakPDERegression(burgers, dt: 0.02, dx: xGrid.spacing, degree: 2, maxDerivative: 3, options: o)
            return (w.problem.target - matmul(w.problem.library, Tensor(xi))).norm() / w.problem.target.norm()
        }
        let (coarse, fine) = (try timeResidual(timeHalfWidth: 9), try timeResidual(timeHalfWidth: 18))
        #expect(fine <= coarse / 8, "time power 4: residual \(coarse) at half-width 9, \(fine) at 18")
    }

    @Test func noiseEstimateFindsTheAddedNoise() {
        // Held-out Burgers plus 5% noise: the 6th-difference MAD estimate must find 5% of std(u)
        // within 10% (its sampling error over 24000 differences is ~1%; the signal's 6th
        // differences add a few percent on this grid).
        let data = heldOut[0].data.u
        var rng = RandomGenerator(seed: 11)
        let noisy = DiscoveryBenchmark.addingNoise(data, level: 0.05, using: &rng)
        let estimate = estimateNoiseLevel(noisy) / data.standardDeviation().scalar
        #expect(Swift.abs(estimate - 0.05) < 0.005, "estimate \(estimate)")
    }

    /// The default weak settings on held-out data (grids, initial states and coefficients
    /// that were not used to choose them), noise seeds 101 and 102 (the sweep uses 1 to 3).
    @Test(arguments: [0.0, 0.01, 0.05, 0.1])
    func defaultsRecoverBurgersKdVAndKS(_ level: Double) throws {
        for c in heldOut {
            for seed: UInt64 in [101, 102] {
                let outcome = try runSweepCase(c, noise: level, noiseSeed: seed, formulation: .weak)
                #expect(outcome.rightTerms, "\(c.name) at \(level): \(outcome.equation)")
                // Clean: 1% is the issue's goal (PDE-FIND's Table I level); the error is the
                // trapezoid error, O((h/a)^(p-r+1)) by Euler-Maclaurin, deterministic.
                // Noisy: to first order the error is linear in the noise, delta xi =
                // (G^T G)^-1 G^T W eps, so Gaussian with a standard deviation s proportional to the
                // level. The largest s is Burgers' viscosity at 10%: the sweep's worst error over
                // seeds 1-3 was 1.26% with the GLS refit (0.22% with the joint refit in strips, now
                // the default; its 20-seed worst is 1.07%); taking that worst of 3 as s itself over-estimates
                // s. 5% is then >= 3.8 s: a false failure has probability < 2 x 7e-5 per
                // coefficient and draw, < 7e-3 over the 8 coefficients x 2 seeds x 3 noisy levels.
                #expect(outcome.maxErrorPercent < (level == 0 ? 1 : 5), "\(c.name) at \(level): \(outcome.equation)")
            }
        }
    }

    @Test func theSameSeedGivesTheSameEquationWhateverRanBefore() throws {
        let c = heldOut[0]
        var noise = RandomGenerator(seed: 7)
        let u = DiscoveryBenchmark.addingNoise(c.data.u, level: 0.05, using: &noise)
        var options = PDEDiscoveryOptions()
        options.formulation = .weak
        var first = RandomGenerator(seed: 3)
        let a = try discoverPDE(u, dt: c.steps.dt, dx: c.steps.dx, options: options, using: &first)
        var other = RandomGenerator(seed: 99)
        _ = Tensor.randomNormal([1000], using: &other)
        _ = try discoverPDE(u + 0.001, dt: c.steps.dt, dx: c.steps.dx, options: options, using: &other)
        var again = RandomGenerator(seed: 3)
        let b = try discoverPDE(u, dt: c.steps.dt, dx: c.steps.dx, options: options, using: &again)
        #expect(a.coefficients == b.coefficients && a.settings == b.settings)
    }

    @Test func ensembleGivesInclusionAndIntervals() throws {
        let c = heldOut[1]
        var noise = RandomGenerator(seed: 5)
        let u = DiscoveryBenchmark.addingNoise(c.data.u, level: 0.02, using: &noise)
        var options = PDEDiscoveryOptions()
        options.formulation = .weak
        var rng = RandomGenerator(seed: 0)
        let result = try ensembleDiscoverPDE(u, dt: c.steps.dt, dx: c.steps.dx, options: options, models: 20, using: &rng)
        let summary = try #require(result.ensemble)
        #expect(summary.models == 20)
        for term in summary.terms {
            if let truth = c.truth[term.name] {
                #expect(term.inclusion == 1, "\(term.name)")
                #expect(term.low <= term.median && term.median <= term.high)
                // The median of the bootstrap fits at 2% noise: within 1% of the truth (the single
                // fit's worst error at 2% over sweep seeds is 0.13% for KdV), and the 5-95%
                // interval of the bootstrap fits contains the truth.
                #expect(Swift.abs(term.median - truth) < 0.01 * Swift.abs(truth), "\(term.name): \(term.median)")
                #expect(term.low <= truth && truth <= term.high, "\(term.name): [\(term.low), \(term.high)]")
            }
        }
        #expect(result.json().contains("\"inclusion\""))
    }

    @Test func weakSINDyRecoversLorenzAtOnePercentNoise() throws {
        // 5000 samples (10 time units) at 1% noise: the small -y term of y' has a standard error
        // of about 1.5% (measured over seeds), so the bound is 5% (3 standard errors), and
        // at least 3 of 4 seeds must have exactly the right terms (a spurious constant near the
        // 0.1 threshold appears in some seeds).
        let data = try DiscoveryBenchmark.lorenz()
        let truth = ODESystem.lorenz().polynomialTerms!
        var right = 0
        for seed: UInt64 in [21, 22, 23, 24] {
            var rng = RandomGenerator(seed: seed)
            let noisy = DiscoveryBenchmark.addingNoise(data.y, level: 0.01, using: &rng)
            var options = ODEDiscoveryOptions()
            options.formulation = .weak
            let result = try discoverODE(noisy, dt: 0.002, options: options)
            var all = true
            for (e, t) in zip(result.equations, truth) {
                let s = scoreEquation(e, truth: t)
                all = all && s.rightTerms
                #expect(s.maxErrorPercent < 5, "\(e)")
            }
            if all { right += 1 }
        }
        #expect(right >= 3)
    }

    @Test func badInputIsRefusedWithOneLine() {
        let good = Tensor(shape: [40, 64], scalars: (0..<2560).map { Foundation.sin(Double($0) * 0.1) })
        var nan = good.scalars
        nan[17] = .nan
        let cases: [(Tensor, String)] = [
            (Tensor(shape: [40, 64], scalars: nan), "NaN"),
            (Tensor.ones([40, 64]), "constant"),
            (Tensor(shape: [5, 64], scalars: Array(good.scalars[0..<320])), "at least 7 times"),
        ]
        for (u, words) in cases {
            do {
                _ = try buildWeakPDERegression(u, dt: 0.1, dx: 0.1)
                Issue.record("accepted data that should be refused (\(words))")
            } catch let error as DiscoveryError {
                #expect(error.description.contains(words) && !error.description.contains("\n"), "\(error)")
            } catch { Issue.record("unexpected \(error)") }
        }
        var options = WeakFormOptions()
        options.spaceHalfWidth = 40
        #expect(throws: DiscoveryError.self) { _ = try buildWeakPDERegression(good, dt: 0.1, dx: 0.1, options: options) }
    }
}

@Suite struct KuramotoSivashinskyTests {
    @Test func smallAmplitudeFollowsTheLinearGrowthAndTheMeanIsConserved() {
        // u0 = eps cos(k x) with k = 2 pi / L * 3 on L = 8 pi: the linear part gives
        // eps exp((k^2 - k^4) t) cos(k x); the quadratic term adds O(eps^2) = 1e-8 relative to
        // eps = 1e-4 over t = 2 (k = 0.75: growth rate 0.246). The mean of u is exactly
        // conserved (every term is an x-derivative): to rounding.
        let grid = PeriodicGrid(start: 0, length: 8 * Double.pi, count: 64)
        let k = 0.75, eps = 1e-4
        let x = grid.points
        let s = simulateKuramotoSivashinsky(initial: x.map { eps * Foundation.cos(k * $0) + 0.2 }, grid: grid, count: 5, interval: 0.5)
        for i in 0..<5 {
            let t = Double(i) * 0.5
            // The mean 0.2 advects the mode (u u_x with u = 0.2 + v: v_t = -0.2 v_x + ...): a shift by 0.2 t.
            let exact = x.map { eps * Foundation.exp((k * k - k * k * k * k) * t) * Foundation.cos(k * ($0 - 0.2 * t)) + 0.2 }
            #expect(((s.u.row(i) - exact).norm() / (eps * 8)) < 1e-3, "t = \(t)")
            #expect(Swift.abs(s.u.row(i).mean().scalar - 0.2) < 1e-14)
        }
    }
}

@Suite struct WeakForm2DTests {
    /// A smooth periodic initial state on [0, 2 pi) x [0, 4 pi) with several modes whose
    /// ratios k_y^2 / k_x^2 differ (if all were equal, u_xx and u_yy would be proportional and
    /// D (u_xx + u_yy) not identifiable).
    static func initial(nx: Int, ny: Int, lx: Double, ly: Double) -> Tensor {
        Tensor(shape: [nx, ny], scalars: (0..<nx).flatMap { i in (0..<ny).map { j in
            let (x, y) = (Double(i) * lx / Double(nx), Double(j) * ly / Double(ny))
            return Foundation.sin(x) * Foundation.cos(0.5 * y) + 0.6 * Foundation.cos(2 * x + 1.5 * y) + 0.4 * Foundation.sin(x - 2 * y + 0.3)
        } })
    }

    @Test func advectionDiffusionMatchesTheExactModeSolution() {
        // One Fourier mode: u = exp(-D |k|^2 t) sin(k . (x - c t)), exact up to FFT rounding
        // (two 2-D transforms of 32 x 48 points: ~1e-14; tolerance 1e-12).
        let (nx, ny, lx, ly) = (32, 48, 2 * Double.pi, 4 * Double.pi)
        let (k1, k2, cx, cy, d) = (2.0, 1.5, 0.7, -0.4, 0.05)
        func exact(_ t: Double) -> Tensor {
            Tensor(shape: [nx, ny], scalars: (0..<nx).flatMap { i in (0..<ny).map { j in
                let (x, y) = (Double(i) * lx / Double(nx), Double(j) * ly / Double(ny))
                return Foundation.exp(-d * (k1 * k1 + k2 * k2) * t) * Foundation.sin(k1 * (x - cx * t) + k2 * (y - cy * t))
            } })
        }
        let u = simulateAdvectionDiffusion2D(initial: exact(0), lengthX: lx, lengthY: ly, velocity: (cx, cy), diffusivity: d,
                                             count: 4, interval: 0.7)
        for step in 0..<4 {
            let got = u.slice([.index(step)])
            #expect((got - exact(Double(step) * 0.7)).norm() <= 1e-12 * exact(0).norm(), "step \(step)")
        }
    }

    @Test func weakFormRecoversAdvectionDiffusionWithNoise() throws {
        // Held-out style: velocities and diffusivity not used anywhere else; 5% noise.
        let (nx, ny, lx, ly) = (64, 64, 2 * Double.pi, 4 * Double.pi)
        let (cx, cy, d) = (0.8, -0.5, 0.1)
        let u = simulateAdvectionDiffusion2D(initial: Self.initial(nx: nx, ny: ny, lx: lx, ly: ly), lengthX: lx, lengthY: ly,
                                             velocity: (cx, cy), diffusivity: d, count: 60, interval: 0.05)
        var noise = RandomGenerator(seed: 31)
        let noisy = DiscoveryBenchmark.addingNoise(u, level: 0.05, using: &noise)
        var rng = RandomGenerator(seed: 0)
        let result = try discoverPDE2D(noisy, dt: 0.05, dx: lx / Double(nx), dy: ly / Double(ny), using: &rng)
        let truth: [String: Double] = ["u_x": -cx, "u_y": -cy, "u_xx": d, "u_yy": d]
        let score = scoreEquation(result.equations[0], truth: truth)
        #expect(score.rightTerms, "\(result.equations[0])")
        // As in 1-D the error is, to first order, Gaussian in the noise. The sweep's worst error
        // over seeds 1-3 at 5% noise is 0.70% (interp.pde-discovery, full); taking it as the
        // standard deviation s (an over-estimate: it is the worst of 3), 3% is >= 4.3 s, a
        // false failure with probability < 2e-5 per coefficient, < 1e-4 over the 4.
        #expect(score.maxErrorPercent < 3, "\(result.equations[0])")
    }
}

@Suite struct LambdaOmegaTests {
    @Test func uniformStateFollowsTheExactLimitCycleSolution() {
        // Uniform u = r cos(theta), v = r sin(theta): r' = r (1 - r^2), theta' = -beta r^2, so
        // r^2 = r0^2 / (r0^2 + (1 - r0^2) e^(-2t)), theta = theta0 - (beta/2) ln(r0^2 e^(2t) + 1 - r0^2).
        // RK4 with h = 0.005 over t = 2: error ~ h^4 * 10 ~ 1e-8; tolerance 1e-7.
        let grid = PeriodicGrid(start: 0, length: 10, count: 16)
        let (r0, theta0, beta) = (0.3, 0.4, 1.3)
        let (u, v) = simulateLambdaOmega(u0: Tensor.full([16], r0 * Foundation.cos(theta0)), v0: Tensor.full([16], r0 * Foundation.sin(theta0)),
                                         grid: grid, diffusion: 0.1, beta: beta, count: 5, interval: 0.5)
        for step in 0..<5 {
            let t = Double(step) * 0.5
            let r2 = r0 * r0 / (r0 * r0 + (1 - r0 * r0) * Foundation.exp(-2 * t))
            let theta = theta0 - beta / 2 * Foundation.log(r0 * r0 * Foundation.exp(2 * t) + 1 - r0 * r0)
            let (eu, ev) = (r2.squareRoot() * Foundation.cos(theta), r2.squareRoot() * Foundation.sin(theta))
            #expect((u.row(step) - eu).scalars.map(Swift.abs).max()! < 1e-7 && (v.row(step) - ev).scalars.map(Swift.abs).max()! < 1e-7, "t = \(t)")
        }
    }

    @Test func weakFormRecoversLambdaOmegaAtOnePercentNoise() throws {
        // A transient from small, spatially varying amplitudes (A from ~0.1 to 1), so that the
        // cubic terms are not proportional to the linear ones, on scales (k ~ 1 to 2) where the
        // diffusion d k^2 ~ 0.1 to 0.4 is not negligible next to the reaction.
        let grid = PeriodicGrid(start: 0, length: 20 * Double.pi, count: 256)
        let x = grid.points
        let (u, v) = simulateLambdaOmega(u0: x.map { 0.4 * Foundation.cos(1.5 * $0) * (1 + 0.5 * Foundation.sin($0 / 5)) },
                                         v0: x.map { 0.3 * Foundation.sin($0 + 0.7) + 0.2 * Foundation.cos(2 * $0) },
                                         grid: grid, diffusion: 0.1, beta: 1, count: 101, interval: 0.05)
        var noise = RandomGenerator(seed: 17)
        let nu = DiscoveryBenchmark.addingNoise(u, level: 0.01, using: &noise)
        let nv = DiscoveryBenchmark.addingNoise(v, level: 0.01, using: &noise)
        var rng = RandomGenerator(seed: 0)
        let result = try discoverPDESystem([nu, nv], names: ["u", "v"], dt: 0.05, dx: grid.spacing, using: &rng)
        let truthU: [String: Double] = ["u": 1, "u^3": -1, "u*v^2": -1, "u^2*v": 1, "v^3": 1, "u_xx": 0.1]
        let truthV: [String: Double] = ["v": 1, "v^3": -1, "u^2*v": -1, "u^3": -1, "u*v^2": -1, "v_xx": 0.1]
        for (e, truth) in zip(result.equations, [truthU, truthV]) {
            let s = scoreEquation(e, truth: truth)
            #expect(s.rightTerms, "\(e)")
            // First-order Gaussian error as above. At 1% noise the CLI's run (seed 3) has its
            // worst error 0.55%; taking that as the standard deviation s, 5% is > 9 s (a false
            // failure is out of reach); a wrong coefficient (a dropped or doubled term) is off
            // by 100% and fails.
            #expect(s.maxErrorPercent < 5, "\(e)")
        }
    }
}

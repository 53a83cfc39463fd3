import Foundation
import InductiveDiscovery
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Interpretability": sparse regression over a dictionary of candidate terms recovers
/// the governing equation (PDE-FIND, Rudy et al. 2017), checked on the project's own solvers;
/// plus a noise sweep of the strong (pointwise derivatives) and weak (integral) formulations on
/// held-out data (grids, initial states and coefficients not used to choose any default).
struct PDEDiscovery: Experiment {
    let id = "interp.pde-discovery"
    let section = NotesSection.interpretability
    let title = "PDE-FIND recovers heat, Burgers and KdV"
    let claim = "Sparse regression (STRidge with a tolerance search) over u^p ∂ₓᵐu recovers the governing PDE from samples of its solution."
    let parameters = [
        ParameterSpec("seeds", "noise seeds at 1% noise (strong form, polynomial derivatives)", quick: .int(1), full: .int(3), minimum: 1, maximum: 20),
        ParameterSpec("sweepLevels", "noise levels of the sweep (fractions of std(u))", quick: .doubles([0, 0.05]),
                      full: .doubles([0, 0.01, 0.02, 0.05, 0.1, 0.2]), minimum: 0, maximum: 1),
        ParameterSpec("sweepSeeds", "noise seeds per sweep level", quick: .int(1), full: .int(3), minimum: 1, maximum: 20),
        ParameterSpec("sweepSystems", "held-out systems in the sweep (1: Burgers; 2: + KdV; 3: + KS)", quick: .int(1), full: .int(3), minimum: 0, maximum: 3),
        ParameterSpec("sweep2D", "include 2-D advection-diffusion (weak form only) in the sweep", quick: .bool(false), full: .bool(true)),
    ]
    let checks = [
        CheckSpec("right-terms-clean", "systems (of heat, Burgers, KdV) with exactly the right terms, clean data", .atLeast(3)),
        CheckSpec("error-clean", "mean over a system's true terms of the relative coefficient error, worst system of heat, Burgers, KdV, clean data (%; PDE-FIND Table I's measure)", .lessThan(1)),
        CheckSpec("right-terms-noisy", "fraction of (system, seed) runs with exactly the right terms at 1% noise", .atLeast(1)),
        CheckSpec("error-noisy", "largest relative error of a true term's coefficient over the systems and seeds at 1% noise (%)", .lessThan(5)),
    ]

    // Simulation: heat is exact (FFT per output); Burgers 1e4 and KdV 2e4 ETDRK4 steps of
    // 8 FFTs (n log n ~ 2e3 to 5e3 each); the held-out sets about as much again. Each fit
    // costs about 1e8 (strong, polynomial windows on 5e4 points; weak 2-D on 2.5e5 points) or
    // 1e7 (weak 1-D), except the weak Burgers fits on noisy data: their joint refit of field and
    // coefficients costs about 1e10 (7 factorizations of two strips of 92 points, 1.4e9 each, on
    // the 200 x 120 grid; 4 are typical; KdV and KS are above its stiffness bound and skip it). The full size is
    // 1.7e11 (measured about 13 s of CPU); the limit is 12 times that.
    let workBound = WorkBound("2e9 + (3 seeds + levels × sweepSeeds × (2 sweepSystems + sweep2D)) × 1e8 + noisy levels × sweepSeeds × 1e10 (if sweepSystems ≥ 1)",
                              limit: 2e12) { p in
        let levels = p.doubles("sweepLevels")
        let fits = 3 * p.int("seeds") + levels.count * p.int("sweepSeeds") * (2 * p.int("sweepSystems") + (p.bool("sweep2D") ? 1 : 0))
        let jointFits = p.int("sweepSystems") >= 1 ? levels.filter { $0 > 0 }.count * p.int("sweepSeeds") : 0
        return 2e9 + Double(fits) * 1e8 + Double(jointFits) * 1e10
    }

    private struct Case {
        let name: String
        let data: PDESolution
        let truth: [String: Double]
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        // The notes' "harmonic oscillator" u_t = omega^2 u_xx, omega^2 = 0.5, on [0, 2 pi). The
        // initial state mixes four modes of comparable size: a state dominated by one mode
        // cos(k x) also satisfies u_t = -omega^2 k^2 (u - mean), so u_xx would not be
        // identifiable from u and 1 (with 1% noise the regression then picks those).
        let grid = PeriodicGrid(start: 0, length: 2 * Double.pi, count: 256)
        let heat = simulateHeat(initial: grid.points.map { Foundation.sin($0) + 0.8 * Foundation.cos(2 * $0) + 0.6 * Foundation.sin(3 * $0 + 1) + 0.4 * Foundation.cos(4 * $0) },
                                grid: grid, diffusivity: 0.5, count: 101, interval: 0.01)
        let cases = [Case(name: "heat", data: heat, truth: ["u_xx": 0.5]),
                     Case(name: "Burgers", data: DiscoveryBenchmark.burgers(), truth: ["u*u_x": -1, "u_xx": 0.1]),
                     Case(name: "KdV", data: DiscoveryBenchmark.kdv(), truth: ["u*u_x": -6, "u_xxx": -1])]
        context.progress(0.2, "simulated")
        var rightClean = 0
        // Per system, the mean error over its true terms (PDE-FIND's Table I measure) and the
        // largest; the worst over systems of each is recorded. The clean check measures the
        // mean (the largest, KdV's u_xxx with finite differences in t, is 1.12% > 1%); the noisy
        // check the largest (stricter, as in interp.ode-discovery; it holds).
        var worstClean = 0.0, worstNoisy = 0.0, worstMaxClean = 0.0, worstMeanNoisy = 0.0
        var rightNoisy = 0, noisyRuns = 0
        var found: [Double] = [], truths: [Double] = [], labels: [String] = []
        for c in cases {
            let dt = c.data.t.scalars[1] - c.data.t.scalars[0], dx = c.data.x.scalars[1] - c.data.x.scalars[0]
            var rng = RandomGenerator(seed: context.seed)
            var cleanOptions = PDEDiscoveryOptions()
            cleanOptions.derivative = .spectral
            let clean = try discoverPDE(c.data.u, dt: dt, dx: dx, options: cleanOptions, using: &rng).equations[0]
            let s = scoreEquation(clean, truth: c.truth)
            if s.rightTerms { rightClean += 1 }
            worstMaxClean = Swift.max(worstMaxClean, s.maxErrorPercent)
            worstClean = Swift.max(worstClean, s.errorPercent)
            context.note("\(c.name), clean (spectral x-derivatives, finite differences in t): \(clean)  [mean error \(String(format: "%.3g", s.errorPercent))%, max \(String(format: "%.3g", s.maxErrorPercent))%]")
            for (name, value) in c.truth.sorted(by: { $0.key < $1.key }) {
                labels.append("\(c.name): \(name)")
                truths.append(value)
                found.append(clean.coefficient(of: name))
            }
            for seed in 0..<p.int("seeds") {
                var noise = RandomGenerator(seed: derivedSeed(UInt64(1000 + seed), of: context.seed))
                let u = DiscoveryBenchmark.addingNoise(c.data.u, level: 0.01, using: &noise)
                // Polynomial derivatives (degree 12; in time PDE-FIND-like degree 4 on 11
                // samples) on windows at least as wide as the scale where noise dominates.
                var options = PDEDiscoveryOptions()
                options.derivative = noiseMatchedSpaceDerivative(u, maxDerivative: options.maxDerivative)
                options.timeDerivative = PDEDiscoveryOptions.noisyTimeDerivative
                var split = RandomGenerator(seed: context.seed)
                let e = try discoverPDE(u, dt: dt, dx: dx, options: options, using: &split).equations[0]
                let score = scoreEquation(e, truth: c.truth)
                noisyRuns += 1
                if score.rightTerms { rightNoisy += 1 }
                worstNoisy = Swift.max(worstNoisy, score.maxErrorPercent)
                worstMeanNoisy = Swift.max(worstMeanNoisy, score.errorPercent)
                if seed == 0, case let .polynomial(_, width) = options.derivative {
                    context.note("\(c.name), 1% noise (polynomial derivatives, space half-width \(width)), noise seed \(derivedSeed(1000, of: context.seed)): \(e)")
                }
            }
        }
        // Erratum: the notes call (d_t - omega^2 d_xx) u = 0 a "harmonic oscillator"; it is the
        // heat (diffusion) equation. On the heat data, the best harmonic-oscillator law
        // u_tt = -c u (c fitted by least squares, either sign) against the best u_t = c u_xx.
        let heatDt = heat.t.scalars[1] - heat.t.scalars[0], heatDx = heat.x.scalars[1] - heat.x.scalars[0]
        let interior: [Slice] = [.range(2..<(heat.u.shape[0] - 2)), .all]
        let ut = finiteDifferenceDerivative(heat.u, spacing: heatDt, order: 1, axis: 0).slice(interior).scalars
        let utt = finiteDifferenceDerivative(heat.u, spacing: heatDt, order: 2, axis: 0).slice(interior).scalars
        let uxx = spectralDerivative(heat.u, spacing: heatDx, order: 2, axis: 1).slice(interior).scalars
        let uInterior = heat.u.slice(interior).scalars
        func relativeResidual(_ y: [Double], _ z: [Double]) -> (c: Double, residual: Double) {
            let yz = zip(y, z).reduce(0) { $0 + $1.0 * $1.1 }, zz = z.reduce(0) { $0 + $1 * $1 }, yy = y.reduce(0) { $0 + $1 * $1 }
            let c = yz / zz
            return (c, zip(y, z).reduce(0) { $0 + ($1.0 - c * $1.1) * ($1.0 - c * $1.1) }.squareRoot() / yy.squareRoot())
        }
        let oscillator = relativeResidual(utt, uInterior), diffusion = relativeResidual(ut, uxx)
        context.record("heat_oscillator_fit", [-oscillator.c, oscillator.residual])
        context.record("heat_diffusion_fit", [diffusion.c, diffusion.residual])
        // Threshold 1%: the residual of the true law is the finite-difference error in t, about
        // (dt^2 / 6) (omega^2 k^2)^2 <= 1e-4 / 6 * 64 = 1.1e-3 relative for the fastest mode
        // (k = 4), and spectral u_xx is exact to rounding; 1% is ten times that bound.
        context.erratum(
            location: "Interpretability, dictionary learning of physical laws (\"harmonic oscillator\")",
            asWritten: "the dynamics (d_t - omega^2 d_xx) u = 0 of a harmonic oscillator",
            correction: "(d_t - omega^2 d_xx) u = 0 is the heat (diffusion) equation: each Fourier mode decays as exp(-omega^2 k^2 t); a harmonic oscillator, u_tt = -omega^2 u, oscillates without decay",
            evidence: String(format: "On the heat data (omega^2 = 0.5, four modes), the best oscillator law u_tt = -c u (c = %.4g; a negative c is not even an oscillation) leaves %.3g of ||u_tt||, while u_t = c u_xx (c = %.5f) leaves %.2g of ||u_t||.",
                             -oscillator.c, oscillator.residual, diffusion.c, diffusion.residual),
            separation: ErratumSeparation(measure: "relative residual of the best least-squares fit of the heat data by the law", asWrittenMiss: oscillator.residual,
                                          correctedMiss: diffusion.residual, threshold: 0.01))
        context.measure("right-terms-clean", Double(rightClean))
        context.record("error_clean_worst_max_percent", .number(worstMaxClean))
        context.record("error_noisy_worst_mean_percent", .number(worstMeanNoisy))
        context.note(String(format: "Coefficient errors, worst over systems (and seeds): clean mean %.3g%%, max %.3g%%; 1%% noise mean %.3g%%, max %.3g%%.",
                            worstClean, worstMaxClean, worstMeanNoisy, worstNoisy))
        context.measure("error-clean", worstClean)
        context.measure("right-terms-noisy", Double(rightNoisy) / Double(noisyRuns))
        context.measure("error-noisy", worstNoisy)
        context.progress(0.5, "Table I done")

        let burgers = cases[1].data
        context.figure(Figure(
            id: "burgers-data", title: "Burgers data u(t, x) (PDE-FIND's grid)",
            caption: "The clean Burgers solution the regression sees: 101 times × 256 points, ν = 0.1.",
            chart: .heatMap(HeatMap(burgers.u, orientation: .cartesian, xExtent: -8...8, yExtent: 0...10,
                                    xLabel: "x", yLabel: "t", colorBarLabel: "u", squareCells: false))))
        context.figure(Figure(
            id: "coefficients", title: "Coefficients found (clean data) vs true",
            caption: "Each true term's coefficient as found by STRidge on clean data (spectral x-derivatives, finite differences in t), next to its true value.",
            chart: .bars(BarChart(categories: labels, series: [BarSeries("found", values: found), BarSeries("true", values: truths)],
                                  valueAxis: Axis("coefficient")))))

        // The noise sweep on held-out data, both formulations.
        let levels = p.doubles("sweepLevels")
        let systems = Array(DiscoveryCase.heldOut().prefix(p.int("sweepSystems")))
        guard !systems.isEmpty else { return }
        var rightSeries: [Series] = [], errorSeries: [Series] = []
        var rows: [JSONValue] = []
        for (index, system) in systems.enumerated() {
            let color = Palette.categorical[index % Palette.categorical.count]
            for formulation in [PDEFormulation.weak, .strong] {
                var fractions: [Double] = [], worst: [Double] = []
                for level in levels {
                    var right = 0, maxError = 0.0
                    for seed in 0..<p.int("sweepSeeds") {
                        let outcome = try runSweepCase(system, noise: level, noiseSeed: UInt64(seed + 1), seed: context.seed, formulation: formulation)
                        if outcome.rightTerms { right += 1 }
                        maxError = Swift.max(maxError, outcome.maxErrorPercent)
                    }
                    fractions.append(Double(right) / Double(p.int("sweepSeeds")))
                    worst.append(maxError)
                    rows.append(.object([(key: "system", value: .string(system.name)), (key: "formulation", value: .string(formulation.rawValue)),
                                         (key: "noise", value: .number(level)), (key: "right_fraction", value: .number(fractions.last!)),
                                         (key: "worst_error_percent", value: .number(maxError))]))
                }
                let dash: Series.Dash = formulation == .weak ? .solid : .dashed
                let name = "\(system.name) \(formulation.rawValue)"
                // Drawn offset by 0.03 per system so that equal fractions do not hide each other.
                let offset = 0.03 * (Double(index) - 1)
                rightSeries.append(Series(name, x: levels.map { $0 * 100 }, y: fractions.map { $0 + offset }, style: .lineAndMarkers, dash: dash, color: color))
                errorSeries.append(Series(name, x: levels.map { $0 * 100 }, y: worst, style: .lineAndMarkers, dash: dash, color: color))
                context.note("sweep \(name): right-terms fraction \(fractions), worst coefficient error % \(worst.map { String(format: "%.3g", $0) })")
            }
            // PDE-FIND's Table I (mean error, clean and 1% noise) as markers, only for cases on
            // PDE-FIND's own data (`DiscoveryCase.tuning()`; the held-out cases carry none).
            let paper = [(0.0, system.paperClean), (1.0, system.paperNoisy)].compactMap { x, y in y.map { (x, $0) } }
            if !paper.isEmpty {
                errorSeries.append(Series("\(system.name) PDE-FIND Table I (its data)", x: paper.map(\.0), y: paper.map(\.1), style: .markers, color: color))
            }
            context.progress(0.5 + 0.5 * Double(index + 1) / Double(systems.count), "sweep \(system.name)")
        }
        if p.bool("sweep2D") {
            // u_t = -0.8 u_x + 0.5 u_y + 0.1 (u_xx + u_yy) on [0, 2 pi) x [0, 4 pi), 64 x 64, 60 times.
            let (lx, ly) = (2 * Double.pi, 4 * Double.pi)
            let initial = Tensor(shape: [64, 64], scalars: (0..<64).flatMap { i in (0..<64).map { j in
                let (x, y) = (Double(i) * lx / 64, Double(j) * ly / 64)
                return Foundation.sin(x) * Foundation.cos(0.5 * y) + 0.6 * Foundation.cos(2 * x + 1.5 * y) + 0.4 * Foundation.sin(x - 2 * y + 0.3)
            } })
            let u = simulateAdvectionDiffusion2D(initial: initial, lengthX: lx, lengthY: ly, velocity: (0.8, -0.5), diffusivity: 0.1,
                                                 count: 60, interval: 0.05)
            let truth: [String: Double] = ["u_x": -0.8, "u_y": 0.5, "u_xx": 0.1, "u_yy": 0.1]
            var fractions: [Double] = [], worst: [Double] = []
            for level in levels {
                var right = 0, maxError = 0.0
                for seed in 0..<p.int("sweepSeeds") {
                    var noise = RandomGenerator(seed: derivedSeed(UInt64(seed + 1), of: context.seed))
                    let noisy = level > 0 ? DiscoveryBenchmark.addingNoise(u, level: level, using: &noise) : u
                    var split = RandomGenerator(seed: context.seed)
                    let e = try discoverPDE2D(noisy, dt: 0.05, dx: lx / 64, dy: ly / 64, using: &split).equations[0]
                    let score = scoreEquation(e, truth: truth)
                    if score.rightTerms { right += 1 }
                    maxError = Swift.max(maxError, score.maxErrorPercent)
                }
                fractions.append(Double(right) / Double(p.int("sweepSeeds")))
                worst.append(maxError)
                rows.append(.object([(key: "system", value: .string("advection-2d")), (key: "formulation", value: .string("weak")),
                                     (key: "noise", value: .number(level)), (key: "right_fraction", value: .number(fractions.last!)),
                                     (key: "worst_error_percent", value: .number(maxError))]))
            }
            let color = Palette.categorical[3]
            rightSeries.append(Series("advection-2d weak", x: levels.map { $0 * 100 }, y: fractions.map { $0 + 0.06 }, style: .lineAndMarkers, color: color))
            errorSeries.append(Series("advection-2d weak", x: levels.map { $0 * 100 }, y: worst, style: .lineAndMarkers, color: color))
            context.note("sweep advection-2d weak: right-terms fraction \(fractions), worst coefficient error % \(worst.map { String(format: "%.3g", $0) })")
        }
        context.record("sweep", .array(rows))
        context.figure(Figure(
            id: "sweep-right-terms", title: "Noise sweep: fraction of seeds with exactly the right terms",
            caption: "Held-out data (and u_t = −0.8u_x + 0.5u_y + 0.1Δu on a 64 × 64 periodic grid, weak form only); solid: weak form (automatic test-function supports), dashed: strong form (PDE-FIND's polynomial derivatives; finite differences when clean). Noise is level × std(u) × N(0, 1). Lines are offset vertically by 0.03 per system (Burgers −0.03, KdV 0, KS +0.03, 2-D advection-diffusion +0.06) so that equal fractions stay visible; result.json (series sweep) holds the exact fractions.",
            chart: .plot(Plot(x: Axis("noise (% of std u)"), y: Axis("fraction of seeds right", limits: -0.1...1.1), series: rightSeries,
                              legend: .below))))
        context.figure(Figure(
            id: "sweep-error", title: "Noise sweep: worst coefficient error over seeds",
            caption: "Largest relative error of a true term's coefficient over the seeds (0% when every seed is exact to rounding is not drawn on the log axis). PDE-FIND's Table I errors are not drawn: they were measured on its own grids, not on this held-out data.",
            chart: .plot(Plot(x: Axis("noise (% of std u)"), y: Axis("coefficient error (%)", scale: .log), series: errorSeries,
                              referenceLines: [.horizontal(1, label: "1% goal")], legend: .below))))
    }
}

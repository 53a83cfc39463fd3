import Foundation
import InductiveDiscovery
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Interpretability": SINDy (Brunton, Proctor and Kutz 2016) on the Lorenz system:
/// STLSQ over the degree-2 polynomial library recovers the right-hand side. Also run: the weak
/// formulation on the same trajectory with 1% noise (default settings: the joint state and
/// parameter refit).
struct ODEDiscovery: Experiment {
    let id = "interp.ode-discovery"
    let section = NotesSection.interpretability
    let title = "SINDy recovers the Lorenz system"
    let claim = "Sequentially thresholded least squares over polynomial terms recovers the Lorenz equations from a sampled trajectory."
    let parameters = [
        ParameterSpec("samples", "trajectory samples, dt = 0.002", quick: .int(5000), full: .int(5000), minimum: 200, maximum: 1_000_000),
        ParameterSpec("noiseSeeds", "noise seeds of the weak-form run at 1% noise", quick: .int(1), full: .int(5), minimum: 0, maximum: 50),
    ]
    let checks = [
        CheckSpec("right-terms", "equations (of 3) with exactly the right terms, clean data", .atLeast(3)),
        CheckSpec("coefficients", "worst relative coefficient error, clean data (%)", .lessThan(1)),
    ]

    // Dormand-Prince at rtol 1e-12 (~30 stages of 3 variables per sample), the library and
    // STLSQ (10 terms): ~1e4 operations per sample, per fit. The full size is 3e8; the limit
    // is the floor (1e10).
    let workBound = WorkBound("1e4 × samples × (1 + noiseSeeds)", limit: 6e9) { p in
        1e4 * Double(p.int("samples")) * Double(1 + p.int("noiseSeeds"))
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let data = try DiscoveryBenchmark.lorenz(samples: p.int("samples"))
        let truth = ODESystem.lorenz().polynomialTerms!
        let result = try discoverODE(data.y, dt: 0.002)
        var right = 0, worst = 0.0
        var labels: [String] = [], found: [Double] = [], truths: [Double] = []
        for (e, t) in zip(result.equations, truth) {
            let s = scoreEquation(e, truth: t)
            if s.rightTerms { right += 1 }
            worst = Swift.max(worst, s.maxErrorPercent)
            context.note("clean: \(e)")
            for (name, value) in t.sorted(by: { $0.key < $1.key }) {
                labels.append("\(e.lhs) \(name)")
                truths.append(value)
                found.append(e.coefficient(of: name))
            }
        }
        context.measure("right-terms", Double(right))
        context.measure("coefficients", worst)
        var weakWorst: [Double] = [], weakRight = 0
        for seed in 0..<p.int("noiseSeeds") {
            var rng = RandomGenerator(seed: derivedSeed(UInt64(500 + seed), of: context.seed))
            let noisy = DiscoveryBenchmark.addingNoise(data.y, level: 0.01, using: &rng)
            var options = ODEDiscoveryOptions()
            options.formulation = .weak
            let weak = try discoverODE(noisy, dt: 0.002, options: options)
            var allRight = true, w = 0.0
            for (e, t) in zip(weak.equations, truth) {
                let s = scoreEquation(e, truth: t)
                allRight = allRight && s.rightTerms
                w = Swift.max(w, s.maxErrorPercent)
            }
            if allRight { weakRight += 1 }
            weakWorst.append(w)
            if seed == 0 { context.note("weak form, 1% noise (noise seed \(derivedSeed(500, of: context.seed))): " + weak.equations.map(\.description).joined(separator: "; ")) }
        }
        if !weakWorst.isEmpty {
            context.record("weak_1pct_worst_error_percent", weakWorst)
            context.note("Weak form at 1% noise (refit \(ODEDiscoveryOptions().weakRefit.rawValue)): right terms in \(weakRight) of \(weakWorst.count) seeds, worst coefficient error \(String(format: "%.3g", weakWorst.max()!))%.")
        }
        let x = data.y.slice([.all, .index(0)]).scalars, z = data.y.slice([.all, .index(2)]).scalars
        context.figure(Figure(
            id: "attractor", title: "Lorenz trajectory (x, z)",
            caption: "The \(p.int("samples")) samples the regression sees, from (−8, 8, 27), dt = 0.002.",
            chart: .plot(Plot(x: Axis("x"), y: Axis("z"), series: [Series("trajectory", x: x, y: z)], legend: .hidden))))
        context.figure(Figure(
            id: "coefficients", title: "SINDy coefficients (clean data) vs true",
            caption: "Each true term's coefficient found by STLSQ (threshold 0.1) next to its true value.",
            chart: .bars(BarChart(categories: labels, series: [BarSeries("found", values: found), BarSeries("true", values: truths)],
                                  valueAxis: Axis("coefficient")))))
    }
}

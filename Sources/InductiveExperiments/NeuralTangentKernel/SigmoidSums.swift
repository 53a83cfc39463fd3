import Foundation
import InductiveNN
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Universal approximation theorem": a continuous function on the unit cube is
/// approximated by finite sums sum_j v_j phi(w_j . x + b_j) of a sigmoidal phi (Cybenko 1989).
/// Measured: sums of N random sigmoids (plus a constant), with the outer weights fitted by
/// least squares, approximate sin(2 pi x) in the sup norm ever better as N grows.
struct SigmoidSums: Experiment {
    let id = "uat.sigmoid-sum"
    let section = NotesSection.neuralTangentKernel
    let title = "Sums of sigmoids approximate a continuous function"
    let claim = "Universal approximation: sums of N sigmoids approximate a continuous function on [0, 1] ever better as N grows."
    let parameters = [
        ParameterSpec("counts", "numbers of sigmoids N", .ints([2, 4, 8, 16, 32, 64, 128, 256]), minimum: 1, maximum: 4096, minimumCount: 3),
        ParameterSpec("slope", "slope scale s₀: sigmoids sigma(s₀ √N (x − c))", .double(10), minimum: 1e-9, maximum: 1e6),
        ParameterSpec("seeds", "random draws of centres (median taken)", .int(5), minimum: 1, maximum: 1000),
        ParameterSpec("fitPoints", "grid for the least-squares fit", .int(1000), minimum: 2, maximum: 20_000),
        ParameterSpec("testPoints", "finer grid for the sup error", .int(10_000), minimum: 2, maximum: 20_000),
    ]
    let checks = [
        CheckSpec("monotone", "Spearman ρ of sup error vs N", .lessThan(-0.9)),
        CheckSpec("accuracy", "sup error at the largest N", .lessThan(0.01)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        // The feature matrices of the largest N on either grid are held at once.
        let cells = Double(Swift.max(p.int("fitPoints"), p.int("testPoints"))) * Double(p.ints("counts").max() ?? 0)
        return cells > 2e7 ? "max(fitPoints, testPoints) × (largest count) must be at most 2e7 (160 MB per feature matrix), got \(WorkBound.format(cells))" : nil
    }

    // Each least-squares fit costs about fitPoints × N², and the sigmoid features on both
    // grids about 20 (fitPoints + testPoints) × N; the full size is 1.0e9.
    let workBound = WorkBound("seeds × Σ over counts N of N × (fitPoints × N + 20 (fitPoints + testPoints))", limit: 2e10) { p in
        let fit = Double(p.int("fitPoints")), test = Double(p.int("testPoints"))
        return Double(p.int("seeds")) * p.ints("counts").reduce(0) { $0 + Double($1) * (fit * Double($1) + 20 * (fit + test)) }
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let counts = p.ints("counts"), s0 = p.double("slope"), seeds = p.int("seeds")
        let fitX = Tensor.linspace(0, 1, count: p.int("fitPoints")), testX = Tensor.linspace(0, 1, count: p.int("testPoints"))
        let target = { (x: Tensor) in sin(2 * Double.pi * x) }
        var errors: [Double] = []
        var shownFits: [(n: Int, y: Tensor)] = []
        for (k, n) in counts.enumerated() {
            var perSeed: [Double] = []
            for seed in 0..<seeds {
                var rng = context.rng.child(UInt64(n)).child(UInt64(seed))
                let centres = Tensor.randomUniform([n], low: -0.1, high: 1.1, using: &rng)
                let slope = s0 * Double(n).squareRoot()
                func features(_ x: Tensor) -> Tensor {
                    Tensor.concatenate([sigmoid((x.reshaped([x.count, 1]) - centres) * slope), Tensor.ones([x.count, 1])], axis: 1)
                }
                let v = try minimumNormLeastSquares(features(fitX), target(fitX)).coefficients
                let approximation = matmul(features(testX), v)
                perSeed.append((approximation - target(testX)).norm(.infinity))
                if seed == 0 && (n == 4 || n == 16 || n == counts.last!) { shownFits.append((n, approximation)) }
            }
            errors.append(Statistics.median(perSeed))
            context.progress(Double(k + 1) / Double(counts.count), "N = \(n)")
        }
        context.measure("monotone", Statistics.spearman(counts.map(Double.init), errors))
        context.measure("accuracy", errors.last!)
        context.record("counts", counts.map(Double.init))
        context.record("median_sup_error", errors)
        context.figure(Figure(
            id: "sup-error", title: "Sup error of the best sum of N sigmoids",
            caption: "Median over \(seeds) draws of the centres; outer weights by least squares on \(fitX.count) points, error on \(testX.count).",
            chart: .plot(Plot(x: Axis("number of sigmoids N", scale: .log), y: Axis("sup |f − sin 2πx|", scale: .log),
                              series: [Series("sup error", x: counts.map(Double.init), y: errors, style: .lineAndMarkers)],
                              referenceLines: [.horizontal(0.01, label: "0.01")]))))
        let sub = Array(stride(from: 0, to: testX.count, by: 20))
        var fits = [Series("sin 2πx", x: sub.map { testX.scalars[$0] }, y: sub.map { Foundation.sin(2 * Double.pi * testX.scalars[$0]) }, dash: .dashed)]
        for (n, y) in shownFits { fits.append(Series("N = \(n)", x: sub.map { testX.scalars[$0] }, y: sub.map { y.scalars[$0] })) }
        context.figure(Figure(id: "fit", title: "Fitted sums of sigmoids (first draw)",
                              chart: .plot(Plot(x: Axis("x"), y: Axis("f(x)"), series: fits))))
    }
}

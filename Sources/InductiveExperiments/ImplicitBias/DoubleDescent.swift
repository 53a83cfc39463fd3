import Foundation
import InductiveNN
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Double descent": test error first falls with model size, peaks at the
/// interpolation threshold (as many parameters as examples), then falls again; regularization
/// tuned on validation data removes the peak. Random ReLU features with minimum-norm least
/// squares are the simplest model that shows it (Belkin et al. 2019; Mei and Montanari 2019).
struct DoubleDescent: Experiment {
    let id = "ib.double-descent"
    let section = NotesSection.implicitBias
    let title = "Double descent with random ReLU features"
    let claim = "Test error peaks at the interpolation threshold (P = N features for N examples) and falls again past it; tuned ridge has no peak."
    let parameters = [
        ParameterSpec("samples", "training examples N", quick: .int(50), full: .int(100), minimum: 2, maximum: 2000),
        ParameterSpec("dimension", "input dimension d", .int(20), minimum: 1, maximum: 2000),
        ParameterSpec("noise", "label noise standard deviation", .double(0.5), minimum: 0, maximum: 100),
        ParameterSpec("ratios", "feature counts P / N", .doubles([0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 5, 10, 20]), minimum: 1e-9, maximum: 50, minimumCount: 3),
        ParameterSpec("seeds", "independent draws of data and features", .int(10), minimum: 1, maximum: 1000),
        ParameterSpec("testSamples", "test examples", .int(1000), minimum: 1, maximum: 10_000),
        ParameterSpec("alphas", "ridge strengths tried on the validation split", .doubles([1e-6, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100]), minimum: 1e-300, maximum: 1e12),
    ]
    let checks = [
        CheckSpec("peak", "location of the peak of the median min-norm test error, P / N", .within(0.8, 1.25)),
        // Against P = N itself, not the series' maximum (a ratio to the maximum is <= 1 by construction).
        CheckSpec("tail-threshold", "error at P = 20N / error at P = N", .lessThan(1)),
        CheckSpec("tail-half", "error at P = 20N / error at P = 0.5N", .lessThan(1)),
        CheckSpec("ridge", "tuned ridge: max over P of error / mean of its two neighbours", .lessThan(1.2)),
    ]

    // For each seed and each feature count P: the features of the training, validation and
    // test sets and their predictions for every alpha ((2 samples + testSamples) × P ×
    // (dimension + alphas)), and the minimum-norm and ridge solutions (alphas + 1) × samples ×
    // P × min(samples, P). The full size is 8.0e9.
    let workBound = WorkBound("seeds × Σ over feature counts P of ((2 samples + testSamples) × P × (dimension + alphas) + (alphas + 1) × samples × P × min(samples, P))", limit: 1.6e11) { p in
        let n = p.int("samples"), rows = Double(2 * n + p.int("testSamples"))
        let d = Double(p.int("dimension")), alphas = Double(p.doubles("alphas").count)
        let perSeed = DoubleDescent.featureCounts(p.doubles("ratios"), samples: n).reduce(0.0) { sum, count in
            let features = Double(count)
            return sum + rows * features * (d + alphas) + (alphas + 1) * Double(n) * features * Double(Swift.min(n, count))
        }
        return Double(p.int("seeds")) * perSeed
    }

    /// The feature counts P = ratio × samples (at least 1).
    static func featureCounts(_ ratios: [Double], samples: Int) -> [Int] {
        ratios.map { Swift.max(1, Int(($0 * Double(samples)).rounded())) }
    }

    func validate(_ p: ParameterValues) -> String? {
        let ratios = p.doubles("ratios")
        guard ratios.contains(0.5) && ratios.contains(1) && ratios.contains(20) else { return "ratios must include 0.5, 1 and 20 (the checks compare them)" }
        // The widest model's features (P = ratio N) enter P x P and test x P matrices.
        let features = (ratios.max() ?? 0) * Double(p.int("samples"))
        if features > 10_000 { return "the largest ratio times samples gives \(Int(features)) features, more than 10000" }
        let testFeatures = Double(p.int("testSamples")) * features
        if testFeatures > 2e7 { return "testSamples × the largest feature count must be at most 2e7 (160 MB of test features), got \(WorkBound.format(testFeatures))" }
        return ratios == ratios.sorted() ? nil : "ratios must be increasing"
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let n = p.int("samples"), d = p.int("dimension"), noise = p.double("noise"), nTest = p.int("testSamples")
        let ratios = p.doubles("ratios"), seeds = p.int("seeds"), alphas = p.doubles("alphas")
        let counts = Self.featureCounts(ratios, samples: n)
        var minNorm = [[Double]](repeating: [], count: counts.count)
        var tuned = [[Double]](repeating: [], count: counts.count)
        for seed in 0..<seeds {
            var rng = context.rng.child(UInt64(seed))
            // Teacher y = <beta, x> / sqrt(d) (unit signal variance) plus label noise.
            let beta = Tensor.randomNormal([d], using: &rng)
            func sample(_ m: Int, noisy: Bool) -> (Tensor, Tensor) {
                let x = Tensor.randomNormal([m, d], using: &rng)
                let y = matmul(x, beta) / Double(d).squareRoot()
                return (x, noisy ? y + noise * Tensor.randomNormal([m], using: &rng) : y)
            }
            let (xTrain, yTrain) = sample(n, noisy: true)
            let (xValid, yValid) = sample(n, noisy: true)
            let (xTest, yTest) = sample(nTest, noisy: false)
            let maxFeatures = counts.max()!
            let w = Tensor.randomNormal([d, maxFeatures], using: &rng) / Double(d).squareRoot()
            for (k, count) in counts.enumerated() {
                let wk = w.slice([.all, .range(0..<count)])
                func features(_ x: Tensor) -> Tensor { relu(matmul(x, wk)) }
                let (phiTrain, phiValid, phiTest) = (features(xTrain), features(xValid), features(xTest))
                func testError(_ theta: Tensor) -> Double { square(matmul(phiTest, theta) - yTest).mean().scalar }
                minNorm[k].append(testError(try minimumNormLeastSquares(phiTrain, yTrain).coefficients))
                var best = (error: Double.infinity, theta: Tensor.zeros([count]))
                for alpha in alphas {
                    let theta = try ridge(phiTrain, yTrain, alpha: alpha).coefficients
                    let validation = square(matmul(phiValid, theta) - yValid).mean().scalar
                    if validation < best.error { best = (validation, theta) }
                }
                tuned[k].append(testError(best.theta))
            }
            context.progress(Double(seed + 1) / Double(seeds), "seed \(seed + 1)")
        }
        let medianMinNorm = minNorm.map(Statistics.median), medianTuned = tuned.map(Statistics.median)
        let peak = medianMinNorm.indices.max { medianMinNorm[$0] < medianMinNorm[$1] }!
        context.measure("peak", ratios[peak])
        let last = ratios.firstIndex(of: 20)!, half = ratios.firstIndex(of: 0.5)!, threshold = ratios.firstIndex(of: 1)!  // see validate
        context.measure("tail-threshold", medianMinNorm[last] / medianMinNorm[threshold])
        context.measure("tail-half", medianMinNorm[last] / medianMinNorm[half])
        let bumps = (1..<(ratios.count - 1)).map { (i: Int) -> Double in
            let neighbours: Double = medianTuned[i - 1] + medianTuned[i + 1]
            return 2 * medianTuned[i] / neighbours
        }
        context.measure("ridge", bumps.max() ?? .nan)
        context.record("ratios", ratios)
        context.record("median_min_norm_test_error", medianMinNorm)
        context.record("median_tuned_ridge_test_error", medianTuned)
        // Quantiles by linear interpolation between order statistics (NumPy's default).
        let q = { (values: [[Double]], f: Double) in
            values.map { v -> Double in
                let s = v.sorted(), position = f * Double(s.count - 1)
                let i = Int(position), fraction = position - Double(i)
                return i + 1 < s.count ? s[i] + fraction * (s[i + 1] - s[i]) : s[i]
            }
        }
        context.figure(Figure(
            id: "test-error", title: "Test error of random-feature regression vs number of features",
            caption: "Median over \(seeds) draws (band: 25th to 75th percentile); N = \(n), d = \(d), label noise \(noise). Ridge strength chosen on a validation split.",
            chart: .plot(Plot(x: Axis("features / examples  P / N", scale: .log), y: Axis("test mean squared error", scale: .log),
                              series: [Series("minimum-norm least squares", x: ratios, y: medianMinNorm,
                                              band: Band(lower: q(minNorm, 0.25), upper: q(minNorm, 0.75)), style: .lineAndMarkers),
                                       Series("tuned ridge", x: ratios, y: medianTuned, style: .lineAndMarkers)],
                              referenceLines: [.vertical(1, label: "interpolation threshold P = N")]))))
    }
}

import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Random Shuffling", last remark: averaged over minibatch compositions the modified
/// loss is C + (eps/4)||grad C||^2 + (N - B)/(N - 1) (eps / 4B) Gamma, Gamma the trace of the
/// per-example gradient covariance. For B << N the implicit regularizer depends on eps / B
/// only, so doubling the batch should double the best learning rate (at a fixed number of
/// epochs).
struct BatchSizeScaling: Experiment {
    let id = "ib.batch-size-scaling"
    let section = NotesSection.implicitBias
    let title = "The best learning rate grows with the batch size"
    let claim = "The implicit regularizer scales like ε/B, so the optimal learning rate grows in proportion to the batch size."
    let parameters = [
        ParameterSpec("trainSize", "training digits N (the rest are the test set)", quick: .int(256), full: .int(1024), minimum: 20, maximum: 1700),
        ParameterSpec("hidden", "ReLU units", quick: .int(32), full: .int(64), minimum: 1, maximum: 1024),
        ParameterSpec("batch", "B; runs use B and 2B", .int(8), minimum: 1, maximum: 850),
        ParameterSpec("rates", "learning-rate grid (factor 2 between neighbours)", quick: .doubles([0.05, 0.1, 0.2, 0.4]),
                      full: .doubles([0.0125, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6]), minimum: 1e-6, maximum: 10, minimumCount: 3),
        ParameterSpec("epochs", "epochs per run (fixed across batch sizes)", quick: .int(3), full: .int(20), minimum: 1, maximum: 10_000),
        ParameterSpec("seeds", "initializations averaged per point", quick: .int(1), full: .int(3), minimum: 1, maximum: 100),
    ]
    let checks = [
        CheckSpec("rate-ratio", "log₂(best rate at 2B / best rate at B) (1 is proportional; the grid step is 1)", .within(0, 2), fullOnly: true),
    ]

    func validate(_ p: ParameterValues) -> String? {
        if 2 * p.int("batch") > p.int("trainSize") { return "2 × batch (\(2 * p.int("batch"))) cannot exceed trainSize (\(p.int("trainSize")))" }
        // The check reads log₂ of the ratio of best rates in grid steps: the grid must be factor 2.
        let rates = p.doubles("rates").sorted()
        if zip(rates, rates.dropFirst()).contains(where: { Swift.abs($1 / $0 - 2) > 1e-9 }) {
            return "rates must be a factor-2 grid (each rate twice the previous one): the check counts grid steps as log₂ units"
        }
        return nil
    }

    // Per run: epochs × N/B steps of about 4 B × 64 × hidden operations plus 2000 of overhead.
    // Two batch sizes, every rate, every seed. The full size is 1.6e10.
    let workBound = WorkBound("2 seeds × rates × epochs × trainSize / batch × (256 batch × hidden + 2000)", limit: 3e11) { p in
        let n = Double(p.int("trainSize")), b = Double(p.int("batch"))
        return 2 * Double(p.int("seeds") * p.doubles("rates").count * p.int("epochs")) * n / b * (256 * b * Double(p.int("hidden")) + 2000)
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let task = try DigitsSGDTask(trainSize: p.int("trainSize"), hidden: p.int("hidden"), using: &context.rng)
        let template = task.network(using: &context.rng)
        let loss = task.loss(template)
        let rates = p.doubles("rates").sorted(), seeds = p.int("seeds"), epochs = p.int("epochs")
        let sizes = [p.int("batch"), 2 * p.int("batch")]
        var accuracy = [[Double]](repeating: [Double](repeating: 0, count: rates.count), count: sizes.count)
        for seed in 0..<seeds {
            var rng = context.rng.child(UInt64(seed))
            let start = task.network(using: &rng).flatParameters
            for (i, b) in sizes.enumerated() {
                for (j, rate) in rates.enumerated() {
                    var theta = start
                    var order = rng.child(UInt64(1000 * i + j))
                    let sgd = MinibatchSGD(learningRate: rate, batchSize: b)
                    for _ in 0..<epochs where theta.isFinite { sgd.epoch(&theta, exampleCount: task.train.count, loss: loss, using: &order) }
                    let acc = theta.isFinite ? task.accuracy(template, theta, on: task.test) : 0.1
                    accuracy[i][j] += acc / Double(seeds)
                }
            }
            context.progress(Double(seed + 1) / Double(seeds))
        }
        let bestRates = accuracy.map { row in rates[row.indices.max(by: { row[$0] < row[$1] })!] }
        let ratio = Foundation.log2(bestRates[1] / bestRates[0])
        context.measure("rate-ratio", ratio)
        context.record("rates", rates)
        for (i, b) in sizes.enumerated() { context.record("test_accuracy_batch_\(b)", accuracy[i]) }
        context.note(String(format: "Best rate at B = %d: %g (test accuracy %.2f%%); at B = %d: %g (%.2f%%); log₂ ratio %.0f. %d epochs, mean over %d seed(s); a diverged run counts as chance (10%%).",
                            sizes[0], bestRates[0], 100 * accuracy[0].max()!, sizes[1], bestRates[1], 100 * accuracy[1].max()!, ratio, epochs, seeds))
        // Where the best rate sits next to a rate at which training fails (chance accuracy or
        // a collapse), stability rather than the eps/B regularizer chose it.
        for (i, b) in sizes.enumerated() {
            let j = accuracy[i].indices.max(by: { accuracy[i][$0] < accuracy[i][$1] })!
            if j + 1 < rates.count && accuracy[i][j + 1] < accuracy[i][j] - 0.05 {
                context.note(String(format: "At B = %d the best rate %g is the last before training breaks down (%.1f%% at %g): the optimum is set by stability, so a log₂ ratio near 0 here does not test proportional scaling.",
                                    b, rates[j], 100 * accuracy[i][j + 1], rates[j + 1]))
            }
        }
        let failed = sizes.indices.flatMap { i in
            rates.indices.filter { accuracy[i][$0] < 0.5 }.map { String(format: "B = %d at ε = %g (%.0f%%)", sizes[i], rates[$0], 100 * accuracy[i][$0]) }
        }
        context.figure(Figure(
            id: "accuracy-vs-rate", title: "Test accuracy vs learning rate for two batch sizes",
            caption: "SGD with random reshuffling for \(epochs) epochs on \(task.train.count) digits, mean over \(seeds) seed(s); dashed and dotted verticals at each batch size's best rate (one line when they coincide). Rates where training failed (test accuracy below 50%) are left out."
                + (failed.isEmpty ? "" : " Left out: " + failed.joined(separator: "; ") + "."),
            chart: .plot(Plot(x: Axis("learning rate ε", scale: .log), y: Axis("test accuracy"),
                              series: sizes.indices.map { i in
                                  let kept = rates.indices.filter { accuracy[i][$0] >= 0.5 }
                                  return Series("B = \(sizes[i])", x: kept.map { rates[$0] }, y: kept.map { accuracy[i][$0] }, style: .lineAndMarkers)
                              },
                              referenceLines: sizes.indices.map { ReferenceLine(.vertical(bestRates[$0]), label: "best at B = \(sizes[$0])") }))))
    }
}

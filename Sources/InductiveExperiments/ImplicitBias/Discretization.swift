import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Discretization Error and Stochasticity": take n Euler steps with the bare rate
/// alpha on each minibatch before drawing the next, so the effective rate is eps = alpha n;
/// alpha sets the discretization error and n the stochasticity. The notes report that larger
/// bare rates help (discretization error is beneficial) and that smaller n gives higher
/// accuracy (stochasticity is detrimental).
struct Discretization: Experiment {
    let id = "ib.discretization"
    let section = NotesSection.implicitBias
    let title = "Discretization error helps, stochasticity hurts"
    let claim = "With n Euler steps of bare rate α on each minibatch (ε = αn): at a fixed ε a larger α (smaller n) gives higher test accuracy, and at a fixed α a smaller n gives higher test accuracy."
    let parameters = [
        ParameterSpec("trainSize", "training digits N (the rest are the test set)", quick: .int(256), full: .int(1024), minimum: 20, maximum: 1700),
        ParameterSpec("hidden", "ReLU units", quick: .int(32), full: .int(64), minimum: 1, maximum: 1024),
        ParameterSpec("batch", "minibatch size B", .int(32), minimum: 1, maximum: 1700),
        ParameterSpec("stepsPerBatch", "n values (Euler steps per minibatch)", quick: .ints([1, 4]), full: .ints([1, 2, 4, 8]), minimum: 1, maximum: 1000, minimumCount: 2),
        ParameterSpec("rates", "effective rates ε = αn (powers of 2 apart, so that equal α recur)", quick: .doubles([0.2, 0.8]),
                      full: .doubles([0.05, 0.1, 0.2, 0.4, 0.8]), minimum: 1e-6, maximum: 10),
        ParameterSpec("epochs", "epochs per run (each batch used for n steps per epoch)", quick: .int(2), full: .int(30), minimum: 1, maximum: 10_000),
        ParameterSpec("seeds", "initializations averaged", quick: .int(1), full: .int(3), minimum: 1, maximum: 100),
    ]
    let checks = [
        CheckSpec("bare-rate", "at equal ε: mean test accuracy (smallest n, largest α) − (largest n, smallest α)", .greaterThan(0), fullOnly: true),
        CheckSpec("stochasticity", "at equal α: mean test accuracy (smaller n) − (larger n), over all matched pairs", .greaterThan(0), fullOnly: true),
    ]

    func validate(_ p: ParameterValues) -> String? {
        p.int("batch") > p.int("trainSize") ? "batch (\(p.int("batch"))) cannot exceed trainSize (\(p.int("trainSize")))" : nil
    }

    // Per run: epochs × N/B × n steps of about 4 B × 64 × hidden operations plus 2000 of
    // overhead, and the run cut to epochs × N/B steps; every (n, ε) pair and seed. The full
    // size is 1.4e11.
    let workBound = WorkBound("seeds × rates × (sum of n + count of n) × epochs × trainSize / batch × (256 batch × hidden + 2000)", limit: 2e12) { p in
        let n = Double(p.int("trainSize")), b = Double(p.int("batch"))
        let ns = p.ints("stepsPerBatch")
        return Double(p.int("seeds") * p.doubles("rates").count * (ns.reduce(0, +) + ns.count) * p.int("epochs"))
            * n / b * (256 * b * Double(p.int("hidden")) + 2000)
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let task = try DigitsSGDTask(trainSize: p.int("trainSize"), hidden: p.int("hidden"), using: &context.rng)
        let template = task.network(using: &context.rng)
        let loss = task.loss(template)
        let ns = p.ints("stepsPerBatch").sorted(), rates = p.doubles("rates").sorted()
        let seeds = p.int("seeds"), epochs = p.int("epochs"), b = p.int("batch")
        var accuracy = [[Double]](repeating: [Double](repeating: 0, count: rates.count), count: ns.count)
        // The same runs cut to the updates of n = 1 (epochs × N/B), so that at equal α both
        // travel the same flow time: the supplementary comparison of the note.
        var equalUpdates = accuracy
        for seed in 0..<seeds {
            var rng = context.rng.child(UInt64(seed))
            let start = task.network(using: &rng).flatParameters
            for (i, n) in ns.enumerated() {
                for (j, eps) in rates.enumerated() {
                    var theta = start
                    // The same batch sequence for every (n, ε) of a seed: only α and n change.
                    var order = rng.child(7)
                    let sgd = MinibatchSGD(learningRate: eps, batchSize: b, stepsPerBatch: n)
                    for _ in 0..<epochs where theta.isFinite { sgd.epoch(&theta, exampleCount: task.train.count, loss: loss, using: &order) }
                    accuracy[i][j] += (theta.isFinite ? task.accuracy(template, theta, on: task.test) : 0.1) / Double(seeds)
                    var short = start
                    var shortOrder = rng.child(7)
                    var batchesLeft = epochs * (task.train.count / b) / n
                    while batchesLeft > 0 && short.isFinite {
                        let batches = epochBatches(exampleCount: task.train.count, batchSize: b, sampling: .randomReshuffling, using: &shortOrder)
                        sgd.run(&short, batches: Array(batches.prefix(batchesLeft)), loss: loss)
                        batchesLeft -= Swift.min(batchesLeft, batches.count)
                    }
                    equalUpdates[i][j] += (short.isFinite ? task.accuracy(template, short, on: task.test) : 0.1) / Double(seeds)
                }
            }
            context.progress(Double(seed + 1) / Double(seeds))
        }
        // Equal ε: first row (smallest n) against the last (largest n).
        let bareRate = rates.indices.map { accuracy[0][$0] - accuracy[ns.count - 1][$0] }.reduce(0, +) / Double(rates.count)
        // Equal α = ε / n: every pair of cells with the same bare rate (to rounding).
        var pairs: [Double] = [], pairsEqualUpdates: [Double] = []
        for i1 in ns.indices { for i2 in ns.indices where ns[i2] > ns[i1] {
            for j1 in rates.indices { for j2 in rates.indices {
                let a1 = rates[j1] / Double(ns[i1]), a2 = rates[j2] / Double(ns[i2])
                if Swift.abs(a1 - a2) <= 1e-12 * a1 {
                    pairs.append(accuracy[i1][j1] - accuracy[i2][j2])
                    pairsEqualUpdates.append(equalUpdates[i1][j1] - equalUpdates[i2][j2])
                }
            } }
        } }
        context.measure("bare-rate", bareRate)
        if !pairs.isEmpty { context.measure("stochasticity", pairs.reduce(0, +) / Double(pairs.count)) }
        context.record("rates", rates)
        for (i, n) in ns.enumerated() { context.record("test_accuracy_n_\(n)", accuracy[i]) }
        context.note(String(format: "At equal ε, n = %d beats n = %d by %+.2f points of test accuracy on average; at equal α, the smaller n beats the larger by %+.2f points over %d matched pairs. %d epochs, batch %d, mean over %d seed(s).",
                            ns.first!, ns.last!, 100 * bareRate, 100 * (pairs.isEmpty ? .nan : pairs.reduce(0, +) / Double(pairs.count)), pairs.count, epochs, b, seeds))
        for (i, n) in ns.enumerated() { context.record("test_accuracy_equal_updates_n_\(n)", equalUpdates[i]) }
        let meanOf = { (v: [Double]) in v.isEmpty ? Double.nan : v.reduce(0, +) / Double(v.count) }
        context.note(String(format: "At a fixed number of epochs a run with n steps per batch makes n times the updates and travels n times the flow time (epochs × N/B × ε), so at equal α the larger n has trained longer. Cut to the updates of n = 1 (equal flow time at equal α), the smaller n beats the larger by %+.2f points over the same pairs. Test accuracy at n = 1 still rises from %.2f%% to %.2f%% across the ε grid.",
                            100 * meanOf(pairsEqualUpdates), 100 * accuracy[0].first!, 100 * accuracy[0].last!))
        context.figure(Figure(
            id: "accuracy-vs-effective-rate", title: "Test accuracy vs effective rate ε = αn",
            caption: "Each curve takes n Euler steps of α = ε/n per minibatch; at a fixed ε, larger n means smaller bare steps (less discretization error).",
            chart: .plot(Plot(x: Axis("effective rate ε = αn", scale: .log), y: Axis("test accuracy"),
                              series: ns.indices.map { Series("n = \(ns[$0])", x: rates, y: accuracy[$0], style: .lineAndMarkers) }))))
        context.figure(Figure(
            id: "accuracy-vs-bare-rate", title: "Test accuracy vs bare rate α",
            caption: "The same runs against α = ε/n: at a fixed α, larger n means more steps on each minibatch (more stochasticity).",
            chart: .plot(Plot(x: Axis("bare rate α", scale: .log), y: Axis("test accuracy"),
                              series: ns.indices.map { i in Series("n = \(ns[i])", x: rates.map { $0 / Double(ns[i]) }, y: accuracy[i], style: .lineAndMarkers) }))))
    }
}

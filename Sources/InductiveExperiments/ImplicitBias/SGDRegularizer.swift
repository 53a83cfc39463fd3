import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// The training task of the SGD experiments: a one-hidden-layer ReLU network on a random
/// subset of the shipped digits, softmax cross-entropy, parameters as one flat vector; the
/// test set is every digit not drawn for training.
struct DigitsSGDTask {
    let train: Dataset
    let test: Dataset
    let hidden: Int

    init(trainSize: Int, hidden: Int, using rng: inout RandomGenerator) throws {
        let digits = try Dataset.digits()
        guard trainSize < digits.count else { throw DataError("trainSize \(trainSize) leaves no test digits (there are \(digits.count))") }
        let order = rng.permutation(digits.count)
        train = digits.subset(Array(order[..<trainSize]))
        test = digits.subset(Array(order[trainSize...]))
        self.hidden = hidden
    }

    /// A fresh network (He-normal ReLU layer, Xavier output layer).
    func network(using rng: inout RandomGenerator) -> Sequential {
        Sequential(Dense(inputSize: 64, outputSize: hidden, activation: .relu, using: &rng),
                   Dense(inputSize: hidden, outputSize: 10, using: &rng))
    }

    /// Mean cross-entropy on training rows, for a flat parameter vector of `template`'s layout.
    func loss(_ template: Sequential) -> BatchLoss {
        let (x, t) = (train.inputs, train.targets)
        return { theta, rows in
            Loss.softmaxCrossEntropy(template.apply(parameters: template.unflatten(theta), to: Variable(x.take(rows))), t.take(rows))
        }
    }

    func accuracy(_ template: Sequential, _ theta: Tensor, on data: Dataset) -> Double {
        var net = template
        net.setFlatParameters(theta)
        return InductiveNN.accuracy(logits: net(data.inputs), labels: data.targets)
    }
}

/// Notes, "Stochastic Gradient Descent": the modified loss of SGD adds (eps/4) times the mean
/// squared norm of the minibatch gradients, an implicit regularizer proportional to the
/// learning rate that full-batch GD lacks. Small-batch SGD should then generalize better
/// than GD at the same learning rate and the same number of updates (the same flow time),
/// and GD with the penalty added explicitly should recover much of the gap.
struct SGDRegularizer: Experiment {
    let id = "ib.sgd-regularizer"
    let section = NotesSection.implicitBias
    let title = "SGD's implicit regularizer, made explicit"
    let claim = "Small-batch SGD generalizes better than full-batch GD at the same learning rate, and GD plus the explicit penalty (ε/4) mean_k ‖∇C_k‖² recovers much of the gap; higher learning rates give lower training and higher test accuracy, up to a point."
    let parameters = [
        ParameterSpec("trainSize", "training digits N (the rest are the test set)", quick: .int(256), full: .int(512), minimum: 20, maximum: 1700),
        ParameterSpec("hidden", "ReLU units", quick: .int(32), full: .int(64), minimum: 1, maximum: 1024),
        ParameterSpec("batch", "SGD batch size B (and the penalty's batches)", .int(16), minimum: 1, maximum: 1700),
        ParameterSpec("learningRate", "ε, shared by the three methods", .double(0.4), minimum: 1e-6, maximum: 10),
        ParameterSpec("steps", "updates per run (same for all methods: the same flow time)", quick: .int(200), full: .int(1000), minimum: 1, maximum: 1_000_000),
        ParameterSpec("seeds", "initializations (and orders) averaged", quick: .int(2), full: .int(5), minimum: 1, maximum: 100),
        ParameterSpec("sweepRates", "SGD learning rates of the accuracy-vs-rate sweep", quick: .doubles([0.05, 0.2, 0.8]),
                      full: .doubles([0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6]), minimum: 1e-6, maximum: 10),
    ]
    let checks = [
        CheckSpec("sgd-vs-gd", "mean test accuracy SGD − GD", .greaterThan(0), fullOnly: true),
        CheckSpec("penalty-vs-gd", "mean test accuracy (GD + penalty) − GD", .greaterThan(0), fullOnly: true),
    ]

    func validate(_ p: ParameterValues) -> String? {
        p.int("batch") > p.int("trainSize") ? "batch (\(p.int("batch"))) cannot exceed trainSize (\(p.int("trainSize")))" : nil
    }

    // One step on B examples costs about 4 B × 64 × hidden operations (forward and backward)
    // plus 2000 of autodiff overhead per batch; GD pays N/B batches' worth, the penalty about
    // four times that, SGD one batch; the sweep runs SGD once per rate. The full size is 2.2e11.
    let workBound = WorkBound("seeds × steps × (5 trainSize / batch + 1 + sweepRates) × (256 batch × hidden + 2000)", limit: 4e12) { p in
        let n = Double(p.int("trainSize")), b = Double(p.int("batch"))
        return Double(p.int("seeds") * p.int("steps")) * (5 * n / b + 1 + Double(p.doubles("sweepRates").count))
            * (256 * b * Double(p.int("hidden")) + 2000)
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let task = try DigitsSGDTask(trainSize: p.int("trainSize"), hidden: p.int("hidden"), using: &context.rng)
        let n = task.train.count, b = p.int("batch"), eps = p.double("learningRate"), steps = p.int("steps")
        let seeds = p.int("seeds"), rates = p.doubles("sweepRates")
        let template = task.network(using: &context.rng)
        let loss = task.loss(template)

        // SGD: whole epochs of n/b steps, then the remainder of a last epoch.
        func runSGD(_ rate: Double, _ start: Tensor, _ rng: inout RandomGenerator) -> Tensor {
            var theta = start
            let s = MinibatchSGD(learningRate: rate, batchSize: b)
            var done = 0
            while done < steps {
                let batches = epochBatches(exampleCount: n, batchSize: b, sampling: .randomReshuffling, using: &rng)
                let take = Swift.min(batches.count, steps - done)
                s.run(&theta, batches: Array(batches.prefix(take)), loss: loss)
                done += take
            }
            return theta
        }
        var test: [String: [Double]] = ["GD": [], "SGD": [], "GD + penalty": []]
        var train: [String: [Double]] = ["GD": [], "SGD": [], "GD + penalty": []]
        var seconds: [String: Double] = ["GD": 0, "SGD": 0, "GD + penalty": 0]
        var sweepTest = [[Double]](repeating: [], count: rates.count), sweepTrain = sweepTest
        var penaltyAtEnd: [Double] = []
        for seed in 0..<seeds {
            var rng = context.rng.child(UInt64(seed))
            let start = task.network(using: &rng).flatParameters
            var clock = Date()
            var gd = start
            for _ in 0..<steps { gd.addScaled(gradient(at: gd) { loss($0, Array(0..<n)) }, -eps) }
            seconds["GD"]! += Date().timeIntervalSince(clock)
            clock = Date()
            let sg = runSGD(eps, start, &rng)
            seconds["SGD"]! += Date().timeIntervalSince(clock)
            clock = Date()
            var penalized = start
            var pgd = PenalizedGradientDescent(learningRate: eps, batchSize: b, penaltyWeight: eps / 4)
            for _ in 0..<steps { pgd.step(&penalized, exampleCount: n, loss: loss, using: &rng) }
            seconds["GD + penalty"]! += Date().timeIntervalSince(clock)
            penaltyAtEnd.append(pgd.lastPenalty)
            for (name, theta) in [("GD", gd), ("SGD", sg), ("GD + penalty", penalized)] {
                test[name]!.append(task.accuracy(template, theta, on: task.test))
                train[name]!.append(task.accuracy(template, theta, on: task.train))
            }
            for (i, rate) in rates.enumerated() {
                let theta = runSGD(rate, start, &rng)
                sweepTest[i].append(task.accuracy(template, theta, on: task.test))
                sweepTrain[i].append(task.accuracy(template, theta, on: task.train))
            }
            context.progress(Double(seed + 1) / Double(seeds))
        }
        let methods = ["GD", "SGD", "GD + penalty"]
        let stats = Dictionary(uniqueKeysWithValues: methods.map { ($0, Statistics.meanAndStandardError(test[$0]!)) })
        let gdMean = stats["GD"]!.mean, sgdMean = stats["SGD"]!.mean, penMean = stats["GD + penalty"]!.mean
        context.measure("sgd-vs-gd", sgdMean - gdMean)
        context.measure("penalty-vs-gd", penMean - gdMean)
        // The fraction of the SGD–GD gap the penalty closes is undefined when SGD and GD tie
        // exactly (a tie in mean test accuracy is possible: accuracies are counts / test size).
        let closed = sgdMean != gdMean ? (penMean - gdMean) / (sgdMean - gdMean) : .nan
        if !closed.isFinite { context.note("SGD and GD have the same mean test accuracy: the fraction of their gap the penalty closes is undefined (recorded as NaN).") }
        for name in methods {
            context.record("test_accuracy_" + name.replacingOccurrences(of: " + ", with: "_"), test[name]!)
            context.record("train_accuracy_" + name.replacingOccurrences(of: " + ", with: "_"), train[name]!)
        }
        context.record("fraction_of_gap_closed", .number(closed))
        context.record("sweep_rates", rates)
        context.record("sweep_test_accuracy", rates.indices.map { Statistics.meanAndStandardError(sweepTest[$0]).mean })
        context.record("sweep_train_accuracy", rates.indices.map { Statistics.meanAndStandardError(sweepTrain[$0]).mean })
        let pct = { (v: Double) in String(format: "%.2f%%", 100 * v) }
        context.note("Mean test accuracy over \(seeds) seeds after \(steps) updates with ε = \(eps): GD \(pct(gdMean)) ± \(pct(stats["GD"]!.standardError)), SGD (B = \(b)) \(pct(sgdMean)) ± \(pct(stats["SGD"]!.standardError)), GD + penalty \(pct(penMean)) ± \(pct(stats["GD + penalty"]!.standardError)); the penalty closes \(String(format: "%.0f%%", 100 * closed)) of the SGD–GD gap. Mean training accuracy: GD \(pct(Statistics.meanAndStandardError(train["GD"]!).mean)), SGD \(pct(Statistics.meanAndStandardError(train["SGD"]!).mean)), GD + penalty \(pct(Statistics.meanAndStandardError(train["GD + penalty"]!).mean)).")
        context.note(String(format: "Cost: GD + penalty needs per step %d minibatch gradients with their graphs kept and a Hessian-vector product each (about 3 full-batch gradients; the batch gradients' mean is the full gradient when B divides N); measured %.1f s vs %.1f s for GD and %.1f s for SGD over all seeds (wall clock, this machine). The penalty (1/m)Σ‖∇C_k‖² at the end: %.3g (mean over seeds).",
                                n / b, seconds["GD + penalty"]!, seconds["GD"]!, seconds["SGD"]!, penaltyAtEnd.reduce(0, +) / Double(seeds)))
        let gapSE = { (a: String) -> Double in
            let x = stats[a]!, y = stats["GD"]!
            return (x.mean - y.mean) / (x.standardError * x.standardError + y.standardError * y.standardError).squareRoot()
        }
        context.note(String(format: "Differences in units of their standard error over seeds: SGD − GD %.1f, GD + penalty − GD %.1f.", gapSE("SGD"), gapSE("GD + penalty")))
        let means = methods.map { stats[$0]!.mean }
        let axisLow = Swift.max(0, ((means.min()! - 0.01) * 100).rounded(.down) / 100), axisHigh = Swift.min(1, ((means.max()! + 0.01) * 100).rounded(.up) / 100)
        context.figure(Figure(
            id: "methods", title: "Test accuracy: GD, SGD and GD with the explicit penalty",
            caption: "Mean ± standard error over \(seeds) seeds; each method makes \(steps) updates with ε = \(eps); SGD and the penalty use batches of \(b). The axis spans only " + String(format: "%.2f to %.2f", axisLow, axisHigh) + " so that differences of a few tenths of a point show.",
            chart: .bars(BarChart(categories: methods, series: [BarSeries("test accuracy", values: methods.map { stats[$0]!.mean },
                                                                           errors: methods.map { stats[$0]!.standardError })],
                                  valueAxis: Axis("test accuracy", limits: axisLow...axisHigh)))))
        let mean = { (v: [Double]) in Statistics.meanAndStandardError(v).mean }
        // Rates at which SGD failed (training accuracy below 50%) would flatten the rest of the curve.
        let kept = rates.indices.filter { mean(sweepTrain[$0]) >= 0.5 }
        let failed = rates.indices.filter { mean(sweepTrain[$0]) < 0.5 }
            .map { String(format: "ε = %g (train %.0f%%, test %.0f%%)", rates[$0], 100 * mean(sweepTrain[$0]), 100 * mean(sweepTest[$0])) }
        if let best = kept.max(by: { mean(sweepTest[$0]) < mean(sweepTest[$1]) }), let first = kept.first, let last = kept.last {
            context.note(String(format: "Learning-rate sweep (SGD, %d updates): training accuracy %.2f%% at ε = %g and %.2f%% at ε = %g; test accuracy peaks at %.2f%% at ε = %g. The notes' \"lower training accuracy at higher rates\" %@.",
                                steps, 100 * mean(sweepTrain[first]), rates[first], 100 * mean(sweepTrain[last]), rates[last],
                                100 * mean(sweepTest[best]), rates[best],
                                mean(sweepTrain[last]) < mean(sweepTrain[first]) ? "is seen" : "is not seen: at a fixed number of updates a larger rate trains further"))
        }
        context.figure(Figure(
            id: "accuracy-vs-rate", title: "SGD accuracy vs learning rate",
            caption: "SGD with batch \(b), \(steps) updates, mean over \(seeds) seeds." + (failed.isEmpty ? "" : " Left out, training failed: " + failed.joined(separator: "; ") + "."),
            chart: .plot(Plot(x: Axis("learning rate ε", scale: .log), y: Axis("accuracy"),
                              series: [Series("train", x: kept.map { rates[$0] }, y: kept.map { mean(sweepTrain[$0]) }, style: .lineAndMarkers),
                                       Series("test", x: kept.map { rates[$0] }, y: kept.map { mean(sweepTest[$0]) }, style: .lineAndMarkers)]))))
    }
}

import Foundation
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Implicit bias" (introduction): networks with far more parameters than examples
/// fit the training set exactly, and yet, past the width at which the training error reaches
/// zero, the test error keeps decreasing as the width grows: among the many interpolating
/// networks, training picks ones that generalize better the wider the network.
struct Overparameterized: Experiment {
    let id = "ib.overparameterized"
    let section = NotesSection.implicitBias
    let title = "Wider interpolating networks generalize better"
    let claim = "Past the width at which the training error reaches zero, the test error keeps decreasing with width."
    let parameters = [
        ParameterSpec("widths", "hidden widths of the one-hidden-layer ReLU MLP", quick: .ints([8, 16, 32, 64, 128, 256]),
                      full: .ints([8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]), minimum: 1, maximum: 16_384, minimumCount: 2),
        ParameterSpec("seeds", "networks per width (different initializations and batch orders)", quick: .int(2), full: .int(3), minimum: 1, maximum: 100),
        ParameterSpec("maxEpochs", "epochs allowed to reach zero training error", .int(200), minimum: 1, maximum: 100_000),
        ParameterSpec("learningRate", "Adam learning rate", .double(3e-3), minimum: 1e-9, maximum: 10),
        ParameterSpec("batchSize", "minibatch size", .int(64), minimum: 1, maximum: 100_000),
        ParameterSpec("testFraction", "share of the digits held out for testing", .double(0.3), minimum: 0.05, maximum: 0.9),
    ]
    let checks = [
        CheckSpec("wider-better", "mean test error at the largest width / at the smallest width with zero training error (every seed)", .lessThan(1)),
    ]

    // One epoch of a width-n MLP on 1,258 training digits: about 6 × 1258 × 74 n
    // multiply-adds for the forward and backward passes; at most maxEpochs epochs per network.
    // The runs stop at zero training error, usually after a few tens of epochs: the bound
    // assumes maxEpochs / 4. Full size 6.9e11 (the measured full run: 25 s).
    let workBound = WorkBound("seeds × Σ_n (maxEpochs / 4) × 6 × 1258 × 74 n", limit: 1e13) { p in
        Double(p.int("seeds")) * Double(p.ints("widths").reduce(0, +)) * Double(p.int("maxEpochs")) / 4 * 6 * 1258 * 74
    }

    func run(_ context: inout ExperimentContext) throws {
        func mean(_ v: [Double]) -> Double { Statistics.meanAndStandardError(v).mean }
        let p = context.parameters
        let widths = p.ints("widths").sorted(), seeds = p.int("seeds")
        let digits = try Dataset.digits()
        var splitRNG = context.rng.child(1)
        let (train, test) = try digits.split(testFraction: p.double("testFraction"), using: &splitRNG)
        var trainError = [[Double]](repeating: [], count: widths.count), testError = trainError, epochsUsed = trainError
        for (w, width) in widths.enumerated() {
            for seed in 0..<seeds {
                var rng = context.rng.child(UInt64(1000 * w + seed + 10))
                let model = Sequential(Dense(inputSize: 64, outputSize: width, activation: .relu, using: &rng),
                                       Dense(inputSize: width, outputSize: 10, using: &rng))
                var trainer = Trainer(model: model, optimizer: Adam(learningRate: p.double("learningRate")),
                                      configuration: TrainingConfiguration(epochs: 0, batchSize: p.int("batchSize")),
                                      seed: context.seed &+ UInt64(1000 * w + seed))
                // Train in chunks of 5 epochs until the whole training set is fitted (error 0).
                var error = 1.0
                while trainer.epoch < p.int("maxEpochs") {
                    trainer.configuration.epochs = Swift.min(trainer.epoch + 5, p.int("maxEpochs"))
                    try trainer.fit(train)
                    error = 1 - (trainer.evaluate(train).accuracy ?? 0)
                    if error == 0 { break }
                }
                trainError[w].append(error)
                testError[w].append(1 - (trainer.evaluate(test).accuracy ?? 0))
                epochsUsed[w].append(Double(trainer.epoch))
                context.progress(Double(w * seeds + seed + 1) / Double(widths.count * seeds), "width \(width)")
            }
        }
        let meanTrain = trainError.map(mean), meanTest = testError.map(mean)
        let interpolating = widths.indices.first { trainError[$0].allSatisfy { $0 == 0 } }
        // The claim is about widths past interpolation: the largest width must itself fit the
        // training set for every seed, otherwise the comparison is not the one the claim makes.
        let largestInterpolates = trainError.last!.allSatisfy { $0 == 0 }
        if let first = interpolating, !largestInterpolates {
            context.measure("wider-better", .nan)
            context.note(String(format: "The largest width %d did not reach zero training error for every seed within %d epochs (mean training error %.4f): the check is not measurable and fails.",
                                widths.last!, p.int("maxEpochs"), meanTrain.last!) + " Smallest width with zero training error for every seed: \(widths[first]).")
        } else if let first = interpolating {
            context.measure("wider-better", meanTest.last! / meanTest[first])
            context.note(String(format: "Smallest width with zero training error for every seed: %d (mean test error %.4f); largest width %d: mean test error %.4f.",
                                widths[first], meanTest[first], widths.last!, meanTest.last!))
        } else {
            context.measure("wider-better", .nan)
            context.note("No width reached zero training error within \(p.int("maxEpochs")) epochs for every seed.")
        }
        context.note("Per width (mean over \(seeds) seeds): " + widths.indices.map { i in
            String(format: "n = %d: train %.4f, test %.4f, %.0f epochs", widths[i], meanTrain[i], meanTest[i], mean(epochsUsed[i]))
        }.joined(separator: "; ") + ".")
        let xs = widths.map(Double.init)
        context.record("widths", xs)
        context.record("mean_train_error", meanTrain)
        context.record("mean_test_error", meanTest)
        context.record("epochs", epochsUsed.map(mean))
        let floor = 1e-4
        var references: [ReferenceLine] = []
        if let first = interpolating { references.append(.vertical(xs[first], label: "smallest width with zero training error")) }
        context.figure(Figure(
            id: "error-vs-width", title: "Training and test error vs width (digits)",
            caption: "One-hidden-layer ReLU MLPs trained with Adam until every training digit is classified correctly (at most \(p.int("maxEpochs")) epochs); mean over \(seeds) seeds. Training error 0 is drawn at 10⁻⁴ on the log axis.",
            chart: .plot(Plot(x: Axis("hidden width", scale: .log), y: Axis("classification error", scale: .log),
                              series: [Series("training error", x: xs, y: meanTrain.map { Swift.max($0, floor) }, style: .lineAndMarkers),
                                       Series("test error", x: xs, y: meanTest, style: .lineAndMarkers)],
                              referenceLines: references))))
    }
}

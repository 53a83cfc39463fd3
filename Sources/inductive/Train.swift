import ArgumentParser
import Foundation
import Inductive

/// The optimizers `train` offers.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, momentum, nesterov, adam, adamw, sgld
}

/// How `train` draws minibatches.
enum SamplingChoice: String, ExpressibleByArgument, CaseIterable {
    case reshuffle, replacement, full

    var sampling: Sampling {
        switch self {
        case .reshuffle: return .reshuffling
        case .replacement: return .withReplacement
        case .full: return .fullBatch
        }
    }
}

/// `inductive train`: trains a network described by a short text on the shipped digits or
/// on the user's data, with progress, metrics, history files and checkpoints.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a network on the digits data set or on your own data.",
        discussion: """
        MODEL is a comma-separated list of layers, for example
          "dense(256,relu),dense(10)"  or  "conv(16,3,relu),maxpool(2),flatten,dense(10)".
        Layers: dense(UNITS[,ACT[,standard|ntk|meanfield]]), conv(CHANNELS,KERNEL[,ACT][,stride=S][,padding=same|valid|circular]),
        maxpool(K[,S]), avgpool(K[,S]), globalmaxpool, globalavgpool, dropout(P), batchnorm, layernorm, flatten,
        fourier(FEATURES,SIGMA), and activations (relu, tanh, sigmoid, erf, gelu, sin, softplus, leaky_relu).
        DATA is `digits` (shipped) or a file: .npz with arrays x and y (integer labels), or .csv with the label last.
        """)

    @Option(help: "digits, or a .npz/.csv file, or a .npy of inputs with --labels.") var data: String = "digits"
    @Option(help: "With a .npy --data: the .npy of integer labels.") var labels: String?
    @Option(help: "The model (see above).") var model: String
    /// The most epochs: every epoch keeps a row of history.
    static let maximumEpochs = 1_000_000

    @Option(parsing: .unconditional, help: "Number of epochs (1 to 1,000,000).") var epochs: Int = 30
    @Option(help: "The optimizer.") var optimizer: OptimizerChoice = .adam
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Double = 1e-3
    @Option(parsing: .unconditional, help: "Batch size (larger than the training set: the whole set).") var batch: Int = 32
    @Option(help: "Minibatches: reshuffle, replacement or full (full-batch gradient descent).") var sampling: SamplingChoice = .reshuffle
    @Option(parsing: .unconditional, help: "Weight decay (coupled for sgd/momentum/nesterov/adam, decoupled for adamw; default 0, and 0.01 for adamw).") var weightDecay: Double?
    @Option(parsing: .unconditional, help: "Langevin temperature (sgld only).") var temperature: Double = 1e-4
    @Option(parsing: .unconditional, help: "Fraction held out for testing, in (0, 1).") var testFraction: Double = 0.3
    @Option(parsing: .unconditional, help: "Random seed (split, initialization, shuffling, dropout; 0 to 2^64 - 1).") var seed: UInt64 = 0
    @Flag(inversion: .prefixedNo, help: "Standardize inputs with statistics of the training split.") var standardize = true
    @Option(help: "Save a checkpoint (.npz) after every epoch.") var checkpoint: String?
    @Option(help: "Resume from a checkpoint written by --checkpoint.") var resume: String?
    @Option(help: "Directory for history.csv, history.json and model.npz.") var out: String = "train-out"

    func validate() throws {
        try requireInteger(epochs, "epochs", 1...Self.maximumEpochs)
        try requireInteger(batch, "batch", 1...Int.max)
        guard lr > 0 && lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") }
        guard testFraction > 0 && testFraction < 1 else { throw ValidationError("--test-fraction must be in (0, 1), got \(testFraction)") }
        if let weightDecay { try requireNumber(weightDecay, "weight-decay", 0...Double.greatestFiniteMagnitude, "a non-negative number") }
        try requireNumber(temperature, "temperature", 0...Double.greatestFiniteMagnitude, "a non-negative number")
    }

    func makeOptimizer() -> any Optimizer {
        let decay: WeightDecay = (weightDecay ?? 0) > 0 ? .coupled(weightDecay!) : .none
        switch optimizer {
        case .sgd: return GradientDescent(learningRate: lr, weightDecay: decay)
        case .momentum: return GradientDescent(learningRate: lr, momentum: 0.9, weightDecay: decay)
        case .nesterov: return GradientDescent(learningRate: lr, momentum: 0.9, nesterov: true, weightDecay: decay)
        case .adamw: return Adam.adamW(learningRate: lr, weightDecay: weightDecay ?? 1e-2)
        case .sgld: return Langevin(learningRate: lr, temperature: temperature)
        case .adam: return Adam(learningRate: lr, weightDecay: decay)
        }
    }

    func run() throws {
        try checkOutputDirectory(out)
        try checkOutputs([checkpoint])
        let dataset = data == "digits" ? try Dataset.digits() : try Dataset.load(data, labels: labels)
        guard let classes = dataset.classCount else {
            throw DataError("\(data): train needs class labels (integer y); regression targets are not supported by this command")
        }
        var rng = RandomGenerator(seed: seed)
        var (trainSet, testSet) = try dataset.split(testFraction: testFraction, using: &rng)
        if standardize {
            let (mean, std) = trainSet.standardization()
            trainSet = trainSet.standardized(mean: mean, std: std)
            testSet = testSet.standardized(mean: mean, std: std)
        }
        let inputShape = Array(trainSet.inputs.shape.dropFirst())
        let (network, outputShape) = try ModelSpecification.build(model, inputShape: inputShape, imageShape: dataset.imageShape,
                                                                  factories: ModelSpecification.symmetryFactories, using: &rng)
        guard outputShape == [classes] else {
            throw ModelSpecificationError(reason: "the model outputs \(outputShape) per example but the data has \(classes) classes: end with dense(\(classes))")
        }
        let configuration = TrainingConfiguration(
            epochs: epochs, batchSize: batch,
            sampling: sampling.sampling,
            loss: .softmaxCrossEntropy, checkpointPath: checkpoint, showProgress: true)
        var trainer = Trainer(model: network, optimizer: makeOptimizer(), configuration: configuration, seed: seed &+ 1)
        if let resume {
            try trainer.restoreCheckpoint(from: resume)
            FileHandle.standardError.write(Data("resumed from \(resume) after epoch \(trainer.epoch)\n".utf8))
        }
        say("data: \(data), \(trainSet.count) train / \(testSet.count) test examples, \(classes) classes; model: \(network.parameterCount) parameters")
        let start = ProgressLine.now()
        let history = try trainer.fit(trainSet)
        let seconds = ProgressLine.now() - start
        let trainMetrics = trainer.evaluate(trainSet), testMetrics = trainer.evaluate(testSet)
        say(String(format: "train loss %.4f  accuracy %.4f", trainMetrics.loss, trainMetrics.accuracy ?? .nan))
        say(String(format: "test  loss %.4f  accuracy %.4f", testMetrics.loss, testMetrics.accuracy ?? .nan))
        say(String(format: "time %.2f s", seconds))
        try writeOutputs(history: history, trainer: trainer, test: testMetrics)
    }

    func writeOutputs(history: [EpochRecord], trainer: Trainer<Sequential>, test: (loss: Double, accuracy: Double?)) throws {
        let header = ["epoch", "step", "train_loss", "train_accuracy", "learning_rate", "seconds"]
        let rows = history.map { [Double($0.epoch), Double($0.step), $0.trainLoss, $0.trainAccuracy ?? .nan, $0.learningRate, $0.seconds] }
        let csv = CSV.render(Tensor(shape: [rows.count, header.count], scalars: rows.flatMap { $0 }), header: header)
        let optional = { (v: Double?) -> JSONValue in v.map { .number($0) } ?? .null }
        let json: JSONValue = [
            "data": .string(data), "model": .string(model), "optimizer": .string(optimizer.rawValue), "learning_rate": .number(lr),
            "batch": .int(batch), "seed": .string(String(seed)),
            "test_loss": .number(test.loss), "test_accuracy": optional(test.accuracy),
            "history": .array(history.map { r in
                ["epoch": .int(r.epoch), "train_loss": .number(r.trainLoss), "train_accuracy": optional(r.trainAccuracy)]
            }),
        ]
        let parameters = NPZArchive(zip(trainer.model.parameterNames, trainer.model.parameters).map { ($0, .float($1)) }, source: out + "/model.npz")
        // All three or none: a full disk must not leave a history without its model.
        try writeOutputGroup([("history.csv", Array(csv.utf8)), ("history.json", Array(json.rendered().utf8)),
                          ("model.npz", try NPZ.encode(parameters, compressed: false))], into: out)
        say("wrote \(out)/history.csv, history.json, model.npz")
    }
}

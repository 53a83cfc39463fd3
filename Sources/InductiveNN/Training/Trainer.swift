import Foundation
import InductiveAutodiff
import InductiveTensor

/// How the examples of an epoch are visited.
public enum Sampling: Sendable, Equatable {
    /// Random reshuffling: a fresh seeded permutation each epoch, each example once.
    case reshuffling
    /// Sampling with replacement: N / B batches of B examples drawn independently.
    case withReplacement
    /// One batch of the whole training set per epoch (gradient descent).
    case fullBatch
}

/// What a training run reports after each epoch.
public struct EpochRecord: Sendable, Equatable {
    /// Epochs completed when this record was made (1-based).
    public var epoch: Int
    /// Updates applied so far.
    public var step: Int
    /// Mean training loss over the epoch's batches (without penalties).
    public var trainLoss: Double
    /// Training accuracy over the epoch's batches (classification).
    public var trainAccuracy: Double?
    /// Validation loss, when a validation set is given.
    public var validationLoss: Double?
    /// Validation accuracy (classification).
    public var validationAccuracy: Double?
    /// The learning rate used during the epoch.
    public var learningRate: Double
    /// Wall time of the epoch.
    public var seconds: Double

    static let columns = ["epoch", "step", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                          "learning_rate", "seconds"]
    var row: [Double] {
        [Double(epoch), Double(step), trainLoss, trainAccuracy ?? .nan, validationLoss ?? .nan, validationAccuracy ?? .nan,
         learningRate, seconds]
    }
    init(row r: [Double]) {
        epoch = Int(r[0]); step = Int(r[1]); trainLoss = r[2]
        trainAccuracy = r[3].isNaN ? nil : r[3]
        validationLoss = r[4].isNaN ? nil : r[4]
        validationAccuracy = r[5].isNaN ? nil : r[5]
        learningRate = r[6]; seconds = r[7]
    }
    public init(epoch: Int, step: Int, trainLoss: Double, trainAccuracy: Double?, validationLoss: Double?,
                validationAccuracy: Double?, learningRate: Double, seconds: Double) {
        self.epoch = epoch; self.step = step; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss; self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate; self.seconds = seconds
    }
}

/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss or the parameters became NaN or infinite.
    case diverged(step: Int, lastFiniteLoss: Double)
    /// A checkpoint does not fit this model or run.
    case incompatibleCheckpoint(String)

    public var description: String {
        switch self {
        case .diverged(let step, let loss):
            return "training diverged at step \(step) (the loss or parameters became NaN or infinite; last finite loss \(loss)); lower the learning rate"
        case .incompatibleCheckpoint(let reason): return "checkpoint does not fit: \(reason)"
        }
    }
}

/// Training settings.
public struct TrainingConfiguration: Sendable {
    /// Train until this many epochs are complete.
    public var epochs: Int
    /// Examples per update (ignored for full-batch sampling).
    public var batchSize: Int
    /// How batches are drawn.
    public var sampling: Sampling
    /// The training loss (mean over the batch).
    public var loss: Loss
    /// Explicit regularizers added to the loss.
    public var penalties: [Penalty]
    /// Stop when the validation loss has not improved by `minimumDelta` for `patience`
    /// epochs, and restore the parameters of the best epoch.
    public var earlyStopping: (patience: Int, minimumDelta: Double)?
    /// Save a checkpoint here after every `checkpointEvery` epochs and at the end.
    public var checkpointPath: String?
    /// Epochs between checkpoints.
    public var checkpointEvery: Int
    /// Progress on standard error.
    public var showProgress: Bool

    public init(epochs: Int, batchSize: Int, sampling: Sampling = .reshuffling, loss: Loss = .softmaxCrossEntropy,
                penalties: [Penalty] = [], earlyStopping: (patience: Int, minimumDelta: Double)? = nil,
                checkpointPath: String? = nil, checkpointEvery: Int = 1, showProgress: Bool = false) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.sampling = sampling
        self.loss = loss
        self.penalties = penalties
        self.earlyStopping = earlyStopping
        self.checkpointPath = checkpointPath
        self.checkpointEvery = checkpointEvery
        self.showProgress = showProgress
    }
}

/// A training loop: epochs of minibatch updates with metrics, validation, callbacks, early
/// stopping, divergence detection, progress and checkpoints. Deterministic: one generator
/// (saved in checkpoints) drives shuffling, dropout and Langevin noise, so resuming from a
/// checkpoint reproduces an uninterrupted run bit for bit.
public struct Trainer<Model: Layer>: Sendable {
    /// The model being trained (its parameters are updated in place).
    public var model: Model
    /// The update rule and its state.
    public var optimizer: any Optimizer
    /// The settings.
    public var configuration: TrainingConfiguration
    /// The one generator of the run (shuffling, dropout, Langevin noise).
    public var rng: RandomGenerator
    /// Epochs completed so far.
    public private(set) var epoch = 0
    /// Updates applied so far.
    public private(set) var step = 0
    /// One record per completed epoch.
    public private(set) var history: [EpochRecord] = []
    private var bestValidationLoss = Double.infinity
    private var bestParameters: [Tensor]?
    private var bestState: [Tensor]?
    private var epochsWithoutImprovement = 0

    public init(model: Model, optimizer: any Optimizer, configuration: TrainingConfiguration, seed: UInt64) {
        self.model = model
        self.optimizer = optimizer
        self.configuration = configuration
        self.rng = RandomGenerator(seed: seed)
    }

    /// The loss (plus penalties) on one batch, its value without penalties, and the logits.
    mutating func batchObjective(_ parameters: [Variable], inputs: Tensor, targets: Tensor,
                                 context: inout ForwardContext) -> (objective: Variable, loss: Double, output: Tensor) {
        var model = self.model
        let output = model.forward(Variable(constant: inputs), parameters: parameters[...], context: &context)
        let loss = configuration.loss(output, targets)
        var objective = loss
        if !configuration.penalties.isEmpty {
            // Penalties see the model as it was for this batch (state updates are not repeated).
            let frozen = model
            let n = inputs.shape[0]
            let lossFunction = configuration.loss
            let penaltyRNG = context.rng
            let subLoss = { (rows: Range<Int>) -> Variable in
                // The whole batch: the loss already built (same dropout masks, no second pass).
                if rows == 0..<n { return loss }
                var ctx = ForwardContext(training: true, rng: penaltyRNG)
                let x = inputs.slice([.range(rows)]), y = targets.slice([.range(rows)])
                return lossFunction(frozen.apply(parameters: parameters, to: Variable(constant: x), context: &ctx), y)
            }
            for p in configuration.penalties {
                objective = objective + p.value(parameters: parameters, batch: n, batchLoss: subLoss)
            }
        }
        self.model.state = model.state
        return (objective, loss.scalar, output.value)
    }

    /// Trains until `configuration.epochs` epochs are complete (continuing a resumed run),
    /// early stopping fires, or a callback returns false. Throws `TrainingError.diverged`.
    @discardableResult
    public mutating func fit(_ train: Dataset, validation: Dataset? = nil,
                             callback: ((EpochRecord) -> Bool)? = nil) throws -> [EpochRecord] {
        precondition(configuration.batchSize > 0 && configuration.epochs >= 0, "fit: bad batch size or epochs")
        guard train.count > 0 else { throw DataError("no training examples") }
        var progress = ProgressLine(interval: 5)
        let n = train.count
        let batchSize = configuration.sampling == .fullBatch ? n : Swift.min(configuration.batchSize, n)
        // Reshuffling visits every example once per epoch (the last batch may be smaller);
        // sampling with replacement draws N / B batches of B.
        let stepsPerEpoch: Int
        switch configuration.sampling {
        case .fullBatch: stepsPerEpoch = 1
        case .reshuffling: stepsPerEpoch = (n + batchSize - 1) / batchSize
        case .withReplacement: stepsPerEpoch = Swift.max(1, n / batchSize)
        }
        let startEpoch = epoch
        var lastFiniteLoss = history.last?.trainLoss ?? .nan
        while epoch < configuration.epochs {
            let epochStart = ProgressLine.now()
            let order: [Int]
            switch configuration.sampling {
            case .reshuffling: order = rng.permutation(n)
            case .withReplacement: order = (0..<(stepsPerEpoch * batchSize)).map { _ in rng.integer(below: n) }
            case .fullBatch: order = Array(0..<n)
            }
            var lossSum = 0.0, hits = 0.0, seen = 0
            let rate = optimizer.currentLearningRate
            for s in 0..<stepsPerEpoch {
                let indices = Array(order[(s * batchSize)..<Swift.min((s + 1) * batchSize, order.count)])
                let x = indices.count == n && configuration.sampling == .fullBatch ? train.inputs : train.inputs.take(indices)
                let y = indices.count == n && configuration.sampling == .fullBatch ? train.targets : train.targets.take(indices)
                let vars = model.parameters.map(Variable.parameter)
                var context = ForwardContext(training: true, rng: rng)
                let (objective, loss, output) = batchObjective(vars, inputs: x, targets: y, context: &context)
                rng = context.rng
                guard objective.value.isFinite else { throw TrainingError.diverged(step: step, lastFiniteLoss: lastFiniteLoss) }
                let grads = gradientTensors(of: objective, wrt: vars)
                var parameters = model.parameters
                optimizer.update(&parameters, gradients: grads, rng: &rng)
                guard parameters.allSatisfy(\.isFinite) else { throw TrainingError.diverged(step: step, lastFiniteLoss: loss) }
                model.parameters = parameters
                step += 1
                lastFiniteLoss = loss
                lossSum += loss * Double(indices.count)
                seen += indices.count
                if train.labels != nil { hits += accuracy(logits: output, labels: y) * Double(indices.count) }
                if configuration.showProgress {
                    let done = Double(epoch - startEpoch) + Double(s + 1) / Double(stepsPerEpoch)
                    let total = Double(configuration.epochs - startEpoch)
                    progress.update(String(format: "epoch %d/%d  step %d  loss %.4f", epoch + 1, configuration.epochs, step, lossSum / Double(seen))
                                    + (train.labels != nil ? String(format: "  acc %.3f", hits / Double(seen)) : "")
                                    + String(format: "  lr %.3g  left %@", rate, ProgressLine.format(seconds: progress.remaining(done: done, total: total))))
                }
            }
            epoch += 1
            var record = EpochRecord(epoch: epoch, step: step, trainLoss: lossSum / Double(seen),
                                     trainAccuracy: train.labels != nil ? hits / Double(seen) : nil,
                                     validationLoss: nil, validationAccuracy: nil, learningRate: rate,
                                     seconds: ProgressLine.now() - epochStart)
            if let validation {
                let metrics = evaluate(validation)
                record.validationLoss = metrics.loss
                record.validationAccuracy = metrics.accuracy
            }
            history.append(record)
            var stop = callback.map { !$0(record) } ?? false
            if let (patience, delta) = configuration.earlyStopping, let vl = record.validationLoss {
                if vl < bestValidationLoss - delta {
                    bestValidationLoss = vl
                    bestParameters = model.parameters
                    bestState = model.state
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= patience { stop = true }
                }
            }
            if let path = configuration.checkpointPath, epoch % Swift.max(configuration.checkpointEvery, 1) == 0 || epoch == configuration.epochs || stop {
                try saveCheckpoint(to: path)
            }
            if stop { break }
        }
        if let best = bestParameters, configuration.earlyStopping != nil {
            model.parameters = best
            if let s = bestState { model.state = s }
        }
        if configuration.showProgress, let last = history.last {
            progress.update(String(format: "epoch %d/%d  loss %.4f", last.epoch, configuration.epochs, last.trainLoss)
                            + (last.trainAccuracy.map { String(format: "  acc %.3f", $0) } ?? "")
                            + (last.validationAccuracy.map { String(format: "  validation acc %.3f", $0) } ?? "")
                            + "  " + ProgressLine.format(seconds: progress.elapsed), final: true)
        }
        return history
    }

    /// Loss (without penalties) and accuracy (classification) in evaluation mode.
    public func evaluate(_ data: Dataset, batchSize: Int = 1024) -> (loss: Double, accuracy: Double?) {
        var lossSum = 0.0, hits = 0.0
        var start = 0
        while start < data.count {
            let end = Swift.min(data.count, start + batchSize)
            let x = data.inputs.slice([.range(start..<end)]), y = data.targets.slice([.range(start..<end)])
            let output = model.apply(parameters: model.parameters.map { Variable(constant: $0) }, to: Variable(constant: x))
            lossSum += configuration.loss(output, y).scalar * Double(end - start)
            if data.labels != nil { hits += accuracy(logits: output.value, labels: y) * Double(end - start) }
            start = end
        }
        return (lossSum / Double(data.count), data.labels != nil ? hits / Double(data.count) : nil)
    }

    // MARK: Checkpoints

    /// Saves parameters, model state, optimizer state, generator state, counters, the
    /// early-stopping memory and the history to an NPZ file, atomically.
    public func saveCheckpoint(to path: String) throws {
        try NPZ.write(checkpoint(), to: path)
    }

    /// The checkpoint `saveCheckpoint` writes, as an archive.
    public func checkpoint() -> NPZArchive {
        var archive = NPZArchive()
        for (name, value) in zip(model.parameterNames, model.parameters) { archive.set("parameter/" + name, value) }
        for (name, value) in zip(model.stateNames, model.state) { archive.set("state/" + name, value) }
        for (name, value) in optimizer.stateTensors { archive.set("optimizer/" + name, value) }
        archive.set("rng", .integer(rng.stateWords.map { Int(bitPattern: UInt($0)) }, shape: [4]))
        archive.set("counters", .integer([epoch, step, epochsWithoutImprovement], shape: [3]))
        archive.set("bestValidationLoss", Tensor(bestValidationLoss))
        if let best = bestParameters {
            for (name, value) in zip(model.parameterNames, best) { archive.set("best/" + name, value) }
        }
        if let best = bestState {
            for (name, value) in zip(model.stateNames, best) { archive.set("bestState/" + name, value) }
        }
        archive.set("history", Tensor(shape: [history.count, EpochRecord.columns.count], scalars: history.flatMap(\.row)))
        return archive
    }

    /// Restores a checkpoint written by `saveCheckpoint` into this trainer (same model
    /// architecture and optimizer kind); `fit` then continues where the run stopped.
    ///
    /// Everything is validated before anything changes: the exact set of arrays, every shape,
    /// finiteness, the counters (epoch within `configuration.epochs`, one history row per
    /// epoch), and an optimizer state that matches this optimizer and the parameters. A
    /// checkpoint that fails any check throws `TrainingError.incompatibleCheckpoint` with a
    /// one-line reason and leaves the trainer (model, optimizer, generator) untouched.
    public mutating func restoreCheckpoint(from path: String) throws {
        try restoreCheckpoint(NPZ.read(path), source: path)
    }

    /// Restores a checkpoint archive (as `checkpoint()` makes) with the checks of
    /// `restoreCheckpoint(from:)`; `source` names it in errors.
    public mutating func restoreCheckpoint(_ archive: NPZArchive, source path: String) throws {
        let restored = try CheckpointContents(archive, path: path, trainer: self)
        model.parameters = restored.parameters
        model.state = restored.state
        optimizer = restored.optimizer
        rng = restored.rng
        epoch = restored.epoch
        step = restored.step
        epochsWithoutImprovement = restored.epochsWithoutImprovement
        bestValidationLoss = restored.bestValidationLoss
        bestParameters = restored.bestParameters
        bestState = restored.bestState
        history = restored.history
    }
}

/// A checkpoint's contents, validated against a trainer before any of it is used.
private struct CheckpointContents {
    var parameters: [Tensor] = []
    var state: [Tensor] = []
    var optimizer: any Optimizer
    var rng: RandomGenerator
    var epoch = 0, step = 0, epochsWithoutImprovement = 0
    var bestValidationLoss = Double.infinity
    var bestParameters: [Tensor]?
    var bestState: [Tensor]?
    var history: [EpochRecord] = []

    /// Counters and steps above this are not plausible (and would lose exactness as doubles).
    static let largestCount = 1 << 53

    init<Model: Layer>(_ archive: NPZArchive, path: String, trainer: Trainer<Model>) throws {
        func fail(_ reason: String) -> TrainingError { .incompatibleCheckpoint("\(path): \(reason)") }
        var arrays: [String: NPYArray] = [:]
        for (name, array) in archive.entries {
            guard arrays.updateValue(array, forKey: name) == nil else { throw fail("array '\(name)' appears twice") }
        }
        var used: Set<String> = []
        func array(_ name: String) throws -> NPYArray {
            guard let a = arrays[name] else { throw fail("no array '\(name)'") }
            used.insert(name)
            return a
        }
        func finite(_ name: String, like current: Tensor) throws -> Tensor {
            let t = try array(name).tensor
            guard t.shape == current.shape else { throw fail("'\(name)' has shape \(t.shape), the model needs \(current.shape)") }
            guard t.isFinite else { throw fail("'\(name)' contains NaN or infinity") }
            return t
        }
        func integers(_ name: String, count: Int) throws -> [Int] {
            guard let v = try array(name).integers, v.count == count else { throw fail("'\(name)' is not \(count) integers") }
            return v
        }
        let model = trainer.model
        parameters = try zip(model.parameterNames, model.parameters).map { try finite("parameter/" + $0, like: $1) }
        state = try zip(model.stateNames, model.state).map { try finite("state/" + $0, like: $1) }

        // Generator and counters.
        let words = try integers("rng", count: 4)
        guard words.contains(where: { $0 != 0 }) else { throw fail("the generator state is all zero") }
        rng = RandomGenerator(stateWords: words.map { UInt64(UInt(bitPattern: $0)) })
        let counters = try integers("counters", count: 3)
        (epoch, step, epochsWithoutImprovement) = (counters[0], counters[1], counters[2])
        guard epoch >= 0, epoch <= trainer.configuration.epochs else {
            throw fail("it is at epoch \(epoch), outside this run's 0...\(trainer.configuration.epochs) epochs")
        }
        guard step >= epoch, step <= CheckpointContents.largestCount else {
            throw fail("its step counter \(step) does not fit \(epoch) completed epochs")
        }
        guard epochsWithoutImprovement >= 0, epochsWithoutImprovement <= epoch else {
            throw fail("its early-stopping counter \(epochsWithoutImprovement) does not fit \(epoch) completed epochs")
        }

        // Early-stopping memory: +infinity until a validation loss was seen.
        let best = try array("bestValidationLoss").tensor
        guard best.count == 1, best.scalars[0].isFinite || best.scalars[0] == .infinity else {
            throw fail("'bestValidationLoss' is not a single finite number")
        }
        bestValidationLoss = best.scalars[0]
        func optionalGroup(_ prefix: String, names: [String], like current: [Tensor]) throws -> [Tensor]? {
            let present = names.filter { arrays[prefix + $0] != nil }
            if present.isEmpty { return nil }
            guard present.count == names.count else { throw fail("'\(prefix)' arrays are incomplete") }
            return try zip(names, current).map { try finite(prefix + $0, like: $1) }
        }
        bestParameters = try optionalGroup("best/", names: model.parameterNames, like: model.parameters)
        bestState = try optionalGroup("bestState/", names: model.stateNames, like: model.state)

        // History: one row per completed epoch, each plausible.
        let h = try array("history").tensor
        let columns = EpochRecord.columns.count
        guard (h.count == 0 && epoch == 0) || (h.rank == 2 && h.shape[1] == columns) else {
            throw fail("the history has shape \(h.shape), expected [epochs, \(columns)]")
        }
        let rows = h.count == 0 ? 0 : h.shape[0]
        guard rows == epoch else { throw fail("the history has \(rows) rows for \(epoch) completed epochs") }
        var previousStep = 0
        for r in 0..<rows {
            let v = h.row(r).scalars
            let ok = v[0] == Double(r + 1)
                && v[1] == v[1].rounded() && v[1] >= Double(previousStep) && v[1] <= Double(step)
                && v[2].isFinite
                && [v[3], v[5]].allSatisfy { $0.isNaN || (0...1).contains($0) }
                && (v[4].isNaN || v[4].isFinite)
                && v[6].isFinite && v[6] >= 0
                && v[7].isFinite && v[7] >= 0
            guard ok else { throw fail("history row \(r + 1) is not a valid epoch record") }
            previousStep = Int(v[1])
            history.append(EpochRecord(row: v))
        }

        // Optimizer: exactly the arrays this optimizer keeps for these parameters (learned by
        // a probe update of a copy), each finite and of its parameter's shape.
        var optimizerState: [String: Tensor] = [:]
        for (name, a) in arrays where name.hasPrefix("optimizer/") {
            let t = a.tensor
            guard t.isFinite else { throw fail("'\(name)' contains NaN or infinity") }
            optimizerState[String(name.dropFirst("optimizer/".count))] = t
            used.insert(name)
        }
        guard let stepTensor = optimizerState["step"], stepTensor.count == 1,
              stepTensor.scalars[0] == stepTensor.scalars[0].rounded(),
              stepTensor.scalars[0] >= 0, stepTensor.scalars[0] <= Double(CheckpointContents.largestCount) else {
            throw fail("no valid optimizer step")
        }
        var probe = trainer.optimizer
        var probeParameters = parameters
        var probeRNG = RandomGenerator(seed: 0)
        probe.update(&probeParameters, gradients: parameters.map { Tensor.zeros($0.shape) }, rng: &probeRNG)
        let expected = Dictionary(probe.stateTensors.map { ($0.name, $0.value.shape) }, uniquingKeysWith: { a, _ in a })
        let givenNames = Set(optimizerState.keys)
        // Before the first update an optimizer may hold only its step.
        guard givenNames == Set(expected.keys) || (givenNames == ["step"] && stepTensor.scalars[0] == 0) else {
            let extra = givenNames.subtracting(expected.keys).sorted(), missing = Set(expected.keys).subtracting(givenNames).sorted()
            throw fail("the optimizer state does not match this optimizer and model"
                       + (extra.isEmpty ? "" : "; unexpected: " + extra.joined(separator: ", "))
                       + (missing.isEmpty ? "" : "; missing: " + missing.joined(separator: ", ")))
        }
        for (name, t) in optimizerState where t.shape != expected[name] {
            throw fail("optimizer state '\(name)' has shape \(t.shape), expected \(expected[name] ?? [])")
        }
        var restoredOptimizer = trainer.optimizer
        do { try restoredOptimizer.restore(optimizerState) } catch {
            throw fail(String(describing: error))
        }
        optimizer = restoredOptimizer

        let known = Set(model.parameterNames.map { "parameter/" + $0 } + model.stateNames.map { "state/" + $0 }
                        + model.parameterNames.map { "best/" + $0 } + model.stateNames.map { "bestState/" + $0 })
        for name in arrays.keys where !used.contains(name) && !known.contains(name) {
            throw fail("unexpected array '\(name)' (a checkpoint of another model?)")
        }
    }
}

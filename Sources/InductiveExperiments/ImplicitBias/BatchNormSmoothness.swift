import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Batch normalization" (implicit bias): BatchNorm does not so much fix internal
/// covariate shift as make the loss landscape smoother (Santurkar et al. 2018). The same deep
/// MLP is trained on the shipped digits with and without BatchNorm; at regular steps the
/// landscape along the gradient is probed: the range of the loss over a range of step sizes,
/// and the "effective β-smoothness" max ‖∇L(θ − ηg) − ∇L(θ)‖ / ‖ηg‖.
struct BatchNormSmoothness: Experiment {
    let id = "ib.batchnorm-smoothness"
    let section = NotesSection.implicitBias
    let title = "BatchNorm smooths the loss landscape"
    let claim = "With BatchNorm the loss varies less, and the gradient changes less, along the gradient direction (Santurkar et al. 2018)."
    let parameters = [
        ParameterSpec("depth", "hidden layers of the MLP", .int(6), minimum: 1, maximum: 50),
        ParameterSpec("width", "hidden width", quick: .int(64), full: .int(128), minimum: 2, maximum: 1024),
        ParameterSpec("batch", "minibatch size", .int(64), minimum: 4, maximum: 1797),
        // The claim is about training: at 600 steps (21 epochs) both networks have memorized the
        // digits (loss ~1e-3), the converged phase dominates the medians and the loss range is
        // no longer lower with BatchNorm (measured ratio 1.23; the β ratio still 0.81).
        ParameterSpec("steps", "SGD steps (about 5 and 7 epochs of the digits)", quick: .int(150), full: .int(200), minimum: 2, maximum: 100_000),
        ParameterSpec("probeEvery", "probe the landscape every this many steps", quick: .int(10), full: .int(5), minimum: 1, maximum: 100_000),
        ParameterSpec("learningRate", "SGD learning rate (the same for both networks)", .double(0.1), minimum: 1e-6, maximum: 10),
        ParameterSpec("probeSteps", "probe step sizes, as multiples of the learning rate", .doubles([0.25, 0.5, 1, 2, 4]), minimum: 1e-6, maximum: 1000),
    ]
    let checks = [
        CheckSpec("loss-range", "median loss-variation range, with / without BatchNorm", .lessThan(1)),
        CheckSpec("beta", "median effective β-smoothness, with / without BatchNorm", .lessThan(1)),
    ]
    // Per network: steps × 6 × batch × (64 w + depth w² + 10 w) for training, and each probe
    // (1 + probe steps) gradients of the same cost; the full size is 3.7e10.
    let workBound = WorkBound("2 × (steps + (steps / probeEvery) × (1 + probe steps)) × 6 × batch × width × (74 + depth × width)", limit: 1e12) { p in
        let w = Double(p.int("width")), b = Double(p.int("batch"))
        let probes = Double(p.int("steps") / p.int("probeEvery") + 1) * Double(1 + p.doubles("probeSteps").count)
        return 2 * (Double(p.int("steps")) + probes) * 6 * b * w * (74 + Double(p.int("depth")) * w)
    }

    static func network(depth: Int, width: Int, batchNorm: Bool, using rng: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = []
        var fanIn = 64
        for _ in 0..<depth {
            layers.append(Dense(inputSize: fanIn, outputSize: width, activation: batchNorm ? .identity : .relu, weightInitializer: .heNormal, using: &rng))
            if batchNorm {
                layers.append(BatchNorm(features: width))
                layers.append(ActivationLayer(.relu))
            }
            fanIn = width
        }
        layers.append(Dense(inputSize: fanIn, outputSize: 10, using: &rng))
        return Sequential(layers)
    }

    struct Run { var lossRanges: [Double] = [], betas: [Double] = [], probeSteps: [Double] = [], trainLoss: [Double] = [], lossMin: [Double] = [], lossMax: [Double] = [] }

    func train(batchNorm: Bool, data: Dataset, _ p: ParameterValues, rng: inout RandomGenerator, progress: (Double) -> Void) -> Run {
        var net = Self.network(depth: p.int("depth"), width: p.int("width"), batchNorm: batchNorm, using: &rng)
        let eta = p.double("learningRate"), batch = p.int("batch"), steps = p.int("steps")
        let stepSizes = p.doubles("probeSteps").map { $0 * eta }
        var optimizer = GradientDescent(learningRate: eta)
        var theta = net.parameters
        var order: [Int] = [], cursor = data.count
        var run = Run()
        for step in 0..<steps {
            if cursor + batch > data.count { order = rng.permutation(data.count); cursor = 0 }
            let idx = Array(order[cursor..<(cursor + batch)])
            cursor += batch
            let x = data.inputs.take(idx), y = data.targets.take(idx)
            // Training mode: BatchNorm uses this batch's statistics (the landscape SGD sees).
            let model = net
            let loss = { (vars: [Variable]) -> Variable in
                var context = ForwardContext(training: true)
                return Loss.softmaxCrossEntropy(model.apply(parameters: vars, to: Variable(constant: x), context: &context), y)
            }
            if step % p.int("probeEvery") == 0 {
                let probe = LandscapeProbe(at: theta, stepSizes: stepSizes, loss: loss)
                run.lossRanges.append(probe.lossRange)
                run.betas.append(probe.effectiveSmoothness)
                run.probeSteps.append(Double(step))
                run.trainLoss.append(probe.loss)
                run.lossMin.append((probe.losses + [probe.loss]).min()!)
                run.lossMax.append((probe.losses + [probe.loss]).max()!)
                progress(Double(step) / Double(steps))
            }
            let (_, g) = valueAndGradients(at: theta, of: loss)
            optimizer.update(&theta, gradients: g, rng: &rng)
            net.parameters = theta
        }
        return run
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let digits = try Dataset.digits()
        let reporter = context
        var rngPlain = context.rng.child(1), rngBN = context.rng.child(1)
        let plain = train(batchNorm: false, data: digits, p, rng: &rngPlain) { reporter.progress(0.5 * $0, "without BatchNorm") }
        let bn = train(batchNorm: true, data: digits, p, rng: &rngBN) { reporter.progress(0.5 + 0.5 * $0, "with BatchNorm") }
        let median = Statistics.median
        let (rangePlain, rangeBN) = (median(plain.lossRanges), median(bn.lossRanges))
        let (betaPlain, betaBN) = (median(plain.betas), median(bn.betas))
        context.measure("loss-range", rangeBN / rangePlain)
        context.measure("beta", betaBN / betaPlain)
        context.record("probe_steps", plain.probeSteps)
        context.record("loss_range_plain", plain.lossRanges)
        context.record("loss_range_batchnorm", bn.lossRanges)
        context.record("beta_plain", plain.betas)
        context.record("beta_batchnorm", bn.betas)
        context.record("train_loss_plain", plain.trainLoss)
        context.record("train_loss_batchnorm", bn.trainLoss)
        context.note(String(format: "Medians over training: loss range %.3g without, %.3g with BatchNorm; effective β-smoothness %.3g without, %.3g with. Final minibatch loss %.3g without, %.3g with BatchNorm. Both networks start from the same weights (same generator) and see the same minibatches.",
                            rangePlain, rangeBN, betaPlain, betaBN, plain.trainLoss.last!, bn.trainLoss.last!))
        let eta = p.double("learningRate"), multiples = p.doubles("probeSteps")
        let range = "η ∈ [\(NumberFormat.significant(multiples.min()! * eta)), \(NumberFormat.significant(multiples.max()! * eta))]"
        // Santurkar et al.'s band: from the smallest to the largest loss along the step.
        func lossBand(_ r: Run, _ name: String) -> Series {
            Series(name, x: r.probeSteps, y: r.trainLoss, band: Band(lower: r.lossMin, upper: r.lossMax), style: .line)
        }
        context.figure(Figure(
            id: "loss-landscape", title: "Loss along the gradient over training",
            caption: "Line: minibatch loss L(θ) at each probed step; band: from the smallest to the largest L(θ − ηg) over \(range). The band is the loss variation the check compares (log scale).",
            chart: .plot(Plot(x: Axis("training step"), y: Axis("training loss", scale: .log),
                              series: [lossBand(plain, "without BatchNorm"), lossBand(bn, "with BatchNorm")]))))
        context.figure(Figure(
            id: "loss-variation", title: "Loss variation along the gradient over training",
            caption: "Range max − min of L(θ − ηg) over \(range) at each probed step (log scale); SGD on the digits, \(p.int("depth")) hidden layers of width \(p.int("width")), same initialization and minibatches.",
            chart: .plot(Plot(x: Axis("training step"), y: Axis("loss range along the gradient", scale: .log),
                              series: [Series("without BatchNorm", x: plain.probeSteps, y: plain.lossRanges, style: .line),
                                       Series("with BatchNorm", x: bn.probeSteps, y: bn.lossRanges, style: .line)],
                              referenceLines: [.horizontal(rangePlain, label: "median without"), .horizontal(rangeBN, label: "median with")]))))
        context.figure(Figure(
            id: "beta-smoothness", title: "Effective β-smoothness over training",
            caption: "max over \(range) of ‖∇L(θ − ηg) − ∇L(θ)‖ / ‖ηg‖ at each probed step (log scale).",
            chart: .plot(Plot(x: Axis("training step"), y: Axis("effective β-smoothness", scale: .log),
                              series: [Series("without BatchNorm", x: plain.probeSteps, y: plain.betas, style: .line),
                                       Series("with BatchNorm", x: bn.probeSteps, y: bn.betas, style: .line)],
                              referenceLines: [.horizontal(betaPlain, label: "median without"), .horizontal(betaBN, label: "median with")]))))
    }
}

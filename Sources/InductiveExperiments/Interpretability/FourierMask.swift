import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Interpretability": which frequencies does a trained classifier use? A real mask m on
/// the 2-D DFT of its input, x -> Re(IDFT(m ⊙ DFT(x))), is trained in front of the frozen
/// classifier with the cross-entropy plus λ‖m‖₁ (proximal gradient: soft-thresholding gives
/// exact zeros), then the kept entries are refitted without the penalty (the ℓ1 shrinkage
/// would otherwise dim the image). The accuracy survives with few frequencies kept.
struct FourierMaskExperiment: Experiment {
    let id = "interp.fourier-mask"
    let section = NotesSection.interpretability
    let title = "A sparse Fourier mask keeps a CNN's accuracy"
    let claim = "A mask in the 2-D Fourier domain trained with an ℓ1 penalty in front of a fixed digit classifier keeps its accuracy with a quarter of the frequencies or fewer."
    let parameters = [
        ParameterSpec("epochs", "epochs of training the CNN", quick: .int(5), full: .int(20), minimum: 1, maximum: 1000),
        ParameterSpec("lambda", "ℓ1 weight λ on the mask", .double(0.3), minimum: 0, maximum: 100),
        ParameterSpec("learningRate", "proximal-gradient step on the mask", .double(0.5), minimum: 1e-6, maximum: 100),
        ParameterSpec("steps", "proximal-gradient steps (minibatches of 128 training digits), and as many refitting steps", quick: .int(300), full: .int(1500), minimum: 1, maximum: 1_000_000),
    ]
    let checks = [
        CheckSpec("accuracy", "test accuracy with the mask / without", .atLeast(0.95)),
        CheckSpec("kept", "fraction of the 64 frequencies kept (mask ≠ 0)", .lessThan(0.25 + 1e-12)),
    ]
    // CNN training: epochs × 1437 × 6 × 40,000 flops; mask: 2 × steps × 128 × 6 × (40,000 + 4 × 64²)
    // (the ℓ1 path, then the refit); the full size is 1.3e11.
    let workBound = WorkBound("6 × (epochs × 1437 + 2 × steps × 128) × 48,000", limit: 3e12) { p in
        6 * (Double(p.int("epochs")) * 1437 + 2 * Double(p.int("steps")) * 128) * 48_000
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        var rng = context.rng.child(0)
        let reporter = context
        let classifier = try InterpretabilityCNN(epochs: p.int("epochs"), rng: &rng) { reporter.progress(0.5 * $0, "training the CNN") }
        let frozen = classifier.model.parameters.map { Variable(constant: $0) }
        let model = classifier.model, train = classifier.train, test = classifier.test
        var layer = FourierMask(height: 8, width: 8)
        let eta = p.double("learningRate"), lambda = p.double("lambda"), steps = p.int("steps")
        var mask = layer.mask
        var order: [Int] = [], cursor = train.count
        func minibatchGradient(_ mask: Tensor, rng: inout RandomGenerator) -> Tensor {
            if cursor + 128 > train.count { order = rng.permutation(train.count); cursor = 0 }
            let idx = Array(order[cursor..<(cursor + 128)])
            cursor += 128
            let x = train.inputs.take(idx), y = train.targets.take(idx)
            let current = layer
            return gradient(at: mask) { m in
                var ctx = ForwardContext()
                let filtered = current.forward(Variable(constant: x), parameters: [m][...], context: &ctx)
                return Loss.softmaxCrossEntropy(model.apply(parameters: frozen, to: filtered), y)
            }
        }
        // 1. Support: proximal gradient for λ‖m‖₁ (gradient step on the loss, then soft-thresholding).
        for step in 0..<steps {
            let moved = mask - minibatchGradient(mask, rng: &rng) * eta
            mask = moved.map { v in v > eta * lambda ? v - eta * lambda : (v < -eta * lambda ? v + eta * lambda : 0) }
            if step % 10 == 0 { context.progress(0.5 + 0.25 * Double(step) / Double(steps), "ℓ1 path of the mask") }
        }
        let support = mask.map { $0 != 0 ? 1 : 0 }
        let shrunkMask = mask
        // 2. Debiasing (as in the relaxed lasso): the ℓ1 penalty also shrinks the kept entries;
        // refit them without it, on the same support (Adam, rate 0.01).
        var refit = Adam(learningRate: 0.01)
        var parameters = [mask]
        for step in 0..<steps {
            refit.update(&parameters, gradients: [minibatchGradient(parameters[0], rng: &rng) * support], rng: &rng)
            mask = parameters[0]
            if step % 10 == 0 { context.progress(0.75 + 0.25 * Double(step) / Double(steps), "refitting the kept entries") }
        }
        layer.mask = mask
        let masked = Sequential([layer] + model.layers)
        let maskedAccuracy = accuracy(logits: masked(test.inputs), labels: test.targets)
        var shrunkLayer = layer
        shrunkLayer.mask = shrunkMask
        let shrunkAccuracy = accuracy(logits: Sequential([shrunkLayer] + model.layers)(test.inputs), labels: test.targets)
        let kept = mask.scalars.filter { $0 != 0 }.count
        context.measure("accuracy", maskedAccuracy / classifier.testAccuracy)
        context.measure("kept", Double(kept) / 64)
        context.record("mask", mask.scalars)
        context.note(String(format: "Test accuracy %.4f without the mask, %.4f with it (%d of 64 frequencies kept, λ = %@); %.4f with the ℓ1-shrunk mask before refitting its kept entries.",
                            classifier.testAccuracy, maskedAccuracy, kept, NumberFormat.significant(lambda), shrunkAccuracy))
        // fftshift: the zero frequency in the middle of the heat map.
        let shifted = (0..<64).map { i -> Double in
            let (r, c) = (i / 8, i % 8)
            return Swift.abs(mask.scalars[((r + 4) % 8) * 8 + (c + 4) % 8])
        }
        context.figure(Figure(
            id: "mask", title: "The learned Fourier mask |m(k, l)|",
            caption: "Zero frequency at the centre (k, l from −4 to 3, fftshift order); \(kept) of 64 entries are non-zero. Cells at 0 (darkest) are frequencies the classifier does without.",
            chart: .heatMap(HeatMap(values: shifted, rows: 8, columns: 8, xExtent: -4.5...3.5, yExtent: -4.5...3.5,
                                    xLabel: "horizontal frequency l", yLabel: "vertical frequency k", colorMap: .viridis,
                                    colorBarLabel: "|m|", squareCells: true))))
        let examples = Array(0..<8)
        let xs = test.inputs.take(examples)
        let filtered = layer(xs)
        var images: [GrayImage] = []
        for (row, source) in [(0, xs), (1, filtered)] {
            for i in examples.indices {
                images.append(GrayImage(source.slice([.index(i)]).reshaped([8, 8]), caption: row == 0 ? "digit \(test.labels![examples[i]])" : "filtered"))
            }
        }
        context.figure(Figure(
            id: "filtered-digits", title: "Test digits before (top) and after (bottom) the mask",
            caption: "The classifier gets \(String(format: "%.1f", 100 * maskedAccuracy)) % of the filtered test digits right (\(String(format: "%.1f", 100 * classifier.testAccuracy)) % unfiltered) from \(kept) of 64 frequencies.",
            chart: .imageGrid(ImageGrid(images: images, columns: 8, colorMap: .grayscaleInverted, scaling: .perImage, tileWidth: 72))))
    }
}

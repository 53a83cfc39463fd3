import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Interpretability", feature visualization (Erhan et al. 2009; Olah et al. 2017):
/// the input of a given norm that excites a unit most, found by projected gradient ascent on
/// the input, shows what the unit responds to. For each layer of the digit CNN (the two
/// convolutions, as channel means after ReLU, and the class logits) a few units are maximized.
struct FeatureVisualization: Experiment {
    let id = "interp.feature-visualization"
    let section = NotesSection.interpretability
    let title = "Feature visualization by activation maximization"
    let claim = "Projected gradient ascent on the input finds, for units of every layer, inputs that excite the unit far more than random inputs of the same norm."
    let parameters = [
        ParameterSpec("epochs", "epochs of training the CNN", quick: .int(8), full: .int(20), minimum: 1, maximum: 1000),
        ParameterSpec("units", "units visualized per layer (channels 0..<units; logits of classes 0..<units)", quick: .int(4), full: .int(8), minimum: 1, maximum: 8),
        ParameterSpec("steps", "projected gradient-ascent steps per unit", quick: .int(100), full: .int(300), minimum: 1, maximum: 100_000),
        ParameterSpec("learningRate", "ascent step (relative to the gradient's scale: the step is rate × radius × g / ‖g‖)", .double(0.1), minimum: 1e-6, maximum: 10),
        ParameterSpec("randomInputs", "random inputs of the same norm per unit", .int(200), minimum: 1, maximum: 100_000),
    ]
    let checks = [
        CheckSpec("ratio", "smallest over the hidden units of a(x*) / mean |a(x)| over random x with ‖x‖ = ‖x*‖", .atLeast(10)),
    ]
    // CNN training as interp.fourier-mask, then 3 × units × (steps + randomInputs) passes; the
    // full size is 1.2e10.
    let workBound = WorkBound("6 × (epochs × 1437 + 3 × units × (steps + randomInputs)) × 48,000", limit: 2e11) { p in
        6 * (Double(p.int("epochs")) * 1437 + 3 * Double(p.int("units") * (p.int("steps") + p.int("randomInputs")))) * 48_000
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        var rng = context.rng.child(0)
        let reporter = context
        let classifier = try InterpretabilityCNN(epochs: p.int("epochs"), rng: &rng) { reporter.progress(0.4 * $0, "training the CNN") }
        let model = classifier.model
        // The radius: the mean norm of the training digits.
        let radius = classifier.train.inputs.norm(axes: [1]).mean().scalar
        // (name, depth of the prefix read, unit selection per index)
        // Hidden units: channel c of a convolution at the image position (3, 3) (after ReLU);
        // output units: the class logits.
        let layers: [(name: String, depth: Int, hidden: Bool, unit: (Int) -> UnitSelection)] = [
            ("conv 1", 2, true, { .index($0 * 64 + 27) }), ("conv 2", 3, true, { .index($0 * 64 + 27) }), ("logit", 6, false, { .index($0) }),
        ]
        let units = p.int("units")
        var images: [GrayImage] = [], ratios: [Double] = [], logitRatios: [Double] = [], logitTypical: [Double] = [], rows: [String] = []
        var randomRng = context.rng.child(1)
        for (l, layer) in layers.enumerated() {
            let prefix = Sequential(Array(model.layers.prefix(layer.depth)))
            let random = Tensor.randomNormal([p.int("randomInputs"), 64], using: &randomRng)
            let randomInputs = random / random.norm(axes: [1], keepDims: true) * radius
            for u in 0..<units {
                let unit = layer.unit(u)
                let randomActivations = ActivationMaximization.activations(of: Variable(constant: prefix(randomInputs)), unit: unit).value
                // Start from the random input that excites the unit most (a ReLU unit that is off
                // at the start has no gradient to follow).
                let best = randomActivations.argmax()
                let start = randomInputs.slice([.range(best..<(best + 1))])
                let result = ActivationMaximization(model: model, depth: layer.depth, unit: unit, radius: radius, start: start,
                                                    steps: p.int("steps"), learningRate: p.double("learningRate") * radius)
                let typical = abs(randomActivations).mean().scalar
                let ratio = result.activation / typical
                if layer.hidden { ratios.append(ratio) } else { logitRatios.append(ratio); logitTypical.append(typical) }
                rows.append("\(layer.name) unit \(u): a(x*) = \(NumberFormat.significant(result.activation)), random mean |a| = \(NumberFormat.significant(typical)), ratio \(NumberFormat.significant(ratio))")
                images.append(GrayImage(result.input.reshaped([8, 8]), caption: "\(layer.name) #\(u) (×\(String(format: "%.0f", ratio)))"))
                context.progress(0.4 + 0.6 * Double(l * units + u + 1) / Double(3 * units), "\(layer.name) unit \(u)")
            }
        }
        context.measure("ratio", ratios.min()!)
        context.record("ratios_hidden_units", ratios)
        context.record("ratios_logits", logitRatios)
        context.note("Radius ‖x‖ = \(NumberFormat.significant(radius)) (the mean norm of the training digits); CNN test accuracy \(String(format: "%.3f", classifier.testAccuracy)). " + rows.joined(separator: "; ") + ".")
        context.note(String(format: "The check is on the hidden units. The class logits are reported, not checked: random inputs of the digits' norm already give logits of magnitude %.3g on average (noise passed through ReLU layers has a large positive mean), so the optimized logits exceed them only %.2f to %.2f-fold; what the optimization does for an output unit is make its class win, not make the logit 10 times larger than noise's.",
                                 logitTypical.reduce(0, +) / Double(Swift.max(logitTypical.count, 1)), logitRatios.min() ?? .nan, logitRatios.max() ?? .nan))
        context.figure(Figure(
            id: "visualizations", title: "Inputs that maximize units of each layer",
            caption: "One row per layer (first convolution, second convolution: channel means after ReLU; class logits 0…\(units - 1)); each image is the input of norm \(NumberFormat.significant(radius)) found by projected gradient ascent, with its activation as a multiple of the mean |activation| over random inputs of the same norm. Red positive, blue negative pixels.",
            chart: .imageGrid(ImageGrid(images: images, columns: units, colorMap: .diverging, scaling: .perImage, tileWidth: 96))))
    }
}

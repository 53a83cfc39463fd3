import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Batch normalization": stacking BatchNorm layers without residual connections makes
/// the gradients explode at initialization (Yang et al. 2019, "A mean field theory of batch
/// normalization"): in training mode every BatchNorm layer multiplies the backward signal by a
/// factor above 1 (π / (π − 1) in squared norm for ReLU), so the first layer's gradient grows
/// exponentially with depth.
struct BatchNormDepth: Experiment {
    let id = "ib.batchnorm-depth"
    let section = NotesSection.implicitBias
    let title = "Stacked BatchNorm explodes gradients with depth"
    let claim = "Without residual connections, a deep stack of Dense–BatchNorm–ReLU layers has a first-layer gradient that grows exponentially with depth at initialization."
    let parameters = [
        ParameterSpec("depths", "numbers of hidden Dense–BatchNorm–ReLU layers", quick: .ints([5, 10, 20, 30, 40, 50]),
                      full: .ints([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]), minimum: 1, maximum: 200, minimumCount: 2),
        ParameterSpec("width", "hidden width", quick: .int(64), full: .int(128), minimum: 2, maximum: 1024),
        ParameterSpec("batch", "examples per batch (digits)", .int(64), minimum: 2, maximum: 1797),
        ParameterSpec("seeds", "networks per depth", quick: .int(3), full: .int(10), minimum: 1, maximum: 100),
    ]
    let checks = [
        CheckSpec("slope", "fitted slope of log ‖∇_{W₁} L‖ vs depth", .greaterThan(0)),
        CheckSpec("ratio", "‖∇_{W₁} L‖ at depth 50 / at depth 5", .greaterThan(10)),
    ]
    // One forward and backward pass per network: 6 × batch × width × (64 + depth × width); the
    // full size is 1.1e10.
    let workBound = WorkBound("seeds × Σ over depths of 6 × batch × width × (74 + depth × width)", limit: 3e11) { p in
        let w = Double(p.int("width")), b = Double(p.int("batch"))
        return Double(p.int("seeds")) * p.ints("depths").reduce(0) { $0 + 6 * b * w * (74 + Double($1) * w) }
    }

    func validate(_ p: ParameterValues) -> String? {
        let d = p.ints("depths")
        return d.contains(5) && d.contains(50) ? nil : "depths must include 5 and 50 (the catalogue's ratio)"
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let digits = try Dataset.digits()
        let depths = p.ints("depths").sorted(), width = p.int("width"), seeds = p.int("seeds")
        var batchRng = context.rng.child(0)
        let idx = Array(batchRng.permutation(digits.count).prefix(p.int("batch")))
        let x = digits.inputs.take(idx), y = digits.targets.take(idx)
        var meanLog: [Double] = [], lowLog: [Double] = [], highLog: [Double] = []
        for (k, depth) in depths.enumerated() {
            var logs: [Double] = []
            for seed in 0..<seeds {
                var rng = context.rng.child(UInt64(depth)).child(UInt64(seed))
                let net = BatchNormSmoothness.network(depth: depth, width: width, batchNorm: true, using: &rng)
                let g = gradients(at: net.parameters) { vars in
                    var ctx = ForwardContext(training: true)
                    return Loss.softmaxCrossEntropy(net.apply(parameters: vars, to: Variable(constant: x), context: &ctx), y)
                }
                logs.append(Foundation.log(g[0].norm()))  // the first Dense layer's weight
            }
            meanLog.append(logs.reduce(0, +) / Double(seeds))
            lowLog.append(logs.min()!)
            highLog.append(logs.max()!)
            context.progress(Double(k + 1) / Double(depths.count), "depth \(depth)")
        }
        let d = depths.map(Double.init)
        let fit = Statistics.linearFit(x: d, y: meanLog)
        let norms = meanLog.map(Foundation.exp)
        let ratio = norms[depths.firstIndex(of: 50)!] / norms[depths.firstIndex(of: 5)!]
        context.measure("slope", fit.slope)
        context.measure("ratio", ratio)
        context.record("depths", d)
        context.record("first_layer_gradient_norm", norms)
        let perLayer = Foundation.exp(fit.slope)
        context.note(String(format: "Fitted growth per layer of the first-layer gradient norm: × %.3f (log-slope %.3f); depth 50 / depth 5 = %.3g. Mean-field theory for ReLU (Yang et al. 2019) gives × %.3f per layer (squared-norm factor π/(π − 1)) at infinite width and batch; geometric mean over %d networks per depth.",
                            perLayer, fit.slope, ratio, (Double.pi / (Double.pi - 1)).squareRoot(), seeds))
        context.figure(Figure(
            id: "gradient-vs-depth", title: "First-layer gradient norm at initialization vs depth",
            caption: "Dense–BatchNorm–ReLU stacks without residuals, training-mode BatchNorm, cross-entropy on \(p.int("batch")) digits; geometric mean over \(seeds) networks, band from the smallest to the largest. Dashed: the fitted exponential.",
            chart: .plot(Plot(x: Axis("depth (hidden layers)"), y: Axis("‖∇_{W₁} L‖", scale: .log),
                              series: [Series("width \(width)", x: d, y: norms, band: Band(lower: lowLog.map(Foundation.exp), upper: highLog.map(Foundation.exp)), style: .lineAndMarkers),
                                       Series(String(format: "fit: × %.2f per layer", perLayer), x: d, y: d.map { Foundation.exp(fit.intercept + fit.slope * $0) }, dash: .dashed)]))))
    }
}

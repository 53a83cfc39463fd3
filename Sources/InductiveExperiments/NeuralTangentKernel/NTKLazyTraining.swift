import Foundation
import InductiveKernels
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Neural Tangent Kernel": in the lazy regime the loss falls while the parameters,
/// and with them the kernel, barely move; the NTK stays constant during training at infinite
/// width. Measured: relative changes of the empirical NTK and of the parameters after
/// training to a 100-fold lower loss, as functions of the width.
struct NTKLazyTraining: Experiment {
    let id = "ntk.lazy-training"
    let section = NotesSection.neuralTangentKernel
    let title = "Lazy training: the NTK barely moves in wide networks"
    let claim = "The NTK stays (almost) constant during training, more so the wider the network; the parameters barely move while the loss falls."
    let parameters = [
        ParameterSpec("widths", "hidden widths n", quick: .ints([64, 128, 256, 512]), full: .ints([64, 128, 256, 512, 1024, 2048, 4096]), minimum: 1, maximum: 16384, minimumCount: 2),
        ParameterSpec("seeds", "networks per width", .int(8), minimum: 1, maximum: 1000),
        ParameterSpec("points", "training inputs on the unit circle", .int(16), minimum: 2, maximum: 1000),
        ParameterSpec("stepFraction", "learning rate as a fraction of 2 / λ_max(K_0) (below 1: beyond, gradient descent diverges)", .double(0.5), minimum: 1e-6, maximum: 0.999),
        ParameterSpec("lossDrop", "train until the loss has fallen by this factor", .double(100), minimum: 1, maximum: 1e12),
        ParameterSpec("maxSteps", "cap on gradient-descent steps (the catalogue's runs stop within 30)", .int(500), minimum: 1, maximum: 10_000_000),
    ]
    let checks = [
        CheckSpec("loss", "smallest loss reduction L₀ / L_T over all widths and seeds", .atLeast(100)),
        CheckSpec("slope", "log-log slope of the mean kernel change ‖K_T − K₀‖/‖K₀‖ vs width", .within(-1.2, -0.35)),
        CheckSpec("parameters", "mean relative parameter change ‖θ_T − θ₀‖/‖θ₀‖ at the largest width", .lessThan(0.05)),
    ]

    // A training step costs about points × width² (NTKSetup.work). The bound counts every
    // run up to the step cap, which a small stepFraction or a large lossDrop reaches: the
    // full size is 1.4e12 there (minutes), though its runs stop within 30 steps (20 s).
    let workBound = WorkBound("seeds × Σ over widths of (maxSteps × (points × width² + 1000) + 10 width² + points² × (width + points))", limit: 1.5e13) { p in
        Double(p.int("seeds")) * p.ints("widths").reduce(0) { $0 + NTKSetup.work(width: $1, points: p.int("points"), steps: p.int("maxSteps")) }
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let widths = p.ints("widths"), seeds = p.int("seeds"), drop = p.double("lossDrop")
        let angles = NTKSetup.equallySpaced(p.int("points"), offset: 0.5)
        let x = NTKSetup.circle(angles: angles), y = NTKSetup.target(angles)
        var kernelMean: [Double] = [], kernelSE: [Double] = [], paramMean: [Double] = [], paramSE: [Double] = []
        var smallestDrop = Double.infinity, maxStepsUsed = 0
        for (k, width) in widths.enumerated() {
            var kernelChanges: [Double] = [], parameterChanges: [Double] = []
            for seed in 0..<seeds {
                var rng = context.rng.child(UInt64(width)).child(UInt64(seed))
                let net = NTKSetup.architecture.network(inputSize: 2, width: width, using: &rng)
                let k0 = try empiricalNTK(net, x)
                let eta = p.double("stepFraction") * 2 / (try eigvalsh(k0)).maxAll()
                var initialLoss = 0.0, finalLoss = 0.0, steps = 0
                let trained = NTKSetup.train(net, parameters: net.parameters, x: x, y: y, learningRate: eta,
                                             maxSteps: p.int("maxSteps"), rng: &rng) { step, _, f in
                    let loss = 0.5 * square(f - y).sumAll()
                    if step == 0 { initialLoss = loss }
                    finalLoss = loss
                    steps = step
                    return loss > initialLoss / drop
                }
                smallestDrop = Swift.min(smallestDrop, initialLoss / finalLoss)
                maxStepsUsed = Swift.max(maxStepsUsed, steps)
                kernelChanges.append(NTKSetup.relative(try empiricalNTK(net, parameters: trained, x), k0))
                let theta0 = Tensor.concatenate(net.parameters.map { $0.flattened() })
                let thetaT = Tensor.concatenate(trained.map { $0.flattened() })
                parameterChanges.append(NTKSetup.relative(thetaT, theta0))
                context.progress((Double(k) + Double(seed + 1) / Double(seeds)) / Double(widths.count), "width \(width)")
            }
            let (km, ks) = Statistics.meanAndStandardError(kernelChanges), (pm, ps) = Statistics.meanAndStandardError(parameterChanges)
            kernelMean.append(km); kernelSE.append(ks); paramMean.append(pm); paramSE.append(ps)
        }
        let w = widths.map(Double.init)
        let slope = Statistics.logLogSlope(x: w, y: kernelMean)
        context.measure("loss", smallestDrop)
        context.measure("slope", slope)
        context.measure("parameters", paramMean.last!)
        context.record("widths", w)
        context.record("kernel_change", kernelMean)
        context.record("parameter_change", paramMean)
        context.note("The loss check confirms that every run reached the 100-fold reduction before the step cap (training stops as soon as it does).")
        context.note(String(format: "Fitted slope of the kernel change: %.3f (Lee et al.'s bound gives at most n^{−1/2}; finite-width theory predicts n^{−1}). The parameter change fits a slope of %.3f. Training took at most %d steps.",
                            slope, Statistics.logLogSlope(x: w, y: paramMean), maxStepsUsed))
        context.figure(Figure(
            id: "changes-vs-width", title: "Relative change of the kernel and of the parameters during training",
            caption: "After full-batch gradient descent until the training loss fell \(Int(drop))-fold; mean over \(seeds) networks per width, band ± one standard error.",
            chart: .plot(Plot(x: Axis("width n", scale: .log), y: Axis("relative change", scale: .log),
                              series: [Series("‖K_T − K₀‖ / ‖K₀‖", x: w, y: kernelMean, band: Band(center: kernelMean, spread: kernelSE), style: .lineAndMarkers),
                                       Series("‖θ_T − θ₀‖ / ‖θ₀‖", x: w, y: paramMean, band: Band(center: paramMean, spread: paramSE), style: .lineAndMarkers)],
                              referenceLines: [.powerLaw(exponent: -0.5, through: (w[0], kernelMean[0]), label: "n^{−1/2}"),
                                               .powerLaw(exponent: -1, through: (w[0], kernelMean[0]), label: "n^{−1}")]))))
    }
}

import Foundation
import InductiveKernels
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Neural Tangent Kernel": as the width grows the NTK becomes deterministic at
/// initialization, determined by the architecture alone (Jacot et al. 2018). Measured: the
/// empirical NTK of random networks against the analytic infinite-width kernel; the
/// fluctuations of a sum over n units shrink like n^(-1/2).
struct NTKWidthConvergence: Experiment {
    let id = "ntk.width-convergence"
    let section = NotesSection.neuralTangentKernel
    let title = "The empirical NTK converges to the infinite-width kernel"
    let claim = "At initialization the empirical NTK of an MLP converges to the analytic infinite-width NTK as the width grows (deterministic at infinite width)."
    let parameters = [
        ParameterSpec("widths", "hidden widths n", quick: .ints([64, 128, 256, 512, 1024]), full: .ints([64, 128, 256, 512, 1024, 2048, 4096, 8192]), minimum: 1, maximum: 16384, minimumCount: 2),
        ParameterSpec("seeds", "random networks per width", .int(20), minimum: 1, maximum: 1000),
        ParameterSpec("points", "inputs on the unit circle", .int(32), minimum: 2, maximum: 1000),
    ]
    let checks = [
        CheckSpec("slope", "log-log slope of the mean relative error vs width", .within(-0.65, -0.35)),
        CheckSpec("largest", "mean relative error at the largest width", .lessThan(0.05), fullOnly: true),
    ]

    // Each network is drawn (10 width²), evaluated and differentiated on every point
    // (points × width²), and its empirical NTK contracted (points² × width); the full size is
    // 7.6e10.
    let workBound = WorkBound("seeds × Σ over widths of ((points + 10) × width² + points² × (width + points))", limit: 1.5e12) { p in
        Double(p.int("seeds")) * p.ints("widths").reduce(0) { $0 + NTKSetup.work(width: $1, points: p.int("points"), steps: 1) - 1000 }
    }

    func run(_ context: inout ExperimentContext) throws {
        let widths = context.parameters.ints("widths"), seeds = context.parameters.int("seeds")
        let x = NTKSetup.circle(angles: NTKSetup.equallySpaced(context.parameters.int("points"), offset: 0.25))
        let analytic = NTKSetup.architecture.ntk(x)
        var means: [Double] = [], errors: [Double] = []
        for (k, width) in widths.enumerated() {
            var perSeed: [Double] = []
            for seed in 0..<seeds {
                var rng = context.rng.child(UInt64(width)).child(UInt64(seed))
                let net = NTKSetup.architecture.network(inputSize: 2, width: width, using: &rng)
                perSeed.append(NTKSetup.relative(try empiricalNTK(net, x), analytic))
                context.progress((Double(k) + Double(seed + 1) / Double(seeds)) / Double(widths.count), "width \(width)")
            }
            let (mean, se) = Statistics.meanAndStandardError(perSeed)
            means.append(mean)
            errors.append(se)
            context.record("errors_width_\(width)", perSeed)
        }
        let w = widths.map(Double.init)
        let slope = Statistics.logLogSlope(x: w, y: means)
        context.measure("slope", slope)
        context.measure("largest", means.last!)
        context.record("widths", w)
        context.record("mean_relative_error", means)
        context.record("standard_error", errors)
        context.note(String(format: "Fitted exponent %.3f (theory −1/2); mean error %.4f at width %d.", slope, means.last!, widths.last!))
        context.figure(Figure(
            id: "error-vs-width", title: "Empirical NTK vs infinite-width NTK",
            caption: "‖K_emp − K_∞‖_F / ‖K_∞‖_F for ReLU MLPs (2 hidden layers, NTK parameterization, s = √2, b = 0.1) on \(x.shape[0]) points of the unit circle; mean over \(seeds) networks, band ± one standard error.",
            chart: .plot(Plot(x: Axis("width n", scale: .log), y: Axis("relative error", scale: .log),
                              series: [Series("mean relative error", x: w, y: means, band: Band(center: means, spread: errors), style: .lineAndMarkers)],
                              referenceLines: [.powerLaw(exponent: -0.5, through: (w[0], means[0]), label: "n^{−1/2}")]))))
    }
}

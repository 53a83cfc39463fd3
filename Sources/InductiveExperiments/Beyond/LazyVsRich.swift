import Foundation
import InductiveKernels
import InductiveNN
import InductiveReport
import InductiveTensor

/// Beyond the notes: the lazy regime of the NTK section is a property of the parameterization,
/// not of width (Chizat, Oyallon and Bach 2019; Mei, Montanari and Nguyen 2018). The same
/// networks and training as `ntk.lazy-training`, once in the NTK parameterization and once with
/// the mean-field output layer f = (1/n) Σ a_i h_i: the mean-field NTK keeps moving by O(1)
/// at every width.
struct LazyVsRich: Experiment {
    let id = "beyond.lazy-vs-rich"
    let section = NotesSection.beyond
    let title = "Lazy vs rich: the mean-field parameterization moves its kernel"
    let claim = "Trained the same way, an MLP in the mean-field parameterization changes its NTK by O(1) at every width, while the NTK parameterization's change vanishes as the width grows."
    let parameters = [
        ParameterSpec("widths", "hidden widths n", quick: .ints([64, 128, 256, 512]), full: .ints([64, 128, 256, 512, 1024, 2048, 4096]), minimum: 1, maximum: 16384, minimumCount: 2),
        ParameterSpec("seeds", "networks per width and parameterization", quick: .int(4), full: .int(8), minimum: 1, maximum: 1000),
        ParameterSpec("points", "training inputs on the unit circle", .int(16), minimum: 2, maximum: 1000),
        ParameterSpec("stepFraction", "learning rate as a fraction of 2 / λ_max(K_0)", .double(0.5), minimum: 1e-6, maximum: 0.999),
        ParameterSpec("lossDrop", "train until the loss has fallen by this factor", .double(100), minimum: 1, maximum: 1e12),
        ParameterSpec("maxSteps", "cap on gradient-descent steps", .int(3000), minimum: 1, maximum: 10_000_000),
    ]
    let checks = [
        CheckSpec("ratio", "kernel change ‖K_T − K₀‖/‖K₀‖ at the largest width, mean-field / NTK parameterization", .greaterThan(10)),
    ]
    // As ntk.lazy-training, twice; the full size is 1.7e13 at the step cap, though its runs
    // stop within a few dozen steps.
    let workBound = WorkBound("2 × seeds × Σ over widths of (maxSteps × (points × width² + 1000) + 10 width² + points² × (width + points))", limit: 3e14) { p in
        2 * Double(p.int("seeds")) * p.ints("widths").reduce(0) { $0 + NTKSetup.work(width: $1, points: p.int("points"), steps: p.int("maxSteps")) }
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let widths = p.ints("widths"), seeds = p.int("seeds"), drop = p.double("lossDrop")
        let angles = NTKSetup.equallySpaced(p.int("points"), offset: 0.5)
        let x = NTKSetup.circle(angles: angles), y = NTKSetup.target(angles)
        let a = NTKSetup.architecture
        var change: [WidthScaling: [Double]] = [:], spread: [WidthScaling: [Double]] = [:], reached = true, maxSteps: [WidthScaling: Int] = [:]
        for (s, scaling) in WidthScaling.allCases.enumerated() {
            for (k, width) in widths.enumerated() {
                var changes: [Double] = []
                for seed in 0..<seeds {
                    var rng = context.rng.child(UInt64(width)).child(UInt64(seed))
                    let net = scaling.network(inputSize: 2, width: width, depth: a.depth, activation: a.activation,
                                              weightStd: a.weightStd, biasStd: a.biasStd, using: &rng)
                    let k0 = try empiricalNTK(net, x)
                    let eta = p.double("stepFraction") * 2 / (try eigvalsh(k0)).maxAll()
                    var initialLoss = 0.0, finalLoss = 0.0, steps = 0
                    let trained = NTKSetup.train(net, parameters: net.parameters, x: x, y: y, learningRate: eta, maxSteps: p.int("maxSteps"), rng: &rng) { step, _, f in
                        let loss = 0.5 * square(f - y).sumAll()
                        if step == 0 { initialLoss = loss }
                        finalLoss = loss
                        steps = step
                        return loss > initialLoss / drop
                    }
                    reached = reached && initialLoss / finalLoss >= drop
                    maxSteps[scaling] = Swift.max(maxSteps[scaling] ?? 0, steps)
                    changes.append(NTKSetup.relative(try empiricalNTK(net, parameters: trained, x), k0))
                    context.progress((Double(s * widths.count + k) + Double(seed + 1) / Double(seeds)) / Double(2 * widths.count),
                                     "\(scaling.rawValue), width \(width)")
                }
                let (m, se) = Statistics.meanAndStandardError(changes)
                change[scaling, default: []].append(m)
                spread[scaling, default: []].append(se)
            }
        }
        let (mf, ntk) = (change[.meanField]!, change[.ntk]!)
        context.measure("ratio", mf.last! / ntk.last!)
        let w = widths.map(Double.init)
        context.record("widths", w)
        context.record("kernel_change_ntk", ntk)
        context.record("kernel_change_mean_field", mf)
        context.note(String(format: "Fitted log-log slope of the kernel change vs width: NTK parameterization %.3f, mean-field %.3f (O(1): slope near 0). At width %d: NTK %.3g, mean-field %.3g. Training took at most %d steps (NTK) and %d steps (mean-field)%@.",
                            Statistics.logLogSlope(x: w, y: ntk), Statistics.logLogSlope(x: w, y: mf), widths.last!, ntk.last!, mf.last!,
                            maxSteps[.ntk] ?? 0, maxSteps[.meanField] ?? 0,
                            reached ? "; every run reached the \(Int(drop))-fold loss reduction" : "; some runs stopped at the step cap before the loss fell \(Int(drop))-fold"))
        context.figure(Figure(
            id: "kernel-change-vs-width", title: "Kernel change during training: NTK vs mean-field parameterization",
            caption: "‖K_T − K₀‖/‖K₀‖ after full-batch gradient descent (step \(NumberFormat.significant(p.double("stepFraction"))) × 2/λ_max(K₀)) until the loss fell \(Int(drop))-fold; mean over \(seeds) networks, band ± one standard error. The NTK parameterization is lazy (its change falls with width); the mean-field one is not.",
            chart: .plot(Plot(x: Axis("width n", scale: .log), y: Axis("‖K_{T} − K₀‖ / ‖K₀‖", scale: .log),
                              series: [Series("NTK parameterization", x: w, y: ntk, band: Band(center: ntk, spread: spread[.ntk]!), style: .lineAndMarkers),
                                       Series("mean-field", x: w, y: mf, band: Band(center: mf, spread: spread[.meanField]!), style: .lineAndMarkers)],
                              referenceLines: [.powerLaw(exponent: -0.5, through: (w[0], ntk[0]), label: "n^{−1/2}")]))))
    }
}

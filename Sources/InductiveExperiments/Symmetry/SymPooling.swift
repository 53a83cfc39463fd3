import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Pooling and Invariance": f(x) = Σ_i <g_i K, x> (a circular convolution pooled over
/// the whole signal) satisfies f(g x) = f(x) for every translation g, since g only reorders
/// the sum. Local pooling (max over windows) is only approximately invariant to small shifts.
struct SymPooling: Experiment {
    let id = "sym.pooling"
    let section = NotesSection.symmetry
    let title = "Global pooling is invariant, local pooling only approximately"
    let claim = "Convolution followed by pooling over the whole signal is exactly invariant to cyclic translations; pooling over local windows is only approximately invariant, more so for smaller shifts."
    let parameters = [
        ParameterSpec("length", "signal length n", .int(32), minimum: 4, maximum: 4096),
        ParameterSpec("channels", "convolution channels", .int(4), minimum: 1, maximum: 256),
        ParameterSpec("kernel", "convolution kernel size", .int(5), minimum: 1, maximum: 63),
        ParameterSpec("window", "local max-pooling window (and stride)", .int(8), minimum: 2, maximum: 64),
        ParameterSpec("signals", "random smooth test signals", quick: .int(64), full: .int(512), minimum: 1, maximum: 100_000),
    ]
    let checks = [
        CheckSpec("global", "max over shifts and signals of |f(gx) − f(x)| / |f(x)|, global pooling", .lessThan(1e-12)),
        CheckSpec("local-grows", "Spearman correlation of the mean local-pooling error with the shift, shifts 0 … window", .atLeast(0.99)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        if p.int("window") > p.int("length") { return "window (\(p.int("window"))) cannot exceed length (\(p.int("length")))" }
        if p.int("kernel") > p.int("length") { return "kernel (\(p.int("kernel"))) cannot exceed length (\(p.int("length")))" }
        return nil
    }

    // Each shift evaluates the convolution on all signals: shifts × signals × channels × n × k,
    // ×10 for autodiff overhead. Full size 1.5e8.
    let workBound = WorkBound("10 × (window + 1) × signals × channels × length × kernel", limit: 3e9) { p in
        10 * Double(p.int("window") + 1) * Double(p.int("signals") * p.int("channels") * p.int("length") * p.int("kernel"))
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let n = p.int("length"), c = p.int("channels"), k = p.int("kernel"), w = p.int("window"), m = p.int("signals")
        let conv = Convolution(inputChannels: 1, outputChannels: c, kernel: [k], padding: .circular, activation: .relu, using: &context.rng)
        // Smooth signals: white noise low-passed by a circular moving average of 5 samples.
        let noise = Tensor.randomNormal([m, 1, n], using: &context.rng)
        let x = (0..<5).map { noise.rolled($0 - 2, axis: 2) }.reduce(Tensor.zeros([m, 1, n]), +) / 5
        let globalPool = { (x: Tensor) in conv(x).sum(axes: [2]) }  // [m, c]
        let localPool = Pooling(.maximum, window: [w], strides: [w])
        let local = { (x: Tensor) in localPool(conv(x)) }
        let f0 = globalPool(x), l0 = local(x)
        var globalErrors: [Double] = [], localErrors: [Double] = []
        var worst = 0.0
        for s in 0...n {
            let shifted = x.rolled(s, axis: 2)
            let rowsG = (globalPool(shifted) - f0), rowsL = (local(shifted) - l0)
            var gsum = 0.0, lsum = 0.0
            for i in 0..<m {
                let fi = f0.slice([.index(i)]).norm(), li = l0.slice([.index(i)]).norm()
                let eg = rowsG.slice([.index(i)]).norm() / fi
                worst = Swift.max(worst, eg)
                gsum += eg
                lsum += rowsL.slice([.index(i), .all, .all]).norm() / li
            }
            globalErrors.append(gsum / Double(m))
            localErrors.append(lsum / Double(m))
        }
        context.measure("global", worst)
        let shifts = (0...w).map(Double.init)
        context.measure("local-grows", Statistics.spearman(shifts, Array(localErrors[0...w])))
        context.record("global_error", globalErrors)
        context.record("local_error", localErrors)
        context.note(String(format: "Local max pooling (window %d): mean relative change %.3g at shift 1, %.3g at shift %d, %.3g at shift %d (a whole window: the pooled outputs are then permuted, not equal).",
                            w, localErrors[1], localErrors[w / 2], w / 2, localErrors[w], w))
        let axis = (0...n).map(Double.init)
        let floor = 1e-17
        context.figure(Figure(
            id: "invariance-vs-shift", title: "Invariance error of pooled convolutions vs translation",
            caption: "Mean over \(m) smooth random signals of ‖f(g_s x) − f(x)‖ / ‖f(x)‖ for a cyclic shift by s samples (n = \(n)). Global pooling: rounding only (values below 1e-17 drawn at 1e-17). Local max pooling over windows of \(w) (the output is the vector of window maxima, compared with the unshifted one): changes at every shift except the full turn s = n.",
            chart: .plot(Plot(x: Axis("shift s (samples)"), y: Axis("relative change of the pooled output", scale: .log),
                              series: [Series("global sum pooling", x: axis, y: globalErrors.map { Swift.max($0, floor) }, style: .lineAndMarkers),
                                       Series("local max pooling (window \(w))", x: axis, y: localErrors.map { Swift.max($0, floor) }, style: .lineAndMarkers)],
                              referenceLines: [.horizontal(1e-12, label: "1e-12")]))))
        context.figure(Figure(
            id: "local-pooling-error", title: "Local pooling: the error grows with the shift",
            caption: "The local max-pooling curve of the first figure for shifts up to one window (\(w) samples), on a linear scale: small shifts change the window maxima little (approximate invariance), a shift by a whole window permutes them.",
            chart: .plot(Plot(x: Axis("shift s (samples)"), y: Axis("relative change of the pooled output"),
                              series: [Series("local max pooling (window \(w))", x: shifts, y: Array(localErrors[0...w]), style: .lineAndMarkers)]))))
    }
}

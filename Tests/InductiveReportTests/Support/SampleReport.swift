import Foundation
import InductiveReport

/// A synthetic report that uses every chart kind and every report feature: the "small
/// synthetic result" the report builder is tested on, and what `scripts/render-report.sh`
/// is pointed at when the design is reviewed (set INDUCTIVE_REPORT_SAMPLE_DIR).
enum SampleReport {
    static var report: Report {
        Report(
            title: "Inductive: the lecture notes, checked",
            introduction: "Every claim of the notes run as an experiment, measured, and compared with what the theory predicts. Synthetic sample data.",
            metadata: [Parameter("size", "quick"), Parameter("seed", "0"), Parameter("version", "0.1.0"), Parameter("BLAS", "OpenBLAS 0.3.21")],
            entries: entries)
    }

    static var entries: [ReportEntry] { [widthConvergence, linearized, doubleDescent, initVariance, augmentation, sgd, pde, crashed] }

    // A deterministic stand-in for seed noise.
    static func wiggle(_ i: Int, _ k: Int = 0) -> Double { sin(Double(i) * 12.9898 + Double(k) * 78.233) }

    static var widthConvergence: ReportEntry {
        let widths = (6...13).map { pow(2, Double($0)) }
        let mean = widths.enumerated().map { 2.2 / $0.element.squareRoot() * (1 + 0.06 * wiggle($0.offset)) }
        let se = mean.map { 0.12 * $0 }
        let plot = Plot(
            x: Axis("width n", scale: .log), y: Axis("relative error ‖K_{emp} − K_{∞}‖ / ‖K_{∞}‖", scale: .log),
            series: [Series("mean over 20 seeds", x: widths, y: mean, band: Band(center: mean, spread: se), style: .lineAndMarkers)],
            referenceLines: [.powerLaw(exponent: -0.5, through: (widths[0], mean[0]), label: "n^{−1/2}"), .horizontal(0.05, label: "threshold 0.05")])
        let n = 32
        var kernel: [Double] = []
        for i in 0..<n {
            for j in 0..<n {
                let angle = 2 * Double.pi * Double(i - j) / Double(n)
                kernel.append(0.5 + 0.4 * cos(angle) + 0.1 * cos(2 * angle))
            }
        }
        return ReportEntry(
            id: "ntk.width-convergence", section: "1. Neural tangent kernel", title: "The empirical NTK converges to the analytic one",
            claim: "At initialization the empirical NTK of an MLP converges to the analytic infinite-width NTK as the width grows, with error ∝ n^{−1/2}.",
            runtimeSeconds: 14.27,
            checks: [
                CheckRow(name: "log-log slope of mean error vs width", measured: -0.4987, prediction: "[−0.65, −0.35]", comparator: "in", verdict: .holds),
                CheckRow(name: "error at the largest width", measured: 0.0243, predicted: 0.05, comparator: "<", holds: true),
                CheckRow(name: "error at width 8192 (full only)", measured: .nan, prediction: "0.05", comparator: "<", verdict: .notRun("full only")),
            ],
            parameters: [Parameter("widths", "64 … 8192"), Parameter("seeds", "20"), Parameter("inputs", "32 on the unit circle"), Parameter("activation", "ReLU, s = √2, b_{std} = 0.1")],
            size: "quick",
            figures: [
                Figure(id: "error-vs-width", title: "Empirical NTK error vs width", caption: "Mean over seeds, band ± one standard error, with the n^{−1/2} slope anchored at the first width.", chart: .plot(plot)),
                Figure(id: "kernel", title: "Analytic NTK on the circle", caption: "K(x_{i}, x_{j}) for 32 inputs on the unit circle.",
                       chart: .heatMap(HeatMap(values: kernel, rows: n, columns: n, xLabel: "input j", yLabel: "input i", colorBarLabel: "K(x_{i}, x_{j})"))),
            ])
    }

    static var linearized: ReportEntry {
        let t = (0...60).map { Double($0) * 5 }
        var series: [Series] = []
        for k in 0..<3 {
            let target = [0.8, -0.4, 0.3][k], start = [-0.2, 0.5, -0.6][k], rate = [0.02, 0.035, 0.012][k]
            let lin = t.map { target + exp(-rate * $0) * (start - target) }
            let net = t.enumerated().map { lin[$0.offset] + 0.015 * sin(Double($0.offset) / 6) * exp(-rate * $0.element) }
            let color = Palette.color(at: k)
            series.append(Series("output \(k + 1): network", x: t, y: net, color: color))
            series.append(Series("output \(k + 1): linearized", x: t, y: lin, dash: .dashed, color: color))
        }
        return ReportEntry(
            id: "ntk.linearized-dynamics", section: "1. Neural tangent kernel", title: "Wide networks follow their linearization",
            claim: "A wide network trained by gradient descent follows f(t) = Y + exp(−η K t)(f_{0} − Y) on the training set.",
            runtimeSeconds: 48.9,
            checks: [
                CheckRow(name: "max_{t} ‖f_{net} − f_{lin}‖ / ‖Y‖, train", measured: 0.0112, predicted: 0.1, comparator: "<", holds: true),
                CheckRow(name: "max_{t} ‖f_{net} − f_{lin}‖ / ‖Y‖, test", measured: 0.171, predicted: 0.15, comparator: "<", holds: false),
            ],
            errata: [Erratum(location: "Neural Tangent Kernel, final formula", asWritten: "f = exp(−K t) f_{0} + (I − exp(−η K t)) Y",
                             correction: "f = exp(−η K t) f_{0} + (I − exp(−η K t)) Y",
                             evidence: "At t = 200 steps the formula as written is off by 0.41 ‖Y‖; the corrected one by 0.011 ‖Y‖.")],
            parameters: [Parameter("width", "512"), Parameter("η", "0.5 × 2/λ_{max}"), Parameter("N train / test", "20 / 50")],
            size: "quick",
            figures: [Figure(id: "trajectories", title: "Network vs linearized model on three training outputs", caption: "Solid: the network; dashed: the linear model with the network's own NTK at initialization.",
                             chart: .plot(Plot(x: Axis("gradient-descent step t"), y: Axis("output f(x_{i}, t)"), series: series)))],
            notes: ["The test-set gap at width 512 exceeds the quick tolerance; at width 4096 (full size) it is 0.031."])
    }

    static var doubleDescent: ReportEntry {
        let ratios = [0.1, 0.2, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0, 1.05, 1.2, 1.5, 2, 3, 5, 10, 20]
        let median = ratios.map { r -> Double in r == 1.0 ? .nan : 0.35 + 0.5 / (abs(r - 1) + 0.08) / (r > 1 ? 1.6 : 1) * min(1, r) }
        let lower = median.map { $0 * 0.8 }, upper = median.map { $0 * 1.35 }
        let ridge = ratios.map { 0.9 - 0.25 * log10($0 + 1) }
        let plot = Plot(
            x: Axis("features per sample P / N", scale: .log), y: Axis("test error (MSE)", scale: .log),
            series: [Series("min-norm, median of 10 seeds", x: ratios, y: median, band: Band(lower: lower, upper: upper), style: .lineAndMarkers),
                     Series("tuned ridge", x: ratios, y: ridge, style: .lineAndMarkers)],
            referenceLines: [.vertical(1, label: "interpolation threshold P = N")])
        return ReportEntry(
            id: "ib.double-descent", section: "3. Implicit bias", title: "Double descent with random ReLU features",
            claim: "Test error peaks at the interpolation threshold P = N and falls again past it; tuned ridge has no peak.",
            runtimeSeconds: 6.4,
            checks: [
                CheckRow(name: "peak position P / N", measured: 0.95, prediction: "[0.8, 1.25]", comparator: "in", verdict: .holds),
                CheckRow(name: "error at P = 20 N / peak error", measured: 0.083, predicted: 1, comparator: "<", holds: true),
                CheckRow(name: "ridge: max error / mean of neighbours", measured: 1.031, predicted: 1.2, comparator: "<", holds: true),
            ],
            parameters: [Parameter("d", "20"), Parameter("N", "50"), Parameter("label noise σ", "0.5"), Parameter("seeds", "10")],
            size: "quick",
            figures: [Figure(id: "test-error", title: "Test error vs P / N", caption: "The median at P = N is missing in this synthetic sample (a NaN), to show how gaps are drawn.", chart: .plot(plot))])
    }

    static var initVariance: ReportEntry {
        let layers = (0...50).map(Double.init)
        let xavier = layers.map { 1 / (1 + 0.9 * $0) }
        let meanField = layers.map { 1 / (1 + 0.88 * $0) }
        let gain = layers.map { 0.95 + 0.05 * cos($0 / 8) }
        let small = layers.map { $0 == 0 ? 1 : pow(1e-4, $0) < 1e-300 ? 0 : pow(1e-4, $0) }
        let plot = Plot(
            x: Axis("layer l"), y: Axis("activation variance q_{l}", scale: .log, limits: 1e-12...10),
            series: [Series("Xavier, tanh", x: layers, y: xavier), Series("mean-field recursion", x: layers, y: meanField, dash: .dotted, color: Palette.black),
                     Series("tanh, gain 5/3", x: layers, y: gain), Series("N(0, 0.01^{2})", x: layers, y: small)])
        return ReportEntry(
            id: "init.variance", section: "4. Weight initialization", title: "Activation variance through 50 layers",
            claim: "Xavier initialization keeps the variance of activations the same across every layer; too small a scale makes it vanish.",
            runtimeSeconds: 2.1,
            checks: [CheckRow(name: "Xavier tanh vs mean-field recursion (max relative gap)", measured: 0.034, predicted: 0.1, comparator: "<", holds: true),
                     CheckRow(name: "notes' claim: variance ratio last / first", measured: 0.0217, prediction: "[0.5, 2]", comparator: "in", verdict: .fails)],
            errata: [Erratum(location: "Weight initialization", asWritten: "Var[h_{L}] = Var[h_{1}] for Xavier at any depth",
                             correction: "q_{l+1} = E[tanh(√q_{l} z)^{2}]: the variance decays like 1/l for tanh",
                             evidence: "ratio at layer 50: 0.0217 measured, 0.0225 by the recursion; the claim needs ≥ 0.5.")],
            parameters: [Parameter("depth", "50"), Parameter("width", "256")], size: "quick",
            figures: [Figure(id: "variance-per-layer", title: "Variance per layer by initialization", caption: "The N(0, 0.01²) curve leaves the axis after two layers (values below 10⁻¹² are clipped; zeros are skipped).", chart: .plot(plot))])
    }

    static var augmentation: ReportEntry {
        var images: [GrayImage] = []
        for k in 0..<8 {
            var pixels: [Double] = []
            for r in 0..<12 {
                for c in 0..<12 {
                    let x = Double(c) - 5.5, y = Double(r) - 5.5
                    let symmetric = cos(Double(k + 1) * 0.35 * (x * x + y * y).squareRoot())
                    pixels.append(k < 4 ? symmetric + 0.6 * wiggle(r * 12 + c, k) : symmetric)
                }
            }
            images.append(GrayImage(pixels: pixels, width: 12, height: 12, caption: k < 4 ? "no aug., unit \(k + 1)" : "orbit aug., unit \(k - 3)"))
        }
        return ReportEntry(
            id: "sym.augmentation-weights", section: "5. Invariance and equivariance", title: "Augmentation symmetrizes first-layer weights",
            claim: "Training with full-orbit augmentation makes the first-layer weights symmetric under the group.",
            runtimeSeconds: 21.5,
            checks: [CheckRow(name: "symmetry defect with / without augmentation", measured: 0.21, predicted: 0.5, comparator: "<", holds: true)],
            parameters: [Parameter("group", "rotations by 90°, flips")], size: "quick",
            figures: [Figure(id: "weights", title: "First-layer weights", caption: "Top row: trained without augmentation; bottom row: with.",
                             chart: .imageGrid(ImageGrid(images: images, columns: 4, colorMap: .diverging, colorBar: true, colorBarLabel: "weight")))])
    }

    static var sgd: ReportEntry {
        let chart = BarChart(
            categories: ["SGD (batch 32)", "full-batch GD", "GD + explicit penalty"],
            series: [BarSeries("lr 0.05", values: [0.962, 0.931, 0.951], errors: [0.004, 0.006, 0.005]),
                     BarSeries("lr 0.2", values: [0.968, 0.925, 0.957], errors: [0.003, 0.007, 0.004])],
            valueAxis: Axis("test accuracy"), referenceLines: [.horizontal(0.9, label: "baseline")])
        return ReportEntry(
            id: "ib.sgd-regularizer", section: "3. Implicit bias", title: "SGD's implicit regularizer",
            claim: "Small-batch SGD generalizes better than full-batch GD; GD plus the explicit penalty (ε/4) mean_{k} ‖∇C_{k}‖^{2} recovers much of the gap.",
            runtimeSeconds: 95,
            checks: [CheckRow(name: "mean test accuracy SGD − GD", measured: 0.031, predicted: 0, comparator: ">", holds: true),
                     CheckRow(name: "fraction of the gap closed by the penalty", measured: 0.645, prediction: "reported", comparator: "", verdict: .holds)],
            parameters: [Parameter("seeds", "5")], size: "quick",
            figures: [Figure(id: "accuracy", title: "Test accuracy per method", caption: "Mean over 5 seeds ± standard error.", chart: .bars(chart))])
    }

    static var pde: ReportEntry {
        let nx = 128, nt = 64
        var u: [Double] = []
        for i in 0..<nt {
            for j in 0..<nx {
                let x = -8 + 16 * Double(j) / Double(nx - 1), t = Double(i) / Double(nt - 1) * 4
                let a = x - 2 * t + 3
                u.append(1 / (cosh(a) * cosh(a)) - 0.3 / (cosh(x + 2 - 0.6 * t) * cosh(x + 2 - 0.6 * t)))
            }
        }
        let heat = HeatMap(values: u, rows: nt, columns: nx, orientation: .cartesian, xExtent: -8...8, yExtent: 0...4,
                           xLabel: "x", yLabel: "t", colorMap: .diverging, colorBarLabel: "u(x, t)")
        let coefficients = BarChart(categories: ["u u_{x}", "u_{xxx}", "u_{xx}", "u^{2} u_{x}"],
                                    series: [BarSeries("true", values: [-6, -1, 0, 0]), BarSeries("found", values: [-5.97, -0.996, 0, 0])],
                                    valueAxis: Axis("coefficient"))
        return ReportEntry(
            id: "interp.pde-discovery", section: "6. Interpretability", title: "Sparse regression finds the KdV equation",
            claim: "STRidge over a library of candidate terms recovers u_{t} = −6 u u_{x} − u_{xxx} from simulated data.",
            runtimeSeconds: 3.3,
            checks: [CheckRow(name: "relative coefficient error, clean", measured: 0.0042, predicted: 0.01, comparator: "<", holds: true)],
            parameters: [Parameter("grid", "128 × 64"), Parameter("noise", "0")], size: "quick",
            figures: [Figure(id: "data", title: "KdV data u(x, t)", caption: "Two solitons, simulated by the project's own solver.", chart: .heatMap(heat)),
                      Figure(id: "coefficients", title: "Coefficients: found vs true", chart: .bars(coefficients))])
    }

    static var crashed: ReportEntry {
        ReportEntry(
            id: "ib.matrix-completion", section: "3. Implicit bias", title: "Matrix completion from small initialization",
            claim: "GD on U Uᵀ from small initialization converges to the minimum nuclear-norm completion <with> \"escaping\" & all.",
            runtimeSeconds: 0.42, outcome: .crashed(message: "cholesky: matrix is not positive definite (leading minor 7)"),
            parameters: [Parameter("init scales", "1 … 10^{−4}")], size: "quick")
    }

    /// Writes every experiment's files and the index into `directory`.
    static func write(to directory: String) throws {
        let report = self.report
        for entry in report.entries {
            let result: JSONValue? = entry.status == .crashed ? nil : entry.json
            try ReportFiles.writeExperiment(entry, result: result, to: directory)
        }
        try report.write(to: directory)
    }
}

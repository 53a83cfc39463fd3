import Foundation
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Separable data, shared by the linear-network experiments: Gaussian inputs labelled by the
/// sign of a random teacher direction (separable through the origin by construction).
enum SeparableData {
    static func make(samples: Int, dimension: Int, using rng: inout RandomGenerator) -> (x: Tensor, y: Tensor) {
        let x = Tensor.randomNormal([samples, dimension], using: &rng)
        let teacher = Tensor.randomNormal([dimension], using: &rng)
        let y = matmul(x, teacher).map { $0 >= 0 ? 1 : -1 }
        return (x, y)
    }

    /// Steps at which a run is sampled for a figure: about 60, evenly spaced in log(step).
    static func logSteps(_ steps: Int) -> Set<Int> {
        var s: Set<Int> = [0, steps]
        for k in 0...60 { s.insert(Int((Foundation.pow(Double(Swift.max(steps, 1)), Double(k) / 60)).rounded())) }
        return s
    }
}

/// Notes, "Sparsity in the frequency domain" (Gunasekar et al. 2018): gradient descent with
/// the exponential loss on L-layer linear fully connected networks converges in direction to
/// the hard-margin SVM for every depth L.
struct LinearNetsSVM: Experiment {
    let id = "ib.linear-nets-svm"
    let section = NotesSection.implicitBias
    let title = "Deep linear networks converge in direction to the hard-margin SVM"
    let claim = "L-layer linear fully connected nets trained on separable data with exponential loss converge in direction to the hard-margin SVM, for every depth."
    let parameters = [
        ParameterSpec("samples", "training examples N", .int(20), minimum: 2, maximum: 10_000),
        ParameterSpec("dimension", "input dimension d", .int(10), minimum: 1, maximum: 500),
        ParameterSpec("depths", "depths L", .ints([1, 2, 3]), minimum: 1, maximum: 100, minimumCount: 1),
        ParameterSpec("steps", "gradient steps", quick: .int(1000), full: .int(20_000), minimum: 1, maximum: 10_000_000),
        ParameterSpec("learningRate", "length of each (gradient-normalized) step", .double(0.1), minimum: 1e-9, maximum: 10),
        ParameterSpec("initScale", "initialization scale (weights N(0, initScale² / d))", .double(0.5), minimum: 1e-9, maximum: 100),
    ]
    let checks = [
        CheckSpec("cosine", "worst over depths L of cos(β̂_L, w_SVM) after training", .greaterThan(0.99)),
    ]

    // A step of depth L costs about 4 L d² (forward and backward products) plus 4 N d for the
    // margins; the SVM sweeps cost N d each (up to 1e5). Full size 1.2e8 (the floor 1e10 applies).
    let workBound = WorkBound("steps × Σ_L (4 L d² + 4 N d) + 1e5 N d", limit: 1e10) { p in
        let d = Double(p.int("dimension")), n = Double(p.int("samples"))
        return Double(p.int("steps")) * p.ints("depths").reduce(0.0) { $0 + 4 * Double($1) * d * d + 4 * n * d } + 1e5 * n * d
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let (x, y) = SeparableData.make(samples: p.int("samples"), dimension: p.int("dimension"), using: &context.rng)
        let svm = hardMarginSVM(x, y)
        let direction = svm.weights / svm.weights.norm()
        context.note(String(format: "Hard-margin SVM (dual coordinate ascent): margin 1 / ‖w‖ = %.4g, duality gap %.1e, %@; %d support vectors.",
                            1 / svm.weights.norm(), svm.dualityGap, svm.diagnostics.description, svm.dual.scalars.filter { $0 > 1e-9 }.count))
        let steps = p.int("steps"), sampled = SeparableData.logSteps(steps)
        let svmMargin = 1 / svm.weights.norm()
        let z = x * y.reshaped([y.count, 1])
        var worst = 1.0
        var cosineSeries: [Series] = [], marginSeries: [Series] = []
        for (k, depth) in p.ints("depths").enumerated() {
            var rng = context.rng.child(UInt64(depth))
            let start = LinearNetwork(architecture: .fullyConnected(layers: depth), inputSize: p.int("dimension"),
                                      initScale: p.double("initScale"), using: &rng)
            var ts: [Double] = [], gaps: [Double] = [], margins: [Double] = []
            let trained = exponentialLossDescent(start, x: x, y: y, learningRate: p.double("learningRate"), steps: steps,
                                                 rule: .gradientNormalized) { step, net in
                if step > 0 && sampled.contains(step) {
                    let beta = net.predictor
                    ts.append(Double(step))
                    gaps.append(Swift.max(1 - cosineSimilarity(beta, direction), 1e-16))
                    margins.append(Swift.max(1 - matmul(z, beta).minAll() / beta.norm() / svmMargin, 1e-16))
                }
                return true
            }
            let beta = trained.predictor
            let cosine = cosineSimilarity(beta, direction)
            worst = Swift.min(worst, cosine)
            context.note(String(format: "L = %d: cos(β̂, w_SVM) = %.6f after %d steps; normalized margin %.5f of the SVM's; ‖β‖ = %.3g.",
                                depth, cosine, steps, matmul(z, beta).minAll() / beta.norm() / svmMargin, beta.norm()))
            context.record("one_minus_cosine_L\(depth)", gaps)
            context.record("margin_gap_L\(depth)", margins)
            if k == 0 { context.record("sampled_steps", ts) }
            cosineSeries.append(Series("L = \(depth)", x: ts, y: gaps, color: Palette.color(at: k)))
            marginSeries.append(Series("L = \(depth)", x: ts, y: margins, color: Palette.color(at: k)))
            context.progress(Double(k + 1) / Double(p.ints("depths").count))
        }
        context.measure("cosine", worst)

        // The notes write the limit as β*_ℓ2 / ‖β*_ℓ0‖. Whatever the denominator means, it is a
        // positive scalar: the direction is that of β*_ℓ2 either way, which the cosine check
        // measures. The left side lim P(w)/‖P(w)‖ is a unit vector, so the denominator must be
        // ‖β*_ℓ2‖₂; any other scalar only changes the length, and comparing vectors of
        // different lengths would separate "as written" from the correction whatever the
        // training did. No number can tell the two apart as directions, so this is recorded
        // as a typo in a note, not as an erratum.
        context.note("Notation: the notes write the fully connected limit as β*_ℓ2 / ‖β*_ℓ0‖; since lim P(w(t)) / ‖P(w(t))‖ is a unit vector, the denominator must be ‖β*_ℓ2‖₂ (ℓ0 is a typo for ℓ2). Both versions point along β*_ℓ2, so the measurement (the cosine above) cannot and need not separate them: a typo, not an erratum.")

        context.figure(Figure(
            id: "cosine", title: "Direction of deep linear networks vs the hard-margin SVM",
            caption: "1 − cos(β̂, w_SVM) for the end-to-end predictor β of L-layer linear nets, exponential loss, fixed-length (gradient-normalized) steps of \(p.double("learningRate")). N = \(p.int("samples")), d = \(p.int("dimension")). The dashed line is the check's 1 − 0.99.",
            chart: .plot(Plot(x: Axis("step", scale: .log), y: Axis("1 − cos(β̂, w_SVM)", scale: .log), series: cosineSeries,
                              referenceLines: [.horizontal(0.01, label: "cos = 0.99")]))))
        context.figure(Figure(
            id: "margin", title: "Normalized margin approaching the SVM margin",
            caption: "1 − (min_n y_n⟨x_n, β⟩ / ‖β‖) / γ_SVM: the normalized margin converges to the maximum margin γ_SVM = 1 / ‖w_SVM‖ (slowly, like 1 / log t, with a constant step; fixed-length steps make the norm grow linearly and the approach faster).",
            chart: .plot(Plot(x: Axis("step", scale: .log), y: Axis("relative margin gap", scale: .log), series: marginSeries))))
    }
}

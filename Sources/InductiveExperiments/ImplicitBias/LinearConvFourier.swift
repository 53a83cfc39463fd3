import Foundation
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Sparsity in the frequency domain" (Gunasekar et al. 2018): a 2-layer linear
/// network whose first layer is a full-width circular convolution, trained with the
/// exponential loss, converges in direction to the separator of minimum ℓ1 norm of its
/// Fourier coefficients (sparse in frequency), while a fully connected one converges to the
/// ℓ2 hard-margin SVM.
struct LinearConvFourier: Experiment {
    let id = "ib.linear-conv-fourier"
    let section = NotesSection.implicitBias
    let title = "Linear convolutional networks prefer few frequencies"
    let claim = "2-layer linear convolutional nets converge in direction to the minimum ℓ1-norm-of-Fourier-coefficients margin solution (sparse in frequency), unlike fully connected ones, which converge to the ℓ2 SVM."
    let parameters = [
        ParameterSpec("samples", "training examples N", .int(8), minimum: 2, maximum: 5000),
        ParameterSpec("dimension", "input dimension d (the convolution is circular over d)", .int(16), minimum: 2, maximum: 256),
        ParameterSpec("steps", "gradient steps", quick: .int(4000), full: .int(100_000), minimum: 1, maximum: 10_000_000),
        ParameterSpec("learningRate", "length of each (gradient-normalized) step", .double(0.1), minimum: 1e-9, maximum: 10),
        ParameterSpec("initScale", "initialization scale (weights N(0, initScale² / d))", .double(0.5), minimum: 1e-9, maximum: 100),
    ]
    let checks = [
        CheckSpec("conv-fourier", "conv net: cos(β̂, β*_F,1)", .greaterThan(0.95)),
        CheckSpec("conv-prefers-fourier", "conv net: cos(β̂, β*_F,1) − cos(β̂, w_SVM)", .greaterThan(0)),
        CheckSpec("fc-prefers-svm", "fully connected net (L = 2): cos(β̂, w_SVM) − cos(β̂, β*_F,1)", .greaterThan(0)),
    ]

    // Per step: the convolutional net about 6 d² (convolution and two correlations), the
    // fully connected one 8 d², both 4 N d for margins; the Fourier-ℓ1 solver up to 1e5
    // iterations of O(d² + N d) after a d³ setup. Full size 5.9e8 (the floor 1e10 applies).
    let workBound = WorkBound("steps × (14 d² + 8 N d) + 1e5 × (4 d² + 2 N d)", limit: 1e10) { p in
        let d = Double(p.int("dimension")), n = Double(p.int("samples"))
        return Double(p.int("steps")) * (14 * d * d + 8 * n * d) + 1e5 * (4 * d * d + 2 * n * d)
    }

    /// |DFT(β)| (unnormalized), shape [d], by the FFT (O(d log d)).
    static func spectrum(_ beta: Tensor) -> [Double] {
        fft(ComplexTensor(real: beta.reshaped([beta.count]))).magnitude.scalars
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let d = p.int("dimension")
        let (x, y) = SeparableData.make(samples: p.int("samples"), dimension: d, using: &context.rng)
        let svm = hardMarginSVM(x, y)
        let fourier = try minimumFourierL1Margin(x, y)
        let svmDirection = svm.weights / svm.weights.norm()
        let fourierDirection = fourier.coefficients / fourier.coefficients.norm()
        context.note(String(format: "ℓ2 hard-margin SVM: duality gap %.1e, %@. Minimum Fourier-ℓ1 margin solution (ADMM): duality gap %.1e, %@. The two solutions' cosine: %.4f.",
                            svm.dualityGap, svm.diagnostics.description, fourier.dualityGap, fourier.diagnostics.description,
                            cosineSimilarity(svmDirection, fourierDirection)))
        let steps = p.int("steps"), sampled = SeparableData.logSteps(steps)
        var trained: [String: Tensor] = [:]
        var series: [Series] = []
        for (k, (name, architecture)) in [("conv", LinearNetwork.Architecture.circularConvolution),
                                          ("fc", .fullyConnected(layers: 2))].enumerated() {
            var rng = context.rng.child(UInt64(k + 1))
            let start = LinearNetwork(architecture: architecture, inputSize: d, initScale: p.double("initScale"), using: &rng)
            var ts: [Double] = [], toFourier: [Double] = [], toSVM: [Double] = []
            let net = exponentialLossDescent(start, x: x, y: y, learningRate: p.double("learningRate"), steps: steps,
                                             rule: .gradientNormalized) { step, net in
                if step > 0 && sampled.contains(step) {
                    let beta = net.predictor
                    ts.append(Double(step))
                    toFourier.append(cosineSimilarity(beta, fourierDirection))
                    toSVM.append(cosineSimilarity(beta, svmDirection))
                }
                return true
            }
            trained[name] = net.predictor
            let label = name == "conv" ? "conv net" : "FC net"
            series.append(Series("\(label): cos with β*_F,1", x: ts, y: toFourier, color: Palette.color(at: 2 * k)))
            series.append(Series("\(label): cos with w_SVM", x: ts, y: toSVM, dash: .dashed, color: Palette.color(at: 2 * k + 1)))
            context.record("cosine_fourier_\(name)", toFourier)
            context.record("cosine_svm_\(name)", toSVM)
            if k == 0 { context.record("sampled_steps", ts) }
            context.progress(Double(k + 1) / 2)
        }
        let conv = trained["conv"]!, fc = trained["fc"]!
        let convF = cosineSimilarity(conv, fourierDirection), convS = cosineSimilarity(conv, svmDirection)
        let fcF = cosineSimilarity(fc, fourierDirection), fcS = cosineSimilarity(fc, svmDirection)
        context.measure("conv-fourier", convF)
        context.measure("conv-prefers-fourier", convF - convS)
        context.measure("fc-prefers-svm", fcS - fcF)
        context.note(String(format: "After %d steps: conv net cos with β*_F,1 %.5f, with w_SVM %.5f; FC net cos with w_SVM %.5f, with β*_F,1 %.5f.",
                            steps, convF, convS, fcS, fcF))

        let spectra: [(String, Tensor)] = [("conv net", conv), ("β*_F,1", fourier.coefficients), ("FC net", fc), ("w_SVM", svm.weights)]
        let frequencies = (0..<d).map(Double.init)
        var spectrumSeries: [Series] = []
        for (k, (name, beta)) in spectra.enumerated() {
            // Each spectrum scaled to unit maximum, so shapes compare.
            let s = Self.spectrum(beta / beta.norm())
            let top = s.max()!
            context.record("spectrum_" + name.filter { $0.isLetter || $0.isNumber }, s)
            spectrumSeries.append(Series(name, x: frequencies, y: s.map { $0 / top }, style: .lineAndMarkers,
                                         dash: k % 2 == 0 ? .solid : .dashed, color: Palette.color(at: k)))
        }
        context.figure(Figure(
            id: "spectra", title: "Fourier spectra |β̂_k| of the trained nets and of both max-margin solutions",
            caption: "Each spectrum divided by its largest coefficient (k and d − k mirror each other: β is real). The convolutional net (solid) matches the sparse minimum Fourier-ℓ1 solution (dashed); the fully connected net matches the ℓ2 SVM, whose spectrum is spread. N = \(p.int("samples")), d = \(d), \(steps) steps.",
            chart: .plot(Plot(x: Axis("frequency k"), y: Axis("|β̂_k| / max_k |β̂_k|"), series: spectrumSeries))))
        context.figure(Figure(
            id: "cosines", title: "Cosines with both max-margin solutions during training",
            caption: "Solid: cosine with the minimum Fourier-ℓ1 solution; dashed: with the ℓ2 SVM.",
            chart: .plot(Plot(x: Axis("step", scale: .log), y: Axis("cosine"), series: series))))
    }
}

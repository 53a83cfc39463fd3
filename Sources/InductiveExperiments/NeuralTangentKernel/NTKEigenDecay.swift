import Foundation
import InductiveKernels
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Spectral bias": with K = Q Lambda Q^T, the training residual's component along
/// the i-th eigenvector of the NTK decays at a rate set by lambda_i, so directions of large
/// eigenvalues are learned first. Measured per step of gradient descent: the discrete rate
/// -log(1 - eta lambda_i) of the residual's projection on each top eigenvector of K_0.
struct NTKEigenDecay: Experiment {
    let id = "ntk.eigen-decay"
    let section = NotesSection.neuralTangentKernel
    let title = "Residuals decay along NTK eigenvectors at rates set by the eigenvalues"
    let claim = "The residual along the i-th NTK eigenvector decays as exp(−η λ_i t) (per step of gradient descent: by a factor 1 − η λ_i)."
    let parameters = [
        ParameterSpec("width", "hidden width n (at least 1024)", quick: .int(1024), full: .int(2048), minimum: 1, maximum: 16384),
        ParameterSpec("points", "training inputs on the unit circle", .int(24), minimum: 2, maximum: 1000),
        ParameterSpec("etaLambda", "η λ₁, the step times the largest eigenvalue (at most 0.1)", .double(0.1), minimum: 1e-9, maximum: 0.999),
        ParameterSpec("steps", "gradient-descent steps", .int(600), minimum: 3, maximum: 100_000),
        ParameterSpec("directions", "top eigendirections checked", .int(5), minimum: 1, maximum: 1000),
        ParameterSpec("fitDown", "each rate is fitted while the component is above this fraction of its start", .double(0.01), minimum: 1e-12, maximum: 0.999),
    ]
    let checks = [
        CheckSpec("rates", "worst relative error of the fitted decay rate vs −log(1 − ηλ_i), top directions", .lessThan(0.1)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        if p.int("directions") > p.int("points") { return "directions (\(p.int("directions"))) cannot exceed points (\(p.int("points")))" }
        if p.double("etaLambda") >= 1 { return "etaLambda must be below 1 (gradient descent along q₁ would not decay)" }
        if p.double("fitDown") >= 1 { return "fitDown must be below 1" }
        // The projected residuals of every step are kept, and two curves per direction drawn.
        let kept = Double(p.int("steps")) * Double(p.int("points") + 2 * p.int("directions"))
        if kept > 1e7 { return "steps × (points + 2 × directions) must be at most 1e7 (80 MB of residuals and curves), got \(WorkBound.format(kept))" }
        return nil
    }

    // Every step costs about points × width² and projects the residual on the eigenvectors
    // (points²); the full size is 6.0e10.
    let workBound = WorkBound("steps × (points × width² + points² + 1000) + 10 width² + points² × (width + points)", limit: 1.2e12) { p in
        let points = p.int("points")
        return NTKSetup.work(width: p.int("width"), points: points, steps: p.int("steps"), pointsPerStep: Double(points * points))
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let steps = p.int("steps"), top = p.int("directions")
        let angles = NTKSetup.equallySpaced(p.int("points"), offset: 0.5)
        let x = NTKSetup.circle(angles: angles), y = NTKSetup.target(angles)
        var rng = context.rng.child(2)
        let net = NTKSetup.architecture.network(inputSize: 2, width: p.int("width"), using: &rng)
        let k0 = try empiricalNTK(net, x)
        let eigen = try KernelEigensystem(k0)
        let lambda = eigen.eigenvalues.scalars
        let eta = p.double("etaLambda") / lambda[0]
        var projections: [[Double]] = []
        NTKSetup.train(net, parameters: net.parameters, x: x, y: y, learningRate: eta, maxSteps: steps, rng: &rng) { step, _, f in
            projections.append(eigen.project(f - y).scalars)
            context.progress(Double(step) / Double(steps))
            return true
        }
        var worst = 0.0
        var fitted: [Double] = [], predicted: [Double] = []
        var series: [Series] = []
        let ts = (0...steps).map(Double.init)
        for i in 0..<top {
            let magnitudes = projections.map { Swift.abs($0[i]) }
            // Fit log|r_i(k)| = a - rate k over the decay itself: from the start until the
            // component first falls below `fitDown` of its initial size. Further down, the
            // components level off (finite-width effects, see the note).
            let end = (0...steps).first { magnitudes[$0] < p.double("fitDown") * magnitudes[0] } ?? steps
            let window = Array(0...Swift.max(end, 2))
            let rate = -Statistics.linearFit(x: window.map(Double.init), y: window.map { Foundation.log(magnitudes[$0]) }).slope
            let theory = -Foundation.log(1 - eta * lambda[i])
            fitted.append(rate)
            predicted.append(theory)
            worst = Swift.max(worst, Swift.abs(rate / theory - 1))
            series.append(Series(String(format: "q_%d (ηλ = %.3g)", i + 1, eta * lambda[i]), x: ts, y: magnitudes, color: Palette.color(at: i)))
            series.append(Series("prediction \(i + 1)", x: ts, y: ts.map { magnitudes[0] * Foundation.pow(1 - eta * lambda[i], $0) },
                                 dash: .dashed, color: Palette.color(at: i), inLegend: false))
        }
        context.measure("rates", worst)
        let floors = (0..<top).map { i in projections.map { Swift.abs($0[i]) }.suffix(50).max()! / Swift.abs(projections[0][i]) }
        context.note(String(format: "Below about 10⁻³ of their start the components stop decaying: after %d steps they sit at %@ of their initial size, where the prediction is far smaller. The network is not exactly linear at width %d: its kernel moves slightly during training, which couples the eigendirections (the lazy-training experiment measures that motion).",
                            steps, floors.map { String(format: "%.1e", $0) }.joined(separator: ", "), p.int("width")))
        context.record("eigenvalues", lambda)
        context.record("fitted_rates", fitted)
        context.record("predicted_rates", predicted)
        context.note(String(format: "Top eigenvalues of K₀: %@; η = %.4g. Fitted per-step rates %@ against −log(1 − ηλ_i) = %@. The continuous-time rate ηλ₁ = %.3f differs from −log(1 − ηλ₁) = %.4f by %.1f%%.",
                            lambda.prefix(top).map { String(format: "%.4g", $0) }.joined(separator: ", "), eta,
                            fitted.map { String(format: "%.4g", $0) }.joined(separator: ", "),
                            predicted.map { String(format: "%.4g", $0) }.joined(separator: ", "),
                            eta * lambda[0], predicted[0], (predicted[0] / (eta * lambda[0]) - 1) * 100))

        // Errata of the spectral-bias section, each with the number that tells the versions apart.
        let q = eigen.eigenvectors, lam = eigen.eigenvalues
        let t = 50.0
        let decay = lam.map { Foundation.exp(-eta * $0 * t) }
        let correctFlow = matmul(q * decay, q, transposeB: true)
        let writtenFlow = matmul(matmul(q, Tensor.diagonal(decay), transposeA: true), q)
        let writtenGap = NTKSetup.relative(writtenFlow, correctFlow)
        let correctGap = NTKSetup.relative(correctFlow, try symmetricExp(k0 * (-eta * t)))
        context.erratum(location: "Spectral bias, exp(−Kt)",
                        asWritten: "e^{−Kt} = Qᵀ e^{−Λt} Q  (with K = Q Λ Qᵀ)",
                        correction: "e^{−Kt} = Q e^{−Λt} Qᵀ (the eigenvectors are the columns of Q).",
                        evidence: String(format: "For the measured K₀ at ηt = %.3g: ‖Qᵀe^{−Λt}Q − e^{−ηKt}‖ / ‖e^{−ηKt}‖ = %.2f, while ‖Qe^{−Λt}Qᵀ − e^{−ηKt}‖ / ‖e^{−ηKt}‖ = %.1e.",
                                         eta * t, writtenGap, correctGap),
                        // Both sides are computed from one eigendecomposition: agreement is rounding (cond × 1e-16 ≪ 1e-6).
                        separation: ErratumSeparation(measure: "relative Frobenius distance to e^{−ηKt} computed directly", asWrittenMiss: writtenGap,
                                                      correctedMiss: correctGap, threshold: 1e-6))
        let r0 = projections[0][0], rT = projections[steps][0]
        context.erratum(location: "Spectral bias, residual in the eigenbasis",
                        asWritten: "Qᵀ(f(X, θ(t)) − Y) = −e^{Λt} Qᵀ Y, and in matrix form [q_iᵀ](f − Y) = diag(e^{−λ_i t}) [q_iᵀ] Y (without the minus sign)",
                        correction: "Qᵀ(f(X, θ(t)) − Y) = e^{−ηΛt} Qᵀ(f(X, θ(0)) − Y): the exponent is negative, η multiplies Λ, and f₀ is not 0.",
                        evidence: String(format: "Along q₁ after %d steps the measured |residual| went from %.3g to %.3g (a decay by %.2g; e^{+λ₁t} would grow by e^{%.0f}). The learning rate: without η the rate per step would be λ₁ = %.3g instead of the measured %.3g. f₀ = 0: ‖Qᵀf₀‖ / ‖QᵀY‖ = %.2f at initialization.",
                                         steps, Swift.abs(r0), Swift.abs(rT), Swift.abs(rT / r0), lambda[0] * Double(steps), lambda[0], fitted[0],
                                         eigen.project(net(x)).norm() / eigen.project(y).norm()),
                        // Per-step decay rate along q₁: measured (fitted) against −log(1 − ηλ₁) (corrected) and
                        // −λ₁ (as written: growth e^{+λ₁t}); relative misses, agreement as in the rates check.
                        separation: ErratumSeparation(measure: "fitted per-step decay rate along q₁ vs each version's rate, |measured / predicted − 1|; agreement up to the rates check's 0.1",
                                                      asWrittenMiss: Swift.abs(fitted[0] / (-lambda[0]) - 1),
                                                      correctedMiss: Swift.abs(fitted[0] / predicted[0] - 1), threshold: 0.1))
        // The residual sum Σ_i q_iᵀ(f − Y) q_i = Σ_i (e^{−λ_i t} q_iᵀY) q_i lacks a minus sign (and f₀).
        // Compared over the top directions at step k = steps / 10, with η and the per-step
        // factors (1 − ηλ_i)^k given to both versions so that only the sign and f₀ differ.
        let k = Swift.max(1, steps / 10)
        let yProjected = eigen.project(y).scalars
        var measuredNorm = 0.0, sumWritten = 0.0, sumCorrected = 0.0
        for i in 0..<top {
            let factor = Foundation.pow(1 - eta * lambda[i], Double(k)), m = projections[k][i]
            measuredNorm += m * m
            sumWritten += Foundation.pow(m - factor * yProjected[i], 2)
            sumCorrected += Foundation.pow(m - factor * projections[0][i], 2)
        }
        let writtenMiss = (sumWritten / measuredNorm).squareRoot(), correctedMiss = (sumCorrected / measuredNorm).squareRoot()
        context.erratum(location: "Spectral bias, residual as a sum over eigenvectors",
                        asWritten: "f(X, θ(t)) − Y = Σ_i (e^{−λ_i t} q_iᵀY) q_i",
                        correction: "f(X, θ(t)) − Y = Σ_i e^{−ηλ_i t} q_iᵀ(f(X, θ(0)) − Y) q_i, i.e. −Σ_i (e^{−ηλ_i t} q_iᵀY) q_i when f₀ = 0: the minus sign is missing.",
                        evidence: String(format: "Over the top %d directions after %d steps, the measured coefficients q_iᵀ(f − Y) are %.3g (relative) from (1 − ηλ_i)^k q_iᵀ(f₀ − Y) and %.3g from +(1 − ηλ_i)^k q_iᵀY.",
                                         top, k, correctedMiss, writtenMiss),
                        separation: ErratumSeparation(measure: "relative distance of the measured top coefficients q_iᵀ(f − Y) from each version, same decay factors; agreement up to the rates check's 0.1",
                                                      asWrittenMiss: writtenMiss, correctedMiss: correctedMiss, threshold: 0.1))
        // Six decades below the largest start: the fitted decay and the level where it stops.
        let start = (0..<top).map { Swift.abs(projections[0][$0]) }.max()!
        let yRange = (start * 1e-6)...(start * 2)
        context.figure(Figure(
            id: "projected-residuals", title: "Training residual along the top NTK eigenvectors",
            caption: "|q_iᵀ(f_t − Y)| for the top \(top) eigenvectors of the empirical NTK at initialization (solid) and (1 − ηλ_i)^t |q_iᵀ(f₀ − Y)| (dashed). Equally spaced points on the circle give eigenvalues in pairs (cos and sin of one frequency).",
            chart: .plot(Plot(x: Axis("step"), y: Axis("|q_iᵀ (f − Y)|", scale: .log, limits: yRange), series: series))))
    }
}

import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Early stopping": on a quadratic with Hessian Q Lambda Q^T, tau steps of gradient
/// descent with step eps from 0 give Q^T w_tau = [I - (I - eps Lambda)^tau] Q^T w*, while
/// weight decay gives Q^T w~ = Lambda (Lambda + alpha I)^-1 Q^T w*; the notes equate them
/// with alpha ~ 1 / (tau eps), a match they derive for eps lambda << 1 and lambda/alpha << 1.
struct EarlyStopping: Experiment {
    let id = "ib.early-stopping"
    let section = NotesSection.implicitBias
    let title = "Early stopping acts like L2 with α ≈ 1/(τε)"
    let claim = "Stopping gradient descent at step τ acts like L2 regularization with α ≈ 1 / (τε): along each eigendirection 1 − (1 − ελ)^τ ≈ λ / (λ + α)."
    let parameters = [
        ParameterSpec("directions", "Hessian eigenvalues (log-spaced)", .int(61), minimum: 2, maximum: 2000),
        ParameterSpec("steps", "τ, the stopping step", .int(2000), minimum: 1, maximum: 1_000_000),
    ]
    // Every gradient-descent step multiplies by the Hessian (directions², plus 1000 of
    // overhead); building it costs directions³. The full size is 9.7e6.
    let workBound = WorkBound("steps × (directions² + 1000) + directions³", limit: 2e8) { p in
        let d = Double(p.int("directions"))
        return Double(p.int("steps")) * (d * d + 1000) + d * d * d
    }
    let checks = [
        CheckSpec("small", "worst relative gap for λ/α < 0.2", .lessThan(0.1)),
        CheckSpec("large", "worst relative gap for λ/α > 10", .lessThan(0.1)),
    ]

    func run(_ context: inout ExperimentContext) throws {
        let d = context.parameters.int("directions"), tau = context.parameters.int("steps")
        // Eigenvalues from 1e-3 alpha to 1e3 alpha with alpha = 1/(tau eps), eps lambda_max = 1/2.
        let lambdaMax = 1.0, eps = 0.5 / lambdaMax
        let alpha = 1 / (Double(tau) * eps)
        let ratios = Tensor.linspace(-3, Foundation.log10(lambdaMax / alpha), count: d).map { Foundation.pow(10, $0) }
        let lambda = ratios * alpha
        let q = Initializer.orthogonal().make([d, d], fanIn: d, fanOut: d, using: &context.rng)
        let hessian = matmul(q * lambda, q, transposeB: true)
        let wStar = Tensor.randomNormal([d], using: &context.rng)
        var optimizer = GradientDescent(learningRate: eps)
        let w = minimize({ w in
            let e = w - Variable(wStar)
            return (e * matmul(Variable(hessian), e)).sum() * 0.5
        }, from: Tensor.zeros([d]), optimizer: &optimizer, steps: tau, rng: &context.rng)
        let earlyStopping = matmul(q, w, transposeA: true) / matmul(q, wStar, transposeA: true)
        let theory = lambda.map { 1 - Foundation.pow(1 - eps * $0, Double(tau)) }
        let weightDecay = lambda / (lambda + alpha)
        let gap = abs(earlyStopping - weightDecay) / weightDecay
        let r = ratios.scalars, g = gap.scalars
        context.measure("small", zip(r, g).filter { $0.0 < 0.2 }.map(\.1).max() ?? .nan)
        context.measure("large", zip(r, g).filter { $0.0 > 10 }.map(\.1).max() ?? .nan)
        let worst = gap.argmax()
        // The boundaries of the region where the gap is below 10%.
        let lowerEdge = zip(r, g).prefix { $0.1 < 0.1 }.last?.0 ?? .nan
        let upperEdge = zip(r, g).reversed().prefix { $0.1 < 0.1 }.last?.0 ?? .nan
        context.note(String(format: "The gap stays below 10%% for λ/α up to %.3g and from %.3g on; it peaks at %.1f%% at λ/α = %.2f.",
                            lowerEdge, upperEdge, gap.scalars[worst] * 100, r[worst]))
        context.note(String(format: "GD iterates match the closed form 1 − (1 − ελ)^τ to %.1e.", (earlyStopping - theory).norm(.infinity)))
        context.note("Both checks are consequences of the algebra once the iterates follow the closed form: for λ/α > 10 the gap is at most α/λ < 0.1, and for λ/α → 0 it is about λ/(2α). What the experiment measures is that gradient descent does follow it, and where between those regions the analogy breaks down.")
        context.record("lambda_over_alpha", r)
        context.record("early_stopping_factor", earlyStopping.scalars)
        context.record("weight_decay_factor", weightDecay.scalars)
        context.record("relative_gap", g)
        context.figure(Figure(
            id: "factors", title: "Early stopping vs weight decay, per eigendirection",
            caption: "τ = \(tau) steps with ε = \(eps); α = 1/(τε).",
            chart: .plot(Plot(x: Axis("λ / α", scale: .log), y: Axis("fraction of w* recovered"),
                              series: [Series("early stopping 1 − (1 − ελ)^τ (GD)", x: r, y: earlyStopping.scalars, style: .lineAndMarkers),
                                       Series("weight decay λ/(λ + α)", x: r, y: weightDecay.scalars, dash: .dashed)],
                              referenceLines: [.vertical(0.2, label: "λ/α = 0.2"), .vertical(10, label: "λ/α = 10")]))))
        context.figure(Figure(
            id: "gap", title: "Relative gap between the two shrink factors",
            chart: .plot(Plot(x: Axis("λ / α", scale: .log), y: Axis("|early − L2| / L2"),
                              series: [Series("relative gap", x: r, y: g)],
                              referenceLines: [.horizontal(0.1, label: "10%")]))))
    }
}

import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "L2 regularization": with J(w) quadratic around its minimum w* (Hessian
/// H = Q Lambda Q^T), the minimum of J + (alpha/2)||w||^2 is w~ = Q (Lambda + alpha I)^-1
/// Lambda Q^T w*: each eigendirection is shrunk by lambda_i / (lambda_i + alpha); one
/// gradient step is w <- (1 - eps alpha) w - eps grad J.
struct L2Shrinkage: Experiment {
    let id = "reg.l2-shrinkage"
    let section = NotesSection.regularization
    let title = "Weight decay shrinks each Hessian eigendirection by λ/(λ+α)"
    let claim = "Weight decay rescales the optimum along Hessian eigenvector i by λ_i / (λ_i + α), and one step of gradient descent with weight decay is w ← (1 − εα) w − ε ∇J."
    let parameters = [
        ParameterSpec("dimension", "number of weights d", quick: .int(10), full: .int(20), minimum: 1, maximum: 1000),
        ParameterSpec("samples", "rows of the least-squares problem", quick: .int(200), full: .int(500), minimum: 1, maximum: 100_000),
        ParameterSpec("alphas", "weight-decay strengths", .doubles([0.01, 0.1, 1]), minimum: 1e-12, maximum: 1e12),
        ParameterSpec("maxSteps", "cap on gradient-descent steps per alpha", .int(50_000), minimum: 1, maximum: 10_000_000),
    ]
    // Every gradient-descent step multiplies by X and Xᵀ (samples × dimension, plus 1000 of
    // overhead); the eigendecomposition and least squares cost samples × dimension². The full
    // size is 1.7e9 at the step cap.
    let workBound = WorkBound("alphas × maxSteps × (samples × dimension + 1000) + samples × dimension²", limit: 3e10) { p in
        let cells = Double(p.int("samples")) * Double(p.int("dimension"))
        return Double(p.doubles("alphas").count) * Double(p.int("maxSteps")) * (cells + 1000) + cells * Double(p.int("dimension"))
    }
    let checks = [
        CheckSpec("optimum", "max over α of ‖w_GD − Q(Λ+αI)⁻¹ΛQᵀw*‖ / ‖w*‖", .lessThan(1e-8)),
        CheckSpec("update", "one optimizer step vs (1 − εα)w − ε∇J (relative)", .lessThan(1e-12)),
    ]

    func run(_ context: inout ExperimentContext) throws {
        let d = context.parameters.int("dimension"), n = context.parameters.int("samples")
        let alphas = context.parameters.doubles("alphas")
        // Least squares J(w) = (1/2n)||X w - y||^2 with column scales spreading the Hessian's
        // eigenvalues over two decades; it is exactly quadratic, with H = X^T X / n.
        let scales = Tensor.linspace(0, 1, count: d).map { Foundation.pow(10, $0 - 0.5) }
        let x = Tensor.randomNormal([n, d], using: &context.rng) * scales
        let y = matmul(x, Tensor.randomNormal([d], using: &context.rng)) + 0.1 * Tensor.randomNormal([n], using: &context.rng)
        let hessian = matmul(x, x, transposeA: true) / Double(n)
        let (lambda, q) = try eigh(hessian)
        let wStar = try minimumNormLeastSquares(x, y).coefficients
        func cost(_ w: Variable) -> Variable { square(matmul(Variable(x), w) - Variable(y)).sum() * (0.5 / Double(n)) }

        var worst = 0.0
        var plotSeries: [Series] = []
        let fine = Tensor.linspace(Foundation.log10(lambda.minAll()) - 0.3, Foundation.log10(lambda.maxAll()) + 0.3, count: 200)
            .map { Foundation.pow(10, $0) }
        for (k, alpha) in alphas.enumerated() {
            let eps = 1 / (lambda.maxAll() + alpha)
            var optimizer = GradientDescent(learningRate: eps, weightDecay: .coupled(alpha))
            var previous = Tensor.zeros([d])
            let w = minimize(cost, from: previous, optimizer: &optimizer, steps: context.parameters.int("maxSteps"),
                             rng: &context.rng) { step, theta, _ in
                defer { previous = theta }
                return step == 0 || (theta - previous).norm() > 1e-16 * theta.norm()
            }
            let predicted = matmul(q * (lambda / (lambda + alpha)), matmul(q, wStar, transposeA: true))
            worst = Swift.max(worst, (w - predicted).norm() / wStar.norm())
            let measuredFactors = matmul(q, w, transposeA: true) / matmul(q, wStar, transposeA: true)
            plotSeries.append(Series("λ/(λ+α), α = \(alpha)", x: fine.scalars, y: fine.map { $0 / ($0 + alpha) }.scalars,
                                     color: Palette.color(at: k), inLegend: true))
            plotSeries.append(Series("measured, α = \(alpha)", x: lambda.scalars, y: measuredFactors.scalars, style: .markers,
                                     color: Palette.color(at: k), inLegend: false))
            context.record("shrink_factors_alpha_\(alpha)", measuredFactors.scalars)
            context.progress(Double(k + 1) / Double(alphas.count + 1), "α = \(alpha)")
        }
        context.measure("optimum", worst)
        context.record("hessian_eigenvalues", lambda.scalars)

        // One step of the optimizer against the formula of the notes.
        let alpha = alphas[alphas.count / 2], eps = 0.05
        let w0 = Tensor.randomNormal([d], using: &context.rng)
        var parameters = [w0]
        var optimizer = GradientDescent(learningRate: eps, weightDecay: .coupled(alpha))
        let g = gradient(at: w0, of: cost)
        optimizer.update(&parameters, gradients: [g], rng: &context.rng)
        let formula = (1 - eps * alpha) * w0 - eps * g
        context.measure("update", (parameters[0] - formula).norm() / formula.norm())

        context.figure(Figure(
            id: "shrink-factors", title: "Shrink factor along each Hessian eigenvector",
            caption: "Lines: λ/(λ+α). Markers: (Qᵀw_GD)_i / (Qᵀw*)_i measured after gradient descent with weight decay.",
            chart: .plot(Plot(x: Axis("Hessian eigenvalue λ", scale: .log), y: Axis("shrink factor", limits: 0...1.05), series: plotSeries))))
    }
}

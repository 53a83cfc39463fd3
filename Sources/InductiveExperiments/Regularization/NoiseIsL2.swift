import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Connection with noisy input": for y = sum_i w_i x_i and inputs perturbed by
/// independent eps_i ~ N(0, sigma_i^2), E[(y_noisy - t)^2] = (y - t)^2 + sum_i w_i^2 sigma_i^2,
/// so training on noisy inputs minimizes a ridge objective.
struct NoiseIsL2: Experiment {
    let id = "reg.noise-is-l2"
    let section = NotesSection.regularization
    let title = "Input noise is an L2 penalty"
    let claim = "Gaussian input noise of variance σ² adds Σ w_i² σ_i² to the expected squared loss: training with noisy inputs is ridge regression."
    let parameters = [
        ParameterSpec("dimension", "number of inputs d", .int(5), minimum: 1, maximum: 1000),
        ParameterSpec("samples", "training examples N", .int(200), minimum: 2, maximum: 100_000),
        ParameterSpec("sigma", "input noise standard deviation", .double(0.5), minimum: 0, maximum: 100),
        ParameterSpec("monteCarlo", "noise draws for the expected loss", quick: .int(100_000), full: .int(1_000_000), minimum: 2, maximum: 10_000_000),
        ParameterSpec("epochs", "SGD epochs on noisy inputs (>= 100)", quick: .int(120), full: .int(400), minimum: 1, maximum: 100_000),
        ParameterSpec("batch", "SGD batch size", .int(10), minimum: 1, maximum: 100_000),
        ParameterSpec("learningRate", "SGD step", .double(0.02), minimum: 1e-12, maximum: 10),
    ]
    let checks = [
        CheckSpec("identity", "|Monte-Carlo E[(y_noisy − t)²] − ((y − t)² + Σw_i²σ²)| in standard errors", .lessThan(3)),
        CheckSpec("ridge", "‖w̄_SGD − w_ridge‖ / ‖w_ridge‖ after the last epoch (iterate average)", .lessThan(0.02)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        if p.int("batch") > p.int("samples") { return "batch (\(p.int("batch"))) cannot exceed samples (\(p.int("samples")))" }
        // The noisy copies of the Monte-Carlo rows are held at once.
        if Double(p.int("monteCarlo")) * Double(p.int("dimension")) > 1e8 { return "monteCarlo × dimension must be at most 1e8 (800 MB of noisy inputs)" }
        return nil
    }

    // SGD draws noise for every example of every epoch (samples × dimension) and pays about
    // 1000 of overhead per step (samples / batch steps per epoch); the Monte Carlo draws
    // monteCarlo × dimension normals (10 each). The full size is 5.8e7.
    let workBound = WorkBound("epochs × samples × (dimension + 1000 / batch) + 10 monteCarlo × dimension + samples × dimension²", limit: 1.2e9) { p in
        let n = Double(p.int("samples")), d = Double(p.int("dimension"))
        return Double(p.int("epochs")) * n * (d + 1000 / Double(p.int("batch"))) + 10 * Double(p.int("monteCarlo")) * d + n * d * d
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let d = p.int("dimension"), n = p.int("samples"), sigma = p.double("sigma")
        let x = Tensor.randomNormal([n, d], using: &context.rng)
        let target = matmul(x, Tensor.randomNormal([d], using: &context.rng)) + 0.3 * Tensor.randomNormal([n], using: &context.rng)

        // The identity, by Monte Carlo at a fixed w over random examples and noise draws.
        let w = Tensor.randomNormal([d], using: &context.rng)
        let m = p.int("monteCarlo")
        let rows = (0..<m).map { _ in context.rng.integer(below: n) }
        let noisy = x.take(rows) + sigma * Tensor.randomNormal([m, d], using: &context.rng)
        let losses = square(matmul(noisy, w) - target.take(rows))
        let (mc, se) = Statistics.meanAndStandardError(losses.scalars)
        let clean = square(matmul(x, w) - target).mean().scalar
        let predicted = clean + sigma * sigma * (w * w).sumAll()
        context.measure("identity", Swift.abs(mc - predicted) / se)
        context.record("monte_carlo", .object([(key: "mean", value: .number(mc)), (key: "standard_error", value: .number(se)),
                                                (key: "identity", value: .number(predicted)), (key: "clean_loss", value: .number(clean))]))
        context.note(String(format: "Monte Carlo: %.5f ± %.5f; identity (y−t)² + σ²‖w‖² = %.5f; without the penalty term %.5f.", mc, se, predicted, clean))

        // The same objective minimized by SGD on noisy inputs, against the closed-form ridge:
        // (1/N)||Xw - t||^2 + sigma^2 ||w||^2  <=>  ||Xw - t||^2 + N sigma^2 ||w||^2.
        let wRidge = try ridge(x, target, alpha: Double(n) * sigma * sigma).coefficients
        let wPlain = try minimumNormLeastSquares(x, target).coefficients
        let epochs = p.int("epochs"), batch = p.int("batch")
        var optimizer = GradientDescent(learningRate: p.double("learningRate"))
        var params = [Tensor.zeros([d])]
        var average = Tensor.zeros([d])
        var averaged = 0
        let burnIn = epochs / 10
        var distances: [Double] = []
        for epoch in 0..<epochs {
            let order = context.rng.permutation(n)
            for s in 0..<(n / batch) {
                let idx = Array(order[(s * batch)..<((s + 1) * batch)])
                let xb = x.take(idx) + sigma * Tensor.randomNormal([batch, d], using: &context.rng)
                let tb = target.take(idx)
                let g = gradient(at: params[0]) { v in square(matmul(Variable(xb), v) - Variable(tb)).mean() }
                optimizer.update(&params, gradients: [g], rng: &context.rng)
                if epoch >= burnIn {
                    averaged += 1
                    average += (params[0] - average) / Double(averaged)
                }
            }
            let current = epoch >= burnIn ? average : params[0]
            distances.append((current - wRidge).norm() / wRidge.norm())
            context.progress(Double(epoch + 1) / Double(epochs))
        }
        context.measure("ridge", distances.last!)
        context.record("distance_to_ridge", distances)
        context.note(String(format: "The unregularized least-squares solution is %.3f away from the ridge solution (relative), so the 2%% test separates them.",
                            (wPlain - wRidge).norm() / wRidge.norm()))
        let epochsAxis = (1...epochs).map(Double.init)
        context.figure(Figure(
            id: "distance-to-ridge", title: "SGD on noisy inputs approaches the ridge solution",
            caption: "Relative distance of the SGD iterate (averaged after the first \(burnIn) epochs) to the closed-form ridge solution with α = Nσ².",
            chart: .plot(Plot(x: Axis("epoch", scale: .log), y: Axis("‖w − w_ridge‖ / ‖w_ridge‖", scale: .log),
                              series: [Series("SGD, iterate average", x: epochsAxis, y: distances)],
                              referenceLines: [.horizontal(0.02, label: "2% threshold"),
                                               .horizontal((wPlain - wRidge).norm() / wRidge.norm(), label: "least squares (no penalty)")]))))
    }
}

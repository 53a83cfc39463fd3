import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Dropout": dropping units with probability p (and, inverted, scaling the kept
/// ones by 1/(1 - p)) trains an ensemble of sub-networks with shared weights. For linear
/// regression with dropout on the inputs, E_mask[(x~ . w - y)^2] = (x . w - y)^2 +
/// p/(1 - p) sum_i w_i^2 x_i^2, so averaged over the data dropout adds the data-dependent
/// L2 penalty p/(1 - p) w^T diag(X^T X / N) w, and its minimizer is
/// (X^T X + p/(1 - p) diag(X^T X))^-1 X^T y.
struct DropoutRegularization: Experiment {
    let id = "reg.dropout"
    let section = NotesSection.regularization
    let title = "Dropout: a data-dependent L2 penalty and a cheap ensemble"
    let claim = "Dropout acts as a data-dependent L2 penalty (for linear regression p/(1−p) diag(XᵀX)) and as a cheap ensemble of sub-networks."
    let parameters = [
        ParameterSpec("rate", "p, the dropout probability of the linear identity, the SGD fit and the test-error check", .double(0.2), minimum: 0.01, maximum: 0.9),
        ParameterSpec("dimension", "inputs d of the linear regression", .int(5), minimum: 1, maximum: 1000),
        ParameterSpec("samples", "examples N of the linear regression", .int(200), minimum: 2, maximum: 100_000),
        ParameterSpec("monteCarlo", "mask draws for the expected loss", quick: .int(100_000), full: .int(1_000_000), minimum: 2, maximum: 10_000_000),
        ParameterSpec("epochs", "SGD epochs with dropout on the linear model", quick: .int(120), full: .int(400), minimum: 1, maximum: 100_000),
        ParameterSpec("learningRate", "SGD step of the linear model (batch 10)", .double(0.02), minimum: 1e-12, maximum: 10),
        ParameterSpec("rates", "p grid of the noisy-task figure", quick: .doubles([0, 0.2, 0.5]), full: .doubles([0, 0.1, 0.2, 0.3, 0.5]), minimum: 0, maximum: 0.9),
        ParameterSpec("width", "hidden width of the two-layer ReLU network", quick: .int(64), full: .int(128), minimum: 1, maximum: 4096),
        ParameterSpec("steps", "full-batch Adam steps on the noisy task", quick: .int(300), full: .int(2000), minimum: 1, maximum: 1_000_000),
        ParameterSpec("seeds", "seeds of the noisy task", .int(5), minimum: 1, maximum: 100),
        ParameterSpec("ensemble", "sub-networks of the Monte-Carlo ensemble", quick: .int(200), full: .int(1000), minimum: 2, maximum: 100_000),
    ]
    let checks = [
        CheckSpec("identity", "|Monte-Carlo E[dropout loss] − (loss + p/(1−p) wᵀdiag(XᵀX/N)w)| in standard errors", .lessThan(3)),
        CheckSpec("closed-form", "‖w̄_SGD − w_dropout‖ / ‖w_dropout‖ (iterate average, closed form (XᵀX + p/(1−p) diag XᵀX)⁻¹Xᵀy)", .lessThan(0.02)),
        CheckSpec("test-error", "noisy task: mean test MSE with dropout p / without (5 seeds)", .lessThan(1)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        if Double(p.int("monteCarlo")) * Double(p.int("dimension")) > 1e8 { return "monteCarlo × dimension must be at most 1e8 (800 MB of masked inputs)" }
        if p.int("samples") < 10 { return "samples must be at least the SGD batch of 10" }
        // The test-error check compares p with 0 on the same grid: both must be on it.
        let grid = p.doubles("rates")
        if !grid.contains(0) { return "rates must contain 0 (the baseline of the test-error check)" }
        if !grid.contains(where: { Swift.abs($0 - p.double("rate")) < 1e-12 }) { return "rates must contain rate (\(p.double("rate"))), the p of the test-error check" }
        return nil
    }

    // Linear part as reg.noise-is-l2 (epochs × samples × (d + 100) + 10 monteCarlo × d); the
    // network: seeds × rates × steps × 6 × 32 × width² (forward and backward on 32 points),
    // plus the ensemble's passes over 500 test points. The full size is 1.8e11.
    let workBound = WorkBound("epochs × samples × (d + 100) + 10 monteCarlo × d + seeds × rates × steps × 200 width² + ensemble × 1000 width²", limit: 4e12) { p in
        let w = Double(p.int("width"))
        return Double(p.int("epochs") * p.int("samples")) * Double(p.int("dimension") + 100) + 10 * Double(p.int("monteCarlo") * p.int("dimension"))
            + Double(p.int("seeds") * p.doubles("rates").count * p.int("steps")) * 200 * w * w + Double(p.int("ensemble")) * 1000 * w * w
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let rate = p.double("rate"), d = p.int("dimension"), n = p.int("samples")
        let keepScale = 1 / (1 - rate), penalty = rate / (1 - rate)
        let dropout = InductiveNN.Dropout(rate: rate)
        // Inputs with unequal scales, so the penalty is not a multiple of the identity.
        let scales = Tensor((0..<d).map { 0.5 + Double($0) / Double(Swift.max(d - 1, 1)) * 1.5 })
        let x = Tensor.randomNormal([n, d], using: &context.rng) * scales
        let target = matmul(x, Tensor.randomNormal([d], using: &context.rng)) + 0.3 * Tensor.randomNormal([n], using: &context.rng)

        // 1. The identity at a fixed w, by Monte Carlo over examples and masks.
        let w = Tensor.randomNormal([d], using: &context.rng)
        let m = p.int("monteCarlo")
        let rows = (0..<m).map { _ in context.rng.integer(below: n) }
        let masks = Tensor.randomBernoulli([m, d], p: 1 - rate, using: &context.rng) * keepScale
        let losses = square(matmul(x.take(rows) * masks, w) - target.take(rows))
        let (mc, se) = Statistics.meanAndStandardError(losses.scalars)
        let clean = square(matmul(x, w) - target).mean().scalar
        let diagGram = (x * x).sum(axes: [0])
        let predicted = clean + penalty * (w * w * diagGram).sumAll() / Double(n)
        // se = 0 only if every sampled loss is equal; the check then fails (NaN) instead of dividing by 0.
        context.measure("identity", se > 0 ? Swift.abs(mc - predicted) / se : .nan)
        context.note(String(format: "Monte Carlo: %.5f ± %.5f; identity %.5f; without the penalty %.5f.", mc, se, predicted, clean))

        // 2. SGD with input dropout (the layer, training mode) against the closed form.
        let gram = matmul(x, x, transposeA: true)
        let wDropout = try solve(gram + Tensor.diagonal(diagGram * penalty), matmul(x, target, transposeA: true))
        let wRidgeLike = try solve(gram + Tensor.eye(d) * (penalty * diagGram.mean().scalar), matmul(x, target, transposeA: true))
        let wPlain = try solve(gram, matmul(x, target, transposeA: true))
        let batch = 10, epochs = p.int("epochs")
        var forward = ForwardContext(training: true, rng: context.rng.child(1))
        var weights = Tensor.zeros([d]), average = Tensor.zeros([d])
        var averaged = 0
        var distances: [Double] = []
        for epoch in 0..<epochs {
            let order = context.rng.permutation(n)
            for s in 0..<(n / batch) {
                let idx = Array(order[(s * batch)..<((s + 1) * batch)])
                let xb = dropout.apply(parameters: [], to: Variable(x.take(idx)), context: &forward).value
                let tb = target.take(idx)
                weights.addScaled(gradient(at: weights) { v in square(matmul(Variable(xb), v) - Variable(tb)).mean() }, -p.double("learningRate"))
                if epoch >= epochs / 10 {
                    averaged += 1
                    average += (weights - average) / Double(averaged)
                }
            }
            distances.append(((epoch >= epochs / 10 ? average : weights) - wDropout).norm() / wDropout.norm())
        }
        context.measure("closed-form", distances.last!)
        context.record("distance_to_closed_form", distances)
        context.note(String(format: "The plain least-squares solution is %.3f from the dropout closed form and a ridge with the same mean penalty %.3f (relative), so the 2%% test sees the diagonal, data-dependent penalty.",
                            (wPlain - wDropout).norm() / wDropout.norm(), (wRidgeLike - wDropout).norm() / wDropout.norm()))
        context.progress(0.2)

        // 3. and 4. A small noisy regression task with a two-layer ReLU network.
        let (testError, ensembleGap) = noisyTask(&context)
        let grid = p.doubles("rates")
        // validate() guarantees both rates are on the grid.
        let checked = grid.firstIndex(where: { Swift.abs($0 - rate) < 1e-12 })!, none = grid.firstIndex(of: 0)!
        let a = Statistics.meanAndStandardError(testError[checked]), b = Statistics.meanAndStandardError(testError[none])
        context.measure("test-error", a.mean / b.mean)
        context.note(String(format: "Noisy task, mean test MSE over %d seeds: %.4f ± %.4f without dropout, %.4f ± %.4f with p = %g (the noise floor is 0.25).",
                            testError[none].count, b.mean, b.standardError, a.mean, a.standardError, rate))
        context.note(String(format: "ReLU network trained with p = %g: weight-scaling inference and the mean of a %d-member Monte-Carlo ensemble differ by %.3g relative (RMS over 500 test points), %.1f times the ensemble's own standard error; the nonlinearity makes E[f] ≠ f(E[mask]).",
                            rate, p.int("ensemble"), ensembleGap.relative, ensembleGap.inStandardErrors))
        context.record("weight_scaling_vs_ensemble_relative_gap", .number(ensembleGap.relative))
        context.record("rates", grid)
        context.record("test_mse_mean", testError.map { Statistics.meanAndStandardError($0).mean })
        let stats = testError.map { Statistics.meanAndStandardError($0) }
        context.figure(Figure(
            id: "test-error-vs-rate", title: "Test error vs dropout rate on a small noisy task",
            caption: "Two-layer ReLU network (width \(p.int("width"))) on 32 noisy points, full-batch Adam for \(p.int("steps")) steps; mean ± standard error over \(p.int("seeds")) seeds; noise floor 0.25.",
            chart: .plot(Plot(x: Axis("dropout rate p"), y: Axis("test mean squared error"),
                              series: [Series("test MSE", x: grid, y: stats.map(\.mean),
                                              band: Band(center: stats.map(\.mean), spread: stats.map(\.standardError)), style: .lineAndMarkers)],
                              referenceLines: [.horizontal(0.25, label: "noise variance")]))))
    }

    /// Trains a two-layer ReLU network with dropout before each dense layer after the first
    /// on 32 noisy points y = sin(3 x_1) + x_2 + N(0, 0.25), x in R^4, for each p of the
    /// grid and seed; returns the test MSE per (p, seed) and, for the checked rate and the
    /// first seed, the weight-scaling vs Monte-Carlo ensemble gap.
    func noisyTask(_ context: inout ExperimentContext) -> (testError: [[Double]], gap: (relative: Double, inStandardErrors: Double)) {
        let p = context.parameters
        let width = p.int("width"), steps = p.int("steps"), seeds = p.int("seeds"), grid = p.doubles("rates")
        func truth(_ x: Tensor) -> Tensor {
            let c0 = x.slice([.all, .index(0)]), c1 = x.slice([.all, .index(1)])
            return (sin(3 * c0) + c1).reshaped([x.shape[0], 1])
        }
        var testError = [[Double]](repeating: [], count: grid.count)
        var gap = (relative: Double.nan, inStandardErrors: Double.nan)
        for seed in 0..<seeds {
            var rng = context.rng.child(UInt64(100 + seed))
            let xTrain = Tensor.randomUniform([32, 4], low: -1, high: 1, using: &rng)
            let yTrain = truth(xTrain) + 0.5 * Tensor.randomNormal([32, 1], using: &rng)
            let xTest = Tensor.randomUniform([500, 4], low: -1, high: 1, using: &rng)
            let yTest = truth(xTest) + 0.5 * Tensor.randomNormal([500, 1], using: &rng)
            var initRng = rng.child(1)
            let first = Dense(inputSize: 4, outputSize: width, activation: .relu, using: &initRng)
            let second = Dense(inputSize: width, outputSize: width, activation: .relu, using: &initRng)
            let last = Dense(inputSize: width, outputSize: 1, using: &initRng)
            for (i, rate) in grid.enumerated() {
                var net = Sequential(first, InductiveNN.Dropout(rate: rate), second, InductiveNN.Dropout(rate: rate), last)
                var adam = Adam(learningRate: 3e-3)
                var forward = ForwardContext(training: true, rng: rng.child(UInt64(10 + i)))
                var params = net.parameters
                for _ in 0..<steps {
                    let grads = gradients(at: params) { vars in
                        Loss.squaredError(net.apply(parameters: vars, to: Variable(xTrain), context: &forward), yTrain)
                    }
                    adam.update(&params, gradients: grads, rng: &rng)
                }
                net.parameters = params
                testError[i].append(square(net.weightScalingPrediction(xTest) - yTest).mean().scalar)
                if seed == 0 && Swift.abs(rate - p.double("rate")) < 1e-12 {
                    var sampling = rng.child(99)
                    let (mean, se) = net.monteCarloDropoutPrediction(xTest, samples: p.int("ensemble"), using: &sampling)
                    let diff = net.weightScalingPrediction(xTest) - mean
                    let rms = (diff * diff).mean().scalar.squareRoot()
                    let meanRMS = (mean * mean).mean().scalar.squareRoot(), seRMS = (se * se).mean().scalar.squareRoot()
                    // A zero standard error (every sub-network gives the same outputs, e.g. all
                    // dropped units dead) leaves the gap in standard errors undefined: NaN.
                    gap = (meanRMS > 0 ? rms / meanRMS : .nan, seRMS > 0 ? rms / seRMS : .nan)
                }
            }
            context.progress(0.2 + 0.8 * Double(seed + 1) / Double(seeds))
        }
        return (testError, gap)
    }
}

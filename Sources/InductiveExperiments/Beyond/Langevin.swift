import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Langevin SGD" (named, not developed): adding Gaussian noise of variance 2 eta T
/// to each SGD step turns the optimizer into a sampler of the Gibbs density
/// exp(-U / T). For Bayesian linear regression, U(w) = ||Xw - y||² / (2 sigma²) +
/// ||w||² / (2 tau²) and T = 1, the target is the Gaussian posterior with covariance
/// Sigma = (X^T X / sigma² + I / tau²)^-1 and mean Sigma X^T y / sigma². Stochastic gradient
/// Langevin dynamics uses minibatch gradients (scaled by N / B); their noise and the step
/// bias the stationary covariance by O(eta), kept small here by the step size.
struct LangevinPosterior: Experiment {
    let id = "beyond.langevin"
    let section = NotesSection.beyond
    let title = "Langevin SGD samples the Bayesian posterior"
    let claim = "Langevin SGD (minibatch gradient steps plus Gaussian noise) samples the Gibbs posterior: on Bayesian linear regression its sample mean and covariance match the analytic posterior."
    let parameters = [
        ParameterSpec("samples", "N, regression examples", .int(100), minimum: 2, maximum: 100_000),
        ParameterSpec("dimension", "d, weights", .int(3), minimum: 1, maximum: 100),
        ParameterSpec("noise", "σ, observation noise", .double(0.5), minimum: 1e-3, maximum: 100),
        ParameterSpec("prior", "τ, prior standard deviation", .double(1), minimum: 1e-3, maximum: 100),
        ParameterSpec("batch", "B, minibatch of each gradient (drawn per chain and step)", .int(50), minimum: 1, maximum: 100_000),
        ParameterSpec("stepSize", "η", .double(2e-5), minimum: 1e-12, maximum: 1),
        ParameterSpec("chains", "independent chains", quick: .int(400), full: .int(2000), minimum: 1, maximum: 100_000),
        ParameterSpec("burnIn", "steps discarded", .int(2000), minimum: 0, maximum: 10_000_000),
        ParameterSpec("draws", "samples kept per chain", quick: .int(40), full: .int(100), minimum: 1, maximum: 100_000),
        ParameterSpec("thinning", "steps between kept samples", .int(50), minimum: 1, maximum: 100_000),
    ]
    let checks = [
        CheckSpec("mean", "‖sample mean − posterior mean‖ / ‖posterior mean‖", .lessThan(0.05)),
        CheckSpec("covariance", "‖sample covariance − posterior covariance‖_F / ‖posterior covariance‖_F", .lessThan(0.05)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        if p.int("batch") > p.int("samples") { return "batch (\(p.int("batch"))) cannot exceed samples (\(p.int("samples")))" }
        if Double(p.int("chains")) * Double(p.int("draws")) * Double(p.int("dimension")) > 1e8 { return "chains × draws × dimension must be at most 1e8 (the kept samples)" }
        return nil
    }

    // Each step forms the residuals of every chain on every example (chains × N × d, twice)
    // and draws B indices per chain. The full size is 9.1e9.
    let workBound = WorkBound("(burnIn + draws × thinning) × chains × (2 samples × dimension + batch)", limit: 2e11) { p in
        Double(p.int("burnIn") + p.int("draws") * p.int("thinning")) * Double(p.int("chains"))
            * Double(2 * p.int("samples") * p.int("dimension") + p.int("batch"))
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let n = p.int("samples"), d = p.int("dimension"), b = p.int("batch"), chains = p.int("chains")
        let sigma2 = p.double("noise") * p.double("noise"), tau2 = p.double("prior") * p.double("prior"), eta = p.double("stepSize")
        let x = Tensor.randomNormal([n, d], using: &context.rng)
        let y = matmul(x, Tensor.randomNormal([d], using: &context.rng)) + p.double("noise") * Tensor.randomNormal([n], using: &context.rng)
        let precision = matmul(x, x, transposeA: true) / sigma2 + Tensor.eye(d) / tau2
        let covariance = try inv(precision)
        let mean = matmul(covariance, matmul(x, y, transposeA: true)) / sigma2

        // Minibatch gradient of U for every chain: (N/B) sum_{i in batch_c} x_i (x_i.w_c - y_i) / sigma² + w_c / tau².
        var batchRng = context.rng.child(1)
        let scale = Double(n) / Double(b) / sigma2
        let stochasticGradient = { (w: Tensor) -> Tensor in
            let residual = matmul(x, w, transposeB: true) - y.reshaped([n, 1])       // [N, chains]
            var weights = [Double](repeating: 0, count: n * chains)
            for c in 0..<chains { for i in batchRng.choice(n, count: b) { weights[i * chains + c] += scale } }
            return matmul(residual * Tensor(shape: [n, chains], scalars: weights), x, transposeA: true) + w / tau2
        }
        let sampler = LangevinSampler(stepSize: eta, temperature: 1, burnIn: p.int("burnIn"), thinning: p.int("thinning"))
        var noiseRng = context.rng.child(2)
        let draws = sampler.sample(from: Tensor.zeros([chains, d]), samples: p.int("draws"), gradient: stochasticGradient, using: &noiseRng)
        let sampleMean = draws.mean(axes: [0])
        let centred = draws - sampleMean
        let sampleCovariance = matmul(centred, centred, transposeA: true) / Double(draws.shape[0] - 1)
        let meanError = (sampleMean - mean).norm() / mean.norm()
        let covarianceError = (sampleCovariance - covariance).norm() / covariance.norm()
        context.measure("mean", meanError)
        context.measure("covariance", covarianceError)
        let eigen = try eigvalsh(precision)
        context.note(String(format: "Posterior precision eigenvalues %.0f … %.0f; ηλ_max/2 = %.4f bounds the relative covariance bias of the exact-gradient sampler. %d chains × %d draws (every %d steps after %d), minibatches of %d of %d.",
                            eigen.minAll(), eigen.maxAll(), eta * eigen.maxAll() / 2, chains, p.int("draws"), p.int("thinning"), p.int("burnIn"), b, n))
        context.note(String(format: "Sample mean off by %.2e (relative), sample covariance by %.2f%% (Frobenius, relative); the posterior standard deviations are %@.",
                            meanError, 100 * covarianceError, covariance.diagonalPart.scalars.map { String(format: "%.4f", $0.squareRoot()) }.joined(separator: ", ")))
        context.record("posterior_mean", mean.scalars)
        context.record("sample_mean", sampleMean.scalars)
        context.record("posterior_covariance", covariance.scalars)
        context.record("sample_covariance", sampleCovariance.scalars)
        // Figure: the samples of the first two weights against the posterior's 1- and 2-sigma ellipses.
        let shown = Swift.min(draws.shape[0], 600)
        var series = [Series("Langevin samples", x: (0..<shown).map { draws[$0, 0] }, y: (0..<shown).map { draws[$0, Swift.min(1, d - 1)] }, style: .markers)]
        if d >= 2 {
            let block = covariance.slice([.range(0..<2), .range(0..<2)])
            let (values, vectors) = try eigh(block)
            for k in [1.0, 2.0] {
                let angles = (0...100).map { 2 * Double.pi * Double($0) / 100 }
                let pts = angles.map { a -> (Double, Double) in
                    let u = k * values[0].squareRoot() * Foundation.cos(a), v = k * values[1].squareRoot() * Foundation.sin(a)
                    return (mean[0] + vectors[0, 0] * u + vectors[0, 1] * v, mean[1] + vectors[1, 0] * u + vectors[1, 1] * v)
                }
                series.append(Series("posterior \(Int(k))σ ellipse", x: pts.map(\.0), y: pts.map(\.1)))
            }
        }
        context.figure(Figure(
            id: "samples", title: "Langevin samples against the analytic posterior",
            caption: "First two weights of \(shown) kept samples; ellipses: 1σ and 2σ contours of the exact Gaussian posterior.",
            chart: .plot(Plot(x: Axis("w₁"), y: Axis("w₂"), series: series))))
    }
}

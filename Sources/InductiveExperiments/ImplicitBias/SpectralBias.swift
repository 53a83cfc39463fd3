import Foundation
import InductiveAutodiff
import InductiveKernels
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Spectral bias": a network fits the low frequencies of its target first (Rahaman et
/// al. 2019), because the NTK's eigenvalues fall with frequency and gradient descent shrinks
/// each eigen-component of the residual at a rate set by its eigenvalue; a Fourier-feature
/// embedding of the input (Tancik et al. 2020) removes the bias.
struct SpectralBias: Experiment {
    let id = "ib.spectral-bias"
    let section = NotesSection.implicitBias
    let title = "Spectral bias: low frequencies first"
    let claim = "An MLP fits the components of f(x) = Σ_k sin(2πkx) in order of frequency; the analytic NTK's eigenvalues fall with frequency; random Fourier features let it learn the highest frequency much sooner."
    let parameters = [
        ParameterSpec("frequencies", "the target's frequencies k", .ints([1, 2, 4, 8, 16]), minimum: 1, maximum: 2047, minimumCount: 2),
        ParameterSpec("points", "uniform grid points on [0, 1)", quick: .int(64), full: .int(128), minimum: 4, maximum: 4096),
        ParameterSpec("width", "hidden width", quick: .int(64), full: .int(128), minimum: 2, maximum: 2048),
        ParameterSpec("depth", "hidden layers (ReLU, NTK parameterization, s = √2, b_std = 1)", .int(3), minimum: 1, maximum: 10),
        ParameterSpec("features", "random Fourier features m (the embedding has 2m inputs)", quick: .int(32), full: .int(64), minimum: 1, maximum: 1024),
        ParameterSpec("sigma", "scale σ of the Fourier features' frequencies", .double(8), minimum: 1e-3, maximum: 1000),
        ParameterSpec("learningRate", "Adam learning rate, full batch", .double(3e-3), minimum: 1e-8, maximum: 1),
        ParameterSpec("maxSteps", "Adam steps at most", quick: .int(6000), full: .int(10000), minimum: 10, maximum: 1_000_000),
        ParameterSpec("fitted", "a component counts as fitted when its residual falls below this fraction of it", .double(0.1), minimum: 1e-6, maximum: 0.99),
    ]
    let checks = [
        CheckSpec("order", "Spearman ρ between frequency and the step at which it is fitted (no embedding)", .greaterThan(0.9)),
        CheckSpec("ntk", "largest ratio λ_{k_{j+1}} / λ_{k_j} of consecutive analytic NTK eigenvalues", .lessThan(1)),
        CheckSpec("speedup", "steps to fit the highest frequency: plain / Fourier features", .atLeast(5)),
    ]
    // Two networks: maxSteps × 6 × points × (width × (2 m + depth width)) plus the analytic NTK
    // (points² × depth × 50); the full size is 1.0e12 (the plain network runs to the cap: its
    // k = 16 component is not fitted within it).
    let workBound = WorkBound("2 × maxSteps × 6 × points × width × (2 features + depth × width) + 50 depth points²", limit: 2e13) { p in
        let w = Double(p.int("width")), n = Double(p.int("points"))
        return 2 * Double(p.int("maxSteps")) * 6 * n * w * (2 * Double(p.int("features")) + Double(p.int("depth")) * w) + 50 * Double(p.int("depth")) * n * n
    }

    func validate(_ p: ParameterValues) -> String? {
        let n = p.int("points")
        return p.ints("frequencies").allSatisfy({ 2 * $0 < n }) ? nil : "every frequency must be below points / 2 (Nyquist)"
    }

    static func architecture(_ depth: Int) -> InfiniteWidthMLP { InfiniteWidthMLP(depth: depth, activation: .relu, weightStd: 2.0.squareRoot(), biasStd: 1) }

    /// Trains `net` by full-batch Adam on the half squared error; returns the relative residual
    /// of every frequency after every step (index 0 = initialization).
    func fit(_ net: Sequential, x: Tensor, y: Tensor, frequencies: [Int], _ p: ParameterValues,
             rng: inout RandomGenerator, progress: (Double) -> Void) -> [[Double]] {
        var theta = net.parameters
        var optimizer = Adam(learningRate: p.double("learningRate"))
        let steps = p.int("maxSteps"), threshold = p.double("fitted")
        var history: [[Double]] = []
        for step in 0...steps {
            let vars = theta.map(Variable.parameter)
            let f = net.apply(parameters: vars, to: Variable(constant: x))
            let residuals = FrequencyResiduals.relativeResiduals(prediction: f.value, target: y, frequencies: frequencies)
            history.append(residuals)
            if residuals.allSatisfy({ $0 < threshold }) || step == steps { break }
            let loss = square(f - Variable(y)).sum() * 0.5
            optimizer.update(&theta, gradients: gradientTensors(of: loss, wrt: vars), rng: &rng)
            if step % 100 == 0 { progress(Double(step) / Double(steps)) }
        }
        return history
    }

    /// The first step at which each frequency's residual is below the threshold (the step
    /// count + 1 when never: a lower bound).
    static func fitSteps(_ history: [[Double]], threshold: Double) -> [Int] {
        (0..<history[0].count).map { k in history.firstIndex { $0[k] < threshold } ?? history.count }
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let ks = p.ints("frequencies"), n = p.int("points"), width = p.int("width"), depth = p.int("depth")
        let grid = (0..<n).map { Double($0) / Double(n) }
        let y = Tensor(shape: [n, 1], scalars: grid.map { x in ks.reduce(0) { $0 + Foundation.sin(2 * Double.pi * Double($1) * x) } })
        // The plain network sees x centred on [-1, 1) (a ReLU network with bias on [0, 1) works
        // too, but centring makes the NTK better conditioned); the embedding sees x itself.
        let xPlain = Tensor(shape: [n, 1], scalars: grid.map { 2 * $0 - 1 })
        let xGrid = Tensor(shape: [n, 1], scalars: grid)
        let mlp = Self.architecture(depth)

        // Analytic NTK along each Fourier mode of the grid.
        let kernel = mlp.ntk(xPlain)
        let lambdas = FrequencyResiduals.modeEigenvalues(kernel: kernel, frequencies: ks)
        let ratios = zip(lambdas.dropFirst(), lambdas).map { $0 / $1 }
        context.measure("ntk", ratios.max()!)

        var rng = context.rng.child(1)
        let plainNet = mlp.network(inputSize: 1, width: width, using: &rng)
        let reporter = context
        let plain = fit(plainNet, x: xPlain, y: y, frequencies: ks, p, rng: &rng) { reporter.progress(0.5 * $0, "plain MLP") }
        var ffRng = context.rng.child(2)
        let embedding = FourierFeatures(inputSize: 1, features: p.int("features"), sigma: p.double("sigma"), using: &ffRng)
        let body = mlp.network(inputSize: 2 * p.int("features"), width: width, using: &ffRng)
        let ffNet = Sequential([embedding] + body.layers)
        let ff = fit(ffNet, x: xGrid, y: y, frequencies: ks, p, rng: &ffRng) { reporter.progress(0.5 + 0.5 * $0, "Fourier features") }

        let threshold = p.double("fitted")
        let tPlain = Self.fitSteps(plain, threshold: threshold), tFF = Self.fitSteps(ff, threshold: threshold)
        let rho = Statistics.spearman(ks.map(Double.init), tPlain.map(Double.init))
        context.measure("order", rho)
        context.measure("speedup", Double(tPlain.last!) / Double(Swift.max(tFF.last!, 1)))
        context.record("frequencies", ks.map(Double.init))
        context.record("ntk_mode_eigenvalues", lambdas)
        context.record("fit_steps_plain", tPlain.map(Double.init))
        context.record("fit_steps_fourier_features", tFF.map(Double.init))
        let never = { (t: [Int], h: [[Double]]) in t.last! >= h.count ? " (never within the \(h.count - 1) steps run: a lower bound)" : "" }
        context.note("Steps to fit (residual < \(NumberFormat.significant(threshold)) of the component), k = \(ks.map(String.init).joined(separator: ", ")): plain \(tPlain.map(String.init).joined(separator: ", "))\(never(tPlain, plain)); with Fourier features (σ = \(NumberFormat.significant(p.double("sigma"))), m = \(p.int("features"))) \(tFF.map(String.init).joined(separator: ", "))\(never(tFF, ff)).")
        context.note("Analytic NTK eigenvalue along each Fourier mode (Rayleigh quotient on the \(n)-point grid, operator scaling): " + zip(ks, lambdas).map { "λ_\($0) = \(NumberFormat.significant($1))" }.joined(separator: ", ") + ".")

        func figure(_ history: [[Double]], id: String, title: String, caption: String) -> Figure {
            // About 400 log-spaced steps: enough for the eye, a small SVG.
            var shown: [Int] = [], next = 0.0
            for t in history.indices where Double(t + 1) >= next {
                shown.append(t)
                next = Double(t + 1) * 1.02
            }
            if shown.last != history.count - 1 { shown.append(history.count - 1) }
            let steps = shown.map { Double($0 + 1) }
            let series = ks.indices.map { j in
                Series("k = \(ks[j])", x: steps, y: shown.map { Swift.max(history[$0][j], 1e-4) }, color: Palette.color(at: j))
            }
            return Figure(id: id, title: title, caption: caption,
                          chart: .plot(Plot(x: Axis("step + 1", scale: .log), y: Axis("|residual_{k}| / |target_{k}|", scale: .log, limits: 1e-3...3),
                                            series: series, referenceLines: [.horizontal(threshold, label: "fitted")])))
        }
        context.figure(figure(plain, id: "residuals-plain", title: "Per-frequency residual, plain MLP",
                              caption: "Fraction of each sine component of the target not yet fitted, during full-batch Adam; the low frequencies go first."))
        context.figure(figure(ff, id: "residuals-fourier-features", title: "Per-frequency residual, with Fourier features",
                              caption: "The same MLP behind random Fourier features γ(x) = [cos 2πxB, sin 2πxB], B ~ N(0, σ²), σ = \(NumberFormat.significant(p.double("sigma"))): all components fall together."))
    }
}

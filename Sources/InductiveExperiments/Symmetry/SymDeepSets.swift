import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Permutation Equivariant layer": σ(Θ x) with Θ = λ I + γ 11ᵀ commutes with every
/// permutation of the set; stacking such layers and pooling over the set gives a model
/// invariant to the order (DeepSets). With mean pooling it applies to sets of any size.
struct SymDeepSets: Experiment {
    let id = "sym.deepsets"
    let section = NotesSection.symmetry
    let title = "DeepSets: permutation-equivariant layers"
    let claim = "The layer λI + γ11ᵀ (with channels and a pointwise nonlinearity) is permutation-equivariant and a set-pooled stack of them invariant; trained on a set task it generalizes to larger sets than it saw."
    let parameters = [
        ParameterSpec("setSize", "elements per training set", .int(10), minimum: 2, maximum: 1000),
        ParameterSpec("largerSetSize", "elements per set in the generalization test", .int(40), minimum: 2, maximum: 10_000),
        ParameterSpec("trainSets", "training sets", quick: .int(1000), full: .int(4000), minimum: 10, maximum: 1_000_000),
        ParameterSpec("testSets", "test sets per size", .int(500), minimum: 10, maximum: 1_000_000),
        ParameterSpec("width", "features per element in the two equivariant layers", .int(16), minimum: 1, maximum: 1024),
        ParameterSpec("epochs", "Adam epochs", quick: .int(30), full: .int(100), minimum: 1, maximum: 100_000),
        ParameterSpec("learningRate", "Adam step", .double(0.005), minimum: 1e-6, maximum: 1),
        ParameterSpec("checkSize", "set size of the exact equivariance check (all n! permutations)", .int(5), minimum: 2, maximum: 6),
    ]
    let checks = [
        CheckSpec("equivariance", "max relative ‖f(πX) − πf(X)‖ of the equivariant layers over all permutations of a set", .lessThan(1e-12)),
        CheckSpec("invariance", "max relative change of the pooled model's output over all permutations", .lessThan(1e-12)),
        // The catalogue asks for "low test error" without a number. The errors are normalized by
        // the target's variance (1 = predicting the mean). The target, the set's variance, is an
        // exact function of the set, so there is no noise floor: the only error is the model's.
        // 0.05 asks the trained model to explain 95% of the target's variance at the training
        // size (a scale choice in units of the target's variance; there is no noise floor below
        // it, and predicting the mean scores 1). The larger sets lie outside the training
        // distribution (their mean-pooled features fluctuate less than any training set's), so
        // an extrapolation error may add: 0.1, twice the bound, allows for it and still rules
        // out predicting the mean by a factor of 10. Measured (seed 0): 0.0066 and 0.0026
        // quick, 0.00063 and 0.00030 full; the larger sets turn out easier.
        CheckSpec("test-error", "test MSE / variance of the target, sets of the training size", .lessThan(0.05)),
        CheckSpec("larger-sets", "test MSE / variance of the target, sets of largerSetSize elements", .lessThan(0.1)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        p.int("largerSetSize") > p.int("setSize")
            ? nil : "largerSetSize (\(p.int("largerSetSize"))) must exceed setSize (\(p.int("setSize"))): the check is generalization to larger sets"
    }

    // epochs × sets × set size × (2 width² + 4 width) × 6 for forward and backward; full 7e9.
    let workBound = WorkBound("6 × epochs × trainSets × setSize × (2 width² + 4 width)", limit: 2e11) { p in
        let w = Double(p.int("width"))
        return 6 * Double(p.int("epochs") * p.int("trainSets") * p.int("setSize")) * (2 * w * w + 4 * w)
    }

    /// Sets of n scalars from N(μ, s²) with μ ~ U(−1, 1), s ~ U(0.2, 1.5); target: the
    /// variance of the set (mean of squares minus the square of the mean).
    static func sets(_ count: Int, size n: Int, using rng: inout RandomGenerator) -> (x: Tensor, y: Tensor) {
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<count {
            let mu = rng.uniform(-1, 1), s = rng.uniform(0.2, 1.5)
            let set = (0..<n).map { _ in mu + s * rng.normal() }
            let mean = set.reduce(0, +) / Double(n)
            xs += set
            ys.append(set.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n))
        }
        return (Tensor(shape: [count, n], scalars: xs), Tensor(shape: [count, 1], scalars: ys))
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let n = p.int("setSize"), width = p.int("width")
        let spec = "deepsets(\(width),relu,mean),deepsets(\(width),relu,mean),setpool(mean),dense(\(width),relu),dense(1)"
        var rng = context.rng
        let (model, _) = try ModelSpecification.build(spec, inputShape: [n], factories: ModelSpecification.symmetryFactories, using: &rng)

        // Exact checks on all permutations of a small set, with the random initial parameters.
        let k = p.int("checkSize")
        let probe = Tensor.randomNormal([4, k], using: &rng)
        // The model is the same function for any set size: only the first reshape (to [size, 1]) changes.
        func resized(_ m: Sequential, _ size: Int) -> Sequential {
            var copy = m
            copy.layers[0] = Reshape([size, 1])
            return copy
        }
        let equivariantPart = Sequential(Array(resized(model, k).layers.prefix(3)))  // reshape, two equivariant layers
        let equivariance = EquivarianceReport(equivariantPart, input: .setPermutations(k), output: .setPermutations(k, features: width), on: probe)
        let invariance = EquivarianceReport(resized(model, k), input: .setPermutations(k), output: .trivial(.symmetric(k), degree: 1), on: probe)
        context.measure("equivariance", equivariance.relative)
        context.measure("invariance", invariance.relative)

        let (x, y) = Self.sets(p.int("trainSets"), size: n, using: &rng)
        var trainer = Trainer(model: model, optimizer: Adam(learningRate: p.double("learningRate")),
                              configuration: TrainingConfiguration(epochs: p.int("epochs"), batchSize: 50, loss: .squaredError),
                              seed: context.seed)
        let history = try trainer.fit(try Dataset(inputs: x, targets: y))
        let trained = trainer.model
        func normalizedError(size: Int) -> Double {
            let (tx, ty) = Self.sets(p.int("testSets"), size: size, using: &rng)
            let prediction = resized(trained, size)(tx)
            let mse = ((prediction - ty) * (prediction - ty)).mean().scalar
            let mean = ty.mean().scalar
            return mse / ((ty - mean) * (ty - mean)).mean().scalar
        }
        let sizes = [2, 5, n, 2 * n, p.int("largerSetSize"), 2 * p.int("largerSetSize")].sorted()
        let errors = sizes.map { normalizedError(size: $0) }
        context.measure("test-error", errors[sizes.firstIndex(of: n)!])
        context.measure("larger-sets", errors[sizes.firstIndex(of: p.int("largerSetSize"))!])
        context.record("set_sizes", sizes.map(Double.init))
        context.record("normalized_test_error", errors)
        context.record("training_loss", history.map(\.trainLoss))
        context.note("Model: `\(spec)` (\(trained.parameterCount) parameters). Target: the variance of a set of Gaussian samples. Small sets are harder: their variance is a noisier function of the pooled features; larger sets than seen in training are easy because mean pooling converges as the set grows.")
        context.figure(Figure(
            id: "error-vs-set-size", title: "DeepSets error vs set size (trained on sets of \(n))",
            caption: "Test MSE divided by the variance of the target (1 = predicting the mean), for sets of each size; the model was trained only on sets of \(n) elements.",
            chart: .plot(Plot(x: Axis("set size", scale: .log), y: Axis("normalized test error", scale: .log),
                              series: [Series("DeepSets (mean pooling)", x: sizes.map(Double.init), y: errors, style: .lineAndMarkers)],
                              referenceLines: [.vertical(Double(n), label: "training size"), .horizontal(0.05, label: "check at the training size: 0.05"), .horizontal(0.1, label: "check at \(p.int("largerSetSize")): 0.1")]))))
    }
}

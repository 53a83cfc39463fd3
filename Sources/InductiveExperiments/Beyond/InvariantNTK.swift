import Foundation
import InductiveKernels
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Beyond the notes: "what's the invariance version of the kernel?" The group-averaged NTK
/// K_G(x, x') = (1/|G|) Σ_g K(x, g x') (Haussler 1999; Mroueh et al. 2015) is invariant in
/// both arguments (the MLP's NTK is jointly invariant under permutations of the inputs), and
/// kernel regression with it needs fewer samples on an invariant task: it is regression on
/// the orbits instead of the points.
struct InvariantNTK: Experiment {
    let id = "beyond.invariant-ntk"
    let section = NotesSection.beyond
    let title = "The group-averaged NTK"
    let claim = "Averaging the NTK over a group, K_G(x, x') = mean_g K(x, g x'), gives an invariant kernel that learns an invariant target from fewer samples."
    let parameters = [
        ParameterSpec("length", "d: signals of length d, the group is its cyclic shifts C_d", .int(8), minimum: 2, maximum: 64),
        ParameterSpec("trainSizes", "training set sizes N", quick: .ints([8, 16, 32, 64]), full: .ints([8, 16, 32, 64, 128, 256]), minimum: 2, maximum: 4096),
        ParameterSpec("smallSize", "N at which the error ratio is checked (one of trainSizes)", .int(32), minimum: 2, maximum: 4096),
        ParameterSpec("testSize", "test points", quick: .int(300), full: .int(1000), minimum: 10, maximum: 100_000),
        ParameterSpec("seeds", "repetitions (errors are averaged)", quick: .int(3), full: .int(10), minimum: 1, maximum: 100),
        ParameterSpec("ridge", "ridge added to the kernel matrix", .double(1e-6), minimum: 0, maximum: 10),
    ]
    let checks = [
        CheckSpec("invariance", "max over g of |K_G(g x, x') − K_G(x, x')| and |K_G(x, g x') − K_G(x, x')|, relative to max |K_G|", .lessThan(1e-12)),
        CheckSpec("error-ratio", "test error of K_G / test error of K at N = smallSize, mean over seeds", .lessThan(0.8)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        p.ints("trainSizes").contains(p.int("smallSize")) ? nil : "smallSize (\(p.int("smallSize"))) must be one of trainSizes"
    }

    // Per seed and size: |G| + 1 kernel evaluations on (N + test) × N pairs of length-d
    // inputs (≈ 30 d flops each, depth 2) and an N³ solve. Full size 1.3e10.
    let workBound = WorkBound("seeds × Σ_N ((length + 1) × (N + testSize) × N × 30 × length + N³)", limit: 3e11) { p in
        let d = Double(p.int("length")), t = Double(p.int("testSize"))
        return Double(p.int("seeds")) * p.ints("trainSizes").map { Double($0) }.reduce(0) { $0 + (d + 1) * ($1 + t) * $1 * 30 * d + $1 * $1 * $1 }
    }

    /// An invariant target: cyclic autocorrelation at lag 1 plus a sum of a nonlinearity.
    static func target(_ x: Tensor) -> Tensor {
        let d = x.shape[1]
        return (x * x.rolled(1, axis: 1)).sum(axes: [1]) + (x * x * x).sum(axes: [1]) / Double(d)
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let d = p.int("length")
        let base = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 2.0.squareRoot(), biasStd: 0.1).ntkKernel
        let shifts = PermutationAction.cyclicShifts(d)
        let averaged = base.groupAveraged(over: shifts.groupAction)

        // Invariance on random points, every group element, both arguments.
        let a = Tensor.randomNormal([6, d], using: &context.rng), b = Tensor.randomNormal([5, d], using: &context.rng)
        let kab = try averaged(a, b)
        var invariance = 0.0
        for g in shifts.group.elements {
            invariance = Swift.max(invariance, abs(try averaged(shifts.apply(g, to: a), b) - kab).maxAll(),
                                   abs(try averaged(a, shifts.apply(g, to: b)) - kab).maxAll())
        }
        context.measure("invariance", invariance / abs(kab).maxAll())

        let sizes = p.ints("trainSizes"), seeds = p.int("seeds")
        var plainErrors = [Double](repeating: 0, count: sizes.count), invariantErrors = plainErrors
        for seed in 0..<seeds {
            let xTest = Tensor.randomNormal([p.int("testSize"), d], using: &context.rng)
            let yTest = Self.target(xTest)
            let variance = ((yTest - yTest.mean().scalar) * (yTest - yTest.mean().scalar)).mean().scalar
            for (i, n) in sizes.enumerated() {
                let x = Tensor.randomNormal([n, d], using: &context.rng)
                let y = Self.target(x)
                for (kernel, isInvariant) in [(base, false), (averaged, true)] {
                    let model = try KernelRidgeRegression(kernel: kernel, inputs: x, targets: y, ridge: p.double("ridge"))
                    let prediction = try model.predict(xTest).reshaped([xTest.shape[0]])
                    let error = ((prediction - yTest) * (prediction - yTest)).mean().scalar / variance / Double(seeds)
                    if isInvariant { invariantErrors[i] += error } else { plainErrors[i] += error }
                }
            }
            context.progress(Double(seed + 1) / Double(seeds))
        }
        let small = sizes.firstIndex(of: p.int("smallSize"))!
        context.measure("error-ratio", invariantErrors[small] / plainErrors[small])
        context.record("train_sizes", sizes.map(Double.init))
        context.record("error_ntk", plainErrors)
        context.record("error_invariant_ntk", invariantErrors)
        context.note(String(format: "At N = %d: normalized test error %.3f with the NTK, %.3f with its average over the %d cyclic shifts.", sizes[small], plainErrors[small], invariantErrors[small], d))
        let axis = sizes.map(Double.init)
        context.figure(Figure(
            id: "error-vs-samples", title: "Kernel regression on a shift-invariant target",
            caption: "Test MSE / variance of the target for ridgeless (ridge \(p.double("ridge"))) regression with the NTK of a depth-2 ReLU network and with its average over the \(d) cyclic shifts of the input, mean over \(seeds) draws of the data. Target: Σ_i x_i x_{i+1} + Σ_i x_i³ / d on x ~ N(0, I_\(d)).",
            chart: .plot(Plot(x: Axis("training samples N", scale: .log), y: Axis("normalized test error", scale: .log),
                              series: [Series("NTK", x: axis, y: plainErrors, style: .lineAndMarkers),
                                       Series("group-averaged NTK", x: axis, y: invariantErrors, style: .lineAndMarkers)]))))
    }
}

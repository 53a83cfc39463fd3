import ArgumentParser
import Foundation
import Inductive

/// `inductive ntk`: neural tangent kernels of MLPs from .npy inputs, infinite-width or at
/// given weights.
struct NTK: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ntk",
        abstract: "Neural tangent and NNGP kernels of MLPs on .npy inputs.",
        discussion: """
        The network is neural-tangents' stax.serial(Dense(n, W_std=S, b_std=B), act, ..., Dense(k, W_std=S, b_std=B)):
        h_{l+1} = act((S / sqrt(fan_in)) h_l W_l + B b_l), no activation after the last layer, input kernel x.x'/d.
        """,
        subcommands: [NTKAnalytic.self, NTKEmpirical.self])
}

/// Activations with a closed-form infinite-width kernel.
enum AnalyticActivation: String, ExpressibleByArgument, CaseIterable {
    case relu, erf, identity

    var activation: Activation {
        switch self {
        case .relu: return .relu
        case .erf: return .erf
        case .identity: return .identity
        }
    }
}

/// An activation of a finite network: a name of `Activation(name:)`, or `leaky_relu(SLOPE)`.
struct ActivationArgument: ExpressibleByArgument {
    let name: String
    let activation: Activation

    init?(argument: String) {
        guard let activation = Activation(name: argument) else { return nil }
        self.name = argument
        self.activation = activation
    }

    static var allValueStrings: [String] {
        ["relu", "erf", "identity", "tanh", "sigmoid", "gelu", "sin", "softplus", "leaky_relu", "leaky_relu(SLOPE)"]
    }
}

/// Options shared by both kernels: inputs and the architecture's scales.
struct NTKInputOptions: ParsableArguments {
    @Option(help: "Inputs x1, a .npy matrix [n1, d].") var x1: String
    @Option(help: "Inputs x2, a .npy matrix [n2, d] (default: x1).") var x2: String?
    @Option(name: .customLong("w-std"), parsing: .unconditional, help: "Weight standard deviation S.") var weightStd: Double
    @Option(name: .customLong("b-std"), parsing: .unconditional, help: "Bias standard deviation B (0: no bias).") var biasStd: Double = 0

    func validateScales() throws {
        // The kernels use the variances S^2 and B^2: they must be finite too.
        guard weightStd >= 0 && (weightStd * weightStd).isFinite else { throw ValidationError("--w-std must be between 0 and 1e154, got \(weightStd)") }
        guard biasStd >= 0 && (biasStd * biasStd).isFinite else { throw ValidationError("--b-std must be between 0 and 1e154, got \(biasStd)") }
    }

    /// x1 and x2 (nil when x2 is x1), checked: matrices, same d, finite.
    func loadInputs() throws -> (Tensor, Tensor?) {
        let a = try NPY.read(x1)
        try checkInput(a, path: x1)
        guard let x2 else { return (a, nil) }
        let b = try NPY.read(x2)
        try checkInput(b, path: x2)
        guard b.shape[1] == a.shape[1] else {
            throw InputError("\(x2): inputs of dimension \(b.shape[1]), but \(x1) has dimension \(a.shape[1])")
        }
        return (a, b)
    }

    func checkInput(_ t: Tensor, path: String) throws {
        guard t.rank == 2, t.shape[0] >= 1, t.shape[1] >= 1 else {
            throw InputError("\(path): expected a matrix [n, d] with n, d >= 1, got shape \(t.shape)")
        }
        guard t.isFinite else { throw InputError("\(path): contains NaN or infinity") }
    }
}

/// The largest |x|^2 / d over the rows of the inputs: the scale the kernels start from.
func largestScale(_ x1: Tensor, _ x2: Tensor?) -> Double {
    let d = Double(x1.shape[1])
    return [x1, x2].compactMap { $0 }.map { ($0 * $0).sum(axes: [1]).max().scalar / d }.max() ?? 0
}

/// `inductive ntk analytic`.
struct NTKAnalytic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytic",
        abstract: "Infinite-width NNGP and NTK of an MLP (identity, relu or erf), float64.",
        discussion: "Writes [n1, n2] matrices: the kernels of one output (k outputs: times the identity).")

    /// The deepest network: the work is O(depth n1 n2), and deep kernels have converged to
    /// their depth limit long before.
    static let maximumDepth = 1000

    @OptionGroup var inputs: NTKInputOptions
    @Option(parsing: .unconditional, help: "Number of hidden layers L (activations), 0 to 1000; L + 1 dense layers.") var depth: Int
    @Option(help: "The activation.") var activation: AnalyticActivation
    @Option(name: .customLong("ntk-out"), help: "Where to write the NTK (.npy).") var ntkOut: String?
    @Option(name: .customLong("nngp-out"), help: "Where to write the NNGP kernel (.npy).") var nngpOut: String?
    @OptionGroup var memory: MemoryLimitOptions

    func validate() throws {
        try inputs.validateScales()
        try requireInteger(depth, "depth", 0...Self.maximumDepth)
        guard ntkOut != nil || nngpOut != nil else { throw ValidationError("give --ntk-out and/or --nngp-out") }
    }

    func run() throws {
        let act = activation.activation
        try checkOutputs([ntkOut, nngpOut])
        let (x1, x2) = try inputs.loadInputs()
        let n1 = Double(x1.shape[0]), n2 = Double((x2 ?? x1).shape[0])
        // Four n1 x n2 working buffers and the two kernels, and per layer the diagonals.
        try memory.check(8 * (6 * n1 * n2 + Double(depth + 2) * 2 * (n1 + n2)), "the analytic kernels of \(Int(n1)) x \(Int(n2)) inputs")
        let mlp = InfiniteWidthMLP(depth: depth, activation: act,
                                   weightStd: inputs.weightStd, biasStd: inputs.biasStd)
        let start = DispatchTime.now().uptimeNanoseconds
        let k = mlp.kernels(x1, x2)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        guard k.ntk.isFinite && k.nngp.isFinite else {
            throw InputError("the kernels overflow or underflow to infinity or NaN over \(depth) layers (inputs' largest |x|^2 / d = \(largestScale(x1, x2)), --w-std \(inputs.weightStd), --b-std \(inputs.biasStd)): rescale the inputs, or use a --w-std nearer the critical one (sqrt(2) for relu) or a smaller --depth")
        }
        try writeOutputGroup([ntkOut.map { ($0, NPY.encode(k.ntk)) }, nngpOut.map { ($0, NPY.encode(k.nngp)) }].compactMap { $0 })
        let written = [ntkOut.map { "NTK -> \($0)" }, nngpOut.map { "NNGP -> \($0)" }].compactMap { $0 }
        say("analytic \(activation) depth \(depth): \(k.ntk.shape[0]) x \(k.ntk.shape[1]) kernels in "
            + String(format: "%.3f s; ", seconds) + written.joined(separator: ", "))
    }
}

/// `inductive ntk empirical`.
struct NTKEmpirical: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "empirical",
        abstract: "Finite-width NTK of an MLP at the weights in an .npz (W0, b0, ..., WL, bL).",
        discussion: """
        W_l has shape (fan_in, fan_out), b_l shape (fan_out,); the b_l may be absent when --b-std is 0.
        Without --full the result is [n1, n2], the SUM over the k outputs (neural-tangents' default trace_axes
        averages instead: divide by k); with --full it is [n1, n2, k, k].
        """)

    @OptionGroup var inputs: NTKInputOptions
    @Option(help: "Parameters: an .npz with W0, b0, W1, b1, ...") var params: String
    @Option(help: "Activation of the hidden layers.")
    var activation: ActivationArgument
    @Option(help: "Where to write the kernel (.npy).") var out: String
    @Flag(help: "Write the full kernel [n1, n2, k, k] instead of the trace [n1, n2].") var full = false
    @OptionGroup var memory: MemoryLimitOptions

    func validate() throws {
        try inputs.validateScales()
    }

    /// The network h_{l+1} = act((S/sqrt(fan_in)) h_l W_l + B b_l) from the archive.
    func network(from archive: NPZArchive, inputDimension: Int, activation act: Activation) throws -> Sequential {
        var layers: [any Layer] = []
        var l = 0
        while archive["W\(l)"] != nil { l += 1 }
        let count = l
        guard count >= 1 else {
            throw InputError("\(params): no array 'W0' (it has: \(archive.keys.joined(separator: ", ")))")
        }
        var fanIn = inputDimension
        for l in 0..<count {
            let w = try archive.tensor("W\(l)")
            guard w.rank == 2 else { throw InputError("\(params): W\(l) must be a matrix (fan_in, fan_out), got shape \(w.shape)") }
            guard w.shape[0] == fanIn else {
                let source = l == 0 ? "the inputs have dimension \(fanIn)" : "W\(l - 1) has \(fanIn) outputs"
                throw InputError("\(params): W\(l) has shape \(w.shape) but \(source)")
            }
            guard w.isFinite else { throw InputError("\(params): W\(l) contains NaN or infinity") }
            var bias: Tensor?
            if inputs.biasStd != 0 || archive["b\(l)"] != nil {
                let b = try archive.tensor("b\(l)")
                guard b.shape == [w.shape[1]] || b.shape == [1, w.shape[1]] else {
                    throw InputError("\(params): b\(l) has shape \(b.shape), expected (\(w.shape[1]),)")
                }
                guard b.isFinite else { throw InputError("\(params): b\(l) contains NaN or infinity") }
                bias = b.reshaped([w.shape[1]])
            }
            layers.append(Dense(weight: w, bias: bias, activation: l < count - 1 ? act : .identity,
                                parameterization: .ntk(weightStd: inputs.weightStd, biasStd: inputs.biasStd)))
            fanIn = w.shape[1]
        }
        return Sequential(layers)
    }

    func run() throws {
        let act = activation.activation
        try checkOutputs([out])
        let (x1, x2) = try inputs.loadInputs()
        let archive = try NPZ.read(params)
        let net = try network(from: archive, inputDimension: x1.shape[1], activation: act)
        let budget = memory.budget
        let start = DispatchTime.now().uptimeNanoseconds
        let kernel = try empiricalNTK(net, x1, x2, outputs: full ? .full : .trace, budget: budget) { plan in
            FileHandle.standardError.write(Data((plan.description + "\n").utf8))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        guard kernel.isFinite else {
            throw InputError("the kernel overflows to infinity or NaN (inputs' largest |x|^2 / d = \(largestScale(x1, x2)), --w-std \(inputs.weightStd), --b-std \(inputs.biasStd)): rescale the inputs or the weights")
        }
        try NPY.write(kernel, to: out)
        say("empirical NTK \(kernel.shape) in " + String(format: "%.3f s", seconds) + " -> \(out)")
    }
}

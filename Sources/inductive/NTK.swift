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

/// A user-facing problem with the command's inputs: printed as one line.
struct NTKInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Options shared by both kernels: inputs and the architecture's scales.
struct NTKInputOptions: ParsableArguments {
    @Option(help: "Inputs x1, a .npy matrix [n1, d].") var x1: String
    @Option(help: "Inputs x2, a .npy matrix [n2, d] (default: x1).") var x2: String?
    @Option(name: .customLong("w-std"), help: "Weight standard deviation S.") var weightStd: Double
    @Option(name: .customLong("b-std"), help: "Bias standard deviation B (0: no bias).") var biasStd: Double = 0

    func validateScales() throws {
        guard weightStd.isFinite && weightStd >= 0 else { throw ValidationError("--w-std must be finite and >= 0") }
        guard biasStd.isFinite && biasStd >= 0 else { throw ValidationError("--b-std must be finite and >= 0") }
    }

    /// x1 and x2 (nil when x2 is x1), checked: matrices, same d, finite.
    func loadInputs() throws -> (Tensor, Tensor?) {
        let a = try NPY.read(x1)
        try checkInput(a, path: x1)
        guard let x2 else { return (a, nil) }
        let b = try NPY.read(x2)
        try checkInput(b, path: x2)
        guard b.shape[1] == a.shape[1] else {
            throw NTKInputError("\(x2): inputs of dimension \(b.shape[1]), but \(x1) has dimension \(a.shape[1])")
        }
        return (a, b)
    }

    func checkInput(_ t: Tensor, path: String) throws {
        guard t.rank == 2, t.shape[0] >= 1, t.shape[1] >= 1 else {
            throw NTKInputError("\(path): expected a matrix [n, d] with n, d >= 1, got shape \(t.shape)")
        }
        guard t.isFinite else { throw NTKInputError("\(path): contains NaN or infinity") }
    }
}

/// Checks before any work that an output file can be written there.
func checkWritable(_ path: String) throws {
    try checkOutputs([path])
}

/// `inductive ntk analytic`.
struct NTKAnalytic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytic",
        abstract: "Infinite-width NNGP and NTK of an MLP (identity, relu or erf), float64.",
        discussion: "Writes [n1, n2] matrices: the kernels of one output (k outputs: times the identity).")

    @OptionGroup var inputs: NTKInputOptions
    @Option(help: "Number of hidden layers L (activations); L + 1 dense layers.") var depth: Int
    @Option(help: "relu, erf or identity.") var activation: String
    @Option(name: .customLong("ntk-out"), help: "Where to write the NTK (.npy).") var ntkOut: String?
    @Option(name: .customLong("nngp-out"), help: "Where to write the NNGP kernel (.npy).") var nngpOut: String?

    func validate() throws {
        try inputs.validateScales()
        guard depth >= 0 else { throw ValidationError("--depth must be >= 0") }
        guard ntkOut != nil || nngpOut != nil else { throw ValidationError("give --ntk-out and/or --nngp-out") }
    }

    func run() {
        do { try compute() } catch { exitWithError(error) }
    }

    func compute() throws {
        guard let act = Activation(name: activation), InfiniteWidthMLP.supports(act) else {
            throw NTKInputError("unknown --activation '\(activation)' for analytic kernels (relu, erf, identity)")
        }
        try checkOutputs([ntkOut, nngpOut])
        let (x1, x2) = try inputs.loadInputs()
        let mlp = InfiniteWidthMLP(depth: depth, activation: act,
                                   weightStd: inputs.weightStd, biasStd: inputs.biasStd)
        let start = DispatchTime.now().uptimeNanoseconds
        let k = mlp.kernels(x1, x2)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
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
    @Option(help: "Activation of the hidden layers (relu, erf, identity, tanh, sigmoid, gelu, sin, softplus, leaky_relu).")
    var activation: String
    @Option(help: "Where to write the kernel (.npy).") var out: String
    @Flag(help: "Write the full kernel [n1, n2, k, k] instead of the trace [n1, n2].") var full = false
    @Option(name: .customLong("memory-gib"), help: "Memory budget in GiB (default: half the physical memory).")
    var memoryGiB: Double?

    func validate() throws {
        try inputs.validateScales()
        if let memoryGiB { guard memoryGiB > 0 && memoryGiB.isFinite else { throw ValidationError("--memory-gib must be positive") } }
    }

    func run() {
        do { try compute() } catch { exitWithError(error) }
    }

    /// The network h_{l+1} = act((S/sqrt(fan_in)) h_l W_l + B b_l) from the archive.
    func network(from archive: NPZArchive, inputDimension: Int, activation act: Activation) throws -> Sequential {
        var layers: [any Layer] = []
        var l = 0
        while archive["W\(l)"] != nil { l += 1 }
        let count = l
        guard count >= 1 else {
            throw NTKInputError("\(params): no array 'W0' (it has: \(archive.keys.joined(separator: ", ")))")
        }
        var fanIn = inputDimension
        for l in 0..<count {
            let w = try archive.tensor("W\(l)")
            guard w.rank == 2 else { throw NTKInputError("\(params): W\(l) must be a matrix (fan_in, fan_out), got shape \(w.shape)") }
            guard w.shape[0] == fanIn else {
                let source = l == 0 ? "the inputs have dimension \(fanIn)" : "W\(l - 1) has \(fanIn) outputs"
                throw NTKInputError("\(params): W\(l) has shape \(w.shape) but \(source)")
            }
            guard w.isFinite else { throw NTKInputError("\(params): W\(l) contains NaN or infinity") }
            var bias: Tensor?
            if inputs.biasStd != 0 || archive["b\(l)"] != nil {
                let b = try archive.tensor("b\(l)")
                guard b.shape == [w.shape[1]] || b.shape == [1, w.shape[1]] else {
                    throw NTKInputError("\(params): b\(l) has shape \(b.shape), expected (\(w.shape[1]),)")
                }
                guard b.isFinite else { throw NTKInputError("\(params): b\(l) contains NaN or infinity") }
                bias = b.reshaped([w.shape[1]])
            }
            layers.append(Dense(weight: w, bias: bias, activation: l < count - 1 ? act : .identity,
                                parameterization: .ntk(weightStd: inputs.weightStd, biasStd: inputs.biasStd)))
            fanIn = w.shape[1]
        }
        return Sequential(layers)
    }

    func compute() throws {
        guard let act = Activation(name: activation) else {
            throw NTKInputError("unknown --activation '\(activation)' (relu, erf, identity, tanh, sigmoid, gelu, sin, softplus, leaky_relu)")
        }
        try checkWritable(out)
        let (x1, x2) = try inputs.loadInputs()
        let archive = try NPZ.read(params)
        let net = try network(from: archive, inputDimension: x1.shape[1], activation: act)
        let budget = memoryGiB.map(MemoryBudget.gibibytes) ?? .default
        let start = DispatchTime.now().uptimeNanoseconds
        let kernel = try empiricalNTK(net, x1, x2, outputs: full ? .full : .trace, budget: budget) { plan in
            FileHandle.standardError.write(Data((plan.description + "\n").utf8))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        try NPY.write(kernel, to: out)
        say("empirical NTK \(kernel.shape) in " + String(format: "%.3f s", seconds) + " -> \(out)")
    }
}

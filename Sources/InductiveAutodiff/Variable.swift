import InductiveTensor

/// A node of a reverse-mode computation graph: a `Tensor` value and, when it depends on
/// values that require gradients, the operation that produced it.
///
/// Whether an operation is recorded is decided by its inputs alone: if any input
/// `requiresGrad`, the result records its inputs and a backward rule; otherwise the result
/// is a plain constant and nothing is kept. There is no global "grad mode": evaluating a
/// model on constants (`Variable(constant:)`) records nothing, at the cost of one flag check
/// per operation.
///
/// Backward rules are written with `Variable` operations, so a gradient can itself be
/// differentiated (`gradients(of:wrt:createGraph: true)`) to any order. Graphs hold their
/// inputs strongly and never their outputs, so they are acyclic and released as soon as
/// the last output is.
public final class Variable: Sendable, CustomStringConvertible {
    /// The value.
    public let value: Tensor
    /// True for leaves created as parameters and for every result computed from them.
    public let requiresGrad: Bool
    /// The producing operation (nil for leaves and constants).
    let node: Node?
    /// Forward mode: the directional derivative of `value` along the tangents given to the
    /// leaves (same shape as `value`), or nil when it is zero (nothing upstream carries a
    /// tangent). Set on leaves with `Variable.dual(_:tangent:requiresGrad:)` and propagated
    /// by every operation as it is computed; see `jvp` and `hessianVectorProduct`.
    public let tangent: Tensor?

    /// A leaf. `requiresGrad: true` makes it a parameter that gradients can be taken for.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.node = nil
        self.tangent = nil
    }

    /// A leaf carrying a tangent (forward mode): every result computed from it carries its
    /// directional derivative along `tangent`. Shapes must match.
    public static func dual(_ value: Tensor, tangent: Tensor, requiresGrad: Bool = false) -> Variable {
        precondition(tangent.shape == value.shape, "Variable.dual: tangent shape \(tangent.shape) differs from value shape \(value.shape)")
        return Variable(value: value, requiresGrad: requiresGrad, node: nil, tangent: tangent)
    }

    init(value: Tensor, requiresGrad: Bool, node: Node?, tangent: Tensor?) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.node = node
        self.tangent = tangent
    }

    /// A constant (never differentiated): `Variable(constant: x)`.
    public convenience init(constant value: Tensor) { self.init(value, requiresGrad: false) }

    /// A parameter leaf (gradients can be taken with respect to it).
    public static func parameter(_ value: Tensor) -> Variable { Variable(value, requiresGrad: true) }

    init(value: Tensor, node: Node, tangent: Tensor? = nil) {
        self.value = value
        self.requiresGrad = true
        self.node = node
        self.tangent = tangent
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }
    /// The rank of the value.
    public var rank: Int { value.rank }
    /// The number of elements.
    public var count: Int { value.count }
    /// The single element of a one-element value.
    public var scalar: Double { value.scalar }

    /// The same value cut from the graph (a constant): no gradient flows through it and it
    /// carries no tangent.
    public var detached: Variable { requiresGrad || tangent != nil ? Variable(value) : self }

    /// The value and tangent as a constant of the reverse graph (forward-over-reverse sweeps).
    var dualConstant: Variable {
        requiresGrad ? Variable(value: value, requiresGrad: false, node: nil, tangent: tangent) : self
    }

    /// The name of the producing operation ("leaf" or "constant" otherwise).
    public var operationName: String { node?.name ?? (requiresGrad ? "leaf" : "constant") }

    public var description: String { "Variable(\(operationName), shape: \(shape))" }
}

/// What a backward rule receives: the operation's output, the gradient of the final result
/// with respect to that output (same shape), the inputs, and which inputs need a gradient.
///
/// When the engine is not building a graph of the backward pass (first derivatives), the
/// output, gradient and inputs are constants, so the rule's operations record nothing.
public struct BackwardArguments: Sendable {
    /// The operation's result.
    public let output: Variable
    /// d(final result) / d(output), shaped like the output.
    public let gradient: Variable
    /// The operation's inputs.
    public let inputs: [Variable]
    /// needsGradient[i] is false when input i leads to no requested gradient (skip its work).
    public let needsGradient: [Bool]
    /// tangentOnly[i] is true when the engine will read only the tangent of input i's gradient
    /// (a parameter in a forward-over-reverse Hessian-vector product): a rule may then skip
    /// the gradient's value and return `Variable.tangentOnly(_:)`.
    public var tangentOnly: [Bool] = []

    /// Input i.
    @inlinable public func input(_ i: Int) -> Variable { inputs[i] }
    /// Whether input i needs a gradient.
    @inlinable public func needs(_ i: Int) -> Bool { needsGradient[i] }
    /// Whether only the tangent of input i's gradient is read (see `tangentOnly`).
    @inlinable public func needsTangentOnly(_ i: Int) -> Bool { i < tangentOnly.count && tangentOnly[i] }
}

/// What a forward-mode (tangent) rule receives: the operation's input values and their
/// tangents (nil where zero; at least one is non-nil), and the output value.
public struct TangentArguments: Sendable {
    /// The operation's input values.
    public let inputs: [Tensor]
    /// The inputs' tangents, each shaped like its input, nil where zero.
    public let tangents: [Tensor?]
    /// The operation's result.
    public let output: Tensor

    /// Input i's value.
    @inlinable public func input(_ i: Int) -> Tensor { inputs[i] }
    /// Input i's tangent (nil where zero).
    @inlinable public func tangent(_ i: Int) -> Tensor? { tangents[i] }
}

/// The forward-mode rule of an operation: the output's tangent J t (the Jacobian-vector
/// product) from the inputs' tangents, or nil when it is zero. A result with the output's
/// shape up to broadcasting is broadcast to it by `Variable.record`.
public typealias TangentRule = @Sendable (TangentArguments) -> Tensor?

/// The backward rule of an operation: one gradient per input (nil where none is needed).
/// A returned gradient may have the output's broadcast shape: the engine sums it back to
/// the input's shape, so broadcasting is handled in one place.
public typealias BackwardRule = @Sendable (BackwardArguments) -> [Variable?]

/// Per-example gradient of one input from the output's batched gradient (fast path of
/// `perExampleGradients`): returns a tensor of shape [batch] + input shape, or nil when the
/// structure does not allow it.
typealias PerExampleRule = @Sendable (_ inputs: [Variable], _ gradient: Tensor, _ inputIndex: Int, _ batch: Int) -> Tensor?

/// How a backward rule's input gradients g_i depend on the output gradient g, which tells a
/// forward-over-reverse sweep when the tangent of g_i needs the value of g (otherwise that
/// value is skipped where nothing else reads it).
enum GradientCoefficients: Sendable {
    /// g_i = L_i g with L_i fixed (linear maps, constant masks): d g_i = L_i dg.
    case constant
    /// Two inputs, g_i = L(other input) g with L linear in the other input (products):
    /// d g_i = L(other) dg + L(d other) g needs g only when the other input has a tangent.
    case bilinear
    /// Anything else: needs g whenever an input carries a tangent.
    case general
}

final class Node: Sendable {
    let name: String
    let inputs: [Variable]
    let backward: BackwardRule
    /// False when `backward` computes with constants, so that gradients are correct but
    /// cannot be differentiated again.
    let differentiableBackward: Bool
    let perExample: PerExampleRule?
    let coefficients: GradientCoefficients

    init(name: String, inputs: [Variable], differentiableBackward: Bool = true, perExample: PerExampleRule? = nil,
         coefficients: GradientCoefficients = .general, backward: @escaping BackwardRule) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
        self.differentiableBackward = differentiableBackward
        self.perExample = perExample
        self.coefficients = coefficients
    }

    /// Whether the tangent of input i's gradient needs the value of the output's gradient.
    func tangentNeedsGradientValue(_ i: Int) -> Bool {
        switch coefficients {
        case .constant: return false
        case .bilinear: return inputs.count == 2 ? inputs[1 - i].tangent != nil : inputs.contains { $0.tangent != nil }
        case .general: return inputs.contains { $0.tangent != nil }
        }
    }
}

extension Variable {
    /// Records `value` as the result of an operation on `inputs` (or returns a constant if
    /// no input requires gradients). The one entry point every operation goes through.
    ///
    /// When an input carries a tangent, `tangent` computes the output's (forward mode), eagerly:
    /// values and tangents travel together, and backward rules run on such values propagate
    /// tangents through the reverse sweep (forward-over-reverse).
    static func record(_ name: String, _ value: Tensor, _ inputs: [Variable], coefficients: GradientCoefficients = .general,
                       perExample: PerExampleRule? = nil, tangent: TangentRule, backward: @escaping BackwardRule) -> Variable {
        let t = outputTangent(value, inputs, tangent)
        for input in inputs where input.requiresGrad {
            return Variable(value: value, node: Node(name: name, inputs: inputs, perExample: perExample, coefficients: coefficients,
                                                     backward: backward), tangent: t)
        }
        return t == nil ? Variable(value) : Variable(value: value, requiresGrad: false, node: nil, tangent: t)
    }

    /// The output tangent by `rule` when some input carries a tangent (nil otherwise).
    static func outputTangent(_ value: Tensor, _ inputs: [Variable], _ rule: TangentRule) -> Tensor? {
        guard inputs.contains(where: { $0.tangent != nil }) else { return nil }
        guard var t = rule(TangentArguments(inputs: inputs.map(\.value), tangents: inputs.map(\.tangent), output: value)) else { return nil }
        if t.shape != value.shape { t = t.broadcast(to: value.shape) }
        return t
    }

    /// A gradient of which only the tangent is meaningful (see `BackwardArguments.tangentOnly`):
    /// its value is a placeholder that the engine never reads.
    public static func tangentOnly(_ tangent: Tensor) -> Variable {
        Variable(value: tangent, requiresGrad: false, node: nil, tangent: tangent)
    }
}

/// Defines a new differentiable operation from its value and backward rule (a custom
/// vector-Jacobian product), for layers such as convolution or pooling.
///
/// - Parameters:
///   - name: shown in graph dumps and error messages.
///   - inputs: the operands; the result requires gradients if any of them does.
///   - value: the already computed output.
///   - differentiableBackward: true when `backward` is written with `Variable` operations on
///     its arguments (then second and higher derivatives are correct); false when it
///     computes with constants, which gives correct first derivatives only: taking a
///     second derivative through it stops with a message naming the operation.
///   - backward: maps (output, output gradient, inputs) to one gradient per input.
///   - tangent: the forward-mode rule (Jacobian-vector product), used when an input carries
///     a tangent (`jvp`, `hessianVectorProduct`). When nil, the tangent is derived from
///     `backward` by the double-VJP construction J t = d<J^T u, t>/du on a small graph
///     (about two extra backward-rule evaluations); that requires `backward` to build the
///     input gradients from `gradient` with `Variable` operations.
public func customOperation(
    _ name: String, inputs: [Variable], value: Tensor, differentiableBackward: Bool,
    tangent: TangentRule? = nil, backward: @escaping BackwardRule
) -> Variable {
    let rule: TangentRule = tangent ?? { args in tangentByDoubleVJP(name, args, backward) }
    let t = Variable.outputTangent(value, inputs, rule)
    guard inputs.contains(where: \.requiresGrad) else {
        return t == nil ? Variable(value) : Variable(value: value, requiresGrad: false, node: nil, tangent: t)
    }
    return Variable(value: value, node: Node(name: name, inputs: inputs, differentiableBackward: differentiableBackward,
                                             backward: backward), tangent: t)
}

/// J t for an operation known only by its backward rule: the rule's input gradients are
/// linear in the output gradient u, so J t = grad_u sum_i <g_i(u), t_i>.
func tangentByDoubleVJP(_ name: String, _ args: TangentArguments, _ backward: BackwardRule) -> Tensor? {
    let u = Variable.parameter(Tensor.zeros(args.output.shape))
    let needs = args.tangents.map { $0 != nil }
    let grads = backward(BackwardArguments(output: Variable(args.output), gradient: u, inputs: args.inputs.map { Variable($0) },
                                           needsGradient: needs))
    precondition(grads.count == args.inputs.count, "operation '\(name)' returned \(grads.count) gradients for \(args.inputs.count) inputs")
    var inner: Variable?
    for (i, g) in grads.enumerated() {
        guard let t = args.tangents[i], var g else { continue }
        if g.shape != t.shape { g = g.sumToShape(t.shape) }
        // A gradient that does not depend on u is constant in u; being linear in u, it is
        // zero (an input the output does not depend on) and adds nothing to J t. At u = 0 a
        // rule that computed with constants also gives 0, so the rule is probed once more at
        // u = 1: a non-zero constant there means no tangent can be derived from it.
        if !g.requiresGrad {
            let probe = backward(BackwardArguments(output: Variable(args.output), gradient: Variable(Tensor.ones(args.output.shape)),
                                                   inputs: args.inputs.map { Variable($0) }, needsGradient: needs))[i]
            precondition(probe.map { isAllZero($0.value) } ?? true, "operation '\(name)': its backward rule does not build gradients from the output gradient with Variable operations, so no tangent can be derived from it; pass `tangent:` to customOperation")
            continue
        }
        let term = (g * Variable(t)).sum()
        inner = inner.map { $0 + term } ?? term
    }
    guard let inner else { return nil }
    return gradientTensors(of: inner, wrt: [u])[0]
}

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

    /// A leaf. `requiresGrad: true` makes it a parameter that gradients can be taken for.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.node = nil
    }

    /// A constant (never differentiated): `Variable(constant: x)`.
    public convenience init(constant value: Tensor) { self.init(value, requiresGrad: false) }

    /// A parameter leaf (gradients can be taken with respect to it).
    public static func parameter(_ value: Tensor) -> Variable { Variable(value, requiresGrad: true) }

    init(value: Tensor, node: Node) {
        self.value = value
        self.requiresGrad = true
        self.node = node
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }
    /// The rank of the value.
    public var rank: Int { value.rank }
    /// The number of elements.
    public var count: Int { value.count }
    /// The single element of a one-element value.
    public var scalar: Double { value.scalar }

    /// The same value cut from the graph (a constant).
    public var detached: Variable { requiresGrad ? Variable(value) : self }

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

    /// Input i.
    @inlinable public func input(_ i: Int) -> Variable { inputs[i] }
    /// Whether input i needs a gradient.
    @inlinable public func needs(_ i: Int) -> Bool { needsGradient[i] }
}

/// The backward rule of an operation: one gradient per input (nil where none is needed).
/// A returned gradient may have the output's broadcast shape: the engine sums it back to
/// the input's shape, so broadcasting is handled in one place.
public typealias BackwardRule = @Sendable (BackwardArguments) -> [Variable?]

/// Per-example gradient of one input from the output's batched gradient (fast path of
/// `perExampleGradients`): returns a tensor of shape [batch] + input shape, or nil when the
/// structure does not allow it.
typealias PerExampleRule = @Sendable (_ inputs: [Variable], _ gradient: Tensor, _ inputIndex: Int, _ batch: Int) -> Tensor?

final class Node: Sendable {
    let name: String
    let inputs: [Variable]
    let backward: BackwardRule
    /// False when `backward` computes with constants, so that gradients are correct but
    /// cannot be differentiated again.
    let differentiableBackward: Bool
    let perExample: PerExampleRule?

    init(name: String, inputs: [Variable], differentiableBackward: Bool = true, perExample: PerExampleRule? = nil,
         backward: @escaping BackwardRule) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
        self.differentiableBackward = differentiableBackward
        self.perExample = perExample
    }
}

extension Variable {
    /// Records `value` as the result of an operation on `inputs` (or returns a constant if
    /// no input requires gradients). The one entry point every operation goes through.
    static func record(_ name: String, _ value: Tensor, _ inputs: [Variable], perExample: PerExampleRule? = nil,
                       backward: @escaping BackwardRule) -> Variable {
        for input in inputs where input.requiresGrad {
            return Variable(value: value, node: Node(name: name, inputs: inputs, perExample: perExample, backward: backward))
        }
        return Variable(value)
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
public func customOperation(
    _ name: String, inputs: [Variable], value: Tensor, differentiableBackward: Bool,
    backward: @escaping BackwardRule
) -> Variable {
    guard inputs.contains(where: \.requiresGrad) else { return Variable(value) }
    return Variable(value: value, node: Node(name: name, inputs: inputs, differentiableBackward: differentiableBackward,
                                             backward: backward))
}

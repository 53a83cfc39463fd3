import InductiveAutodiff
import InductiveTensor

/// What a forward pass may need besides parameters and input: the mode and a generator.
public struct ForwardContext: Sendable {
    /// Training mode (dropout active, batch normalization on batch statistics and updating
    /// its running averages) or evaluation mode.
    public var training: Bool
    /// The generator for stochastic layers (dropout); advanced only in training mode.
    public var rng: RandomGenerator

    public init(training: Bool = false, rng: RandomGenerator = RandomGenerator(seed: 0)) {
        self.training = training
        self.rng = rng
    }
}

/// A network layer: a function y = f(theta, x) of its parameter tensors theta and a batch x
/// (the first axis of x indexes examples).
///
/// A layer is a value: it holds its parameters as `Tensor`s for convenience, but the
/// forward pass takes the parameters as arguments, so a model is always a pure function
/// of its parameters (Jacobians, per-example gradients, Hessian-vector products and the
/// neural tangent kernel need that). `forward` is `mutating` only so that batch
/// normalization can update its running statistics in training mode.
public protocol Layer: Sendable {
    /// Trainable tensors, in a fixed order.
    var parameters: [Tensor] { get set }
    /// One name per parameter (e.g. "weight", "bias"; containers prefix "0.", "1.", ...).
    var parameterNames: [String] { get }
    /// Non-trainable tensors saved with the model (running statistics, fixed features).
    var state: [Tensor] { get set }
    /// One name per state tensor.
    var stateNames: [String] { get }
    /// y = f(parameters, x). `parameters` has exactly `self.parameters.count` entries.
    mutating func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable
}

extension Layer {
    public var state: [Tensor] {
        get { [] }
        set { precondition(newValue.isEmpty, "\(Self.self) has no state") }
    }
    public var stateNames: [String] { [] }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// f(theta, x) for explicit parameters, without changing this layer (a pure function:
    /// state updates of a training-mode pass are discarded; use `forward` to keep them).
    public func apply(parameters theta: [Variable], to x: Variable, context: inout ForwardContext) -> Variable {
        var copy = self
        return copy.forward(x, parameters: theta[...], context: &context)
    }

    /// f(theta, x) in evaluation mode for explicit parameters.
    public func apply(parameters theta: [Variable], to x: Variable) -> Variable {
        var context = ForwardContext(training: false)
        return apply(parameters: theta, to: x, context: &context)
    }

    /// Evaluation-mode output for a batch, using the layer's own parameters as constants
    /// (nothing is recorded).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        apply(parameters: parameters.map { Variable(constant: $0) }, to: Variable(constant: x)).value
    }

    /// All parameters flattened into one vector theta (in `parameters` order).
    public var flatParameters: Tensor { Tensor.concatenate(parameters.map { $0.flattened() }) }

    /// Replaces all parameters from one flat vector (the inverse of `flatParameters`).
    public mutating func setFlatParameters(_ theta: Tensor) {
        precondition(theta.count == parameterCount, "setFlatParameters: \(theta.count) values for \(parameterCount) parameters")
        var offset = 0
        parameters = parameters.map { p in
            defer { offset += p.count }
            return Tensor(shape: p.shape, scalars: Array(theta.scalars[offset..<(offset + p.count)]))
        }
    }

    /// Splits a flat parameter `Variable` into tensors shaped like `parameters`
    /// (differentiably), for models written as f(theta_flat, x).
    public func unflatten(_ theta: Variable) -> [Variable] {
        precondition(theta.count == parameterCount, "unflatten: \(theta.count) values for \(parameterCount) parameters")
        var offset = 0
        return parameters.map { p in
            defer { offset += p.count }
            return theta.slice([.range(offset..<(offset + p.count))]).reshaped(p.shape)
        }
    }

    /// Parameters by name.
    public var namedParameters: [(name: String, value: Tensor)] { Array(zip(parameterNames, parameters)) }
}

/// A layer without trainable parameters (activations, pooling, dropout, reshaping): the
/// parameter list is empty and cannot be set to anything else.
public protocol ParameterFreeLayer: Layer {}

extension ParameterFreeLayer {
    public var parameters: [Tensor] {
        get { [] }
        set { precondition(newValue.isEmpty, "\(Self.self) has no parameters") }
    }
    public var parameterNames: [String] { [] }
}

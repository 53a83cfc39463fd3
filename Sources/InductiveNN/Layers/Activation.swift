import Foundation
import InductiveAutodiff
import InductiveTensor

/// A pointwise nonlinearity, usable as a function (`activation(x)`) and as a layer
/// (`ActivationLayer`).
public enum Activation: Sendable, Equatable, CustomStringConvertible {
    /// x.
    case identity
    /// max(x, 0).
    case relu
    /// x for x > 0, slope * x otherwise.
    case leakyRelu(slope: Double)
    /// tanh x.
    case tanh
    /// 1 / (1 + e^-x).
    case sigmoid
    /// erf x (the activation of neural-tangents' `Erf()`).
    case erf
    /// x Phi(x) = (x / 2) (1 + erf(x / sqrt 2)), the exact GELU.
    case gelu
    /// sin x.
    case sin
    /// log(1 + e^x).
    case softplus

    /// Applies the nonlinearity elementwise (differentiably).
    public func callAsFunction(_ x: Variable) -> Variable {
        switch self {
        case .identity: return x
        case .relu: return InductiveAutodiff.relu(x)
        case .leakyRelu(let slope): return InductiveAutodiff.leakyRelu(x, slope: slope)
        case .tanh: return InductiveAutodiff.tanh(x)
        case .sigmoid: return InductiveAutodiff.sigmoid(x)
        case .erf: return InductiveAutodiff.erf(x)
        case .gelu: return x * (InductiveAutodiff.erf(x * (1 / 2.0.squareRoot())) + 1) * 0.5
        case .sin: return InductiveAutodiff.sin(x)
        case .softplus: return InductiveAutodiff.softplus(x)
        }
    }

    /// Applies the nonlinearity to a tensor.
    public func callAsFunction(_ x: Tensor) -> Tensor { self(Variable(constant: x)).value }

    /// True for relu-like activations (He initialization is their default).
    public var isRectifier: Bool {
        switch self {
        case .relu, .leakyRelu: return true
        default: return false
        }
    }

    /// The name used in model specifications (`dense(64,relu)`).
    public var description: String {
        switch self {
        case .identity: return "identity"
        case .relu: return "relu"
        case .leakyRelu(let s): return "leaky_relu(\(s))"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .erf: return "erf"
        case .gelu: return "gelu"
        case .sin: return "sin"
        case .softplus: return "softplus"
        }
    }

    /// Parses a name: identity|linear, relu, leaky_relu (slope 0.01) or leaky_relu(SLOPE), tanh,
    /// sigmoid, erf, gelu, sin, softplus. Inverse of `description`.
    public init?(name: String) {
        let lower = name.lowercased()
        if lower.hasPrefix("leaky_relu(") && lower.hasSuffix(")") {
            guard let slope = Double(lower.dropFirst("leaky_relu(".count).dropLast()), slope.isFinite else { return nil }
            self = .leakyRelu(slope: slope)
            return
        }
        switch lower {
        case "identity", "linear", "none": self = .identity
        case "relu": self = .relu
        case "leaky_relu", "leakyrelu": self = .leakyRelu(slope: 0.01)
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "erf": self = .erf
        case "gelu": self = .gelu
        case "sin": self = .sin
        case "softplus": self = .softplus
        default: return nil
        }
    }
}

/// A layer applying an `Activation` elementwise (no parameters).
public struct ActivationLayer: ParameterFreeLayer {
    /// The nonlinearity.
    public var activation: Activation
    public init(_ activation: Activation) { self.activation = activation }
    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        activation(x)
    }
}

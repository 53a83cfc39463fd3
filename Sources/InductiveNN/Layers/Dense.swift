import InductiveAutodiff
import InductiveTensor

/// How a dense layer scales its weights and biases.
public enum Parameterization: Sendable, Equatable {
    /// y = x W + b, with W drawn by an `Initializer` (the usual deep-learning convention).
    case standard
    /// y = (s / sqrt(fan_in)) x W + b_std b with W, b ~ N(0, 1): the neural tangent kernel
    /// parameterization (Jacot et al. 2018), the convention of neural-tangents'
    /// `stax.Dense(W_std=s, b_std=b_std)`. Its NTK has a deterministic limit as width grows.
    case ntk(weightStd: Double, biasStd: Double)
    /// y = (s / fan_in) x W + b_std b with W, b ~ N(0, 1): the mean-field scaling of an
    /// output layer, f = (1/n) sum_i a_i h_i (Mei, Montanari and Nguyen 2018). Use it for the
    /// last layer with `.ntk` hidden layers; training then leaves the lazy regime.
    case meanField(weightStd: Double, biasStd: Double)
}

/// A fully connected layer y = act(scale_W * x W + scale_b * b) on inputs [batch, fan_in],
/// W of shape [fan_in, fan_out], b of shape [fan_out]. Cost: 2 batch fan_in fan_out flops.
///
/// Written so that W enters through `matmul(h, W)` and b through a broadcast `+`: the
/// structured path of `perExampleGradients` applies to every parameterization.
public struct Dense: Layer {
    /// W, [fan_in, fan_out].
    public var weight: Tensor
    /// b, [fan_out] (nil: no bias).
    public var bias: Tensor?
    /// The nonlinearity applied to the output.
    public var activation: Activation
    /// How W and b are scaled in the forward pass.
    public let parameterization: Parameterization

    /// Draws the parameters. For `.standard` the weights come from `weightInitializer`
    /// (default: He normal for rectifiers, Xavier uniform otherwise) and biases are zero;
    /// for `.ntk` and `.meanField` every parameter is N(0, 1) and the scales live in the
    /// forward pass.
    public init(inputSize: Int, outputSize: Int, activation: Activation = .identity,
                parameterization: Parameterization = .standard, useBias: Bool = true,
                weightInitializer: Initializer? = nil, using rng: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Dense: sizes must be positive")
        self.activation = activation
        self.parameterization = parameterization
        switch parameterization {
        case .standard:
            let initializer = weightInitializer ?? (activation.isRectifier ? .heNormal : .xavierUniform())
            weight = initializer.make([inputSize, outputSize], fanIn: inputSize, fanOut: outputSize, using: &rng)
            bias = useBias ? Tensor.zeros([outputSize]) : nil
        case .ntk, .meanField:
            weight = Tensor.randomNormal([inputSize, outputSize], using: &rng)
            bias = useBias ? Tensor.randomNormal([outputSize], using: &rng) : nil
        }
    }

    /// A layer from given tensors (W [fan_in, fan_out], b [fan_out] or nil).
    public init(weight: Tensor, bias: Tensor?, activation: Activation = .identity, parameterization: Parameterization = .standard) {
        precondition(weight.rank == 2, "Dense: weight must be [fan_in, fan_out], got \(weight.shape)")
        if let bias { precondition(bias.shape == [weight.shape[1]], "Dense: bias \(bias.shape) for weight \(weight.shape)") }
        self.weight = weight
        self.bias = bias
        self.activation = activation
        self.parameterization = parameterization
    }

    /// fan_in.
    public var inputSize: Int { weight.shape[0] }
    /// fan_out.
    public var outputSize: Int { weight.shape[1] }

    public var parameters: [Tensor] {
        get { bias.map { [weight, $0] } ?? [weight] }
        set {
            precondition(newValue.count == (bias == nil ? 1 : 2), "Dense: wrong number of parameters")
            precondition(newValue[0].shape == weight.shape, "Dense: weight shape \(newValue[0].shape), expected \(weight.shape)")
            weight = newValue[0]
            if bias != nil {
                precondition(newValue[1].shape == [outputSize], "Dense: bias shape \(newValue[1].shape), expected [\(outputSize)]")
                bias = newValue[1]
            }
        }
    }
    public var parameterNames: [String] { bias == nil ? ["weight"] : ["weight", "bias"] }

    /// (scale of x W, scale of b) for this parameterization.
    public var scales: (weight: Double, bias: Double) {
        let n = Double(inputSize)
        switch parameterization {
        case .standard: return (1, 1)
        case .ntk(let s, let b): return (s / n.squareRoot(), b)
        case .meanField(let s, let b): return (s / n, b)
        }
    }

    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        precondition(x.shape.last == inputSize, "Dense: input shape \(x.shape), expected last axis \(inputSize)")
        let w = parameters[parameters.startIndex]
        let (sw, sb) = scales
        var z: Variable
        if parameters.count > 1 && sb != 0 {
            // (sw / sb) x W + b, times sb: W and b each enter through one structured operation.
            let b = parameters[parameters.startIndex + 1]
            let ratio = sw / sb
            z = matmul(ratio == 1 ? x : x * ratio, w) + b
            if sb != 1 { z = z * sb }
        } else {
            z = matmul(sw == 1 ? x : x * sw, w)
        }
        return activation(z)
    }
}

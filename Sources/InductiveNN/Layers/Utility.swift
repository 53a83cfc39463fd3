import Foundation
import InductiveAutodiff
import InductiveTensor

/// Inverted dropout (Srivastava et al. 2014): in training each entry is kept with
/// probability 1 - p and scaled by 1 / (1 - p), so the expectation is unchanged; in
/// evaluation it is the identity. Draws from the context's generator.
public struct Dropout: ParameterFreeLayer {
    /// p, the probability of dropping an entry.
    public var rate: Double

    public init(rate: Double) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1)")
        self.rate = rate
    }


    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        guard context.training && rate > 0 else { return x }
        let keep = Tensor.randomBernoulli(x.shape, p: 1 - rate, using: &context.rng)
        return x * Variable(keep * (1 / (1 - rate)))
    }
}

/// [batch, ...] -> [batch, product of the rest].
public struct Flatten: ParameterFreeLayer {
    public init() {}
    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        x.reshaped([x.shape[0], -1])
    }
}

/// [batch, ...] -> [batch] + shape.
public struct Reshape: ParameterFreeLayer {
    /// The shape of one example after reshaping.
    public var shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        x.reshaped([x.shape[0]] + shape)
    }
}

/// Fourier features (Rahimi and Recht 2007; Tancik et al. 2020):
/// gamma(x) = [cos(2 pi x B), sin(2 pi x B)] for x [batch, d] and a frequency matrix B [d, m].
/// Output [batch, 2m]; cost 2 batch d m flops plus 2 batch m trigonometric functions.
/// B is fixed state by default, a parameter when trainable. Three choices of B:
/// - Gaussian (`init(inputSize:features:sigma:...)`): entries N(0, sigma^2);
/// - basic (`basic(inputSize:)`): B = I, gamma(x) = [cos 2 pi x_i, sin 2 pi x_i];
/// - positional (`positional(inputSize:levels:scale:)`): frequencies scale^(j / levels) along
///   each axis, j = 0..<levels (Tancik et al.'s log-linear positional encoding).
public struct FourierFeatures: Layer {
    /// B, [d, m].
    public var frequencies: Tensor
    /// Whether B is a parameter (trained) or fixed state.
    public let trainable: Bool

    public init(inputSize: Int, features: Int, sigma: Double, trainable: Bool = false, using rng: inout RandomGenerator) {
        frequencies = Tensor.randomNormal([inputSize, features], std: sigma, using: &rng)
        self.trainable = trainable
    }

    /// Features with a given frequency matrix B [d, m].
    public init(frequencies: Tensor, trainable: Bool = false) {
        precondition(frequencies.rank == 2 && frequencies.count > 0, "FourierFeatures: frequencies must be a non-empty [d, m] matrix, got \(frequencies.shape)")
        self.frequencies = frequencies
        self.trainable = trainable
    }

    /// The basic embedding gamma(x) = [cos 2 pi x_1, ..., cos 2 pi x_d, sin 2 pi x_1, ...] (B = I).
    public static func basic(inputSize: Int) -> FourierFeatures {
        FourierFeatures(frequencies: Tensor.eye(inputSize))
    }

    /// The positional encoding: for each input axis i and level j < levels the frequency
    /// scale^(j / levels) along axis i (B has d * levels columns, axis-major).
    public static func positional(inputSize: Int, levels: Int, scale: Double) -> FourierFeatures {
        precondition(inputSize > 0 && levels > 0 && scale > 0, "FourierFeatures.positional: sizes and scale must be positive")
        var b = [Double](repeating: 0, count: inputSize * inputSize * levels)
        for i in 0..<inputSize {
            for j in 0..<levels { b[i * inputSize * levels + i * levels + j] = Foundation.pow(scale, Double(j) / Double(levels)) }
        }
        return FourierFeatures(frequencies: Tensor(shape: [inputSize, inputSize * levels], scalars: b))
    }

    /// m, the number of frequencies (the output has 2m features).
    public var featureCount: Int { frequencies.shape[1] }

    public var parameters: [Tensor] {
        get { trainable ? [frequencies] : [] }
        set {
            if trainable {
                precondition(newValue.count == 1 && newValue[0].shape == frequencies.shape,
                             "FourierFeatures: parameters \(newValue.map(\.shape)), expected one of shape \(frequencies.shape)")
                frequencies = newValue[0]
            } else {
                precondition(newValue.isEmpty, "FourierFeatures: the frequencies are fixed (state, not parameters)")
            }
        }
    }
    public var parameterNames: [String] { trainable ? ["frequencies"] : [] }
    public var state: [Tensor] {
        get { trainable ? [] : [frequencies] }
        set {
            if !trainable {
                precondition(newValue.count == 1 && newValue[0].shape == frequencies.shape,
                             "FourierFeatures: state \(newValue.map(\.shape)), expected one tensor of shape \(frequencies.shape)")
                frequencies = newValue[0]
            }
        }
    }
    public var stateNames: [String] { trainable ? [] : ["frequencies"] }

    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        let b = trainable ? parameters[parameters.startIndex] : Variable(frequencies)
        let angles = matmul(x, b) * (2 * Double.pi)
        return Variable.concatenate([cos(angles), sin(angles)], axis: -1)
    }
}

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

/// Random Fourier features (Rahimi and Recht 2007; Tancik et al. 2020):
/// gamma(x) = [cos(2 pi x B), sin(2 pi x B)] for x [batch, d], B [d, m] with entries
/// N(0, sigma^2). Output [batch, 2m]. B is fixed state by default, a parameter when trainable.
public struct FourierFeatures: Layer {
    /// B, [d, m].
    public var frequencies: Tensor
    /// Whether B is a parameter (trained) or fixed state.
    public let trainable: Bool

    public init(inputSize: Int, features: Int, sigma: Double, trainable: Bool = false, using rng: inout RandomGenerator) {
        frequencies = Tensor.randomNormal([inputSize, features], std: sigma, using: &rng)
        self.trainable = trainable
    }

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

import InductiveAutodiff
import InductiveTensor

/// Batch normalization (Ioffe and Szegedy 2015): per feature (axis 1),
/// y = gamma (x - mu) / sqrt(var + eps) + beta, where in training mu and var are the batch
/// statistics over the batch and spatial axes (biased variance) and the running averages
/// are updated as r <- (1 - momentum) r + momentum * stat (unbiased variance for the running
/// estimate); in evaluation the running averages are used.
public struct BatchNorm: Layer {
    /// gamma, one per feature.
    public var scale: Tensor
    /// beta, one per feature.
    public var offset: Tensor
    /// Running average of the batch means (used in evaluation).
    public var runningMean: Tensor
    /// Running average of the (unbiased) batch variances.
    public var runningVariance: Tensor
    /// Weight of the new batch statistic in the running averages.
    public var momentum: Double
    /// Added to the variance before the square root.
    public var epsilon: Double

    /// gamma = 1, beta = 0, running mean 0 and variance 1.
    public init(features: Int, momentum: Double = 0.1, epsilon: Double = 1e-5) {
        scale = Tensor.ones([features])
        offset = Tensor.zeros([features])
        runningMean = Tensor.zeros([features])
        runningVariance = Tensor.ones([features])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var parameters: [Tensor] {
        get { [scale, offset] }
        set {
            precondition(newValue.count == 2 && newValue[0].shape == scale.shape && newValue[1].shape == offset.shape,
                         "BatchNorm: wrong parameters")
            scale = newValue[0]
            offset = newValue[1]
        }
    }
    public var parameterNames: [String] { ["scale", "offset"] }
    public var state: [Tensor] {
        get { [runningMean, runningVariance] }
        set {
            precondition(newValue.count == 2 && newValue[0].shape == runningMean.shape && newValue[1].shape == runningVariance.shape,
                         "BatchNorm: state \(newValue.map(\.shape)), expected two tensors of shape \(runningMean.shape)")
            runningMean = newValue[0]
            runningVariance = newValue[1]
        }
    }
    public var stateNames: [String] { ["runningMean", "runningVariance"] }

    public mutating func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        let features = scale.count
        precondition(x.rank >= 2 && x.shape[1] == features, "BatchNorm: input \(x.shape), expected axis 1 of extent \(features)")
        // Broadcast shape of per-feature tensors: [1, features, 1, ...].
        let featureShape = [1, features] + [Int](repeating: 1, count: x.rank - 2)
        let axes = [0] + Array(2..<x.rank)
        let gamma = parameters[parameters.startIndex].reshaped(featureShape)
        let beta = parameters[parameters.startIndex + 1].reshaped(featureShape)
        let normalized: Variable
        if context.training {
            let mean = x.mean(axes: axes, keepDims: true)
            let centered = x - mean
            let variance = (centered * centered).mean(axes: axes, keepDims: true)
            normalized = centered / sqrt(variance + epsilon)
            let n = Double(x.count / features)
            let unbiased = variance.value.reshaped([features]) * (n / Swift.max(n - 1, 1))
            runningMean = runningMean * (1 - momentum) + mean.value.reshaped([features]) * momentum
            runningVariance = runningVariance * (1 - momentum) + unbiased * momentum
        } else {
            let mean = Variable(runningMean.reshaped(featureShape))
            let std = Variable(sqrt(runningVariance + epsilon).reshaped(featureShape))
            normalized = (x - mean) / std
        }
        return normalized * gamma + beta
    }
}

/// Layer normalization (Ba et al. 2016): each example normalized over its last axis,
/// y = gamma (x - mu) / sqrt(var + eps) + beta with per-example statistics; the same in
/// training and evaluation.
public struct LayerNorm: Layer {
    public var scale: Tensor
    public var offset: Tensor
    public var epsilon: Double

    /// gamma = 1, beta = 0.
    public init(features: Int, epsilon: Double = 1e-5) {
        scale = Tensor.ones([features])
        offset = Tensor.zeros([features])
        self.epsilon = epsilon
    }

    public var parameters: [Tensor] {
        get { [scale, offset] }
        set {
            precondition(newValue.count == 2 && newValue[0].shape == scale.shape && newValue[1].shape == offset.shape,
                         "LayerNorm: parameters \(newValue.map(\.shape)), expected two tensors of shape \(scale.shape)")
            scale = newValue[0]
            offset = newValue[1]
        }
    }
    public var parameterNames: [String] { ["scale", "offset"] }

    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        precondition(x.shape.last == scale.count, "LayerNorm: input \(x.shape), expected last axis \(scale.count)")
        let mean = x.mean(axes: [-1], keepDims: true)
        let centered = x - mean
        let variance = (centered * centered).mean(axes: [-1], keepDims: true)
        return centered / sqrt(variance + epsilon) * parameters[parameters.startIndex] + parameters[parameters.startIndex + 1]
    }
}

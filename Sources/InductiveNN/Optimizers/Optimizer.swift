import Foundation
import InductiveTensor

/// A learning-rate schedule eta(t) of the step count t (0-based).
public enum LearningRateSchedule: Sendable, Equatable {
    /// eta(t) = eta_0.
    case constant
    /// eta(t) = eta_0 * factor^floor(t / every).
    case step(every: Int, factor: Double)
    /// eta(t) = eta_min + (eta_0 - eta_min)(1 + cos(pi min(t, T) / T)) / 2 (Loshchilov and
    /// Hutter 2017, without restarts).
    case cosine(totalSteps: Int, minimum: Double = 0)

    /// The rate at step t for base rate `base`.
    public func rate(base: Double, step t: Int) -> Double {
        switch self {
        case .constant: return base
        case .step(let every, let factor): return base * Foundation.pow(factor, Double(t / Swift.max(every, 1)))
        case .cosine(let total, let minimum):
            let progress = Double(Swift.min(t, total)) / Double(Swift.max(total, 1))
            return minimum + (base - minimum) * (1 + Foundation.cos(Double.pi * progress)) / 2
        }
    }
}

/// An update rule theta <- theta - step(gradient, state). State (moments, step count) is
/// kept per parameter tensor and exposed for checkpoints.
public protocol Optimizer: Sendable {
    /// The base learning rate.
    var learningRate: Double { get set }
    /// The schedule applied to `learningRate`.
    var schedule: LearningRateSchedule { get set }
    /// Number of updates applied so far.
    var step: Int { get set }
    /// Applies one update to `parameters` given their gradients; `rng` is used by
    /// stochastic rules (Langevin) and must otherwise be left alone.
    mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], rng: inout RandomGenerator)
    /// The internal state for checkpoints, with names (e.g. "m.0", "v.0").
    var stateTensors: [(name: String, value: Tensor)] { get }
    /// Restores state saved by `stateTensors`.
    mutating func restore(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// The learning rate of the next update.
    public var currentLearningRate: Double { schedule.rate(base: learningRate, step: step) }
}

/// An optimizer state that does not fit the model.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "optimizer state: \(reason)" }
}

/// How weight decay enters an update.
public enum WeightDecay: Sendable, Equatable {
    case none
    /// Coupled (L2 penalty): the gradient becomes g + lambda theta before the rule.
    case coupled(Double)
    /// Decoupled (Loshchilov and Hutter 2019): theta <- theta - eta lambda theta, outside the rule.
    case decoupled(Double)

    /// Applies the decay for one update of rate `eta`: adds lambda theta to the gradient
    /// (coupled) or shrinks theta by (1 - eta lambda) (decoupled).
    func apply(to parameter: inout Tensor, gradient: inout Tensor, learningRate eta: Double) {
        switch self {
        case .coupled(let lambda): gradient.addScaled(parameter, lambda)
        case .decoupled(let lambda): parameter *= 1 - eta * lambda
        case .none: break
        }
    }
}

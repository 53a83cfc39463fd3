import InductiveAutodiff
import InductiveTensor

/// The loss landscape along the gradient direction (Santurkar et al. 2018, "How does batch
/// normalization help optimization?"): from parameters theta with gradient g = grad L(theta),
/// for each step size eta in a range the loss L(theta - eta g) and the gradient change
/// ||grad L(theta - eta g) - g||.
///
/// - `lossRange` = max_eta L(theta - eta g) - min_eta L(theta - eta g) (eta = 0 included):
///   the "variation of the loss" along the step.
/// - `effectiveSmoothness` = max_eta ||grad L(theta - eta g) - g|| / (eta ||g||): the
///   "effective beta-smoothness", a lower bound on the gradient's Lipschitz constant beta
///   along the step (for a quadratic (1/2) theta^T A theta it is ||A g|| / ||g|| <= lambda_max(A)).
///
/// Works on any model and loss written as a function of its parameter tensors.
/// Cost: one gradient evaluation per step size plus one.
public struct LandscapeProbe: Sendable, Equatable {
    /// The step sizes eta (all > 0).
    public let stepSizes: [Double]
    /// L(theta).
    public let loss: Double
    /// ||grad L(theta)||.
    public let gradientNorm: Double
    /// L(theta - eta g), one per step size.
    public let losses: [Double]
    /// ||grad L(theta - eta g) - grad L(theta)||, one per step size.
    public let gradientChanges: [Double]

    /// Probes `loss` (a scalar function of the parameter tensors) at `theta` along its
    /// negative gradient with the given positive step sizes.
    public init(at theta: [Tensor], stepSizes: [Double], loss f: ([Variable]) -> Variable) {
        precondition(!stepSizes.isEmpty && stepSizes.allSatisfy { $0 > 0 }, "LandscapeProbe: step sizes must be positive")
        self.stepSizes = stepSizes
        let (l0, g0) = valueAndGradients(at: theta, of: f)
        loss = l0
        let gFlat = Tensor.concatenate(g0.map { $0.flattened() })
        gradientNorm = gFlat.norm()
        var losses: [Double] = [], changes: [Double] = []
        for eta in stepSizes {
            let moved = zip(theta, g0).map { $0 - $1 * eta }
            let (l, g) = valueAndGradients(at: moved, of: f)
            losses.append(l)
            changes.append((Tensor.concatenate(g.map { $0.flattened() }) - gFlat).norm())
        }
        self.losses = losses
        gradientChanges = changes
    }

    /// max - min of the loss over the step sizes and eta = 0.
    public var lossRange: Double {
        let all = losses + [loss]
        return all.max()! - all.min()!
    }

    /// max over step sizes of ||grad L(theta - eta g) - g|| / (eta ||g||) (0 at a stationary point).
    public var effectiveSmoothness: Double {
        guard gradientNorm > 0 else { return 0 }
        return zip(stepSizes, gradientChanges).map { $1 / ($0 * gradientNorm) }.max()!
    }
}

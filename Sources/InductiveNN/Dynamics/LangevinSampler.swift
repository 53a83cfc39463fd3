import Foundation
import InductiveTensor

/// Unadjusted Langevin dynamics on many independent chains at once: each row of
/// theta [chains, d] follows theta <- theta - eta grad U(theta) + sqrt(2 eta T) xi, xi ~ N(0, I),
/// the update of the `Langevin` optimizer. For small eta the chains sample the Gibbs density
/// proportional to exp(-U / T); the step biases the stationary law by O(eta) (for a quadratic
/// U with Hessian A, the covariance is T (A (I - eta A / 2))^-1 instead of T A^-1).
public struct LangevinSampler: Sendable {
    /// eta.
    public var stepSize: Double
    /// T.
    public var temperature: Double
    /// Steps discarded before the first sample.
    public var burnIn: Int
    /// Steps between kept samples.
    public var thinning: Int

    /// A sampler with step eta = `stepSize`, temperature T (default 1), `burnIn` discarded
    /// steps and one kept state every `thinning` steps. Requires eta > 0, T ≥ 0, burnIn ≥ 0,
    /// thinning ≥ 1.
    public init(stepSize: Double, temperature: Double = 1, burnIn: Int, thinning: Int = 1) {
        precondition(stepSize > 0 && temperature >= 0 && burnIn >= 0 && thinning >= 1,
                     "LangevinSampler: step size positive, temperature and burn-in non-negative, thinning at least 1")
        self.stepSize = stepSize
        self.temperature = temperature
        self.burnIn = burnIn
        self.thinning = thinning
    }

    /// Runs the chains from `start` [chains, d] for burnIn + samples * thinning steps;
    /// `gradient` maps a [chains, d] state to the per-row gradients of U. Returns the kept
    /// states, [samples * chains, d] (row c + chains * s is chain c's s-th sample).
    /// Cost: (burnIn + samples * thinning) gradient evaluations and as many chains * d normals.
    public func sample(from start: Tensor, samples: Int, gradient: (Tensor) -> Tensor,
                       using rng: inout RandomGenerator) -> Tensor {
        precondition(start.rank == 2 && samples >= 1, "LangevinSampler: start must be [chains, d] and samples positive")
        var theta = start
        let noise = (2 * stepSize * temperature).squareRoot()
        var kept: [Tensor] = []
        kept.reserveCapacity(samples)
        let total = burnIn + samples * thinning
        for step in 1...total {
            theta.addScaled(gradient(theta), -stepSize)
            if noise > 0 { theta.addScaled(Tensor.randomNormal(theta.shape, using: &rng), noise) }
            if step > burnIn && (step - burnIn) % thinning == 0 { kept.append(theta) }
        }
        return Tensor.concatenate(kept, axis: 0)
    }
}

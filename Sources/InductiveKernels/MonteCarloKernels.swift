import Foundation
import InductiveNN
import InductiveTensor

/// Monte-Carlo estimates of the empirical NTK and NNGP over random initializations.
public struct MonteCarloKernelEstimate: Sendable {
    /// The running means after a given number of samples.
    public struct Checkpoint: Sendable {
        /// Networks drawn so far.
        public let samples: Int
        /// The running mean of the empirical NTK after `samples` networks.
        public let ntkMean: Tensor
        /// The running mean of the empirical NNGP after `samples` networks.
        public let nngpMean: Tensor
    }

    /// Number of networks drawn.
    public let samples: Int
    /// The sample mean of the empirical NTK (shape as `outputs` asks).
    public let ntkMean: Tensor
    /// Its standard error sqrt(s² / n), s² the unbiased sample variance (NaN for n = 1).
    public let ntkStandardError: Tensor
    /// The sample mean of the empirical NNGP (the outputs' Gram matrix).
    public let nngpMean: Tensor
    /// Its standard error.
    public let nngpStandardError: Tensor
    /// Running means at the requested sample counts, in increasing order.
    public let checkpoints: [Checkpoint]
}

/// The mean and standard error of the empirical NTK and NNGP of `samples` networks, network
/// s drawn by `makeModel` from the generator `rng.child(s)` (so estimates with more samples
/// extend those with fewer; `rng` is advanced once so that a second call draws new networks).
///
/// As the width grows the mean tends to the infinite-width kernel (times I_k) and the
/// standard error falls like 1/sqrt(samples · width). Shapes: as `empiricalNTK` with the same
/// `outputs`. Cost: `samples` empirical NTKs; memory: four kernel-sized accumulators.
/// `checkpoints` lists sample counts (<= samples) at which to record the running means.
public func monteCarloKernels<Model: Layer>(
    samples: Int, _ x1: Tensor, _ x2: Tensor? = nil, outputs: OutputContraction = .trace, checkpoints: [Int] = [],
    budget: MemoryBudget = .default, using rng: inout RandomGenerator, makeModel: (inout RandomGenerator) -> Model
) throws -> MonteCarloKernelEstimate {
    precondition(samples >= 1, "monteCarloKernels: samples must be >= 1")
    let wanted = Set(checkpoints.filter { $0 >= 1 && $0 <= samples })
    var ntkMean: Tensor?, ntkM2: Tensor?, nngpMean: Tensor?, nngpM2: Tensor?
    var recorded: [MonteCarloKernelEstimate.Checkpoint] = []
    // Welford's update: mean += (x - mean)/n, M2 += (x - mean_old)(x - mean_new).
    func update(_ mean: inout Tensor?, _ m2: inout Tensor?, _ x: Tensor, _ n: Int) {
        guard let old = mean else { mean = x; m2 = Tensor.zeros(x.shape); return }
        let delta = x - old
        let new = old + delta * (1 / Double(n))
        m2! += delta * (x - new)
        mean = new
    }
    for s in 0..<samples {
        var child = rng.child(UInt64(s))
        let model = makeModel(&child)
        let ntk = try empiricalNTK(model, x1, x2, outputs: outputs, budget: budget)
        let nngp = empiricalNNGP(model, x1, x2, outputs: outputs)
        update(&ntkMean, &ntkM2, ntk, s + 1)
        update(&nngpMean, &nngpM2, nngp, s + 1)
        if wanted.contains(s + 1) {
            recorded.append(.init(samples: s + 1, ntkMean: ntkMean!, nngpMean: nngpMean!))
        }
    }
    _ = rng.next()
    func standardError(_ m2: Tensor) -> Tensor {
        samples < 2 ? m2.map { _ in .nan } : sqrt(m2 * (1 / Double(samples - 1) / Double(samples)))
    }
    return MonteCarloKernelEstimate(samples: samples, ntkMean: ntkMean!, ntkStandardError: standardError(ntkM2!),
                                    nngpMean: nngpMean!, nngpStandardError: standardError(nngpM2!), checkpoints: recorded)
}

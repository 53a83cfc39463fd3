import Foundation
import InductiveAutodiff
import InductiveTensor

/// How the minibatches of one epoch are drawn from N examples.
public enum BatchSampling: Sendable, Equatable {
    /// Random reshuffling: a fresh permutation per epoch cut into floor(N / B) batches, so
    /// each example appears at most once per epoch (the N mod B left over sit out).
    case randomReshuffling
    /// Independent batches: each of the floor(N / B) batches is a uniformly random subset of
    /// B distinct examples (drawn without replacement inside the batch), independently of the
    /// other batches, so an example may recur across the batches of an epoch. This is the
    /// minibatch distribution behind the notes' factor (N − B)/(N − 1) in the averaged
    /// modified loss (the finite-population correction of sampling B of N without
    /// replacement); it is not sampling with replacement inside a batch.
    case independentBatches
}

/// The minibatches of one epoch: floor(N / B) index lists of B examples each.
public func epochBatches(exampleCount n: Int, batchSize b: Int, sampling: BatchSampling,
                         using rng: inout RandomGenerator) -> [[Int]] {
    precondition(b >= 1 && b <= n, "epochBatches: batch size \(b) must be in 1...\(n)")
    let m = n / b
    switch sampling {
    case .randomReshuffling:
        let order = rng.permutation(n)
        return (0..<m).map { Array(order[($0 * b)..<(($0 + 1) * b)]) }
    case .independentBatches:
        return (0..<m).map { _ in rng.choice(n, count: b, replace: false) }
    }
}

/// A loss on a subset of the training examples: C_batch(theta) for a flat parameter vector.
public typealias BatchLoss = (_ theta: Variable, _ batch: [Int]) -> Variable

/// Minibatch stochastic gradient descent on a flat parameter vector, in the variants the
/// backward error analysis of the notes compares:
///
/// - each batch k is used for `stepsPerBatch` = n Euler steps with the bare rate
///   alpha = eps / n (n = 1 is plain SGD, theta <- theta - eps grad C_k(theta));
///   n > 1 separates discretization error (alpha) from stochasticity (eps = alpha n);
/// - the batches of an epoch come from `sampling`.
///
/// Cost per epoch: n floor(N / B) gradient evaluations on B examples.
public struct MinibatchSGD: Sendable {
    /// eps, the effective learning rate.
    public var learningRate: Double
    public var batchSize: Int
    public var sampling: BatchSampling
    /// n, the Euler steps taken on each batch with bare rate eps / n.
    public var stepsPerBatch: Int

    /// SGD with effective rate eps = `learningRate` on batches of `batchSize` drawn by
    /// `sampling`, each batch used for `stepsPerBatch` Euler steps of eps / stepsPerBatch.
    /// All three numbers must be positive (a programming error otherwise).
    public init(learningRate: Double, batchSize: Int, sampling: BatchSampling = .randomReshuffling, stepsPerBatch: Int = 1) {
        precondition(learningRate > 0 && batchSize >= 1 && stepsPerBatch >= 1, "MinibatchSGD: rate, batch size and steps per batch must be positive")
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.sampling = sampling
        self.stepsPerBatch = stepsPerBatch
    }

    /// The bare rate alpha = eps / n of each Euler step.
    public var bareRate: Double { learningRate / Double(stepsPerBatch) }

    /// One epoch over `exampleCount` examples; returns the batches used.
    @discardableResult
    public func epoch(_ theta: inout Tensor, exampleCount: Int, loss: BatchLoss, using rng: inout RandomGenerator) -> [[Int]] {
        let batches = epochBatches(exampleCount: exampleCount, batchSize: batchSize, sampling: sampling, using: &rng)
        run(&theta, batches: batches, loss: loss)
        return batches
    }

    /// The updates on given batches in the given order.
    public func run(_ theta: inout Tensor, batches: [[Int]], loss: BatchLoss) {
        let alpha = bareRate
        for batch in batches {
            for _ in 0..<stepsPerBatch {
                theta.addScaled(gradient(at: theta) { loss($0, batch) }, -alpha)
            }
        }
    }
}

/// Full-batch gradient descent with the explicit regularizer that backward error analysis
/// attributes to SGD: theta <- theta - eps grad(C + lambda (1/m) sum_k ||grad C_k||^2), the
/// C_k the losses of a random partition into m = floor(N / B) batches of size B, drawn
/// afresh each step (lambda = eps/4 gives the modified loss of random reshuffling).
///
/// Cost per step: per batch a gradient with its graph kept and a Hessian-vector product
/// (about three backward passes), roughly 3 times a plain full-batch step; when B does not
/// divide N one more gradient on all N examples (the batches then miss N mod B of them).
/// `lastPenalty` holds the penalty value of the last step.
public struct PenalizedGradientDescent: Sendable {
    public var learningRate: Double
    public var batchSize: Int
    /// lambda, the penalty weight (eps / 4 in the modified loss).
    public var penaltyWeight: Double
    public private(set) var lastPenalty = 0.0

    /// Full-batch descent with step eps = `learningRate` on C + lambda (1/m) Σ_k ‖∇C_k‖², the
    /// batches of size `batchSize`, lambda = `penaltyWeight` (0 gives plain gradient descent).
    /// Rate and batch size must be positive and the weight non-negative.
    public init(learningRate: Double, batchSize: Int, penaltyWeight: Double) {
        precondition(learningRate > 0 && batchSize >= 1 && penaltyWeight >= 0, "PenalizedGradientDescent: rate and batch size must be positive, the weight non-negative")
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.penaltyWeight = penaltyWeight
    }

    /// One step on `exampleCount` examples.
    public mutating func step(_ theta: inout Tensor, exampleCount: Int, loss: @escaping BatchLoss, using rng: inout RandomGenerator) {
        let all = Array(0..<exampleCount)
        guard penaltyWeight > 0 else {
            theta.addScaled(gradient(at: theta) { loss($0, all) }, -learningRate)
            return
        }
        let batches = epochBatches(exampleCount: exampleCount, batchSize: batchSize, sampling: .randomReshuffling, using: &rng)
        let penalty = gradientNormPenalty(at: theta, losses: batches.map { batch in { loss($0, batch) } })
        // The batches partition the data when B divides N: then C is the mean of the batch
        // losses (for a loss that averages over examples) and so is its gradient.
        var g = exampleCount % batchSize == 0 ? penalty.meanGradient : gradient(at: theta) { loss($0, all) }
        g.addScaled(penalty.gradient, penaltyWeight)
        lastPenalty = penalty.value
        theta.addScaled(g, -learningRate)
    }
}

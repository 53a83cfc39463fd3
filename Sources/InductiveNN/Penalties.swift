import InductiveAutodiff
import InductiveTensor

/// An explicit regularizer added to the training loss, computed differentiably.
public enum Penalty: Sendable, Equatable {
    /// (lambda / 2) sum ||theta||^2 over all parameters (its gradient is lambda theta:
    /// coupled weight decay).
    case l2(Double)
    /// lambda sum |theta| over all parameters.
    case l1(Double)
    /// lambda ||grad_theta C(theta)||^2 with C the loss of the current batch (with
    /// full-batch training, the whole training set): the implicit regularizer of gradient
    /// descent made explicit (lambda = eps / 4 gives the modified loss C + (eps/4)||grad C||^2).
    /// Needs double backward.
    case gradientNorm(Double)
    /// lambda * (1/m) sum_k ||grad_theta C_k(theta)||^2 over the m consecutive minibatches of
    /// `batchSize` examples of the current batch (Smith et al. 2021: the implicit regularizer
    /// of random-reshuffling SGD, with lambda = eps / 4).
    case minibatchGradientNorm(Double, batchSize: Int)

    /// The penalty's value at `parameters`; `batchLoss(range)` is the loss on rows `range`
    /// of the current batch (built on the same parameter variables), `batch` its size.
    func value(parameters: [Variable], batch: Int, batchLoss: (Range<Int>) -> Variable) -> Variable {
        switch self {
        case .l2(let lambda):
            return parameters.map { ($0 * $0).sum() }.reduce(Variable(Tensor(0)), +) * (lambda / 2)
        case .l1(let lambda):
            return parameters.map { abs($0).sum() }.reduce(Variable(Tensor(0)), +) * lambda
        case .gradientNorm(let lambda):
            return squaredGradientNorm(batchLoss(0..<batch), parameters) * lambda
        case .minibatchGradientNorm(let lambda, let size):
            precondition(size > 0, "minibatchGradientNorm: batchSize must be positive")
            var total = Variable(Tensor(0))
            var chunks = 0
            var start = 0
            while start < batch {
                let end = Swift.min(batch, start + size)
                total = total + squaredGradientNorm(batchLoss(start..<end), parameters)
                chunks += 1
                start = end
            }
            return total * (lambda / Double(chunks))
        }
    }
}

/// ||grad_theta c||^2 as a differentiable value (gradients built with `createGraph`).
func squaredGradientNorm(_ c: Variable, _ parameters: [Variable]) -> Variable {
    gradients(of: c, wrt: parameters, createGraph: true).map { ($0 * $0).sum() }.reduce(Variable(Tensor(0)), +)
}

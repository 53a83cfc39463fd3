import InductiveAutodiff
import InductiveTensor

/// How per-example losses are combined.
public enum Reduction: Sendable, Equatable {
    /// The mean over examples.
    case mean
    /// The sum over examples.
    case sum
    /// No reduction: one loss per example, shape [batch] (for per-example gradients).
    case none

    func apply(_ perExample: Variable) -> Variable {
        switch self {
        case .mean: return perExample.mean()
        case .sum: return perExample.sum()
        case .none: return perExample
        }
    }
}

/// The losses of the notes and the catalogue. Predictions are [batch, outputs] (or
/// [batch] for margin losses); each per-example loss sums over outputs.
public enum Loss: Sendable, Equatable {
    /// l = sum_j (f_j - y_j)^2 (with `.mean`: the usual mean squared error over examples
    /// times the number of outputs; use `halfSquaredError` for the 1/2 convention).
    case squaredError
    /// l = (1/2) sum_j (f_j - y_j)^2, the convention of the NTK dynamics.
    case halfSquaredError
    /// l = -sum_j y_j log softmax(f)_j with y one-hot (or a distribution), computed from
    /// logits with log-sum-exp (stable).
    case softmaxCrossEntropy
    /// l = log(1 + exp(-y f)) for labels y in {-1, +1} (binary logistic).
    case logistic
    /// l = exp(-y f) for y in {-1, +1} (the exponential loss of the implicit-bias results).
    case exponential
    /// l = max(0, 1 - y f) for y in {-1, +1}.
    case hinge

    /// Per-example losses, then `reduction`.
    public func callAsFunction(_ prediction: Variable, _ target: Tensor, reduction: Reduction = .mean) -> Variable {
        precondition(prediction.shape == target.shape, "loss: prediction \(prediction.shape) and target \(target.shape) differ")
        let y = Variable(target)
        let perExample: Variable
        let featureAxes = Array(1..<Swift.max(prediction.rank, 1))
        func perRow(_ v: Variable) -> Variable { featureAxes.isEmpty ? v : v.sum(axes: featureAxes) }
        switch self {
        case .squaredError:
            let d = prediction - y
            perExample = perRow(d * d)
        case .halfSquaredError:
            let d = prediction - y
            perExample = perRow(d * d) * 0.5
        case .softmaxCrossEntropy:
            precondition(prediction.rank == 2, "softmaxCrossEntropy: logits must be [batch, classes], got \(prediction.shape)")
            perExample = -(y * logSoftmax(prediction, axis: 1)).sum(axes: [1])
        case .logistic:
            perExample = perRow(softplus(-(y * prediction)))
        case .exponential:
            perExample = perRow(exp(-(y * prediction)))
        case .hinge:
            perExample = perRow(relu(1 - y * prediction))
        }
        return reduction.apply(perExample)
    }
}

/// Fraction of rows whose largest logit is at the label's index (labels one-hot or class
/// indices as a vector).
public func accuracy(logits: Tensor, labels: Tensor) -> Double {
    precondition(logits.rank == 2, "accuracy: logits must be [batch, classes]")
    let predicted = logits.argmax(axis: 1)
    let truth = labels.rank == 2 ? labels.argmax(axis: 1) : labels
    precondition(truth.count == predicted.count, "accuracy: \(truth.count) labels for \(predicted.count) rows")
    let hits = zip(predicted.scalars, truth.scalars).filter { $0 == $1 }.count
    return Double(hits) / Double(Swift.max(predicted.count, 1))
}

import Foundation
import InductiveTensor

/// A problem with user data: wrong shapes, labels out of range, NaN, too few rows.
public struct DataError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Examples and targets: inputs [N, ...], targets [N, outputs]. For classification the
/// targets are one-hot and `labels` holds the class indices.
public struct Dataset: Sendable {
    /// Inputs, first axis over examples.
    public var inputs: Tensor
    /// Targets [N, outputs] (one-hot for classification).
    public var targets: Tensor
    /// Class indices (classification only).
    public var labels: [Int]?
    /// Number of classes (classification only).
    public var classCount: Int?
    /// The shape of one example as an image [channels, height, width], when the inputs are
    /// flattened images (used to feed convolutions).
    public var imageShape: [Int]?

    /// A regression data set. Throws on mismatched counts or non-finite values.
    public init(inputs: Tensor, targets: Tensor, imageShape: [Int]? = nil) throws {
        guard inputs.rank >= 1, targets.rank >= 1, inputs.shape[0] == targets.shape[0] else {
            throw DataError("inputs \(inputs.shape) and targets \(targets.shape) have different numbers of rows")
        }
        guard inputs.isFinite else { throw DataError("inputs contain NaN or infinity") }
        guard targets.isFinite else { throw DataError("targets contain NaN or infinity") }
        self.inputs = inputs
        self.targets = targets.rank == 1 ? targets.reshaped([targets.count, 1]) : targets
        self.imageShape = imageShape
    }

    /// A classification data set with labels in 0..<classCount (default: max label + 1),
    /// one-hot targets. Throws for negative or too large labels and non-finite inputs.
    public init(inputs: Tensor, labels: [Int], classCount: Int? = nil, imageShape: [Int]? = nil) throws {
        guard inputs.rank >= 1, inputs.shape[0] == labels.count else {
            throw DataError("inputs have \(inputs.rank >= 1 ? inputs.shape[0] : 0) rows but there are \(labels.count) labels")
        }
        guard inputs.isFinite else { throw DataError("inputs contain NaN or infinity") }
        if let bad = labels.first(where: { $0 < 0 }) { throw DataError("label \(bad) is negative") }
        let largest = labels.max() ?? -1
        // Without an explicit class count, labels are class indices 0..<k with k at most
        // 100,000 (a larger label is taken for a typo, not a class: the one-hot matrix would
        // not fit in memory).
        guard classCount != nil || largest < 100_000 else {
            throw DataError("label \(largest) is too large for a class index (pass the class count explicitly)")
        }
        let k = classCount ?? (largest + 1)
        if let bad = labels.first(where: { $0 >= k }) {
            throw DataError("label \(bad) is out of range 0..<\(k)")
        }
        var oneHot = Tensor.zeros([labels.count, k])
        for (i, l) in labels.enumerated() { oneHot[flat: i * k + l] = 1 }
        self.inputs = inputs
        self.targets = oneHot
        self.labels = labels
        self.classCount = k
        self.imageShape = imageShape
    }

    /// Number of examples.
    public var count: Int { inputs.shape[0] }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var d = self
        d.inputs = inputs.take(indices)
        d.targets = targets.take(indices)
        d.labels = labels.map { l in indices.map { l[$0] } }
        return d
    }

    /// A seeded random split: the first `testFraction` of a random permutation is the test set,
    /// the rest the training set.
    public func split(testFraction: Double, using rng: inout RandomGenerator) throws -> (train: Dataset, test: Dataset) {
        guard testFraction > 0 && testFraction < 1 else { throw DataError("test fraction \(testFraction) is not in (0, 1)") }
        let order = rng.permutation(count)
        let testCount = Int((Double(count) * testFraction).rounded())
        guard testCount >= 1 && testCount < count else { throw DataError("\(count) examples are too few to split \(testFraction)") }
        return (subset(Array(order[testCount...])), subset(Array(order[..<testCount])))
    }

    /// Per-feature mean and standard deviation over the examples (std 0 replaced by 1, so
    /// constant features map to 0).
    public func standardization() -> (mean: Tensor, std: Tensor) {
        let mean = inputs.mean(axes: [0], keepDims: true)
        let std = inputs.standardDeviation(axes: [0], keepDims: true).map { $0 > 1e-12 ? $0 : 1 }
        return (mean, std)
    }

    /// The inputs standardized with statistics fitted elsewhere (on the training split).
    public func standardized(mean: Tensor, std: Tensor) -> Dataset {
        var d = self
        d.inputs = (inputs - mean) / std
        return d
    }
}

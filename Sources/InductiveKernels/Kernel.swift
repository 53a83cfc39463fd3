import Foundation
import InductiveNN
import InductiveTensor

/// A kernel function k(x, x') evaluated on two batches of inputs: `kernel(x1, x2)` is the
/// matrix [n1, n2] with entries k(x1_i, x2_j), for x1 [n1, ...] and x2 [n2, ...] (the first
/// axis indexes examples).
///
/// A value wrapping a closure, so that any kernel (analytic, empirical, group-averaged, or
/// one of the classics below) plugs into `KernelRidgeRegression`, `GaussianProcessRegression`
/// and `groupAveraged(over:)`. Evaluation may throw (the empirical NTK does, when its memory
/// budget cannot be met).
public struct Kernel: Sendable {
    /// The evaluation: (x1 [n1, ...], x2 [n2, ...]) -> [n1, n2].
    public let evaluate: @Sendable (Tensor, Tensor) throws -> Tensor

    /// A kernel from its evaluation on two batches.
    public init(_ evaluate: @escaping @Sendable (Tensor, Tensor) throws -> Tensor) {
        self.evaluate = evaluate
    }

    /// The matrix k(x1_i, x2_j), shape [n1, n2].
    public func callAsFunction(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        let k = try evaluate(x1, x2)
        precondition(k.shape == [x1.shape[0], x2.shape[0]],
                     "Kernel: evaluation on \(x1.shape) and \(x2.shape) returned \(k.shape), expected [\(x1.shape[0]), \(x2.shape[0])]")
        return k
    }

    /// The linear kernel x·x' (inputs flattened per example). Cost: one matrix product.
    public static let linear = Kernel { x1, x2 in
        matmul(x1.reshaped([x1.shape[0], -1]), x2.reshaped([x2.shape[0], -1]), transposeB: true)
    }

    /// The Gaussian (RBF) kernel exp(-|x - x'|² / (2 ℓ²)), inputs flattened per example;
    /// squared distances are clamped at 0 against rounding. Cost: one matrix product.
    public static func rbf(lengthScale: Double) -> Kernel {
        precondition(lengthScale > 0, "Kernel.rbf: lengthScale must be positive")
        return Kernel { x1, x2 in
            let a = x1.reshaped([x1.shape[0], -1]), b = x2.reshaped([x2.shape[0], -1])
            let cross = matmul(a, b, transposeB: true)
            let na = rowSquaredNorms(a), nb = rowSquaredNorms(b)
            let n2 = b.shape[0]
            let scale = -1 / (2 * lengthScale * lengthScale)
            return Tensor(shape: cross.shape) { out in
                for i in 0..<na.count { for j in 0..<n2 {
                    let d2 = Swift.max(na[i] + nb[j] - 2 * cross.scalars[i * n2 + j], 0)
                    out[i * n2 + j] = Foundation.exp(scale * d2)
                } }
            }
        }
    }

    /// The empirical NTK of `model` at `parameters` (default: its own), traced (summed) over
    /// outputs: see `empiricalNTK(_:parameters:_:_:outputs:budget:implementation:onPlan:)`.
    public static func empiricalNTK(of model: some Layer, parameters: [Tensor]? = nil,
                                    budget: MemoryBudget = .default) -> Kernel {
        let theta = parameters ?? model.parameters
        return Kernel { x1, x2 in
            try InductiveKernels.empiricalNTK(model, parameters: theta, x1, x2, outputs: .trace, budget: budget)
        }
    }
}

/// An input that must be finite contains NaN or infinity.
public struct NonFiniteInput: Error, CustomStringConvertible, Sendable {
    /// Which input.
    public let what: String
    /// "<what> contain NaN or infinity".
    public var description: String { "\(what) contain NaN or infinity" }
}

import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor

/// How an empirical kernel treats the k outputs of a model (f(x) ∈ R^k).
///
/// Shapes, for inputs x1 [n1, ...] and x2 [n2, ...]:
/// - `.trace`: K(x, x') = Σ_a K_aa(x, x'), shape [n1, n2]. The sum: the NTK that drives
///   gradient descent on a loss summed over outputs, and the convention of this library.
/// - `.mean`: (1/k) Σ_a K_aa(x, x'), shape [n1, n2]. neural-tangents' default
///   (`trace_axes=(-1,)` averages over the traced axis): `.mean` = `.trace` / k.
/// - `.full`: K_ab(x, x'), shape [n1, n2, k, k] (neural-tangents' `trace_axes=()` gives
///   the same layout). Use `flattenedFullKernel` for the [n1 k, n2 k] matrix.
public enum OutputContraction: Sendable, Equatable {
    /// Σ_a K_aa, [n1, n2].
    case trace
    /// (1/k) Σ_a K_aa, [n1, n2] (neural-tangents' default).
    case mean
    /// K_ab, [n1, n2, k, k].
    case full
}

/// Which algorithm computes an empirical NTK.
public enum EmpiricalNTKImplementation: Sendable, Equatable {
    /// `.structured` when the model is a stack of `Dense` layers with pointwise
    /// activations (possibly nested `Sequential`s and `ActivationLayer`s), else `.jacobian`.
    case automatic
    /// Per dense layer, the Gram matrix of the layer inputs times the Gram matrix of the
    /// backpropagated signals: no P-sized Jacobian is formed. Dense stacks only.
    case structured
    /// Per-example Jacobians J (rows: example x output, columns: the P parameters) from the
    /// autodiff, contracted as J1 J2^T block by block. Any model.
    case jacobian
}

/// The plan of an empirical kernel computation, known before any work starts: the path,
/// the blocks of inputs, and the estimated peak memory against the budget.
public struct EmpiricalKernelPlan: Sendable, CustomStringConvertible {
    /// `.structured` or `.jacobian` (never `.automatic`).
    public let implementation: EmpiricalNTKImplementation
    /// n1, n2 (equal and `symmetric` when x2 is x1).
    public let rows1: Int, rows2: Int
    /// True when x2 is x1: only the upper blocks are computed, then mirrored.
    public let symmetric: Bool
    /// Inputs per block of x1 and of x2.
    public let blockRows1: Int, blockRows2: Int
    /// P and k.
    public let parameterCount: Int, outputCount: Int
    /// Estimated peak bytes held by the computation (output included, inputs excluded).
    /// For the Jacobian path the autodiff graph of one block is estimated from the input
    /// and output sizes (3 copies), which is exact for dense models and rough otherwise.
    public let estimatedPeakBytes: Int
    /// The budget the plan was made for.
    public let budget: MemoryBudget

    /// Number of (block of x1, block of x2) products.
    public var blockCount: Int {
        let c1 = (rows1 + blockRows1 - 1) / Swift.max(blockRows1, 1), c2 = (rows2 + blockRows2 - 1) / Swift.max(blockRows2, 1)
        return symmetric ? c1 * (c1 + 1) / 2 : c1 * c2
    }

    /// One line: path, sizes, blocks, estimated peak and budget (the CLI's log line).
    public var description: String {
        let path = implementation == .structured ? "structured (dense layers)" : "Jacobian contraction"
        return "empirical NTK: \(path), \(rows1) x \(rows2) inputs, P = \(parameterCount), k = \(outputCount), "
            + "\(blockCount) block(s) of \(blockRows1) x \(blockRows2), estimated peak \(formatBytes(estimatedPeakBytes)) "
            + "(budget \(budget))"
    }
}

/// The empirical neural tangent kernel of `model` at `parameters`,
///
///     Θ_ab(x, x') = Σ_p ∂f_a(x; θ)/∂θ_p ∂f_b(x'; θ)/∂θ_p = J(x) J(x')^T,
///
/// for x1 [n1, ...] and x2 [n2, ...] (x2 = nil or equal to x1: computed as a symmetric matrix):
/// `.trace` [n1, n2] (sum over outputs), `.mean` [n1, n2] (neural-tangents' convention),
/// `.full` [n1, n2, k, k]. The model's output per example is flattened to k values.
///
/// - Structured path (dense stacks, chosen automatically): per layer l,
///   Θ += (sw_l² H_l + sb_l²) ⊙ D_l with H_l the Gram matrix of the layer's inputs and D_l
///   that of the backpropagated signals ∂f/∂z_l. Cost: about 2 n1 n2 Σ_l (n_l + k n_{l+1})
///   flops plus the forward/backward passes; memory: the output plus O((b1 + b2) k Σ n_l).
/// - Jacobian path (any model): per block of inputs, per-example gradients from the
///   autodiff (`perExampleGradients`), J1 J2^T. Cost: O(n1 n2 k² P) flops plus k backward
///   passes per block; memory: the output plus about 3 (b1 + b2) k P doubles.
///
/// Inputs are processed in blocks sized so that the estimated peak stays under `budget`;
/// the plan is passed to `onPlan` before any work starts.
///
/// - Throws: `MemoryBudgetExceeded` when even one input per block does not fit.
public func empiricalNTK(
    _ model: some Layer, parameters: [Tensor]? = nil, _ x1: Tensor, _ x2: Tensor? = nil,
    outputs: OutputContraction = .trace, budget: MemoryBudget = .default,
    implementation: EmpiricalNTKImplementation = .automatic, onPlan: ((EmpiricalKernelPlan) -> Void)? = nil
) throws -> Tensor {
    let theta = parameters ?? model.parameters
    let setup = try EmpiricalSetup(model: model, parameters: theta, x1: x1, x2: x2, outputs: outputs,
                                   budget: budget, implementation: implementation)
    onPlan?(setup.plan)
    return setup.run()
}

/// The plan `empiricalNTK` would follow for these arguments (nothing is computed but one
/// forward pass on one example, to learn k).
public func empiricalNTKPlan(
    _ model: some Layer, parameters: [Tensor]? = nil, _ x1: Tensor, _ x2: Tensor? = nil,
    outputs: OutputContraction = .trace, budget: MemoryBudget = .default,
    implementation: EmpiricalNTKImplementation = .automatic
) throws -> EmpiricalKernelPlan {
    try EmpiricalSetup(model: model, parameters: parameters ?? model.parameters, x1: x1, x2: x2, outputs: outputs,
                       budget: budget, implementation: implementation).plan
}

/// The empirical NNGP kernel: the Gram matrix of the outputs at `parameters`,
/// K_ab(x, x') = f_a(x) f_b(x'): `.trace` Σ_a f_a(x) f_a(x') [n1, n2], `.mean` the same / k
/// (neural-tangents' `empirical_nngp_fn` default), `.full` [n1, n2, k, k].
/// Cost: two forward passes and one n1 x n2 x k product.
public func empiricalNNGP(_ model: some Layer, parameters: [Tensor]? = nil, _ x1: Tensor, _ x2: Tensor? = nil,
                          outputs: OutputContraction = .trace) -> Tensor {
    let theta = (parameters ?? model.parameters).map { Variable(constant: $0) }
    let f1 = flatOutputs(model.apply(parameters: theta, to: Variable(constant: x1)).value)
    let f2 = x2.map { flatOutputs(model.apply(parameters: theta, to: Variable(constant: $0)).value) } ?? f1
    return outputGram(f1, f2, same: x2 == nil, outputs: outputs)
}

/// The [n1 k, n2 k] matrix of a full kernel [n1, n2, k, k], entry (i k + a, j k + b) =
/// K_ab(x_i, x'_j): the kernel of the flattened outputs (for dynamics on all outputs).
public func flattenedFullKernel(_ k: Tensor) -> Tensor {
    precondition(k.rank == 4 && k.shape[2] == k.shape[3], "flattenedFullKernel: expected [n1, n2, k, k], got \(k.shape)")
    let (n1, n2, c) = (k.shape[0], k.shape[1], k.shape[2])
    return k.permuted([0, 2, 1, 3]).reshaped([n1 * c, n2 * c])
}

/// [b, ...] -> [b, k].
func flatOutputs(_ y: Tensor) -> Tensor { y.rank == 1 ? y.reshaped([y.count, 1]) : y.reshaped([y.shape[0], -1]) }

/// Contractions of f1 [n1, k] f2 [n2, k]^T (see `OutputContraction`).
func outputGram(_ f1: Tensor, _ f2: Tensor, same: Bool, outputs: OutputContraction) -> Tensor {
    let k = f1.shape[1], n1 = f1.shape[0], n2 = f2.shape[0]
    switch outputs {
    case .trace: return same ? f1.gramRows() : matmul(f1, f2, transposeB: true)
    case .mean: return (same ? f1.gramRows() : matmul(f1, f2, transposeB: true)) * (1 / Double(k))
    case .full:
        return Tensor(shape: [n1, n2, k, k]) { out in
            for i in 0..<n1 { for j in 0..<n2 { for a in 0..<k { for b in 0..<k {
                out[((i * n2 + j) * k + a) * k + b] = f1.scalars[i * k + a] * f2.scalars[j * k + b]
            } } } }
        }
    }
}

/// Everything `empiricalNTK` decides before computing: the path and the blocks.
struct EmpiricalSetup {
    let model: any Layer
    let parameters: [Tensor]
    let x1: Tensor
    let x2: Tensor
    let symmetric: Bool
    let outputs: OutputContraction
    let stack: DenseStack?
    let plan: EmpiricalKernelPlan

    /// Rows per block never exceed this on the Jacobian path: its per-example fallback costs
    /// a backward pass over the whole block per example.
    static let maximumJacobianBlock = 64

    init(model: some Layer, parameters: [Tensor], x1: Tensor, x2: Tensor?, outputs: OutputContraction,
         budget: MemoryBudget, implementation: EmpiricalNTKImplementation) throws {
        precondition(parameters.count == model.parameters.count && zip(parameters, model.parameters).allSatisfy { $0.shape == $1.shape },
                     "empiricalNTK: parameter shapes \(parameters.map(\.shape)) do not match the model's \(model.parameters.map(\.shape))")
        precondition(x1.rank >= 1 && x1.shape[0] >= 1, "empiricalNTK: x1 must be [n1, ...] with n1 >= 1, got \(x1.shape)")
        if let x2 {
            precondition(Array(x2.shape.dropFirst()) == Array(x1.shape.dropFirst()) && x2.shape[0] >= 1,
                         "empiricalNTK: x1 \(x1.shape) and x2 \(x2.shape) must share the shape of one example")
        }
        self.model = model
        self.parameters = parameters
        self.x1 = x1
        self.x2 = x2 ?? x1
        // x2 equal to x1 (the same inputs passed twice) takes the symmetric path too.
        self.symmetric = x2 == nil || x2! == x1
        self.outputs = outputs
        let recognized = implementation == .jacobian ? nil : DenseStack(model: model, parameters: parameters)
        if implementation == .structured {
            precondition(recognized != nil, "empiricalNTK(.structured): the model is not a stack of Dense layers with pointwise activations")
        }
        stack = recognized
        if let s = recognized {
            precondition(x1.rank == 2 && x1.shape[1] == s.inputSize, "empiricalNTK: inputs \(x1.shape) for a first layer of fan-in \(s.inputSize)")
        }
        let n1 = x1.shape[0], n2 = self.x2.shape[0]
        let k: Int
        if let s = recognized { k = s.outputSize } else {
            let probe = model.apply(parameters: parameters.map { Variable(constant: $0) }, to: Variable(constant: x1[rows: 0..<1]))
            k = probe.value.count
        }
        let p = parameters.reduce(0) { $0 + $1.count }
        let outputBytes = n1 * n2 * (outputs == .full ? k * k : 1) * 8
        let exampleBytes = x1.count / n1 * 8
        let peak: (Int, Int) -> Int
        if let s = recognized {
            let perExample = s.featureDoublesPerExample * 8
            let widest = s.stages.map { $0.weight.shape[1] }.max() ?? 1
            peak = { b1, b2 in
                outputBytes + (b1 + b2) * perExample + (b1 + b2) * widest * k * 8 * 2
                    + b1 * b2 * (1 + (outputs == .full ? k * k : 1)) * 8 * 2
            }
        } else {
            peak = { b1, b2 in
                outputBytes + (b1 + b2) * (3 * k * p * 8 + 3 * (exampleBytes + k * 8)) + b1 * b2 * k * k * 8 * 2
            }
        }
        let cap = recognized == nil ? EmpiricalSetup.maximumJacobianBlock : Int.max
        let largest = Swift.min(Swift.max(n1, n2), cap)
        guard peak(1, 1) <= budget.bytes else {
            throw MemoryBudgetExceeded(minimumBytes: peak(1, 1), budget: budget, what: "the empirical NTK")
        }
        // The largest block size b (both sides) whose peak fits: peak is increasing in b.
        var lo = 1, hi = largest
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if peak(Swift.min(mid, n1), Swift.min(mid, n2)) <= budget.bytes { lo = mid } else { hi = mid - 1 }
        }
        var b1 = Swift.min(lo, n1), b2 = Swift.min(lo, n2)
        if symmetric { b1 = Swift.min(b1, b2); b2 = b1 }
        plan = EmpiricalKernelPlan(
            implementation: recognized == nil ? .jacobian : .structured, rows1: n1, rows2: n2, symmetric: symmetric,
            blockRows1: b1, blockRows2: b2, parameterCount: p, outputCount: k, estimatedPeakBytes: peak(b1, b2), budget: budget)
    }

    func run() -> Tensor {
        let n1 = plan.rows1, n2 = plan.rows2, k = plan.outputCount
        let full = outputs == .full
        let shape = full ? [n1, n2, k, k] : [n1, n2]
        let blocks1 = stride(from: 0, to: n1, by: plan.blockRows1).map { $0..<Swift.min($0 + plan.blockRows1, n1) }
        let blocks2 = symmetric ? blocks1 : stride(from: 0, to: n2, by: plan.blockRows2).map { $0..<Swift.min($0 + plan.blockRows2, n2) }
        let scratch = stack != nil && !full ? GramScratch(capacity: plan.blockRows1 * plan.blockRows2) : nil
        if let stack, let scratch, !symmetric, blocks1.count == 1, blocks2.count == 1 {
            // One block each side: the output is written by the first layer's pass instead of
            // zeroed first. (The features of x1 and x2 are not stacked into one batch: the rows a
            // threaded gemm returns can depend on the row count, e.g. OpenBLAS's Haswell kernels
            // on 2 threads when one side has fewer than ~32 rows, and the bits must not change.)
            let f1 = stack.features(x1), f2 = stack.features(x2)
            return Tensor(shape: shape, unsafeUninitialized: { out in
                stack.accumulateNTK(f1, f2, same: false, into: out.baseAddress!, n2: n2, rows1: 0..<n1, rows2: 0..<n2,
                                    outputs: outputs, scratch: scratch, overwrite: true)
            })
        }
        var result = Tensor(shape: shape) { $0.initialize(repeating: 0) }
        result.withUnsafeMutableBufferPointer { out in
            var cached2: (Range<Int>, BlockFeatures)?
            for (bi, r1) in blocks1.enumerated() {
                let f1 = features(x1[rows: r1])
                for (bj, r2) in blocks2.enumerated() {
                    if symmetric && bj < bi { continue }
                    let same = symmetric && bi == bj
                    let f2: BlockFeatures
                    if same { f2 = f1 } else if let c = cached2, c.0 == r2 { f2 = c.1 } else {
                        f2 = features(x2[rows: r2])
                        if blocks2.count == 1 { cached2 = (r2, f2) }
                    }
                    accumulate(f1, f2, same: same, into: out.baseAddress!, n2: n2, rows1: r1, rows2: r2, scratch: scratch)
                }
            }
        }
        if symmetric && blocks1.count > 1 { result = mirrorUpperBlocks(result, blocks: blocks1, k: full ? k : 1) }
        return result
    }

    /// What one block of inputs contributes: structured features or Jacobian rows.
    enum BlockFeatures {
        case structured(DenseStack.Features)
        case jacobian(Tensor)
    }

    func features(_ x: Tensor) -> BlockFeatures {
        if let stack { return .structured(stack.features(x)) }
        return .jacobian(jacobianRows(x))
    }

    func accumulate(_ f1: BlockFeatures, _ f2: BlockFeatures, same: Bool, into out: UnsafeMutablePointer<Double>, n2: Int,
                    rows1: Range<Int>, rows2: Range<Int>, scratch: GramScratch?) {
        switch (f1, f2) {
        case let (.structured(s1), .structured(s2)):
            stack!.accumulateNTK(s1, s2, same: same, into: out, n2: n2, rows1: rows1, rows2: rows2, outputs: outputs, scratch: scratch)
        case let (.jacobian(j1), .jacobian(j2)):
            contractJacobians(j1, j2, same: same, into: out, n2: n2, rows1: rows1, rows2: rows2)
        default:
            preconditionFailure("empiricalNTK: mixed block kinds")
        }
    }

    func contractJacobians(_ j1: Tensor, _ j2: Tensor, same: Bool, into out: UnsafeMutablePointer<Double>, n2: Int,
                           rows1: Range<Int>, rows2: Range<Int>) {
        let k = plan.outputCount, b1 = rows1.count, b2 = rows2.count
        // Rows i k + a of J1 J2^T pair example i's output a with example j's output b.
        let product = same ? j1.gramRows() : matmul(j1, j2, transposeB: true)
        let scale = outputs == .mean ? 1 / Double(k) : 1
        product.withUnsafeBufferPointer { pp in
            for i in 0..<b1 { for j in 0..<b2 {
                let gi = rows1.lowerBound + i, gj = rows2.lowerBound + j
                if outputs == .full {
                    for a in 0..<k { for b in 0..<k {
                        out[((gi * n2 + gj) * k + a) * k + b] = pp[(i * k + a) * (b2 * k) + j * k + b]
                    } }
                } else {
                    var s = 0.0
                    for a in 0..<k { s += pp[(i * k + a) * (b2 * k) + j * k + a] }
                    out[gi * n2 + gj] = scale * s
                }
            } }
        }
    }

    /// J [b k, P] for a block x [b, ...]: row i k + a is ∂f_a(x_i)/∂θ, parameters flattened in
    /// `parameters` order. One `perExampleGradients` call per output.
    func jacobianRows(_ x: Tensor) -> Tensor {
        let b = x.shape[0], k = plan.outputCount, p = plan.parameterCount
        let input = Variable(constant: x)
        var rows = [Double](repeating: 0, count: b * k * p)
        for a in 0..<k {
            let grads = perExampleGradients(at: parameters) { theta in
                let y = model.apply(parameters: theta, to: input)
                return y.reshaped([b, k]).slice([.all, .index(a)])
            }.gradients
            var offset = 0
            for g in grads {
                let size = g.count / b
                g.withUnsafeBufferPointer { src in
                    for i in 0..<b {
                        let dst = (i * k + a) * p + offset
                        for q in 0..<size { rows[dst + q] = src[i * size + q] }
                    }
                }
                offset += size
            }
        }
        return Tensor(shape: [b * k, p], scalars: rows)
    }

    /// Copies the computed upper blocks (block j >= block i) into the lower ones.
    func mirrorUpperBlocks(_ t: Tensor, blocks: [Range<Int>], k: Int) -> Tensor {
        var m = t
        let n = plan.rows1
        m.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in 0..<n {
                let bi = i / plan.blockRows1, bj = j / plan.blockRows1
                if bj >= bi { continue }
                for a in 0..<k { for b in 0..<k {
                    p[((i * n + j) * k + a) * k + b] = p[((j * n + i) * k + b) * k + a]
                } }
            } }
        }
        return m
    }
}

import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor

/// A network recognized as a stack of dense layers with pointwise activations, for the
/// structured NTK path: x ↦ acts_0(x), then per stage l
///
///     z_l = sw_l h_l W_l + sb_l b_l,   h_{l+1} = acts_l(z_l),
///
/// with W_l [n_l, n_{l+1}], b_l [n_{l+1}] or absent, and acts_l a (possibly empty) chain of
/// pointwise activations (the `Dense` layer's own and any `ActivationLayer`s after it).
package struct DenseStack: Sendable {
    struct Stage: Sendable {
        var weight: Tensor
        var bias: Tensor?
        var weightScale: Double
        var biasScale: Double
        var activations: [Activation]
    }

    var inputActivations: [Activation] = []
    var stages: [Stage] = []

    /// The stack of `model` at `parameters`, or nil when the model has another kind of
    /// layer (convolutions, normalization, residual blocks, ...).
    package init?(model: any Layer, parameters: [Tensor]) {
        var remaining = parameters[...]
        guard DenseStack.collect(model, into: &self, parameters: &remaining), remaining.isEmpty, !stages.isEmpty else {
            return nil
        }
    }

    private static func collect(_ layer: any Layer, into stack: inout DenseStack, parameters: inout ArraySlice<Tensor>) -> Bool {
        if let sequential = layer as? Sequential {
            for inner in sequential.layers where !collect(inner, into: &stack, parameters: &parameters) { return false }
            return true
        }
        if let dense = layer as? Dense {
            let n = dense.bias == nil ? 1 : 2
            guard parameters.count >= n else { return false }
            let w = parameters[parameters.startIndex]
            let b = n == 2 ? parameters[parameters.startIndex + 1] : nil
            parameters = parameters.dropFirst(n)
            guard w.shape == dense.weight.shape, b == nil || b!.shape == [dense.outputSize] else { return false }
            let (sw, sb) = dense.scales
            stack.stages.append(Stage(weight: w, bias: b, weightScale: sw, biasScale: sb, activations: [dense.activation]))
            return true
        }
        if let activation = layer as? ActivationLayer {
            if stack.stages.isEmpty { stack.inputActivations.append(activation.activation) } else {
                stack.stages[stack.stages.count - 1].activations.append(activation.activation)
            }
            return true
        }
        return false
    }

    var inputSize: Int { stages[0].weight.shape[0] }
    var outputSize: Int { stages[stages.count - 1].weight.shape[1] }

    /// Doubles held per example by `features`: h_l and act'(z_l) per stage, δ_l for k outputs.
    var featureDoublesPerExample: Int {
        stages.reduce(0) { $0 + $1.weight.shape[0] + (outputSize + 2) * $1.weight.shape[1] }
    }

    /// Per-example quantities of a batch X [b, n_0]: the stage inputs h_l [b, n_l] and the
    /// backpropagated signals δ_l [b k, n_{l+1}] with δ_l[i k + a] = ∂f_a(x_i)/∂z_l(x_i).
    package struct Features {
        var inputs: [Tensor]
        var signals: [Tensor]
    }

    /// act'(z_l) of one stage, as `features` keeps it.
    enum Derivative {
        /// Identity activations: every entry 1.
        case ones
        /// ReLU: [h > 0] of the stage's output h = relu(z), which is positive exactly where z is.
        case positive(Tensor)
        /// Stored values.
        case values(Tensor)

        /// The entries as a tensor of `shape`.
        func materialized(_ shape: [Int]) -> Tensor {
            switch self {
            case .ones: return Tensor.ones(shape)
            case .values(let d): return d
            case .positive(let h):
                return Tensor(shape: shape, unsafeUninitialized: { out in
                    h.withUnsafeBufferPointer { hp in for q in 0..<out.count { out[q] = hp[q] > 0 ? 1 : 0 } }
                })
            }
        }
    }

    /// Forward pass, then backward for every output at once (a batched gemm per stage).
    /// Cost: about (2 + 2k) b Σ_l n_l n_{l+1} flops. ReLU stages are finished in one pass over
    /// z (scale, bias, relu, in place) split over the cores, and keep no derivative array; a
    /// one-column signal (the last layer of a scalar network, or a one-unit layer) times W^T is
    /// formed in the pass that applies act'.
    package func features(_ x: Tensor) -> Features {
        let b = x.shape[0], k = outputSize
        var h = inputActivations.isEmpty ? x : DenseStack.apply(inputActivations, to: x).value
        var inputs: [Tensor] = [], derivatives: [Derivative] = []
        for stage in stages {
            inputs.append(h)
            var z = matmul(h, stage.weight)
            let bias = stage.biasScale != 0 ? stage.bias.map { $0 * stage.biasScale } : nil
            if DenseStack.isReLU(stage.activations) {
                DenseStack.finishReLU(&z, scale: stage.weightScale, bias: bias)
                h = z
                derivatives.append(.positive(z))
            } else {
                if stage.weightScale != 1 { z *= stage.weightScale }
                if let bias { z = z + bias }
                if stage.activations.allSatisfy({ $0 == .identity }) {
                    h = z
                    derivatives.append(.ones)
                } else {
                    let (value, derivative) = DenseStack.applyWithDerivative(stage.activations, to: z)
                    h = value
                    derivatives.append(.values(derivative))
                }
            }
        }
        // δ_L[i k + a, c] = [a == c] act'(z_L)[i, c].
        let last = stages.count - 1
        let dLast = derivatives[last].materialized([b, k])
        var delta = Tensor(shape: [b * k, k]) { out in
            out.initialize(repeating: 0)
            dLast.withUnsafeBufferPointer { d in
                for i in 0..<b { for a in 0..<k { out[(i * k + a) * k + a] = d[i * k + a] } }
            }
        }
        var signals = [Tensor](repeating: Tensor(0), count: stages.count)
        signals[last] = delta
        for l in stride(from: last - 1, through: 0, by: -1) {
            let next = stages[l + 1]
            delta = DenseStack.backpropagate(delta, through: next.weight, scale: next.weightScale, derivative: derivatives[l], rows: b)
            signals[l] = delta
        }
        return Features(inputs: inputs, signals: signals)
    }

    /// Activations that are ReLU after identities.
    static func isReLU(_ activations: [Activation]) -> Bool { activations.filter { $0 != .identity } == [.relu] }

    /// z ← relu(sw z + b) in place, split over the cores. The same operations and roundings as
    /// `z *= sw`, `z + b` (b already scaled) and the autodiff's relu (z for z > 0 or NaN, else +0).
    static func finishReLU(_ z: inout Tensor, scale: Double, bias: Tensor?) {
        let width = z.shape[z.rank - 1], rows = z.count / Swift.max(width, 1)
        let biasCopy = bias.map { SendablePointer(copying: $0) }
        defer { biasCopy?.pointer.deallocate() }
        z.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = SendablePointer(base)
            parallelChunks(rows: rows, work: width) { range in
                // Branch-free loops the compiler vectorizes: relu(v) = (v <= 0 ? +0 : v) is v for v > 0
                // or NaN and +0 otherwise; v * 1 is v (scale 1 skipped the multiply before).
                let start = p.pointer + range.lowerBound * width
                if let biasCopy {
                    let b = biasCopy.pointer
                    for i in 0..<range.count {
                        let row = start + i * width
                        for c in 0..<width {
                            let v = row[c] * scale + b[c]
                            row[c] = v <= 0 ? 0 : v
                        }
                    }
                } else {
                    for q in 0..<(range.count * width) {
                        let v = start[q] * scale
                        start[q] = v <= 0 ? 0 : v
                    }
                }
            }
        }
    }

    /// δ_l [b k, n] from δ_{l+1} [b k, m] through the next stage's weight W [n, m]:
    /// δ_l[i k + a, c] = (δ_{l+1} W^T)[i k + a, c] · sw act'(z_l)[i, c]. For m = 1 the product is
    /// formed in the pass (δ[i k + a] W[c] + 0: the value a K = 1 gemm returns, whose
    /// accumulators start at +0), otherwise one gemm and a pass split over the cores.
    static func backpropagate(_ delta: Tensor, through weight: Tensor, scale sw: Double, derivative: Derivative, rows b: Int) -> Tensor {
        let n = weight.shape[0], m = weight.shape[1], k = delta.shape[0] / Swift.max(b, 1)
        if n == 0 || delta.count == 0 { return matmul(delta, weight, transposeB: true) }
        var out = m == 1 ? Tensor(shape: [b * k, n], unsafeUninitialized: { _ in }) : matmul(delta, weight, transposeB: true)
        let d: Tensor?
        let mode: Int  // 0: ones, 1: [d > 0], 2: d
        switch derivative {
        case .ones: d = nil; mode = 0
        case .positive(let h): d = h; mode = 1
        case .values(let v): d = v; mode = 2
        }
        let oneColumn = m == 1
        let dCopy = d ?? Tensor(0), deltaCopy = delta, weightCopy = weight
        dCopy.withUnsafeBufferPointer { dp in
            deltaCopy.withUnsafeBufferPointer { sp in
                weightCopy.withUnsafeBufferPointer { wp in
                    out.withUnsafeMutableBufferPointer { op in
                        let dPtr = SendablePointer(UnsafeMutablePointer(mutating: dp.baseAddress!))
                        let sPtr = SendablePointer(UnsafeMutablePointer(mutating: sp.baseAddress!))
                        let wPtr = SendablePointer(UnsafeMutablePointer(mutating: wp.baseAddress!))
                        let o = SendablePointer(op.baseAddress!)
                        parallelChunks(rows: b, work: k * n) { range in
                            let w = wPtr.pointer
                            for i in range {
                                let dRow = dPtr.pointer + i * n
                                for a in 0..<k {
                                    let row = o.pointer + (i * k + a) * n
                                    // Each case one branch-free loop; a one-column δ_{l+1} forms the
                                    // product here (s w_c + 0, see above) instead of reading it.
                                    let s = oneColumn ? sPtr.pointer[i * k + a] : 0
                                    switch (mode, oneColumn) {
                                    case (0, true): for c in 0..<n { row[c] = (s * w[c] + 0) * (sw * 1) }
                                    case (0, false): for c in 0..<n { row[c] *= sw * 1 }
                                    case (1, true): for c in 0..<n { row[c] = (s * w[c] + 0) * (sw * (dRow[c] > 0 ? 1 : 0)) }
                                    case (1, false): for c in 0..<n { row[c] *= sw * (dRow[c] > 0 ? 1 : 0) }
                                    case (_, true): for c in 0..<n { row[c] = (s * w[c] + 0) * (sw * dRow[c]) }
                                    default: for c in 0..<n { row[c] *= sw * dRow[c] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The chain of pointwise activations applied to a constant tensor.
    static func apply(_ activations: [Activation], to x: Tensor) -> Variable {
        var v = Variable(constant: x)
        for a in activations { v = a(v) }
        return v
    }

    /// acts(z) and its elementwise derivative. The derivative comes from the autodiff's own
    /// backward rules (d/dz Σ acts(z) is the elementwise derivative of a pointwise map), so
    /// this path and the Jacobian path agree on conventions such as relu'(0) = 0 (`features`
    /// writes the ReLU's rules out itself: relu(z) = z for z > 0 or NaN, else +0; relu' = [z > 0]).
    static func applyWithDerivative(_ activations: [Activation], to z: Tensor) -> (Tensor, Tensor) {
        let v = Variable.parameter(z)
        var y = v
        for a in activations { y = a(y) }
        return (y.value, gradientTensors(of: y, wrt: [v])[0])
    }

    /// Adds the block Θ(X1, X2) to `out` at rows `rows1`, columns `rows2`:
    /// Θ_ab(x, x') = Σ_l (sw_l² h_l(x)·h_l(x') + sb_l² [bias]) δ_l^a(x)·δ_l^b(x').
    /// `out` is [n1, n2] (trace/mean, scaled by `outputScale`) or [n1, n2, k, k] (full).
    /// With `overwrite` (trace and mean) the block's entries of `out` need not be initialized:
    /// the first layer writes 0 + its term, the value adding it to a zeroed output gives.
    /// (`package` so that the tests can run it into a NaN-filled buffer.)
    package func accumulateNTK(_ f1: Features, _ f2: Features, same: Bool, into out: UnsafeMutablePointer<Double>,
                       n2: Int, rows1: Range<Int>, rows2: Range<Int>, outputs: OutputContraction, scratch: GramScratch? = nil,
                       overwrite: Bool = false) {
        let b1 = rows1.count, b2 = rows2.count, k = outputSize
        let full = outputs == .full
        let outputScale = outputs == .mean ? 1 / Double(k) : 1
        precondition(!full || !overwrite, "accumulateNTK: the full kernel adds to an initialized output")
        for (l, stage) in stages.enumerated() {
            let sw2 = stage.weightScale * stage.weightScale
            let sb2 = stage.bias == nil ? 0 : stage.biasScale * stage.biasScale
            if full {
                // E[(i k + a), (j k + b)] = δ_l^a(x_i)·δ_l^b(x'_j).
                let hGram = same ? f1.inputs[l].gramRows() : matmul(f1.inputs[l], f2.inputs[l], transposeB: true)
                let e = same ? f1.signals[l].gramRows() : matmul(f1.signals[l], f2.signals[l], transposeB: true)
                hGram.withUnsafeBufferPointer { h in
                    e.withUnsafeBufferPointer { ep in
                        for i in 0..<b1 { for j in 0..<b2 {
                            let factor = sw2 * h[i * b2 + j] + sb2
                            let base = ((rows1.lowerBound + i) * n2 + rows2.lowerBound + j) * k * k
                            for a in 0..<k { for c in 0..<k {
                                out[base + a * k + c] += factor * ep[(i * k + a) * (b2 * k) + j * k + c]
                            } }
                        } }
                    }
                }
            } else {
                // Σ_a δ_l^a(x)·δ_l^a(x'): the Gram matrix of δ_l reshaped to [b, k n_{l+1}].
                let width = f1.signals[l].shape[1] * k
                let scratch = scratch ?? GramScratch(capacity: b1 * b2)
                precondition(b1 * b2 <= scratch.capacity, "accumulateNTK: a [\(b1), \(b2)] block does not fit a scratch of \(scratch.capacity) entries")
                // Raw pointers into `scratch` are used below: keep it alive to the end of the layer.
                defer { withExtendedLifetime(scratch) {} }
                DenseStack.gram(f1.inputs[l], f2.inputs[l], rows: b1, b2, width: f1.inputs[l].shape[1], same: same, into: scratch.first)
                let target = SendablePointer(out), h = SendablePointer(scratch.first), d = SendablePointer(scratch.second)
                let offset1 = rows1.lowerBound, offset2 = rows2.lowerBound
                let fresh = overwrite && l == 0
                if width == 1 {
                    // A rank-one signal Gram (the last layer of a scalar network): s1_i s2_j, the
                    // one rounded product the K = 1 product would return, formed where it is used.
                    f1.signals[l].withUnsafeBufferPointer { p1 in
                        f2.signals[l].withUnsafeBufferPointer { p2 in
                            let v1 = SendablePointer(UnsafeMutablePointer(mutating: p1.baseAddress!))
                            let v2 = SendablePointer(UnsafeMutablePointer(mutating: p2.baseAddress!))
                            parallelChunks(rows: b1, work: b2) { rows in
                                for i in rows {
                                    let row = target.pointer + (offset1 + i) * n2 + offset2, hRow = h.pointer + i * b2
                                    let si = v1.pointer[i]
                                    if fresh {
                                        for j in 0..<b2 { row[j] = 0 + outputScale * (sw2 * hRow[j] + sb2) * (si * v2.pointer[j]) }
                                    } else {
                                        for j in 0..<b2 { row[j] += outputScale * (sw2 * hRow[j] + sb2) * (si * v2.pointer[j]) }
                                    }
                                }
                            }
                        }
                    }
                } else {
                    DenseStack.gram(f1.signals[l], f2.signals[l], rows: b1, b2, width: width, same: same, into: scratch.second)
                    // The Hadamard product and the accumulation in one pass over the two Grams.
                    parallelChunks(rows: b1, work: b2) { rows in
                        for i in rows {
                            let row = target.pointer + (offset1 + i) * n2 + offset2
                            let hRow = h.pointer + i * b2, dRow = d.pointer + i * b2
                            if fresh {
                                for j in 0..<b2 { row[j] = 0 + outputScale * (sw2 * hRow[j] + sb2) * dRow[j] }
                            } else {
                                for j in 0..<b2 { row[j] += outputScale * (sw2 * hRow[j] + sb2) * dRow[j] }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension DenseStack {
    /// a [m, w] times b [n, w]^T into c [m, n] (signals [m k, w'] are read as [m, k w']). The BLAS
    /// call `gramRows` (same: a = b, syrk, both triangles written) or
    /// `matmul(a, b, transposeB: true)` makes, so the entries are theirs bit for bit, written
    /// into a reused buffer instead of a fresh tensor.
    static func gram(_ a: Tensor, _ b: Tensor, rows m: Int, _ n: Int, width w: Int, same: Bool,
                     into c: UnsafeMutablePointer<Double>) {
        if m == 0 || n == 0 { return }
        if w == 0 {
            c.initialize(repeating: 0, count: m * n)
            return
        }
        a.withUnsafeBufferPointer { pa in
            if same {
                BLAS.syrk(transpose: false, n: m, k: w, alpha: 1, a: pa.baseAddress!, lda: w, beta: 0, c: c, ldc: m)
            } else {
                b.withUnsafeBufferPointer { pb in
                    BLAS.gemm(transposeA: false, transposeB: true, m: m, n: n, k: w, alpha: 1, a: pa.baseAddress!, lda: w,
                              b: pb.baseAddress!, ldb: w, beta: 0, c: c, ldc: n)
                }
            }
        }
    }
}

/// Two Gram buffers of one block pair, reused across layers and blocks (a fresh multi-MiB
/// tensor per product is mapped and page-faulted anew every time).
package final class GramScratch: @unchecked Sendable {
    let first: UnsafeMutablePointer<Double>
    let second: UnsafeMutablePointer<Double>
    /// Entries of each buffer: a block of b1 x b2 pairs needs b1 b2 <= capacity.
    let capacity: Int

    package init(capacity: Int) {
        self.capacity = capacity
        first = GramScratch.buffer(capacity)
        second = GramScratch.buffer(capacity)
    }

    /// Large buffers ask for transparent huge pages, as fresh tensors do (first-touch faults
    /// of 4 KiB pages otherwise cost more than the pass over them).
    static func buffer(_ capacity: Int) -> UnsafeMutablePointer<Double> {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(capacity, 1))
        #if os(Linux)
        if capacity >= 1 << 19 {
            let page = 1 << 21
            let start = (Int(bitPattern: p) + page - 1) & ~(page - 1), end = (Int(bitPattern: p) + capacity * 8) & ~(page - 1)
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }
        #endif
        return p
    }

    deinit {
        first.deallocate()
        second.deallocate()
    }
}

/// A raw pointer handed to the worker threads of `parallelChunks` (each writes disjoint rows).
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }

    /// A fresh copy of `t`'s scalars (the caller deallocates it).
    init(copying t: Tensor) {
        pointer = .allocate(capacity: Swift.max(t.count, 1))
        let p = pointer
        t.withUnsafeBufferPointer { src in if let base = src.baseAddress { p.initialize(from: base, count: src.count) } }
    }
}

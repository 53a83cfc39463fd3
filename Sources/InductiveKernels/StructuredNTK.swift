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
struct DenseStack: Sendable {
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
    init?(model: any Layer, parameters: [Tensor]) {
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

    /// Per-example quantities of a batch X [b, n_0]: the stage inputs h_l [b, n_l], the
    /// backpropagated signals δ_l [b k, n_{l+1}] with δ_l[i k + a] = ∂f_a(x_i)/∂z_l(x_i), and
    /// the outputs f [b, k].
    struct Features {
        var inputs: [Tensor]
        var signals: [Tensor]
        var outputs: Tensor
    }

    /// Forward pass, then backward for every output at once (a batched gemm per stage).
    /// Cost: about (2 + 2k) b Σ_l n_l n_{l+1} flops.
    func features(_ x: Tensor) -> Features {
        let b = x.shape[0], k = outputSize
        var h = inputActivations.isEmpty ? x : DenseStack.apply(inputActivations, to: x).value
        var inputs: [Tensor] = [], derivatives: [Tensor] = []
        for stage in stages {
            inputs.append(h)
            var z = matmul(h, stage.weight)
            if stage.weightScale != 1 { z *= stage.weightScale }
            if let bias = stage.bias, stage.biasScale != 0 { z = z + bias * stage.biasScale }
            let (value, derivative) = DenseStack.applyWithDerivative(stage.activations, to: z)
            h = value
            derivatives.append(derivative)
        }
        // δ_L[i k + a, c] = [a == c] act'(z_L)[i, c].
        let last = stages.count - 1
        var delta = Tensor(shape: [b * k, k]) { out in
            out.initialize(repeating: 0)
            derivatives[last].withUnsafeBufferPointer { d in
                for i in 0..<b { for a in 0..<k { out[(i * k + a) * k + a] = d[i * k + a] } }
            }
        }
        var signals = [Tensor](repeating: Tensor(0), count: stages.count)
        signals[last] = delta
        for l in stride(from: last - 1, through: 0, by: -1) {
            let next = stages[l + 1]
            let width = next.weight.shape[0]
            delta = matmul(delta, next.weight, transposeB: true)
            // Multiply row i k + a by sw_{l+1} act'(z_l)[i] in place.
            let sw = next.weightScale
            derivatives[l].withUnsafeBufferPointer { d in
                delta.withUnsafeMutableBufferPointer { p in
                    for i in 0..<b { for a in 0..<k {
                        let row = (i * k + a) * width, dRow = i * width
                        for c in 0..<width { p[row + c] *= sw * d[dRow + c] }
                    } }
                }
            }
            signals[l] = delta
        }
        return Features(inputs: inputs, signals: signals, outputs: h)
    }

    /// The chain of pointwise activations applied to a constant tensor.
    static func apply(_ activations: [Activation], to x: Tensor) -> Variable {
        var v = Variable(constant: x)
        for a in activations { v = a(v) }
        return v
    }

    /// acts(z) and its elementwise derivative. The derivative comes from the autodiff's own
    /// backward rules (d/dz Σ acts(z) is the elementwise derivative of a pointwise map), so
    /// this path and the Jacobian path agree on conventions such as relu'(0) = 0.
    static func applyWithDerivative(_ activations: [Activation], to z: Tensor) -> (Tensor, Tensor) {
        if activations.allSatisfy({ $0 == .identity }) { return (z, Tensor.ones(z.shape)) }
        let v = Variable.parameter(z)
        var y = v
        for a in activations { y = a(y) }
        return (y.value, gradientTensors(of: y, wrt: [v])[0])
    }

    /// Adds the block Θ(X1, X2) to `out` at rows `rows1`, columns `rows2`:
    /// Θ_ab(x, x') = Σ_l (sw_l² h_l(x)·h_l(x') + sb_l² [bias]) δ_l^a(x)·δ_l^b(x').
    /// `out` is [n1, n2] (trace/mean, scaled by `outputScale`) or [n1, n2, k, k] (full).
    func accumulateNTK(_ f1: Features, _ f2: Features, same: Bool, into out: UnsafeMutablePointer<Double>,
                       n2: Int, rows1: Range<Int>, rows2: Range<Int>, outputs: OutputContraction) {
        let b1 = rows1.count, b2 = rows2.count, k = outputSize
        let full = outputs == .full
        let outputScale = outputs == .mean ? 1 / Double(k) : 1
        for (l, stage) in stages.enumerated() {
            let hGram = same ? f1.inputs[l].gramRows() : matmul(f1.inputs[l], f2.inputs[l], transposeB: true)
            let sw2 = stage.weightScale * stage.weightScale
            let sb2 = stage.bias == nil ? 0 : stage.biasScale * stage.biasScale
            if full {
                // E[(i k + a), (j k + b)] = δ_l^a(x_i)·δ_l^b(x'_j).
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
                let width = f1.signals[l].shape[1]
                let s1 = f1.signals[l].reshaped([b1, k * width])
                let d = same ? s1.gramRows() : matmul(s1, f2.signals[l].reshaped([b2, k * width]), transposeB: true)
                hGram.withUnsafeBufferPointer { h in
                    d.withUnsafeBufferPointer { dp in
                        for i in 0..<b1 {
                            let row = out + (rows1.lowerBound + i) * n2 + rows2.lowerBound
                            for j in 0..<b2 { row[j] += outputScale * (sw2 * h[i * b2 + j] + sb2) * dp[i * b2 + j] }
                        }
                    }
                }
            }
        }
    }
}

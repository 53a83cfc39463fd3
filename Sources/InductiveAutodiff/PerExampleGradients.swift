import InductiveTensor

/// Per-example gradients and how they were computed.
public struct PerExampleGradients: Sendable {
    /// One tensor per parameter, shape [batch] + parameter shape: entry b is grad_theta l_b.
    public let gradients: [Tensor]
    /// True when the structured path was taken (one backward pass), false for the
    /// fallback (one backward pass per example).
    public let structured: Bool
}

/// Per-example gradients grad_theta l_b(theta) of a batch of losses l = losses(theta)
/// (shape [batch]), for every parameter tensor.
///
/// The caller asserts that example b's loss depends on example b only (no batch
/// normalization or other mixing across the batch). Then one backward pass of sum_b l_b
/// gives, for every operation that consumes a parameter, the gradient dZ of its output Z
/// whose row b belongs to example b alone, and the per-example gradient follows from the
/// operation's structure without a loop over examples:
/// - `matmul(H, W)` (and `matmul(H, W, transposeB: true)`) with a 2-d parameter W and H of
///   shape [batch, ..., fan_in]: grad_W l_b = H_b^T dZ_b (a batched product);
/// - `+`, `-`, `*` with a parameter broadcast along the batch axis (biases, scales):
///   grad l_b = dZ_b (times the other operand for `*`) summed over the broadcast axes;
/// - either of these applied to a `reshaped` parameter (a convolution's kernel enters as
///   `matmul(windows, W.reshaped(...), transposeB: true)`).
/// If any parameter reaches the losses through another operation (convolutions, a
/// parameter used as the left operand, ...) every gradient falls back to one reverse sweep
/// per example on the same graph (the forward pass still runs once).
public func perExampleGradients(at parameters: [Tensor], of losses: ([Variable]) -> Variable) -> PerExampleGradients {
    let params = parameters.map(Variable.parameter)
    let l = losses(params)
    precondition(l.rank == 1, "perExampleGradients: losses must be a vector [batch], got shape \(l.shape)")
    let batch = l.count
    // Parameters, and reshaped views of them (a convolution reshapes its kernel before the
    // product): each maps to its parameter's index.
    var aliases = Dictionary(uniqueKeysWithValues: params.enumerated().map { (ObjectIdentifier($1), $0) })
    // Every (consumer output, input position, parameter index) where a parameter enters.
    var uses: [(output: Variable, node: Node, input: Int, parameter: Int)] = []
    var fast = true
    for v in topologicalOrder(from: l) {
        guard let node = v.node else { continue }
        if node.name == "reshape", node.inputs.count == 1, let p = aliases[ObjectIdentifier(node.inputs[0])] {
            aliases[ObjectIdentifier(v)] = p
            continue
        }
        for (i, input) in node.inputs.enumerated() {
            if let p = aliases[ObjectIdentifier(input)] {
                uses.append((v, node, i, p))
                if node.perExample == nil { fast = false }
            }
        }
    }
    if fast && !uses.isEmpty {
        let outputs = uses.map(\.output)
        let dZ = gradientTensors(of: l, wrt: outputs)
        var result: [Tensor?] = parameters.map { _ in nil }
        for (k, use) in uses.enumerated() {
            guard let view = use.node.perExample?(use.node.inputs.map(\.detached), dZ[k], use.input, batch) else {
                fast = false
                break
            }
            let g = view.reshaped([batch] + parameters[use.parameter].shape)  // undo a reshaped view
            result[use.parameter] = result[use.parameter].map { $0 + g } ?? g
        }
        if fast {
            let grads = parameters.enumerated().map { i, p in result[i] ?? Tensor.zeros([batch] + p.shape) }
            return PerExampleGradients(gradients: grads, structured: true)
        }
    }
    var stacked = parameters.map { [Double](repeating: 0, count: batch * $0.count) }
    var seed = Tensor.zeros([batch])
    for b in 0..<batch {
        seed[flat: b] = 1
        let g = gradientTensors(of: l, wrt: params, seed: seed)
        seed[flat: b] = 0
        for (i, gi) in g.enumerated() {
            stacked[i].replaceSubrange((b * gi.count)..<((b + 1) * gi.count), with: gi.scalars)
        }
    }
    return PerExampleGradients(
        gradients: parameters.enumerated().map { Tensor(shape: [batch] + $1.shape, scalars: stacked[$0]) },
        structured: false)
}

import InductiveTensor

/// The variables that `output` depends on through recorded operations, inputs before the
/// operations that use them (iterative depth-first search: deep graphs cannot overflow the stack).
func topologicalOrder(from output: Variable) -> [Variable] {
    var order: [Variable] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Variable, Int)] = [(output, 0)]
    visited.insert(ObjectIdentifier(output))
    while let (v, next) = stack.popLast() {
        let inputs = v.node?.inputs ?? []
        if next < inputs.count {
            stack.append((v, next + 1))
            let child = inputs[next]
            if child.requiresGrad && visited.insert(ObjectIdentifier(child)).inserted {
                stack.append((child, 0))
            }
        } else {
            order.append(v)
        }
    }
    return order
}

/// Gradients of `output` with respect to each of `targets` by one reverse sweep:
/// grad_t = sum over paths of (d output / d t)^T seed.
///
/// - Parameters:
///   - seed: the cotangent, shaped like `output` (default: ones, i.e. the gradient of the
///     sum of the output's elements).
///   - createGraph: when true the backward pass is itself recorded, so the returned
///     gradients can be differentiated again (Hessian-vector products, gradient penalties,
///     higher derivatives); when false they are constants and nothing is kept.
/// - Returns: one gradient per target, shaped like the target; zeros for targets that
///   `output` does not depend on. Targets may be intermediate results, not only leaves.
/// - Complexity: one backward rule per recorded operation between the targets and `output`.
public func gradients(of output: Variable, wrt targets: [Variable], seed: Tensor? = nil, createGraph: Bool = false) -> [Variable] {
    gradients(of: output, wrt: targets, cotangent: Variable(seed ?? Tensor.ones(output.shape)), createGraph: createGraph)
}

/// `gradients(of:wrt:seed:createGraph:)` with a cotangent that is itself a `Variable`, so
/// the result can be differentiated with respect to it (the double-VJP construction of
/// Jacobian-vector products).
public func gradients(of output: Variable, wrt targets: [Variable], cotangent seed: Variable, createGraph: Bool) -> [Variable] {
    reverseSweep(of: output, wrt: targets, cotangent: seed, mode: createGraph ? .recordGraph : .constants)
}

/// How a reverse sweep treats the values it passes to backward rules.
enum SweepMode {
    /// Constants: first derivatives, nothing recorded.
    case constants
    /// The original variables: the sweep is recorded (higher derivatives by reverse over reverse).
    case recordGraph
    /// Constants that keep their tangents: the rules propagate tangents (forward over
    /// reverse); only the tangents of the targets' gradients are read.
    case tangents
}

func reverseSweep(of output: Variable, wrt targets: [Variable], cotangent seed: Variable, mode: SweepMode) -> [Variable] {
    precondition(seed.shape == output.shape, "gradients: seed shape \(seed.shape) differs from output shape \(output.shape)")
    guard output.requiresGrad else { return targets.map { Variable(Tensor.zeros($0.shape)) } }
    let order = topologicalOrder(from: output)
    let targetIDs = Set(targets.map(ObjectIdentifier.init))
    // needed: lies on a path from a target to the output.
    var needed = Set<ObjectIdentifier>()
    for v in order {
        let id = ObjectIdentifier(v)
        if targetIDs.contains(id) || (v.node?.inputs.contains { needed.contains(ObjectIdentifier($0)) } ?? false) {
            needed.insert(id)
        }
    }
    // Forward over reverse: the value of v's gradient is needed only when a rule reads it for
    // a gradient value that is needed or for a tangent (see GradientCoefficients); otherwise
    // rules may return tangent-only gradients (placeholder values), e.g. skip the product
    // H W^T feeding a first layer whose input is constant. Inputs come first in `order`.
    var valueNeeded = Set<ObjectIdentifier>()
    if mode == .tangents {
        for v in order {
            guard let node = v.node, needed.contains(ObjectIdentifier(v)) else { continue }
            for (i, input) in node.inputs.enumerated() where input.requiresGrad && needed.contains(ObjectIdentifier(input)) {
                if valueNeeded.contains(ObjectIdentifier(input)) || node.tangentNeedsGradientValue(i) {
                    valueNeeded.insert(ObjectIdentifier(v))
                    break
                }
            }
        }
    }
    func pass(_ v: Variable) -> Variable {
        switch mode {
        case .constants: return v.detached
        case .recordGraph: return v
        case .tangents: return v.dualConstant
        }
    }
    var grads: [ObjectIdentifier: Variable] = [ObjectIdentifier(output): pass(seed)]
    for v in order.reversed() {
        let id = ObjectIdentifier(v)
        guard let node = v.node, needed.contains(id), let g = grads[id] else { continue }
        // A target's own gradient is final once reached; its inputs still receive theirs.
        let needs = node.inputs.map { $0.requiresGrad && needed.contains(ObjectIdentifier($0)) }
        if !needs.contains(true) { continue }
        if mode != .constants && !node.differentiableBackward {
            preconditionFailure("\(mode == .recordGraph ? "gradients(createGraph: true)" : "hessianVectorProduct (forward over reverse)"): operation '\(node.name)' supports first derivatives only")
        }
        var arguments = BackwardArguments(
            output: pass(v),
            gradient: pass(g),
            inputs: node.inputs.map(pass),
            needsGradient: needs)
        if mode == .tangents {
            arguments.tangentOnly = node.inputs.map { !valueNeeded.contains(ObjectIdentifier($0)) }
        }
        let inputGrads = node.backward(arguments)
        precondition(inputGrads.count == node.inputs.count, "operation '\(node.name)' returned \(inputGrads.count) gradients for \(node.inputs.count) inputs")
        for (i, input) in node.inputs.enumerated() where needs[i] {
            guard var gi = inputGrads[i] else { continue }
            let key = ObjectIdentifier(input)
            if mode == .tangents && !valueNeeded.contains(key) {
                // Only the tangent is read: reduce and accumulate tangents alone.
                guard var t = gi.tangent else { continue }
                if t.shape != input.shape { t = summed(t, toShape: input.shape) }
                grads[key] = Variable.tangentOnly(grads[key]?.tangent.map { $0 + t } ?? t)
                continue
            }
            if gi.shape != input.shape { gi = gi.sumToShape(input.shape) }
            grads[key] = grads[key].map { $0 + gi } ?? gi
        }
        if !targetIDs.contains(id) { grads[id] = nil }  // free intermediate gradients early
    }
    return targets.map { t in
        pass(grads[ObjectIdentifier(t)] ?? Variable(Tensor.zeros(t.shape)))
    }
}

/// `gradients(of:wrt:)` as plain tensors (first derivatives).
public func gradientTensors(of output: Variable, wrt targets: [Variable], seed: Tensor? = nil) -> [Tensor] {
    gradients(of: output, wrt: targets, seed: seed).map(\.value)
}

import InductiveTensor

// Arithmetic with NumPy broadcasting. Rules return output-shaped gradients; the engine
// sums them back to each operand's shape (see `sumToShape`).

/// Per-example reduction for an operand broadcast along the leading (example) axis:
/// `full` has the output's shape [batch, ...]; the result is [batch] + operand shape, each
/// slice summed over the axes the operand was broadcast on. Nil if the operand has its
/// own batch axis (then it is an activation, not a shared parameter).
func perExampleBroadcastSum(_ full: Tensor, operandShape: [Int], batch: Int) -> Tensor? {
    let rank = full.rank
    guard rank >= 1, full.shape[0] == batch, operandShape.count <= rank else { return nil }
    let aligned = [Int](repeating: 1, count: rank - operandShape.count) + operandShape
    guard aligned[0] == 1 else { return nil }
    let axes = (1..<rank).filter { aligned[$0] == 1 && full.shape[$0] != 1 }
    let reduced = axes.isEmpty ? full : full.sum(axes: axes, keepDims: true)
    return reduced.reshaped([batch] + operandShape)
}

extension Variable {
    /// Wraps a tensor as a constant operand.
    @inlinable static func constant(_ t: Tensor) -> Variable { Variable(t) }

    /// a + b with broadcasting; gradient (g, g), each summed back to its operand's shape.
    public static func + (a: Variable, b: Variable) -> Variable {
        record("add", a.value + b.value, [a, b], coefficients: .constant, perExample: { inputs, g, i, batch in
            perExampleBroadcastSum(g, operandShape: inputs[i].shape, batch: batch)
        }, tangent: { t in tangentSum(t.tangent(0), t.tangent(1)) }) { r in [r.needs(0) ? r.gradient : nil, r.needs(1) ? r.gradient : nil] }
    }

    /// a - b with broadcasting; gradient (g, -g).
    public static func - (a: Variable, b: Variable) -> Variable {
        record("subtract", a.value - b.value, [a, b], coefficients: .constant, perExample: { inputs, g, i, batch in
            perExampleBroadcastSum(i == 0 ? g : -g, operandShape: inputs[i].shape, batch: batch)
        }, tangent: { t in tangentDifference(t.tangent(0), t.tangent(1)) }) { r in [r.needs(0) ? r.gradient : nil, r.needs(1) ? -r.gradient : nil] }
    }

    /// a * b elementwise with broadcasting; gradient (g b, g a).
    public static func * (a: Variable, b: Variable) -> Variable {
        record("multiply", a.value * b.value, [a, b], coefficients: .bilinear, perExample: { inputs, g, i, batch in
            perExampleBroadcastSum(g * inputs[1 - i].value, operandShape: inputs[i].shape, batch: batch)
        }, tangent: { t in tangentSum(t.tangent(0).map { $0 * t.input(1) }, t.tangent(1).map { t.input(0) * $0 }) }) { r in
            [r.needs(0) ? r.gradient * r.input(1) : nil, r.needs(1) ? r.gradient * r.input(0) : nil]
        }
    }

    /// a / b elementwise with broadcasting; gradient (g / b, -g a / b^2).
    public static func / (a: Variable, b: Variable) -> Variable {
        record("divide", a.value / b.value, [a, b], tangent: { t in
            let a = t.input(0), b = t.input(1)
            return tangentSum(t.tangent(0).map { $0 / b }, t.tangent(1).map { -($0 * a) / (b * b) })
        }) { r in
            let a = r.input(0), b = r.input(1)
            return [r.needs(0) ? r.gradient / b : nil, r.needs(1) ? -(r.gradient * a) / (b * b) : nil]
        }
    }

    /// Negation; gradient -g.
    public static prefix func - (a: Variable) -> Variable {
        record("negate", -a.value, [a], coefficients: .constant, tangent: { t in t.tangent(0).map { -$0 } }) { r in [-r.gradient] }
    }

    // Mixed operands: tensors and numbers are constants.
    /// Operators with a constant tensor on either side (no gradient flows to it).
    public static func + (a: Variable, b: Tensor) -> Variable { a + constant(b) }
    public static func + (a: Tensor, b: Variable) -> Variable { constant(a) + b }
    public static func - (a: Variable, b: Tensor) -> Variable { a - constant(b) }
    public static func - (a: Tensor, b: Variable) -> Variable { constant(a) - b }
    public static func * (a: Variable, b: Tensor) -> Variable { a * constant(b) }
    public static func * (a: Tensor, b: Variable) -> Variable { constant(a) * b }
    public static func / (a: Variable, b: Tensor) -> Variable { a / constant(b) }
    public static func / (a: Tensor, b: Variable) -> Variable { constant(a) / b }

    /// Operators with a number on either side.
    public static func +(a: Variable, b: Double) -> Variable {
        let c = b
        return record("add", a.value + c, [a], coefficients: .constant, tangent: { t in t.tangent(0) }) { r in [r.gradient] }
    }
    public static func +(a: Double, b: Variable) -> Variable { b + a }
    public static func -(a: Variable, b: Double) -> Variable { a + (-b) }
    public static func -(a: Double, b: Variable) -> Variable { -b + a }
    public static func *(a: Variable, b: Double) -> Variable {
        let c = b
        return record("scale", a.value * c, [a], coefficients: .constant, tangent: { t in t.tangent(0).map { $0 * c } }) { r in [r.gradient * c] }
    }
    public static func *(a: Double, b: Variable) -> Variable { b * a }
    public static func /(a: Variable, b: Double) -> Variable { a * (1 / b) }
    public static func /(a: Double, b: Variable) -> Variable { a * pow(b, -1) }

    /// Sums this (broadcast) value back to `target` shape: over leading axes it lacks and
    /// over axes where `target` has extent 1 (the adjoint of broadcasting).
    public func sumToShape(_ target: [Int]) -> Variable {
        if shape == target { return self }
        let reduced = summed(value, toShape: target)
        let source = shape
        return Variable.record("sumToShape", reduced, [self], coefficients: .constant, tangent: { t in t.tangent(0).map { summed($0, toShape: target) } }) { r in
            [r.gradient.broadcast(to: source)]
        }
    }

    /// Repeats this value along broadcast axes to `target` shape (NumPy `broadcast_to`).
    public func broadcast(to target: [Int]) -> Variable {
        if shape == target { return self }
        let source = shape
        return Variable.record("broadcast", value.broadcast(to: target), [self], coefficients: .constant,
                               tangent: { t in t.tangent(0).map { $0.broadcast(to: target) } }) { r in [r.gradient.sumToShape(source)] }
    }
}

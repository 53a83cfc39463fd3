import InductiveTensor

/// op(A) op(B) with op = transpose when requested (on the last two axes; rank >= 2, batch
/// axes broadcast; 1-d operands are treated as NumPy does). Gradients are again products
/// with the transposes passed to BLAS:
/// dA = g op(B)^T (or op(B) g^T when A is transposed), dB = op(A)^T g (or g^T op(A)).
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
    if a.rank == 1 && b.rank == 1 { return (a * b).sum() }
    if a.rank == 1 {
        let r = matmul(a.reshaped([1, a.count]), b, transposeB: transposeB)
        return r.reshaped(Array(r.shape.dropLast(2)) + [r.shape[r.rank - 1]])
    }
    if b.rank == 1 {
        let r = matmul(a, b.reshaped([b.count, 1]), transposeA: transposeA)
        return r.reshaped(Array(r.shape.dropLast()))
    }
    let value = matmul(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
    return Variable.record("matmul", value, [a, b], coefficients: .bilinear, perExample: { inputs, g, i, batch in
        // Fast path: a shared 2-d weight on the right of a batched left operand.
        guard i == 1, inputs[1].rank == 2, !transposeA, inputs[0].rank >= 2, inputs[0].shape[0] == batch else { return nil }
        let x = inputs[0].value
        let rows = x.count / (batch * x.shape[x.rank - 1])
        let x3 = x.reshaped([batch, rows, x.shape[x.rank - 1]])
        let g3 = g.reshaped([batch, rows, g.shape[g.rank - 1]])
        return transposeB ? matmul(g3, x3, transposeA: true) : matmul(x3, g3, transposeA: true)
    }, tangent: { t in
        // d(op(A) op(B)) = op(dA) op(B) + op(A) op(dB).
        productSum(t.tangent(0), t.input(1), t.input(0), t.tangent(1), transposeA: transposeA, transposeB: transposeB)
    }) { r in
        let a = r.input(0), b = r.input(1), g = r.gradient
        var da: Variable?, db: Variable?
        if r.needs(0) {
            da = transposeA ? product(b, g, transposeA: transposeB, transposeB: true, tangentOnly: r.needsTangentOnly(0))
                            : product(g, b, transposeA: false, transposeB: !transposeB, tangentOnly: r.needsTangentOnly(0))
        }
        if r.needs(1) {
            db = transposeB ? product(g, a, transposeA: true, transposeB: transposeA, tangentOnly: r.needsTangentOnly(1))
                            : product(a, g, transposeA: !transposeA, transposeB: false, tangentOnly: r.needsTangentOnly(1))
        }
        return [da, db]
    }
}

/// A product inside the matmul backward rule; when only its tangent is read (a parameter's
/// gradient in a forward-over-reverse Hessian-vector product) the value's GEMM is skipped.
private func product(_ p: Variable, _ q: Variable, transposeA: Bool, transposeB: Bool, tangentOnly: Bool) -> Variable? {
    guard tangentOnly else { return matmul(p, q, transposeA: transposeA, transposeB: transposeB) }
    return productSum(p.tangent, q.value, p.value, q.tangent, transposeA: transposeA, transposeB: transposeB).map(Variable.tangentOnly)
}

/// sum_i a_i b_i over all elements.
public func dot(_ a: Variable, _ b: Variable) -> Variable {
    precondition(a.count == b.count, "dot: \(a.shape) and \(b.shape) have different sizes")
    return (a.flattened() * b.flattened()).sum()
}

import InductiveTensor

/// x = A^-1 b for square A (b a vector or matrix). Gradients: gb = A^-T g, gA = -gb x^T,
/// both written with `solve` and products, so they differentiate again. A singular A is
/// a programmer error here (check conditioning before differentiating through a solve).
public func solve(_ a: Variable, _ b: Variable) -> Variable {
    let x: Tensor
    do { x = try solve(a.value, b.value) } catch { preconditionFailure("solve(Variable): \(error)") }
    // dx = A^-1 (db - dA x).
    return Variable.record("solve", x, [a, b], tangent: { t in
        guard let rhs = tangentDifference(t.tangent(1), t.tangent(0).map { matmul($0, t.output) }) else { return nil }
        do { return try solve(t.input(0), rhs) } catch { preconditionFailure("solve(Variable): \(error)") }
    }) { r in
        let gb = solve(r.input(0).transposed(), r.gradient)
        let x = r.output
        let ga: Variable? = r.needs(0)
            ? -(x.rank == 1 ? matmul(gb.reshaped([gb.count, 1]), x.reshaped([1, x.count])) : matmul(gb, x, transposeB: true))
            : nil
        return [ga, r.needs(1) ? gb : nil]
    }
}

/// Eigendecomposition S = V diag(w) V^T of the symmetric part S = (A + A^T)/2 of `a`, as
/// differentiable values (for a symmetric input, of A itself; using the symmetric part,
/// not one triangle, keeps the gradient the derivative of the function actually computed).
/// The derivative exists where the eigenvalues are distinct:
/// gA = sym(V (diag(gw) + F o (V^T gV)) V^T), sym(M) = (M + M^T)/2, with F_ij = 1/(w_j - w_i)
/// off the diagonal and 0 on it. Repeated eigenvalues give infinite terms: do not
/// differentiate through them.
public func eigh(_ a: Variable) -> (values: Variable, vectors: Variable) {
    precondition(a.rank == 2 && a.shape[0] == a.shape[1], "eigh: expected a square matrix, got shape \(a.shape)")
    let n = a.shape[0]
    let symmetric = (a + a.transposed()) * 0.5
    let (w, v): (Tensor, Tensor)
    do { (w, v) = try eigh(symmetric.value) } catch { preconditionFailure("eigh(Variable): \(error)") }
    // Both results travel as one packed [n + 1, n] value: row 0 holds w, rows 1... hold V.
    let packed = Tensor.concatenate([w.reshaped([1, n]), v])
    // Forward: with M = V^T dS V, dw_i = M_ii and dV = V (F o M).
    let result = Variable.record("eigh", packed, [symmetric], tangent: { t in
        t.tangent(0).map { ds in
            let m = matmul(matmul(v, ds, transposeA: true), v)
            let diff = w.reshaped([1, n]) - w.reshaped([n, 1])
            let f = (1 - Tensor.eye(n)) / (diff + Tensor.eye(n))
            let dw = (m * Tensor.eye(n)).sum(axes: [0], keepDims: true)
            return Tensor.concatenate([dw, matmul(v, f * m)])
        }
    }) { r in
        let w = r.output.slice([.index(0)])
        let v = r.output.slice([.range(1..<(n + 1))])
        let gw = r.gradient.slice([.index(0)])
        let gv = r.gradient.slice([.range(1..<(n + 1))])
        // F_ij = 1 / (w_j - w_i) for i != j, 0 on the diagonal.
        let diff = w.reshaped([1, n]) - w.reshaped([n, 1])
        let offDiagonal = Variable(1 - Tensor.eye(n))
        let f = offDiagonal / (diff + Variable(Tensor.eye(n)))
        let inner = matmul(v, gv, transposeA: true) * f + Variable.diagonal(gw)
        let ga = matmul(matmul(v, inner), v, transposeB: true)
        return [(ga + ga.transposed()) * 0.5]
    }
    return (result.slice([.index(0)]), result.slice([.range(1..<(n + 1))]))
}

extension Variable {
    /// The square matrix with this vector on its diagonal.
    public static func diagonal(_ v: Variable) -> Variable {
        let n = v.count
        return (v.reshaped([1, n]) * Variable(Tensor.eye(n)))
    }
}

import InductiveTensor

// Tensor helpers of the forward-mode (tangent) rules. A nil tangent is zero.

/// a + b with nil as zero (broadcasting as Tensor +).
func tangentSum(_ a: Tensor?, _ b: Tensor?) -> Tensor? {
    guard let a else { return b }
    guard let b else { return a }
    return a + b
}

/// a - b with nil as zero.
func tangentDifference(_ a: Tensor?, _ b: Tensor?) -> Tensor? {
    guard let b else { return a }
    guard let a else { return -b }
    return a - b
}

/// `t` summed back to `target` (the adjoint of broadcasting), as `Variable.sumToShape`.
func summed(_ t: Tensor, toShape target: [Int]) -> Tensor {
    if t.shape == target { return t }
    let lead = t.rank - target.count
    precondition(lead >= 0, "sumToShape: cannot reduce \(t.shape) to \(target)")
    var axes = Array(0..<lead)
    for (i, n) in target.enumerated() where n == 1 && t.shape[lead + i] != 1 { axes.append(lead + i) }
    return t.sum(axes: axes, keepDims: true).reshaped(target)
}

/// op(A1) op(B1) + op(A2) op(B2) (terms with a nil factor are zero), the tangent of a
/// product. For 2-d operands the second product is accumulated by dgemm with beta = 1 into
/// the first's storage (no temporary, no extra pass); otherwise two products and a sum.
func productSum(_ a1: Tensor?, _ b1: Tensor?, _ a2: Tensor?, _ b2: Tensor?, transposeA: Bool, transposeB: Bool) -> Tensor? {
    var first: (Tensor, Tensor)?
    if let a1, let b1 { first = (a1, b1) }
    var second: (Tensor, Tensor)?
    if let a2, let b2 { second = (a2, b2) }
    guard let (p, q) = first ?? second else { return nil }
    var out = matmul(p, q, transposeA: transposeA, transposeB: transposeB)
    guard first != nil, let (r, s) = second else { return out }
    guard out.rank == 2, r.rank == 2, s.rank == 2, out.count > 0 else {
        return out + matmul(r, s, transposeA: transposeA, transposeB: transposeB)
    }
    let m = out.shape[0], n = out.shape[1]
    let k = transposeA ? r.shape[0] : r.shape[1]
    precondition((transposeA ? r.shape[1] : r.shape[0]) == m && (transposeB ? s.shape[0] : s.shape[1]) == n
                 && (transposeB ? s.shape[1] : s.shape[0]) == k, "productSum: shapes do not align")
    r.withUnsafeBufferPointer { pr in
        s.withUnsafeBufferPointer { ps in
            out.withUnsafeMutableBufferPointer { po in
                BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                          a: pr.baseAddress!, lda: r.shape[1], b: ps.baseAddress!, ldb: s.shape[1],
                          beta: 1, c: po.baseAddress!, ldc: n)
            }
        }
    }
    return out
}

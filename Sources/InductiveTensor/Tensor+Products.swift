// Matrix products through BLAS. Transposes are passed to `dgemm`, never materialized.

/// The matrix product op(A) op(B), op(X) = X or X^T on the last two axes.
///
/// - 2-d x 2-d: (m x k) (k x n) -> m x n, one `dgemm` (2 m n k flops).
/// - 1-d operands follow NumPy: a vector on the left is a row (k) -> (n); on the right a
///   column -> (m); two vectors give their dot product (0-d).
/// - rank > 2: leading (batch) axes broadcast; one `dgemm` per batch element.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    if a.rank == 1 && b.rank == 1 {
        precondition(a.count == b.count, "matmul: vectors of length \(a.count) and \(b.count)")
        return Tensor(BLAS.dot(a.scalars, b.scalars))
    }
    if a.rank == 1 {
        let r = matmul(a.reshaped([1, a.count]), b, transposeB: transposeB)
        return r.reshaped(Array(r.shape.dropLast(2)) + [r.shape[r.rank - 1]])
    }
    if b.rank == 1 {
        if a.rank == 2 {
            let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
            precondition(k == b.count, "matmul: shapes \(a.shape)\(transposeA ? "^T" : "") and \(b.shape) do not align")
            return Tensor(shape: [m]) { out in
                out.initialize(repeating: 0)
                if m == 0 || k == 0 { return }
                a.scalars.withUnsafeBufferPointer { pa in
                    b.scalars.withUnsafeBufferPointer { pb in
                        BLAS.gemv(transpose: transposeA, m: a.shape[0], n: a.shape[1], alpha: 1, a: pa.baseAddress!,
                                  lda: a.shape[1], x: pb.baseAddress!, beta: 0, y: out.baseAddress!)
                    }
                }
            }
        }
        let r = matmul(a, b.reshaped([b.count, 1]), transposeA: transposeA)
        return r.reshaped(Array(r.shape.dropLast()))
    }
    let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1]
    let br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (k2, n) = transposeB ? (bc, br) : (br, bc)
    precondition(k == k2, "matmul: shapes \(a.shape)\(transposeA ? "^T" : "") and \(b.shape)\(transposeB ? "^T" : "") do not align")
    let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
    guard let batch = Tensor.broadcastShape(aBatch, bBatch) else {
        preconditionFailure("matmul: batch shapes \(aBatch) and \(bBatch) do not broadcast")
    }
    let batchCount = Tensor.elementCount(batch)
    // Offsets of each batch element in a and b (0-strides for broadcast batch axes).
    let aStrides = Tensor(shape: aBatch, scalars: [Double](repeating: 0, count: Tensor.elementCount(aBatch)))
        .broadcastStrides(to: batch)
    let bStrides = Tensor(shape: bBatch, scalars: [Double](repeating: 0, count: Tensor.elementCount(bBatch)))
        .broadcastStrides(to: batch)
    var aOffsets: [Int] = [], bOffsets: [Int] = []
    aOffsets.reserveCapacity(batchCount); bOffsets.reserveCapacity(batchCount)
    if batch.isEmpty {
        aOffsets = [0]; bOffsets = [0]
    } else {
        var index = [Int](repeating: 0, count: batch.count)
        for _ in 0..<batchCount {
            aOffsets.append(zip(index, aStrides).reduce(0) { $0 + $1.0 * $1.1 } * ar * ac)
            bOffsets.append(zip(index, bStrides).reduce(0) { $0 + $1.0 * $1.1 } * br * bc)
            var ax = batch.count - 1
            while ax >= 0 {
                index[ax] += 1
                if index[ax] < batch[ax] { break }
                index[ax] = 0
                ax -= 1
            }
        }
    }
    return Tensor(shape: batch + [m, n]) { out in
        if out.isEmpty { return }
        if k == 0 { out.initialize(repeating: 0); return }
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                for i in 0..<batchCount {
                    BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                              a: pa.baseAddress! + aOffsets[i], lda: ac, b: pb.baseAddress! + bOffsets[i], ldb: bc,
                              beta: 0, c: out.baseAddress! + i * m * n, ldc: n)
                }
            }
        }
    }
}

/// Dot product sum_i a_i b_i of two tensors with the same number of elements.
public func dot(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.count == b.count, "dot: \(a.shape) and \(b.shape) have different sizes")
    return BLAS.dot(a.scalars, b.scalars)
}

/// Outer product a b^T of two vectors (flattened): shape [a.count, b.count].
public func outer(_ a: Tensor, _ b: Tensor) -> Tensor {
    let m = a.count, n = b.count
    return Tensor(shape: [m, n]) { out in
        for i in 0..<m {
            let x = a.scalars[i]
            for j in 0..<n { out[i * n + j] = x * b.scalars[j] }
        }
    }
}

/// Kronecker product of two matrices: (A kron B)[i p + r, j q + s] = A[i, j] B[r, s]
/// for A m x n and B p x q (vectors are treated as 1 x n rows).
public func kron(_ a: Tensor, _ b: Tensor) -> Tensor {
    let a2 = a.rank == 1 ? a.reshaped([1, a.count]) : a
    let b2 = b.rank == 1 ? b.reshaped([1, b.count]) : b
    precondition(a2.rank == 2 && b2.rank == 2, "kron: expected vectors or matrices, got \(a.shape) and \(b.shape)")
    let (m, n, p, q) = (a2.shape[0], a2.shape[1], b2.shape[0], b2.shape[1])
    let r = Tensor(shape: [m * p, n * q]) { out in
        for i in 0..<m { for j in 0..<n {
            let x = a2.scalars[i * n + j]
            for r in 0..<p { for s in 0..<q {
                out[(i * p + r) * (n * q) + j * q + s] = x * b2.scalars[r * q + s]
            } }
        } }
    }
    return (a.rank == 1 && b.rank == 1) ? r.reshaped([m * p * n * q]) : r
}

extension Tensor {
    /// Gram matrix X^T X of the columns of a matrix (p x p for X n x p, symmetric), by
    /// `dsyrk`: n p^2 flops, no transpose materialized.
    public func gramColumns() -> Tensor {
        precondition(rank == 2, "gramColumns: expected a matrix, got shape \(shape)")
        let n = shape[0], p = shape[1]
        return Tensor(shape: [p, p]) { out in
            out.initialize(repeating: 0)
            if n == 0 || p == 0 { return }
            scalars.withUnsafeBufferPointer { a in
                BLAS.syrk(transpose: true, n: p, k: n, alpha: 1, a: a.baseAddress!, lda: p, beta: 0, c: out.baseAddress!, ldc: p)
            }
        }
    }

    /// Gram matrix X X^T of the rows of a matrix (n x n, symmetric), by `dsyrk`: half the
    /// flops of a general product.
    public func gramRows() -> Tensor {
        precondition(rank == 2, "gramRows: expected a matrix, got shape \(shape)")
        let n = shape[0], k = shape[1]
        return Tensor(shape: [n, n]) { out in
            out.initialize(repeating: 0)
            if n == 0 || k == 0 { return }
            scalars.withUnsafeBufferPointer { p in
                BLAS.syrk(transpose: false, n: n, k: k, alpha: 1, a: p.baseAddress!, lda: Swift.max(k, 1),
                          beta: 0, c: out.baseAddress!, ldc: n)
            }
        }
    }
}

import InductiveTensor

// The functional interface: differentiate a function of tensors, f(x), at a point.
// Each call builds the graph of f once, then runs reverse sweeps on it.

/// The gradient grad f(x) of a scalar-valued f (any shape with one element) at x.
public func gradient(at x: Tensor, of f: (Variable) -> Variable) -> Tensor {
    valueAndGradient(at: x, of: f).gradient
}

/// f(x) and grad f(x) together (one forward, one backward pass).
public func valueAndGradient(at x: Tensor, of f: (Variable) -> Variable) -> (value: Double, gradient: Tensor) {
    let (value, grads) = valueAndGradients(at: [x]) { f($0[0]) }
    return (value, grads[0])
}

/// f(x_1, ..., x_k) and its gradient with respect to each argument.
public func valueAndGradients(at xs: [Tensor], of f: ([Variable]) -> Variable) -> (value: Double, gradients: [Tensor]) {
    let vars = xs.map(Variable.parameter)
    let y = f(vars)
    precondition(y.count == 1, "valueAndGradients: f must return one element, got shape \(y.shape)")
    return (y.value.scalars[0], gradientTensors(of: y, wrt: vars))
}

/// Gradients of a scalar f with respect to each argument.
public func gradients(at xs: [Tensor], of f: ([Variable]) -> Variable) -> [Tensor] {
    valueAndGradients(at: xs, of: f).gradients
}

/// The vector-Jacobian product u^T J_f(x) (shape of x) for a cotangent u shaped like f(x),
/// with f(x). Cost: one forward and one backward pass.
public func vjp(at x: Tensor, of f: (Variable) -> Variable, cotangent u: Tensor) -> (value: Tensor, vjp: Tensor) {
    let v = Variable.parameter(x)
    let y = f(v)
    return (y.value, gradientTensors(of: y, wrt: [v], seed: u)[0])
}

/// The full Hessian of a scalar f at x, shape x.shape + x.shape (n x n for a vector): the
/// gradient graph is built once, then one reverse sweep per coordinate. For small problems
/// (n up to a few thousand).
public func hessian(at x: Tensor, of f: (Variable) -> Variable) -> Tensor {
    let p = Variable.parameter(x)
    let y = f(p)
    precondition(y.count == 1, "hessian: f must return one element, got shape \(y.shape)")
    let g = gradients(of: y, wrt: [p], createGraph: true)[0]
    let n = x.count
    var out = [Double](repeating: 0, count: n * n)
    var e = Tensor.zeros(x.shape)
    for i in 0..<n {
        e[flat: i] = 1
        let row = gradientTensors(of: g, wrt: [p], seed: e)[0]
        for j in 0..<n { out[i * n + j] = row.scalars[j] }
        e[flat: i] = 0
    }
    return Tensor(shape: x.shape + x.shape, scalars: out)
}

/// The Jacobian of f at x, shape f(x).shape + x.shape, by rows (one vector-Jacobian product
/// per output element on a graph built once). Throws if the result would exceed
/// `memoryBudget` bytes; for larger Jacobians stream rows with `jacobianRows`.
public func jacobian(at x: Tensor, of f: (Variable) -> Variable, memoryBudget: Int = 1 << 30) throws -> Tensor {
    let v = Variable.parameter(x)
    let y = f(v)
    let bytes = y.count * x.count * 8
    guard bytes <= memoryBudget else { throw JacobianTooLarge(bytes: bytes, budget: memoryBudget) }
    var out = [Double](repeating: 0, count: y.count * x.count)
    jacobianRows(of: y, wrt: v, rowsPerChunk: Swift.max(1, y.count)) { rows, chunk in
        out.replaceSubrange((rows.lowerBound * x.count)..<(rows.upperBound * x.count), with: chunk.scalars)
    }
    return Tensor(shape: y.shape + x.shape, scalars: out)
}

/// The Jacobian's size exceeded the caller's memory budget.
public struct JacobianTooLarge: Error, CustomStringConvertible {
    public let bytes: Int
    public let budget: Int
    public var description: String { "Jacobian needs \(bytes >> 20) MiB, over the budget of \(budget >> 20) MiB: use jacobianRows" }
}

/// `jacobianRows` with chunks sized so that each holds at most `memoryBudget` bytes
/// (at least one row): rowsPerChunk = max(1, memoryBudget / (8 x.count)).
public func jacobianRows(of y: Variable, wrt x: Variable, memoryBudget: Int,
                         _ body: (_ rows: Range<Int>, _ chunk: Tensor) throws -> Void) rethrows {
    try jacobianRows(of: y, wrt: x, rowsPerChunk: Swift.max(1, memoryBudget / Swift.max(8 * x.count, 1)), body)
}

/// Streams the rows of the Jacobian d y / d x (y flattened, each row shaped [x.count]) in
/// chunks of `rowsPerChunk` rows ([rows, x.count] tensors), so that at most one chunk is in
/// memory. `y` must have been computed from `x` with `x` requiring gradients.
public func jacobianRows(of y: Variable, wrt x: Variable, rowsPerChunk: Int,
                         _ body: (_ rows: Range<Int>, _ chunk: Tensor) throws -> Void) rethrows {
    precondition(rowsPerChunk >= 1, "jacobianRows: rowsPerChunk must be positive")
    let m = y.count, n = x.count
    var seed = Tensor.zeros(y.shape)
    var start = 0
    while start < m {
        let end = Swift.min(m, start + rowsPerChunk)
        var chunk = [Double](repeating: 0, count: (end - start) * n)
        for i in start..<end {
            seed[flat: i] = 1
            let row = gradientTensors(of: y, wrt: [x], seed: seed)[0]
            seed[flat: i] = 0
            chunk.replaceSubrange(((i - start) * n)..<((i - start + 1) * n), with: row.scalars)
        }
        try body(start..<end, Tensor(shape: [end - start, n], scalars: chunk))
        start = end
    }
}

import InductiveAutodiff
import InductiveTensor
import InductiveTestSupport

/// One differentiable operation with inputs away from its non-differentiable points.
struct OperationCase: CustomStringConvertible, Sendable {
    let name: String
    let inputs: [Tensor]
    let apply: @Sendable ([Variable]) -> Variable
    var description: String { name }
}

/// Entries in [0.5, 2), away from the singular points of log, sqrt, division and powers.
func positive(_ shape: [Int], seed: UInt64) -> Tensor { uniform(shape, seed: seed, low: 0.5, high: 2) }

/// Every differentiable operation of the autodiff target, including broadcasting forms.
let operationCases: [OperationCase] = {
    let a = normal([3, 4], seed: 1), b = normal([3, 4], seed: 2)
    let row = normal([4], seed: 3), column = normal([3, 1], seed: 4)
    let p = positive([3, 4], seed: 5), q = positive([4], seed: 6)
    let squareMatrix = normal([4, 4], seed: 7) + Tensor.eye(4) * 4
    let sym: Tensor = { let m = normal([4, 4], seed: 8); return (m + m.T) * 0.5 + Tensor.diagonal(Tensor([0, 3, 6, 9])) }()
    let cube = normal([2, 3, 4], seed: 9)
    return [
        OperationCase(name: "add", inputs: [a, b]) { $0[0] + $0[1] },
        OperationCase(name: "add broadcast row", inputs: [a, row]) { $0[0] + $0[1] },
        OperationCase(name: "add broadcast column", inputs: [column, row]) { $0[0] + $0[1] },
        OperationCase(name: "subtract broadcast", inputs: [row, a]) { $0[0] - $0[1] },
        OperationCase(name: "multiply broadcast", inputs: [a, column]) { $0[0] * $0[1] },
        OperationCase(name: "divide broadcast", inputs: [a, q]) { $0[0] / $0[1] },
        OperationCase(name: "negate and scalars", inputs: [a]) { 2.5 - (-$0[0]) * 3 / 2 + 1 },
        OperationCase(name: "scalar over variable", inputs: [p]) { 2 / $0[0] },
        OperationCase(name: "exp", inputs: [a]) { exp($0[0]) },
        OperationCase(name: "log", inputs: [p]) { log($0[0]) },
        OperationCase(name: "log1p", inputs: [p]) { log1p($0[0]) },
        OperationCase(name: "expm1", inputs: [a]) { expm1($0[0]) },
        OperationCase(name: "sqrt", inputs: [p]) { sqrt($0[0]) },
        OperationCase(name: "square", inputs: [a]) { square($0[0]) },
        OperationCase(name: "abs", inputs: [a]) { abs($0[0]) },
        OperationCase(name: "sin", inputs: [a]) { sin($0[0]) },
        OperationCase(name: "cos", inputs: [a]) { cos($0[0]) },
        OperationCase(name: "tanh", inputs: [a]) { tanh($0[0]) },
        OperationCase(name: "sigmoid", inputs: [a]) { sigmoid($0[0]) },
        OperationCase(name: "erf", inputs: [a]) { erf($0[0]) },
        OperationCase(name: "relu", inputs: [a]) { relu($0[0]) },
        OperationCase(name: "keepingWherePositive", inputs: [a]) { $0[0].keepingWherePositive(b) },
        OperationCase(name: "keepingWherePositive broadcast", inputs: [row]) { $0[0].keepingWherePositive(a) },
        OperationCase(name: "leakyRelu", inputs: [a]) { leakyRelu($0[0], slope: 0.1) },
        OperationCase(name: "softplus", inputs: [a]) { softplus($0[0]) },
        OperationCase(name: "pow constant", inputs: [p]) { pow($0[0], 2.5) },
        OperationCase(name: "pow variable", inputs: [p, a]) { pow($0[0], $0[1]) },
        OperationCase(name: "clamp", inputs: [a]) { $0[0].clamped(min: -0.5, max: 0.7) },
        OperationCase(name: "where", inputs: [a, b]) { Variable.where(a .> 0, $0[0], $0[1]) },
        OperationCase(name: "maximum", inputs: [a, b]) { Variable.maximum($0[0], $0[1]) },
        OperationCase(name: "minimum broadcast", inputs: [a, row]) { Variable.minimum($0[0], $0[1]) },
        OperationCase(name: "sum all", inputs: [cube]) { $0[0].sum() },
        OperationCase(name: "sum axes keepDims", inputs: [cube]) { $0[0].sum(axes: [0, 2], keepDims: true) },
        OperationCase(name: "mean axis", inputs: [cube]) { $0[0].mean(axis: 1) },
        OperationCase(name: "variance", inputs: [cube]) { $0[0].variance(axes: [2], correction: 1) },
        OperationCase(name: "max axis", inputs: [cube]) { $0[0].max(axes: [1]) },
        OperationCase(name: "min all", inputs: [cube]) { $0[0].min() },
        OperationCase(name: "logSumExp", inputs: [cube]) { $0[0].logSumExp(axes: [2]) },
        OperationCase(name: "logSoftmax", inputs: [a]) { logSoftmax($0[0], axis: 1) },
        OperationCase(name: "softmax", inputs: [a]) { softmax($0[0], axis: 0) },
        OperationCase(name: "norm", inputs: [a]) { $0[0].norm() },
        OperationCase(name: "normL1", inputs: [a]) { $0[0].normL1() },
        OperationCase(name: "reshape", inputs: [cube]) { $0[0].reshaped([4, -1]) },
        OperationCase(name: "permute", inputs: [cube]) { $0[0].permuted([2, 0, 1]) },
        OperationCase(name: "transpose", inputs: [a]) { $0[0].T },
        OperationCase(name: "expand and squeeze", inputs: [a]) { $0[0].expandingDims(at: 1).squeezed() },
        OperationCase(name: "slice", inputs: [cube]) { $0[0][.index(1), .range(0..<3, step: 2)] },
        OperationCase(name: "take with repeats", inputs: [a]) { $0[0].take([2, 0, 2], axis: 0) },
        OperationCase(name: "scatterAdd", inputs: [a]) { $0[0].scatterAdd([1, 0, 1], axis: 0, count: 2) },
        OperationCase(name: "pad zero", inputs: [a]) { $0[0].padded([(1, 0), (2, 1)]) },
        OperationCase(name: "pad circular", inputs: [a]) { $0[0].padded([(0, 2), (3, 1)], mode: .circular) },
        OperationCase(name: "roll", inputs: [a]) { $0[0].rolled(-1, axis: 1) },
        OperationCase(name: "concatenate", inputs: [a, b]) { Variable.concatenate([$0[0], $0[1]], axis: 1) },
        OperationCase(name: "stack", inputs: [a, b]) { Variable.stack([$0[0], $0[1]], axis: 1) },
        OperationCase(name: "broadcast to", inputs: [row]) { $0[0].broadcast(to: [3, 4]) },
        OperationCase(name: "sumToShape", inputs: [a]) { $0[0].sumToShape([1, 4]) },
        OperationCase(name: "matmul", inputs: [a, b]) { matmul($0[0], $0[1], transposeB: true) },
        OperationCase(name: "matmul transposeA", inputs: [a, b]) { matmul($0[0], $0[1], transposeA: true) },
        OperationCase(name: "matmul both transposed", inputs: [a, squareMatrix]) { matmul($0[0].T, $0[1], transposeA: true, transposeB: true) },
        OperationCase(name: "matmul batched broadcast", inputs: [cube, normal([4, 2], seed: 10)]) { matmul($0[0], $0[1]) },
        OperationCase(name: "matmul vector", inputs: [a, row]) { matmul($0[0], $0[1]) },
        OperationCase(name: "dot", inputs: [a, b]) { dot($0[0], $0[1]) },
        OperationCase(name: "solve vector", inputs: [squareMatrix, row]) { solve($0[0], $0[1]) },
        OperationCase(name: "solve matrix", inputs: [squareMatrix, b.T]) { solve($0[0], $0[1]) },
        OperationCase(name: "eigh values", inputs: [sym]) { eigh($0[0]).values },
        // Eigenvectors are defined up to sign; the projector v v^T is not.
        OperationCase(name: "eigh vectors", inputs: [sym]) { let v = eigh($0[0]).vectors; return matmul(v * v, Variable(Tensor.ones([4, 1]))) },
        OperationCase(name: "diagonal", inputs: [row]) { Variable.diagonal($0[0]) },
    ]
}()

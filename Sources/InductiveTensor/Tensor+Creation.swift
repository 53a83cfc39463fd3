extension Tensor {
    /// A tensor of the given shape filled with `value`.
    public static func full(_ shape: [Int], _ value: Double) -> Tensor {
        Tensor(shape: shape, scalars: [Double](repeating: value, count: elementCount(shape)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// Zeros with the shape of `other`.
    public static func zeros(like other: Tensor) -> Tensor { full(other.shape, 0) }

    /// Ones with the shape of `other`.
    public static func ones(like other: Tensor) -> Tensor { full(other.shape, 1) }

    /// The n x m matrix with ones on the diagonal (m defaults to n).
    public static func eye(_ n: Int, _ m: Int? = nil) -> Tensor {
        let cols = m ?? n
        var t = zeros([n, cols])
        for i in 0..<Swift.min(n, cols) { t.scalars[i * cols + i] = 1 }
        return t
    }

    /// `start, start + step, ...` up to but excluding `end` (NumPy `arange`).
    public static func arange(_ start: Double, _ end: Double, step: Double = 1) -> Tensor {
        precondition(step != 0, "arange: step must be non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Double($0) * step })
    }

    /// `0, 1, ..., n - 1`.
    public static func arange(_ n: Int) -> Tensor { Tensor((0..<n).map(Double.init)) }

    /// `count` evenly spaced values from `start` to `end` inclusive (exclusive of `end`
    /// when `endpoint` is false), as NumPy `linspace`.
    public static func linspace(_ start: Double, _ end: Double, count: Int, endpoint: Bool = true) -> Tensor {
        precondition(count >= 0, "linspace: negative count")
        if count == 1 { return Tensor([start]) }
        let div = Double(endpoint ? count - 1 : count)
        let step = (end - start) / div
        var values = (0..<count).map { start + Double($0) * step }
        if endpoint && count > 1 { values[count - 1] = end }
        return Tensor(values)
    }

    /// The square matrix with `v` (1-d) on its diagonal.
    public static func diagonal(_ v: Tensor) -> Tensor {
        precondition(v.rank == 1, "diagonal(_:): expected a vector, got shape \(v.shape)")
        let n = v.count
        var t = zeros([n, n])
        for i in 0..<n { t.scalars[i * n + i] = v.scalars[i] }
        return t
    }

    /// The main diagonal of a matrix, as a vector of length min(rows, columns).
    public var diagonalPart: Tensor {
        precondition(rank == 2, "diagonalPart: expected a matrix, got shape \(shape)")
        let n = Swift.min(shape[0], shape[1])
        return Tensor((0..<n).map { scalars[$0 * shape[1] + $0] })
    }

    /// Sum of the diagonal of a matrix.
    public var trace: Double { diagonalPart.scalars.reduce(0, +) }
}

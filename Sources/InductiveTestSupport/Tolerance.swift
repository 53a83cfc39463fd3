import InductiveTensor

/// The worst entry of a comparison between two tensors.
public struct Discrepancy: CustomStringConvertible, Sendable {
    public let index: Int
    public let actual: Double
    public let expected: Double
    /// |actual - expected| / (atol + rtol |expected|): at most 1 when within tolerance.
    public let ratio: Double

    public var description: String {
        "worst entry \(index): \(actual) vs \(expected) (error \(Swift.abs(actual - expected)), \(ratio)x the tolerance)"
    }
}

/// Compares `actual` with `expected`: shapes first, then |a - e| <= atol + rtol |e| per
/// entry. NaN matches only NaN at the same position. Returns nil when close, otherwise a
/// message naming the shape mismatch or the worst entry.
public func closeness(_ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double = 0) -> String? {
    if actual.shape != expected.shape { return "shape \(actual.shape) differs from expected \(expected.shape)" }
    var worst: Discrepancy?
    for i in 0..<actual.count {
        let a = actual.scalars[i], e = expected.scalars[i]
        if a.isNaN || e.isNaN {
            if a.isNaN != e.isNaN { return "entry \(i): \(a) vs \(e) (NaN mismatch)" }
            continue
        }
        if a == e { continue }
        let ratio = Swift.abs(a - e) / (atol + rtol * Swift.abs(e))
        if !(ratio <= 1), ratio > (worst?.ratio ?? 0) || ratio.isNaN {
            worst = Discrepancy(index: i, actual: a, expected: e, ratio: ratio)
        }
    }
    return worst.map { "\($0) [rtol \(rtol), atol \(atol)]" }
}

/// Relative error ||a - b|| / ||b|| (Frobenius), shapes required equal.
public func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.shape == b.shape, "relativeError: shapes \(a.shape) and \(b.shape) differ")
    return (a - b).norm() / b.norm()
}

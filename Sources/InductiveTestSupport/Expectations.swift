import InductiveTensor
import Testing

/// Records a test issue unless `actual` is close to `expected` (see `closeness`).
public func expectClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double = 0,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    if let problem = closeness(actual, expected, rtol: rtol, atol: atol) {
        Issue.record(Comment(rawValue: (comment.map { $0.rawValue + ": " } ?? "") + problem), sourceLocation: sourceLocation)
    }
}

/// Scalar form of `expectClose`.
public func expectClose(
    _ actual: Double, _ expected: Double, rtol: Double, atol: Double = 0,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(Tensor(actual), Tensor(expected), rtol: rtol, atol: atol, comment, sourceLocation: sourceLocation)
}

/// Records a test issue unless `actual` is close to `expected` within `tier`; the message
/// names the worst entry, the tier and the reason for its size.
public func expectClose(
    _ actual: Tensor, _ expected: Tensor, _ tier: ToleranceTier,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    if let problem = closeness(actual, expected, tier) {
        Issue.record(Comment(rawValue: (comment.map { $0.rawValue + ": " } ?? "") + problem), sourceLocation: sourceLocation)
    }
}

/// Scalar form of `expectClose(_:_:_:)` with a tolerance tier.
public func expectClose(
    _ actual: Double, _ expected: Double, _ tier: ToleranceTier,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(Tensor(actual), Tensor(expected), tier, comment, sourceLocation: sourceLocation)
}

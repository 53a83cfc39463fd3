import InductiveTensor

/// A named tolerance together with the reason for its size, so that a test says which kind
/// of agreement it expects instead of carrying a bare number.
///
/// Entry by entry, `actual` is close to `expected` when
/// |actual - expected| <= absolute + relative |expected| (the rule of `closeness`). The
/// gradient checks use the finite-difference tiers below; most other tests still state their
/// tolerance inline with its reason beside it, and can move to a tier where one fits (or
/// build their own with `init(_:relative:absolute:reason:)`).
///
///     expectClose(solve(a, b), x, .backwardStable(conditionNumber: 1e3, size: 50))
public struct ToleranceTier: Sendable, CustomStringConvertible {
    /// A short name, printed with a failure ("exact algebra", "finite differences", ...).
    public let name: String
    /// The relative part of the tolerance.
    public let relative: Double
    /// The absolute part of the tolerance (for entries whose expected value is near zero).
    public let absolute: Double
    /// Why the tolerance has this size: the error model behind it.
    public let reason: String

    /// A tolerance with its reason.
    public init(_ name: String, relative: Double, absolute: Double = 0, reason: String) {
        precondition(relative >= 0 && absolute >= 0, "ToleranceTier \(name): tolerances must be nonnegative")
        self.name = name
        self.relative = relative
        self.absolute = absolute
        self.reason = reason
    }

    /// "name (rtol r, atol a: reason)", as printed with a failure.
    public var description: String { "\(name) (rtol \(relative), atol \(absolute): \(reason))" }

    /// Double-precision machine epsilon, ε = 2⁻⁵² ≈ 2.2e-16.
    public static let epsilon = Double.ulpOfOne

    /// A closed form evaluated in a few floating-point operations per entry (sums, products,
    /// elementwise functions of moderate size): each entry is off by a few ulps, 1e-12
    /// relative leaves room for a few thousand roundings.
    public static let exactAlgebra = ToleranceTier(
        "exact algebra", relative: 1e-12, absolute: 1e-14,
        reason: "a few roundings of size ε per entry")

    /// One backward-stable factorization or solve (LU, QR, Cholesky, symmetric eigensolver,
    /// SVD) of an `size` × `size` matrix with condition number κ = `conditionNumber`: the
    /// forward error is at most about κ · n · ε relative to the solution's norm, so entries
    /// near zero get the same tolerance in absolute terms times `scale` (the solution's
    /// largest magnitude). `safety` (10 by default) covers the constants of the error bounds.
    public static func backwardStable(conditionNumber: Double, size: Int, scale: Double = 1,
                                      safety: Double = 10) -> ToleranceTier {
        precondition(conditionNumber >= 1 && size >= 1 && scale >= 0,
                     "backwardStable: κ = \(conditionNumber), n = \(size) must be at least 1 and the scale \(scale) nonnegative")
        let relative = safety * conditionNumber * Double(size) * epsilon
        return ToleranceTier(
            "backward stable", relative: relative, absolute: relative * scale,
            reason: "one backward-stable factorization of an n = \(size) matrix with condition number κ = \(conditionNumber): \(safety) κ n ε of the scale \(scale)")
    }

    /// First derivatives from the graph against central differences with the step
    /// h = ∛ε max(1, |x|) (`centralDifferenceStep`): truncation O(h²) and rounding O(ε/h)
    /// are both about ε^(2/3) ≈ 4e-11 of the scale, so a correct rule gives errors near 1e-9
    /// and a wrong one errors of order one; 1e-6 separates the two.
    public static let finiteDifferences = ToleranceTier(
        "finite differences", relative: 1e-6,
        reason: "central differences with step ∛ε: errors near 1e-9 when right, O(1) when wrong")

    /// Second derivatives (Hessian-vector products) against central differences of
    /// gradients: one more level of differencing loses about a digit, so 1e-5.
    public static let secondOrderFiniteDifferences = ToleranceTier(
        "second-order finite differences", relative: 1e-5,
        reason: "central differences of gradients: errors near 1e-8 when right")

    /// A mean of `samples` independent draws with standard deviation σ = `standardDeviation`
    /// compared with its expectation: the standard error is σ / √samples, and
    /// `standardErrors` of them (5 by default: a false failure about once in 1.7 million
    /// runs for a Gaussian mean) is the absolute tolerance.
    public static func statistical(samples: Int, standardDeviation: Double, standardErrors: Double = 5) -> ToleranceTier {
        precondition(samples > 0 && standardDeviation >= 0, "statistical: need samples > 0 and σ >= 0")
        let standardError = standardDeviation / Double(samples).squareRoot()
        return ToleranceTier(
            "statistical", relative: 0, absolute: standardErrors * standardError,
            reason: "\(standardErrors) standard errors of a mean of \(samples) samples with σ = \(standardDeviation)")
    }
}

/// `closeness(actual, expected, rtol:atol:)` with the tolerances of `tier`; a failure
/// message ends with the tier's name and reason.
public func closeness(_ actual: Tensor, _ expected: Tensor, _ tier: ToleranceTier) -> String? {
    closeness(actual, expected, rtol: tier.relative, atol: tier.absolute).map { "\($0) — \(tier)" }
}

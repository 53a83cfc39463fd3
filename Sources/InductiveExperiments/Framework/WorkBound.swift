import Foundation

/// The most work one run of an experiment may ask for.
///
/// The estimate is computed from the parameter values alone, before anything runs, in rough
/// units of floating-point operations (a random draw, an exponential or a step of automatic
/// differentiation count as a few of them). `Experiment.resolve` refuses a combination whose
/// estimate exceeds `limit` with one line naming `formula` and the limit, so that every
/// combination of in-range values either runs in bounded time or is refused. Limits are set at
/// about 10 to 30 times the estimate of the experiment's full size, and never below
/// `minimumLimit`, so that an experiment whose full size takes a fraction of a second can
/// still be explored well beyond it.
public struct WorkBound: Sendable {
    /// The estimate as the refusal names it, e.g. `seeds × points² × (sum of widths)`.
    public let formula: String
    /// The largest estimate accepted.
    public let limit: Double

    /// The smallest limit any experiment gets: 1e10 operations, at most about a minute even
    /// for the experiments with the most overhead per counted operation (autodiff steps).
    public static let minimumLimit = 1e10
    let estimator: @Sendable (ParameterValues) -> Double

    /// A bound `limit` (raised to `floor` if below it; `minimumLimit` unless a test asks for
    /// less) on the estimate `estimate`, which `formula` spells out for the user.
    public init(_ formula: String, limit: Double, floor: Double = WorkBound.minimumLimit,
                estimate: @escaping @Sendable (ParameterValues) -> Double) {
        self.formula = formula
        self.limit = Swift.max(limit, floor)
        self.estimator = estimate
    }

    /// The estimated work of a run with these parameters.
    public func estimate(_ parameters: ParameterValues) -> Double { estimator(parameters) }

    /// Why a run with these parameters asks for too much (one line), or nil. `fullSize` gives
    /// the estimate of the experiment's full size, quoted to say how far the limit lies above
    /// it; it is evaluated only for a refusal.
    func problem(_ parameters: ParameterValues, fullSize fullSizeEstimate: () -> Double) -> String? {
        let work = estimate(parameters)
        if work <= limit { return nil }
        let fullSize = fullSizeEstimate()
        let times = fullSize > 0 ? String(format: " (%.0f times the full size's work)", limit / fullSize) : ""
        return "\(formula) must be at most \(Self.format(limit))\(times), got \(Self.format(work))"
    }

    /// A number in three significant digits, exponents written as in `2e11`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        return String(format: "%.3g", value).replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
            .replacingOccurrences(of: "e-0", with: "e-")
    }
}

import Foundation
import InductiveReport

/// How a measured number is judged against a prediction or threshold.
public enum Comparator: Sendable, Equatable {
    /// measured < bound.
    case lessThan(Double)
    /// measured > bound.
    case greaterThan(Double)
    /// measured >= bound.
    case atLeast(Double)
    /// low <= measured <= high.
    case within(Double, Double)
    /// |measured - predicted| <= tolerance * |predicted|, with the prediction computed by
    /// the run from theory (the tolerance is fixed here).
    case relativelyClose(tolerance: Double)
    /// |measured - predicted| <= tolerance.
    case absolutelyClose(tolerance: Double)
    /// measured equals predicted exactly.
    case equal

    var needsPrediction: Bool {
        switch self {
        case .relativelyClose, .absolutelyClose, .equal: return true
        default: return false
        }
    }

    func holds(_ m: Double, _ p: Double?) -> Bool {
        switch self {
        case .lessThan(let b): return m < b
        case .greaterThan(let b): return m > b
        case .atLeast(let b): return m >= b
        case .within(let lo, let hi): return m >= lo && m <= hi
        case .relativelyClose(let t): return p.map { Swift.abs(m - $0) <= t * Swift.abs($0) } ?? false
        case .absolutelyClose(let t): return p.map { Swift.abs(m - $0) <= t } ?? false
        case .equal: return p.map { m == $0 } ?? false
        }
    }

    func row(name: String, measured: Double, predicted: Double?, verdict: CheckRow.Verdict) -> CheckRow {
        let fmt = { (v: Double) in NumberFormat.significant(v) }
        switch self {
        case .lessThan(let b): return CheckRow(name: name, measured: measured, prediction: fmt(b), comparator: "<", verdict: verdict)
        case .greaterThan(let b): return CheckRow(name: name, measured: measured, prediction: fmt(b), comparator: ">", verdict: verdict)
        case .atLeast(let b): return CheckRow(name: name, measured: measured, prediction: fmt(b), comparator: "≥", verdict: verdict)
        case .within(let lo, let hi):
            return CheckRow(name: name, measured: measured, prediction: "[\(fmt(lo)), \(fmt(hi))]", comparator: "in", verdict: verdict)
        case .relativelyClose(let t):
            return CheckRow(name: name, measured: measured, prediction: predicted.map(fmt) ?? "—", comparator: "≈",
                            tolerance: "±\(fmt(t * 100))% relative", verdict: verdict)
        case .absolutelyClose(let t):
            return CheckRow(name: name, measured: measured, prediction: predicted.map(fmt) ?? "—", comparator: "≈",
                            tolerance: "±\(fmt(t))", verdict: verdict)
        case .equal:
            return CheckRow(name: name, measured: measured, prediction: predicted.map(fmt) ?? "—", comparator: "=", verdict: verdict)
        }
    }
}

/// A check an experiment declares before it runs: what is measured, and the comparator and
/// tolerance from the catalogue. Runs supply only the measured value (and, for closeness
/// checks, the theoretical prediction); they cannot change the rule.
public struct CheckSpec: Sendable {
    public let id: String
    public let name: String
    public let comparator: Comparator
    /// The rule in the quick size when the catalogue gives one of its own (e.g. "< 0.02
    /// (quick: 0.1)"); nil uses `comparator` in both sizes.
    public let quickComparator: Comparator?
    /// True when the quick size is too small for this check (it is then reported as not
    /// run, never weakened).
    public let fullOnly: Bool

    public init(_ id: String, _ name: String, _ comparator: Comparator, quick: Comparator? = nil, fullOnly: Bool = false) {
        self.id = id
        self.name = name
        self.comparator = comparator
        self.quickComparator = quick
        self.fullOnly = fullOnly
    }

    /// The rule for a size.
    public func rule(quick: Bool) -> Comparator { quick ? (quickComparator ?? comparator) : comparator }
}

/// The outcome of one declared check.
public struct CheckOutcome: Sendable {
    public let spec: CheckSpec
    /// The rule applied (the quick one in a quick run, when the catalogue gives one).
    public let rule: Comparator
    /// nil when the check was not run (full-only in a quick run, or never measured).
    public let measured: Double?
    public let predicted: Double?
    public let holds: Bool?
    public let reason: String?

    var row: CheckRow {
        guard let holds else {
            return rule.row(name: spec.name, measured: .nan, predicted: predicted, verdict: .notRun(reason ?? "not run"))
        }
        guard let measured else {
            return rule.row(name: spec.name + " (not measured)", measured: .nan, predicted: predicted, verdict: .fails)
        }
        return rule.row(name: spec.name, measured: measured, predicted: predicted, verdict: holds ? .holds : .fails)
    }
}

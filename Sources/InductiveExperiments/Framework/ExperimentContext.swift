import Foundation
import InductiveReport
import InductiveTensor

/// What a running experiment sees and records.
public struct ExperimentContext: Sendable {
    /// The resolved parameters.
    public let parameters: ParameterValues
    /// True for the quick size.
    public let quick: Bool
    /// The run's seed (default 0).
    public let seed: UInt64
    /// The run's generator, seeded with `seed`: the only source of randomness.
    public var rng: RandomGenerator
    let declared: [CheckSpec]
    var measurements: [String: (measured: Double, predicted: Double?)] = [:]
    public internal(set) var figures: [Figure] = []
    public internal(set) var errata: [Erratum] = []
    public internal(set) var notes: [String] = []
    /// Named numbers and series for result.json.
    public internal(set) var series: [(name: String, values: JSONValue)] = []
    let progressHandler: (@Sendable (Double, String) -> Void)?

    init(parameters: ParameterValues, quick: Bool, seed: UInt64, checks: [CheckSpec],
         progress: (@Sendable (Double, String) -> Void)?) {
        self.parameters = parameters
        self.quick = quick
        self.seed = seed
        self.rng = RandomGenerator(seed: seed)
        self.declared = checks
        self.progressHandler = progress
    }

    /// Records the measured value of a declared check (and the theoretical prediction for
    /// closeness comparators). Measuring an undeclared check is a programming error.
    public mutating func measure(_ checkID: String, _ value: Double, predicted: Double? = nil) {
        guard let spec = declared.first(where: { $0.id == checkID }) else {
            preconditionFailure("check '\(checkID)' was not declared")
        }
        precondition(!spec.rule(quick: quick).needsPrediction || predicted != nil, "check '\(checkID)' needs a prediction")
        measurements[checkID] = (value, predicted)
    }

    /// Adds a figure (its data is also written as CSV).
    public mutating func figure(_ f: Figure) { figures.append(f) }

    /// Records an erratum: the notes' formula as written, the correction, the numbers.
    public mutating func erratum(location: String, asWritten: String, correction: String, evidence: String) {
        errata.append(Erratum(location: location, asWritten: asWritten, correction: correction, evidence: evidence))
    }

    /// Adds a remark (a finding or an analysis) shown under the checks.
    public mutating func note(_ text: String) { notes.append(text) }

    /// Stores a named value for result.json.
    public mutating func record(_ name: String, _ value: JSONValue) { series.append((name, value)) }

    /// Stores a named series of numbers for result.json.
    public mutating func record(_ name: String, _ values: [Double]) { series.append((name, .numbers(values))) }

    /// Reports progress in [0, 1] with a short status.
    public func progress(_ fraction: Double, _ status: String = "") { progressHandler?(fraction, status) }

    /// The verdict of every declared check, in declaration order.
    func outcomes() -> [CheckOutcome] {
        declared.map { spec in
            let rule = spec.rule(quick: quick)
            if spec.fullOnly && quick {
                return CheckOutcome(spec: spec, rule: rule, measured: nil, predicted: nil, holds: nil, reason: "full only")
            }
            guard let m = measurements[spec.id] else {
                // A declared check the run never measured is a failure, not a pass.
                return CheckOutcome(spec: spec, rule: rule, measured: nil, predicted: nil, holds: false, reason: "not measured")
            }
            let holds = m.measured.isFinite && rule.holds(m.measured, m.predicted)
            return CheckOutcome(spec: spec, rule: rule, measured: m.measured, predicted: m.predicted, holds: holds, reason: nil)
        }
    }
}

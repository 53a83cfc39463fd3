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
    var erratumCandidates = 0
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

    /// Records an erratum, if the measured numbers tell the two versions apart: the notes'
    /// formula as written, the correction, the evidence, and the `separation` that decides.
    /// When the separation fails, no erratum is recorded; a note says so, with the numbers.
    /// Either way the separation's numbers go to result.json as `erratum_separation_<k>`.
    public mutating func erratum(location: String, asWritten: String, correction: String, evidence: String,
                                 separation: ErratumSeparation) {
        let numbers = separation.description
        record("erratum_separation_\(erratumCandidates)", .object([
            ("location", .string(location)), ("as_written_miss", .number(separation.asWrittenMiss)),
            ("corrected_miss", .number(separation.correctedMiss)), ("threshold", .number(separation.threshold)),
            ("separates", .bool(separation.separates))]))
        erratumCandidates += 1
        if separation.separates {
            errata.append(Erratum(location: location, asWritten: asWritten, correction: correction,
                                  evidence: evidence + " Separation (" + separation.measure + "): " + numbers + "."))
        } else {
            note("No erratum recorded for \"\(location)\": the measured numbers do not tell the version as written from the correction apart (" + separation.measure + ": " + numbers + ").")
        }
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

/// The test an erratum must pass before it is recorded: the measured numbers must agree with
/// the correction and disagree with the formula as written.
///
/// Each version's miss is its distance from the measurement in one stated unit (`measure`):
/// the erratum separates when the corrected version misses by at most `threshold` and the
/// version as written by more. Example: "variance ratio last/first, |log₂(measured /
/// predicted)|", threshold 1 (a factor of 2).
public struct ErratumSeparation: Sendable, Equatable, CustomStringConvertible {
    /// What the misses measure, in words (shown with the numbers).
    public var measure: String
    /// Distance of the measurement from the notes' version as written.
    public var asWrittenMiss: Double
    /// Distance of the measurement from the corrected version.
    public var correctedMiss: Double
    /// The largest miss that still counts as agreement.
    public var threshold: Double

    public init(measure: String, asWrittenMiss: Double, correctedMiss: Double, threshold: Double) {
        self.measure = measure
        self.asWrittenMiss = asWrittenMiss
        self.correctedMiss = correctedMiss
        self.threshold = threshold
    }

    /// correctedMiss <= threshold < asWrittenMiss (NaN never separates).
    public var separates: Bool { correctedMiss <= threshold && asWrittenMiss > threshold }

    public var description: String {
        func f(_ x: Double) -> String { String(format: "%.3g", x) }
        return "as written misses by \(f(asWrittenMiss)), corrected by \(f(correctedMiss)), agreement up to \(f(threshold))"
    }
}

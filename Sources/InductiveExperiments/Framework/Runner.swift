import Foundation
import InductiveReport
import InductiveTensor

/// How to run experiments.
public struct RunOptions: Sendable {
    public var quick: Bool
    public var seed: UInt64
    /// `--set key=value` overrides (applied to every selected experiment that declares the key
    /// when running several; an unknown key is an error for a single run).
    public var overrides: [String: String]
    public var outputDirectory: String

    public init(quick: Bool, seed: UInt64 = 0, overrides: [String: String] = [:], outputDirectory: String) {
        self.quick = quick
        self.seed = seed
        self.overrides = overrides
        self.outputDirectory = outputDirectory
    }
}

/// Runs experiments and writes their files and the report.
public enum ExperimentRunner {
    /// Runs one experiment and writes `OUT/ID/result.json` and its figures (SVG and CSV).
    /// Parameter errors throw before anything runs; a failure inside the experiment is
    /// recorded as a crash in the returned entry (and in result.json).
    public static func run(_ experiment: any Experiment, options: RunOptions,
                           progress: (@Sendable (Double, String) -> Void)? = nil) throws -> ReportEntry {
        let evaluation = try evaluate(experiment, options: options, progress: progress)
        _ = try ReportFiles.writeExperiment(evaluation.entry, result: evaluation.result, to: options.outputDirectory)
        return evaluation.entry
    }

    /// What one run produced, before anything is written.
    public struct Evaluation: Sendable {
        /// What the report shows (its `runtimeSeconds` is the wall-clock time of the run).
        public let entry: ReportEntry
        /// The verdict of every declared check, in declaration order.
        public let outcomes: [CheckOutcome]
        /// The named numbers and series the run recorded.
        public let series: [(name: String, values: JSONValue)]
        /// The content of `result.json`.
        public let result: JSONValue
    }

    /// Runs one experiment exactly as `run` does, without writing anything (`options.outputDirectory`
    /// is not used). Parameter errors throw before anything runs.
    public static func evaluate(_ experiment: any Experiment, options: RunOptions,
                                progress: (@Sendable (Double, String) -> Void)? = nil) throws -> Evaluation {
        let values = try experiment.resolve(quick: options.quick, overrides: options.overrides)
        var context = ExperimentContext(parameters: values, quick: options.quick, seed: options.seed,
                                        checks: experiment.checks, progress: progress)
        let start = DispatchTime.now().uptimeNanoseconds
        var outcome = ReportEntry.Outcome.completed
        do { try experiment.run(&context) } catch {
            outcome = .crashed(message: String(describing: error))
        }
        let runtime = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let outcomes = context.outcomes()
        if !values.overridden.isEmpty {
            context.note("Not the catalogue's configuration: overridden with --set: "
                         + values.overridden.map { key in "\(key)=\(values.values.first { $0.key == key }!.value)" }.joined(separator: ", ") + ".")
        }
        let entry = ReportEntry(
            id: experiment.id, section: experiment.section.description, title: experiment.title, claim: experiment.claim,
            runtimeSeconds: runtime, outcome: outcome, checks: outcomes.map(\.row), errata: context.errata,
            parameters: values.values.map { Parameter($0.key, $0.value.description) } + [Parameter("seed", String(options.seed))],
            size: options.quick ? "quick" : "full", figures: context.figures, notes: context.notes)
        let result = resultJSON(experiment: experiment, entry: entry, values: values, options: options,
                                outcomes: outcomes, context: context)
        return Evaluation(entry: entry, outcomes: outcomes, series: context.series, result: result)
    }

    static func resultJSON(experiment: any Experiment, entry: ReportEntry, values: ParameterValues, options: RunOptions,
                           outcomes: [CheckOutcome], context: ExperimentContext) -> JSONValue {
        func number(_ v: Double?) -> JSONValue { v.map { .number($0) } ?? .null }
        var crash: JSONValue = .null
        if case .crashed(let message) = entry.outcome { crash = .string(message) }
        return .object([
            (key: "id", value: .string(experiment.id)),
            (key: "section", value: .string(experiment.section.description)),
            (key: "title", value: .string(experiment.title)),
            (key: "claim", value: .string(experiment.claim)),
            (key: "size", value: .string(options.quick ? "quick" : "full")),
            (key: "seed", value: .string(String(options.seed))),
            (key: "overridden", value: .array(values.overridden.map { .string($0) })),
            (key: "config", value: .object(values.values.map { (key: $0.key, value: .string($0.value.description)) })),
            (key: "versions", value: .object([
                (key: "inductive", value: .string(InductiveVersion.string)),
                (key: "blas", value: .string(BLAS.configuration)),
            ])),
            (key: "runtime_seconds", value: .number(entry.runtimeSeconds)),
            (key: "status", value: .string(entry.status.rawValue)),
            (key: "crash", value: crash),
            (key: "checks", value: .array(outcomes.map { o in
                .object([
                    (key: "id", value: .string(o.spec.id)),
                    (key: "name", value: .string(o.spec.name)),
                    (key: "measured", value: number(o.measured)),
                    (key: "predicted", value: number(o.predicted)),
                    (key: "comparator", value: .string(String(describing: o.rule))),
                    (key: "full_only", value: .bool(o.spec.fullOnly)),
                    (key: "verdict", value: .string(o.holds.map { $0 ? "holds" : "fails" } ?? "not run: \(o.reason ?? "")")),
                ])
            })),
            (key: "errata", value: .array(context.errata.map { e in
                .object([(key: "location", value: .string(e.location)), (key: "as_written", value: .string(e.asWritten)),
                         (key: "correction", value: .string(e.correction)), (key: "evidence", value: .string(e.evidence))])
            })),
            (key: "notes", value: .array(context.notes.map { .string($0) })),
            (key: "series", value: .object(context.series.map { (key: $0.name, value: $0.values) })),
        ])
    }
}

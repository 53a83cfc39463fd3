/// Everything the report shows about one experiment run: filled by the experiments
/// layer from a result, independent of how the experiment computed it.
///
/// The experiment's files live in the folder `directoryName` of the output folder:
/// `result.json`, and `<figure>.svg` / `<figure>.csv` for each figure (written by
/// `ReportFiles.writeExperiment`).
public struct ReportEntry: Sendable, Equatable, Codable {
    /// The catalogue id, e.g. `ntk.width-convergence`.
    public var id: String
    /// The section of the notes, e.g. `1. Neural tangent kernel`.
    public var section: String
    /// A short headline for the experiment.
    public var title: String
    /// The claim tested, in one or two sentences.
    public var claim: String
    /// Wall-clock time of the run.
    public var runtimeSeconds: Double
    /// Completed, or crashed with a message (then checks may be missing).
    public var outcome: Outcome
    /// The checks in the order they were declared.
    public var checks: [CheckRow]
    /// Where the notes as written differ from what holds.
    public var errata: [Erratum]
    /// The run's configuration as shown (key, value), in the order given.
    public var parameters: [Parameter]
    /// `quick` or `full` (shown next to the parameters); empty when not applicable.
    public var size: String
    /// Drawn inline in the report and written as `<id>.svg` / `<id>.csv`.
    /// Their file stems must differ.
    public var figures: [Figure]
    /// Further files in the experiment's folder to link (beyond result.json and the
    /// figures' SVG and CSV), e.g. an `.npz` of raw measurements.
    public var attachments: [FileLink]
    /// Free-form remarks shown under the checks (findings, analysis).
    public var notes: [String]

    public init(
        id: String, section: String, title: String, claim: String, runtimeSeconds: Double,
        outcome: Outcome = .completed, checks: [CheckRow] = [], errata: [Erratum] = [],
        parameters: [Parameter] = [], size: String = "", figures: [Figure] = [],
        attachments: [FileLink] = [], notes: [String] = []
    ) {
        var stems = Set<String>()
        for figure in figures {
            precondition(stems.insert(figure.fileStem).inserted, "ReportEntry '\(id)': two figures share the file name '\(figure.fileStem)'")
        }
        self.id = id
        self.section = section
        self.title = title
        self.claim = claim
        self.runtimeSeconds = runtimeSeconds
        self.outcome = outcome
        self.checks = checks
        self.errata = errata
        self.parameters = parameters
        self.size = size
        self.figures = figures
        self.attachments = attachments
        self.notes = notes
    }

    /// How the run ended.
    public enum Outcome: Sendable, Equatable, Codable {
        case completed
        /// The run threw or stopped; the message says why, in one line.
        case crashed(message: String)
    }

    /// The summary verdict, derived from the outcome and the checks.
    public enum Status: String, Sendable, Equatable, Codable {
        /// Completed and every check that ran holds.
        case ok
        /// Completed, but at least one check fails.
        case failedChecks = "failed checks"
        /// The run did not complete.
        case crashed
    }

    /// `.crashed` for a crashed run, `.failedChecks` if any check fails, `.ok` otherwise.
    public var status: Status {
        if case .crashed = outcome { return .crashed }
        return checks.contains { $0.verdict == .fails } ? .failedChecks : .ok
    }

    /// The number of checks that hold.
    public var checksHeld: Int { checks.filter { $0.verdict == .holds }.count }
    /// The number of checks that fail (checks not run count as neither).
    public var checksFailed: Int { checks.filter { $0.verdict == .fails }.count }

    /// The folder name of this experiment's files (the id, made safe).
    public var directoryName: String { FileName.sanitized(id) }

    /// The files the report links to, relative to the output folder: result.json, each
    /// figure's SVG and CSV, then the attachments.
    public var files: [FileLink] {
        var links = [FileLink(label: "result.json", path: directoryName + "/result.json")]
        for figure in figures {
            links.append(FileLink(label: figure.fileStem + ".svg", path: directoryName + "/" + figure.fileStem + ".svg"))
            links.append(FileLink(label: figure.fileStem + ".csv", path: directoryName + "/" + figure.fileStem + ".csv"))
        }
        return links + attachments.map { FileLink(label: $0.label, path: directoryName + "/" + $0.path) }
    }
}

/// One check as the report shows it: measured against predicted, with the verdict.
public struct CheckRow: Sendable, Equatable, Codable {
    /// The outcome of a check.
    public enum Verdict: Sendable, Equatable, Codable {
        case holds
        case fails
        /// Not run in this size (e.g. `full only` in a quick run), with the reason.
        case notRun(String)
    }

    /// What is checked, e.g. `"log-log slope of the error vs width"`.
    public var name: String
    /// The measured value (NaN when not run).
    public var measured: Double
    /// The prediction or threshold as text, e.g. `"[-0.65, -0.35]"` or `"0.05"`.
    public var prediction: String
    /// How measured and prediction are compared, e.g. `"<"`, `"in"`, `"≈"`.
    public var comparator: String
    /// The tolerance as text (empty when the comparison has none).
    public var tolerance: String
    /// Holds, fails, or not run.
    public var verdict: Verdict

    public init(name: String, measured: Double, prediction: String, comparator: String, tolerance: String = "", verdict: Verdict) {
        self.name = name
        self.measured = measured
        self.prediction = prediction
        self.comparator = comparator
        self.tolerance = tolerance
        self.verdict = verdict
    }

    /// A check whose prediction is a number (formatted like the measured value).
    public init(name: String, measured: Double, predicted: Double, comparator: String, tolerance: String = "", holds: Bool) {
        self.init(name: name, measured: measured, prediction: NumberFormat.significant(predicted), comparator: comparator,
                  tolerance: tolerance, verdict: holds ? .holds : .fails)
    }
}

/// Where the notes' formula as written differs from the one that holds.
public struct Erratum: Sendable, Equatable, Codable {
    /// Where in the notes, e.g. `"Neural Tangent Kernel, final formula"`.
    public var location: String
    /// The formula or statement as the notes write it.
    public var asWritten: String
    /// The version that holds.
    public var correction: String
    /// The measured numbers that tell the two apart.
    public var evidence: String

    public init(location: String = "", asWritten: String, correction: String, evidence: String) {
        self.location = location
        self.asWritten = asWritten
        self.correction = correction
        self.evidence = evidence
    }
}

/// One configuration value as shown in the report.
public struct Parameter: Sendable, Equatable, Codable {
    /// The parameter's name.
    public var key: String
    /// Its value as shown.
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// A link to a file, relative to the folder that holds `index.html` (for the entry's
/// `attachments`: relative to the experiment's folder).
public struct FileLink: Sendable, Equatable, Codable {
    /// The link text.
    public var label: String
    /// The relative path.
    public var path: String

    public init(label: String, path: String) {
        self.label = label
        self.path = path
    }
}

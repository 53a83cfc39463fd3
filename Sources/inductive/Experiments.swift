import ArgumentParser
import Foundation
import Inductive

/// `inductive list`: the catalogue, grouped by section.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the experiments, grouped by section of the notes.")

    func run() {
        for section in NotesSection.allCases {
            let experiments = ExperimentRegistry.all.filter { $0.section == section }
            if experiments.isEmpty { continue }
            say(section.description)
            let width = experiments.map(\.id.count).max() ?? 0
            for e in experiments { say("  " + e.id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + e.title) }
        }
    }
}

/// Options shared by `run` and `reproduce`.
struct ExperimentOptions: ParsableArguments {
    @Flag(help: "Quick size (every experiment well under a minute; what CI runs).") var quick = false
    @Option(parsing: .unconditional, help: "Seed of every random draw (0 to 2^64 - 1).") var seed: UInt64 = 0
    @Option(help: "Output directory.") var out: String = "results"
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter: key=value (lists comma-separated).", valueName: "key=value"))
    var settings: [String] = []

    func overrides() throws -> [String: String] {
        var result: [String: String] = [:]
        for s in settings {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { throw ValidationError("--set needs key=value, got '\(s)'") }
            result[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        return result
    }
}

/// One line per experiment, rewritten in place on a terminal.
final class ExperimentProgress: @unchecked Sendable {
    private var line: ProgressLine
    private let label: String
    private let lock = NSLock()

    init(label: String) {
        self.label = label
        line = ProgressLine(interval: 10)
    }

    func update(_ fraction: Double, _ status: String) {
        lock.lock()
        defer { lock.unlock() }
        let left = line.remaining(done: fraction, total: 1)
        line.update(String(format: "%@  %3.0f%%  %@  left %@", label, fraction * 100, status, ProgressLine.format(seconds: left)))
    }

    func finish(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        line.update(text, final: true)
    }
}

func summaryLine(_ entry: ReportEntry) -> String {
    let status: String
    switch entry.status {
    case .ok: status = "ok"
    case .failedChecks: status = "FAILED CHECKS"
    case .crashed: status = "CRASHED"
    }
    let notRun = entry.checks.count - entry.checksHeld - entry.checksFailed
    return String(format: "%@  %d held, %d failed%@  %.1fs  %@", entry.id, entry.checksHeld, entry.checksFailed,
                  notRun > 0 ? ", \(notRun) not run" : "", entry.runtimeSeconds, status)
}

/// `inductive run ID`: one experiment.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run one experiment and write OUT/ID/ (result.json, figures as SVG and CSV).")

    @Argument(help: "The experiment id (see `inductive list`).") var id: String
    @OptionGroup var options: ExperimentOptions

    func run() throws {
        guard let experiment = ExperimentRegistry.experiment(id) else {
            throw ValidationError("unknown experiment '\(id)' (see `inductive list`)")
        }
        let progress = ExperimentProgress(label: id)
        let entry = try ExperimentRunner.run(
            experiment, options: RunOptions(quick: options.quick, seed: options.seed, overrides: try options.overrides(), outputDirectory: options.out),
            progress: { progress.update($0, $1) })
        progress.finish(summaryLine(entry))
        for check in entry.checks { say("  \(checkLine(check))") }
        if case .crashed(let message) = entry.outcome { throw RunFailure(message: "\(id) crashed: \(message)") }
        say("wrote \(options.out)/\(entry.directoryName)/")
    }
}

struct RunFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

func checkLine(_ c: CheckRow) -> String {
    let verdict: String
    switch c.verdict {
    case .holds: verdict = "holds"
    case .fails: verdict = "FAILS"
    case .notRun(let why): verdict = "not run (\(why))"
    }
    let measured = c.measured.isNaN ? "—" : String(format: "%.4g", c.measured)
    let plain = { (text: String) in text.replacingOccurrences(of: "×10^{", with: "e").replacingOccurrences(of: "10^{", with: "1e").replacingOccurrences(of: "}", with: "").replacingOccurrences(of: "−", with: "-") }
    return "\(verdict): \(c.name) = \(measured) \(c.comparator) \(plain(c.prediction))\(c.tolerance.isEmpty ? "" : " " + c.tolerance)"
}

/// `inductive reproduce`: every experiment, then the HTML report.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every experiment (or those matching --only), then write OUT/index.html.",
        discussion: "Without --strict only a crashed experiment makes the exit status non-zero; with --strict a failed check does too.")

    @OptionGroup var options: ExperimentOptions
    @Option(help: "Only experiments whose id matches this glob (e.g. 'ntk.*').") var only: String?
    @Flag(help: "Exit non-zero when any check fails (for CI).") var strict = false
    @Option(help: ArgumentHelp("Run only shard I of N (1-based) of the selected experiments and write no report; `inductive merge` builds the report from the shards' folders.", valueName: "I/N"))
    var shard: String?

    func run() throws {
        let selected = only.map(ExperimentRegistry.matching) ?? ExperimentRegistry.all
        guard !selected.isEmpty else { throw ValidationError("no experiment matches '\(only ?? "")' (see `inductive list`)") }
        let overrides = try options.overrides()
        let known = Set(selected.flatMap { $0.parameters.map(\.key) })
        if let unknown = overrides.keys.sorted().first(where: { !known.contains($0) }) {
            throw ValidationError("no selected experiment has a parameter '\(unknown)'")
        }
        // Every value is checked before anything runs.
        for experiment in selected {
            let own = overrides.filter { key, _ in experiment.parameters.contains { $0.key == key } }
            _ = try experiment.resolve(quick: options.quick, overrides: own)
        }
        if let shard {
            try ReproduceShard(selected: selected, overrides: overrides, options: options, only: only,
                               shard: try Shard(parsing: shard), strict: strict).run()
            return
        }
        var entries: [ReportEntry] = []
        let start = ProgressLine.now()
        for (i, experiment) in selected.enumerated() {
            let own = overrides.filter { key, _ in experiment.parameters.contains { $0.key == key } }
            let progress = ExperimentProgress(label: "[\(i + 1)/\(selected.count)] \(experiment.id)")
            let entry = try ExperimentRunner.run(
                experiment, options: RunOptions(quick: options.quick, seed: options.seed, overrides: own, outputDirectory: options.out),
                progress: { progress.update($0, $1) })
            progress.finish("[\(i + 1)/\(selected.count)] " + summaryLine(entry))
            entries.append(entry)
        }
        try reproduceReport(entries, quick: options.quick, seed: options.seed).write(to: options.out)
        let (failed, crashed) = printReproduceSummary(entries, seconds: ProgressLine.now() - start)
        say("report: \(options.out)/index.html")
        if crashed > 0 { throw RunFailure(message: "\(crashed) experiment(s) crashed") }
        if strict && failed > 0 { throw RunFailure(message: "\(failed) check(s) failed (--strict)") }
    }
}

/// The report `reproduce` writes (and `merge` rebuilds from reproduce shards).
func reproduceReport(_ entries: [ReportEntry], quick: Bool, seed: UInt64, blas: String = BLAS.configuration) -> Report {
    Report(
        title: "Inductive: the claims of the notes, measured",
        introduction: "Each section runs one experiment of the catalogue and checks the claim of the lecture notes against measurement, with tolerances fixed before the run.",
        metadata: [Parameter("size", quick ? "quick" : "full"), Parameter("seed", String(seed)),
                   Parameter("inductive", InductiveVersion.string), Parameter("BLAS", blas)],
        entries: entries)
}

/// Prints the table of experiments and the failures; returns the failed checks and crashes.
func printReproduceSummary(_ entries: [ReportEntry], seconds: Double) -> (failed: Int, crashed: Int) {
    let held = entries.reduce(0) { $0 + $1.checksHeld }, failed = entries.reduce(0) { $0 + $1.checksFailed }
    let crashed = entries.filter { $0.status == .crashed }.count
    say("")
    let width = entries.map(\.id.count).max() ?? 0
    say("experiment".padding(toLength: width + 2, withPad: " ", startingAt: 0) + "held  failed  not run  errata  runtime  status")
    for e in entries {
        let notRun = e.checks.count - e.checksHeld - e.checksFailed
        let status = e.status == .ok ? "ok" : (e.status == .crashed ? "CRASHED" : "FAILED CHECKS")
        say(e.id.padding(toLength: width + 2, withPad: " ", startingAt: 0)
            + String(format: "%4d  %6d  %7d  %6d  %6.1fs  %@", e.checksHeld, e.checksFailed, notRun, e.errata.count, e.runtimeSeconds, status))
    }
    say(String(format: "%d experiments in %.1f s: %d checks held, %d failed, %d crashed", entries.count, seconds, held, failed, crashed))
    for e in entries where e.status != .ok {
        if case .crashed(let message) = e.outcome { say("  \(e.id) crashed: \(message)") }
        for c in e.checks where c.verdict == .fails { say("  \(e.id): \(checkLine(c))") }
    }
    return (failed, crashed)
}

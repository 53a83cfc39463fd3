import ArgumentParser
import Foundation
import Inductive

/// `inductive sweep ID --grid key=v1,v2 --seeds A..B --shard I/N --out DIR`: one shard of a
/// sweep, one result file per point.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run shard I of N of an experiment over a grid of parameter values × a range of seeds; `inductive merge` summarizes.",
        discussion: """
        The points are the cartesian product of the --grid values (first key slowest) and the seeds (fastest), in a fixed \
        order; shard I of N takes the points at positions p with p mod N = I - 1. Each point runs exactly as \
        `inductive run ID --seed S --set key=value ...` would and its result goes to DIR/points/ as one file written \
        atomically; points already complete are skipped, so a killed shard is simply run again. Wall-clock times go to \
        DIR/timings/ only. Results are identical across processes and machines with the same BLAS thread count \
        (set OPENBLAS_NUM_THREADS=1 for every shard); a point run with another BLAS setting is run again. A crashed \
        point is recorded and not rerun, and every run of its shard exits non-zero (delete its file to retry). \
        Shards of different N, or two runs of one shard at once, may share DIR.
        """)

    @Argument(help: "The experiment id (see `inductive list`).") var id: String
    @Option(help: ArgumentHelp("A parameter and its values, key=v1,v2,... (repeatable; values of list parameters are separated by ';').",
                               valueName: "key=values"))
    var grid: [String] = []
    @Option(help: ArgumentHelp("The seeds, A..B (inclusive) or one seed A.", valueName: "A..B")) var seeds: String
    @Flag(help: "Quick size of every point.") var quick = false
    @Option(help: ArgumentHelp("This process's shard, I of N (1-based).", valueName: "I/N")) var shard: String = "1/1"
    @Option(help: "Output folder (the shards of a sweep may share one, or each have their own).") var out: String
    @Flag(help: "Print the shard's points (position and values) without running them.") var list = false

    func run() throws {
        guard let experiment = ExperimentRegistry.experiment(id) else {
            throw ValidationError("unknown experiment '\(id)' (see `inductive list`)")
        }
        let shard = try Shard(parsing: shard)
        let plan = try SweepPlan(experiment: experiment, quick: quick, grid: grid, seeds: seeds)
        let points = plan.points(in: shard)
        if list {
            for point in points { say("\(point.position)\t\(point.label)") }
            return
        }
        try checkOutputDirectory(out)
        let directory = SweepDirectory(out)
        try directory.prepare(for: plan)
        let start = ProgressLine.now()
        let progressLines = ProgressLines()
        let result = try SweepRunner.runShard(plan, shard, in: directory, started: { i, point in
            let progress = ExperimentProgress(label: "[\(i + 1)/\(points.count)] \(id) \(point.label)")
            progressLines.current = progress
            return { progress.update($0, $1) }
        }, finished: { i, point, record, seconds in
            let tag = "[\(i + 1)/\(points.count)] \(id) \(point.label)"
            if let seconds {
                progressLines.current?.finish(String(format: "%@ ... %.1f s  %@", tag, seconds, record.status))
                progressLines.current = nil
            } else {
                FileHandle.standardError.write(Data("\(tag) ... already done\(record.status == "crashed" ? " (crashed)" : "")\n".utf8))
            }
        })
        say(String(format: "shard %@ of %@: %d points (%d already done) in %.1f s; results in %@/points/",
                   shard.description, id, points.count, result.skipped, ProgressLine.now() - start, out))
        if let failure = result.failure(out: out) { throw RunFailure(message: failure) }
    }
}

/// The progress line of the point running now.
private final class ProgressLines {
    var current: ExperimentProgress?
}

/// `inductive reproduce --shard I/N`: the selected experiments at positions p with
/// p mod N = I − 1, each written as `reproduce` writes it plus `report-entry.json` (what the
/// report shows), and the shard's manifest `reproduce.json`. No report: `merge` builds it.
struct ReproduceShard {
    static let manifestName = "reproduce.json"
    static let entryName = "report-entry.json"
    static let manifestFormat = "inductive reproduce shards 1"

    let selected: [any Experiment]
    let overrides: [String: String]
    let options: ExperimentOptions
    let only: String?
    let shard: Shard
    let strict: Bool

    /// The same bytes for every shard of one reproduce run.
    static func manifest(ids: [String], quick: Bool, seed: UInt64, only: String?, overrides: [String: String]) -> JSONValue {
        .object([
            ("format", .string(manifestFormat)),
            ("inductive", .string(InductiveVersion.string)),
            ("size", .string(quick ? "quick" : "full")),
            ("seed", .string(String(seed))),
            ("only", only.map { .string($0) } ?? .null),
            ("overrides", .object(overrides.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) })),
            ("experiments", .array(ids.map { .string($0) })),
            ("fingerprints", .array(ids.map { id in .string(ExperimentRegistry.experiment(id).map(SweepPlan.fingerprint) ?? "") })),
        ])
    }

    func run() throws {
        let out = options.out
        try checkOutputDirectory(out)
        let manifest = Self.manifest(ids: selected.map(\.id), quick: options.quick, seed: options.seed, only: only, overrides: overrides).rendered()
        let manifestPath = out + "/" + Self.manifestName
        if let existing = FileManager.default.contents(atPath: manifestPath), existing != Data(manifest.utf8) {
            throw InputError("\(out) holds shards of another reproduce run (its \(Self.manifestName) differs); use another --out")
        }
        try ReportFiles.createDirectory(out)
        // Every shard writes the same bytes; `AtomicFile` never removes another shard's live temporary.
        if !FileManager.default.fileExists(atPath: manifestPath) { try AtomicFile.write(manifest, to: manifestPath) }
        let positions = Array(shard.positions(of: selected.count))
        var entries: [ReportEntry] = []
        let start = ProgressLine.now()
        for (i, position) in positions.enumerated() {
            let experiment = selected[position]
            let tag = "[\(i + 1)/\(positions.count)] \(experiment.id)"
            let entryPath = out + "/" + FileName.sanitized(experiment.id) + "/" + Self.entryName
            if let data = FileManager.default.contents(atPath: entryPath), let entry = try? Self.decodeEntry(data) {
                FileHandle.standardError.write(Data("\(tag) ... already done\n".utf8))
                entries.append(entry)
                continue
            }
            let own = overrides.filter { key, _ in experiment.parameters.contains { $0.key == key } }
            let progress = ExperimentProgress(label: tag)
            let entry = try ExperimentRunner.run(
                experiment, options: RunOptions(quick: options.quick, seed: options.seed, overrides: own, outputDirectory: out),
                progress: { progress.update($0, $1) })
            // Written last: its presence marks the experiment complete.
            try JSONFile.write(entry, to: entryPath)
            progress.finish("\(tag) " + summaryLine(entry))
            entries.append(entry)
        }
        let (failed, crashed) = printReproduceSummary(entries, seconds: ProgressLine.now() - start)
        say("shard \(shard) written to \(out)/; build the report with `inductive merge DIR... --out OUT`")
        if crashed > 0 { throw RunFailure(message: "\(crashed) experiment(s) crashed") }
        if strict && failed > 0 { throw RunFailure(message: "\(failed) check(s) failed (--strict)") }
    }

    /// True when two runs of one experiment agree on what the report states: outcome, checks
    /// (measured and predicted values, verdicts) and errata; runtime and notes may differ.
    static func sameResults(_ a: ReportEntry, _ b: ReportEntry) -> Bool {
        guard let x = try? JSONFile.encoder.encode(a.checks), let y = try? JSONFile.encoder.encode(b.checks),
              let u = try? JSONFile.encoder.encode(a.errata), let v = try? JSONFile.encoder.encode(b.errata) else { return false }
        return a.outcome == b.outcome && x == y && u == v
    }

    static func decodeEntry(_ data: Data) throws -> ReportEntry {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(ReportEntry.self, from: data)
    }
}

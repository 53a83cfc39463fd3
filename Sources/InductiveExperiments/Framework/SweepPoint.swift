#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import InductiveReport
import InductiveTensor

/// The result of one sweep point as stored in `DIR/points/<point>.json`: everything a merge
/// needs (checks, every recorded number, the figures) and nothing that differs from run to
/// run (no wall-clock time, no host name), so the same point gives the same bytes in any
/// process with the same BLAS settings.
public struct SweepPointRecord: Codable, Sendable {
    public static let currentFormat = "inductive sweep point 1"

    /// One declared check's outcome.
    public struct Check: Codable, Sendable {
        public var id: String
        public var name: String
        public var measured: Double?
        public var predicted: Double?
        /// `holds`, `fails` or `not run`.
        public var verdict: String
        /// Why the check did not run or was not measured.
        public var reason: String?
    }

    /// A number the run recorded (a series' scalar, flattened: `erratum_separation_0.threshold`).
    public struct Scalar: Codable, Sendable {
        public var name: String
        public var value: Double
    }

    /// A list of numbers the run recorded (a curve).
    public struct Numbers: Codable, Sendable {
        public var name: String
        public var values: [Double]
    }

    public var format: String
    public var experiment: String
    public var fingerprint: String
    public var inductive: String
    /// The BLAS library and its thread count (results are identical only with the same).
    public var blas: String
    public var size: String
    /// The grid values of the point, in the grid's key order.
    public var settings: [Parameter]
    public var seed: String
    /// `ok`, `failed checks` or `crashed`.
    public var status: String
    public var crash: String?
    public var checks: [Check]
    public var scalars: [Scalar]
    public var arrays: [Numbers]
    public var figures: [Figure]

    /// The record of a finished run of `point`.
    public init(plan: SweepPlan, point: SweepPoint, evaluation: ExperimentRunner.Evaluation) {
        format = SweepPointRecord.currentFormat
        experiment = plan.experiment.id
        fingerprint = SweepPlan.fingerprint(plan.experiment)
        inductive = InductiveVersion.string
        blas = SweepPointRecord.blasSettings
        size = plan.quick ? "quick" : "full"
        settings = point.settings
        seed = String(point.seed)
        status = evaluation.entry.status.rawValue
        if case .crashed(let message) = evaluation.entry.outcome { crash = message }
        checks = evaluation.outcomes.map { o in
            Check(id: o.spec.id, name: o.spec.name, measured: o.measured, predicted: o.predicted,
                  verdict: o.holds.map { $0 ? "holds" : "fails" } ?? "not run", reason: o.reason)
        }
        var scalars: [Scalar] = [], arrays: [Numbers] = []
        for (name, value) in evaluation.series { SweepPointRecord.flatten(value, name: name, into: &scalars, &arrays) }
        self.scalars = scalars
        self.arrays = arrays
        figures = evaluation.entry.figures
    }

    /// The BLAS settings that decide how results round: OpenBLAS's core and thread count (read
    /// without `openblas_get_config`, whose static buffer is not safe to read from several threads).
    public static var blasSettings: String {
        guard let core = BLASCore.runningCore, let threads = BLAS.threadCount else { return BLAS.configuration }
        return "OpenBLAS \(core), \(threads) thread\(threads == 1 ? "" : "s")"
    }

    /// Collects the numbers of a recorded value: numbers as scalars, lists of numbers as
    /// arrays, objects and mixed lists member by member (`name.key`, `name[i]`).
    static func flatten(_ value: JSONValue, name: String, into scalars: inout [Scalar], _ arrays: inout [Numbers]) {
        switch value {
        case .int(let v): scalars.append(Scalar(name: name, value: Double(v)))
        case .number(let v): scalars.append(Scalar(name: name, value: v))
        case .array(let items):
            let numbers = items.compactMap { item -> Double? in
                switch item {
                case .int(let v): return Double(v)
                case .number(let v): return v
                default: return nil
                }
            }
            if !items.isEmpty && numbers.count == items.count {
                arrays.append(Numbers(name: name, values: numbers))
            } else {
                for (i, item) in items.enumerated() { flatten(item, name: "\(name)[\(i)]", into: &scalars, &arrays) }
            }
        case .object(let members):
            for member in members { flatten(member.value, name: "\(name).\(member.key)", into: &scalars, &arrays) }
        case .null, .bool, .string: break
        }
    }

    /// The file's bytes: sorted keys, so the same record always gives the same bytes.
    public func encoded() throws -> [UInt8] {
        var data = try JSONFile.encoder.encode(self)
        data.append(0x0A)
        return [UInt8](data)
    }

    /// Reads a record written by `encoded()`.
    public static func decode(_ data: Data) throws -> SweepPointRecord {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let record = try decoder.decode(SweepPointRecord.self, from: data)
        guard record.format == currentFormat else { throw SweepError("format '\(record.format)' is not '\(currentFormat)'") }
        try record.validateFigures()
        return record
    }

    /// Refuses figures whose lists disagree in length. The synthesized `Codable` of `Series`
    /// and `BarSeries` bypasses their initializers' checks, and the merge and the renderer
    /// index y, errors and band by the x positions.
    func validateFigures() throws {
        for figure in figures {
            switch figure.chart {
            case .plot(let plot):
                for series in plot.series {
                    let n = series.x.count
                    guard series.y.count == n, series.errors.map({ $0.count == n }) ?? true,
                          series.band.map({ $0.lower.count == n && $0.upper.count == n }) ?? true else {
                        throw SweepError("figure '\(figure.id)', series '\(series.name)': x, y, errors and band differ in length")
                    }
                }
            case .bars(let chart):
                for series in chart.series {
                    guard series.values.count == chart.categories.count,
                          series.errors.map({ $0.count == chart.categories.count }) ?? true else {
                        throw SweepError("figure '\(figure.id)', bars '\(series.name)': values and categories differ in length")
                    }
                }
            default: break
            }
        }
    }

    /// True when the record is the result of `point` of `plan` (same experiment definition,
    /// size, grid values and seed).
    public func matches(_ plan: SweepPlan, _ point: SweepPoint) -> Bool {
        experiment == plan.experiment.id && fingerprint == SweepPlan.fingerprint(plan.experiment)
            && inductive == InductiveVersion.string && size == (plan.quick ? "quick" : "full")
            && settings == point.settings && seed == String(point.seed)
    }
}

/// A sweep's folder: `sweep.json` (the plan, the same for every shard), `points/` (one
/// file per finished point, written atomically: a point is either complete or absent) and
/// `timings/shard-I-of-N.HOST.PID.csv` (wall-clock seconds per point, one file per process:
/// the only files that differ from run to run).
public struct SweepDirectory: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var manifestPath: String { path + "/sweep.json" }
    public var pointsPath: String { path + "/points" }
    public var timingsPath: String { path + "/timings" }
    public func pointPath(_ point: SweepPoint) -> String { pointsPath + "/" + point.fileName }

    /// Creates the folders and writes the manifest, or checks that the one there is this
    /// sweep's (a folder holds one sweep).
    public func prepare(for plan: SweepPlan) throws {
        let manifest = plan.manifest.rendered()
        if let existing = FileManager.default.contents(atPath: manifestPath) {
            guard existing == Data(manifest.utf8) else {
                throw SweepError("\(path) holds another sweep (its sweep.json differs: " + SweepDirectory.difference(existing, Data(manifest.utf8)) + "); use another --out")
            }
        }
        try ReportFiles.createDirectory(pointsPath)
        try ReportFiles.createDirectory(timingsPath)
        // Every shard writes the same bytes, atomically: concurrent shards agree (each writer
        // has its own temporary, and `AtomicFile` never removes another host's or a live one).
        if !FileManager.default.fileExists(atPath: manifestPath) {
            try AtomicFile.write(Array(manifest.utf8), to: manifestPath)
        }
    }

    /// The first top-level member in which two manifests differ, e.g. `grid`.
    static func difference(_ a: Data, _ b: Data) -> String {
        let x = (try? JSONSerialization.jsonObject(with: a)) as? [String: Any] ?? [:]
        let y = (try? JSONSerialization.jsonObject(with: b)) as? [String: Any] ?? [:]
        for key in ["format", "experiment", "inductive", "fingerprint", "size", "grid", "seeds", "points"] {
            let u = x[key].map { "\($0)" }, v = y[key].map { "\($0)" }
            if u != v { return "\(key) \(u ?? "missing") vs \(v ?? "missing")" }
        }
        return "not a sweep manifest"
    }

    /// True when the point's file is there and holds this point's result, run with this
    /// process's BLAS settings.
    public func isComplete(_ point: SweepPoint, of plan: SweepPlan) -> Bool { completedRecord(point, of: plan) != nil }

    /// The point's record when its file holds this point's result run with this process's
    /// BLAS settings (`SweepPointRecord.blasSettings`); nil otherwise, so a rerun overwrites a
    /// result of another BLAS setting (which the merge would refuse) instead of keeping it.
    public func completedRecord(_ point: SweepPoint, of plan: SweepPlan) -> SweepPointRecord? {
        guard let data = FileManager.default.contents(atPath: pointPath(point)),
              let record = try? SweepPointRecord.decode(data),
              record.matches(plan, point), record.blas == SweepPointRecord.blasSettings else { return nil }
        return record
    }

    /// Writes the point's file atomically.
    public func write(_ record: SweepPointRecord, for point: SweepPoint) throws {
        try AtomicFile.write(try record.encoded(), to: pointPath(point))
    }

    /// This process's timings file, `timings/shard-I-of-N.HOST.PID.csv`: one per process, so
    /// that two processes running the same shard at once never lose each other's rows.
    public func timingsPath(_ shard: Shard, process: Int32 = getpid()) -> String {
        let host = FileName.sanitized(ProcessInfo.processInfo.hostName)
        return timingsPath + "/shard-\(shard.index)-of-\(shard.count).\(host).\(process).csv"
    }

    /// Adds a row `position,point,seconds` to this process's timings file (rewritten atomically).
    public func recordTiming(_ point: SweepPoint, seconds: Double, shard: Shard) throws {
        let file = timingsPath(shard)
        var text = FileManager.default.contents(atPath: file).map { String(decoding: $0, as: UTF8.self) } ?? "position,point,seconds\n"
        text += "\(point.position),\(SweepCSV.field(point.label)),\(String(format: "%.3f", seconds))\n"
        try AtomicFile.write(Array(text.utf8), to: file)
    }
}

/// Runs sweep points.
public enum SweepRunner {
    /// Runs one point exactly as `inductive run ID --seed S --set key=value...` would and
    /// returns its record and the wall-clock seconds it took.
    public static func run(_ plan: SweepPlan, _ point: SweepPoint,
                           progress: (@Sendable (Double, String) -> Void)? = nil) throws -> (record: SweepPointRecord, seconds: Double) {
        let options = RunOptions(quick: plan.quick, seed: point.seed, overrides: point.overrides, outputDirectory: "")
        let evaluation = try ExperimentRunner.evaluate(plan.experiment, options: options, progress: progress)
        return (SweepPointRecord(plan: plan, point: point, evaluation: evaluation), evaluation.entry.runtimeSeconds)
    }

    /// What one shard run did.
    public struct ShardRun: Sendable {
        public var points: [SweepPoint] = []
        /// Points whose result was already there.
        public var skipped = 0
        /// `label: message` of every crashed point of the shard, run now or recorded earlier.
        public var crashed: [String] = []

        /// The shard's failure, nil when no point crashed. A crash recorded by an earlier run
        /// counts too, so a retry (Slurm `--requeue`, a Kubernetes `backoffLimit`, a rerun)
        /// cannot turn a crashed shard into a successful one; crashed points are not rerun.
        public func failure(out: String) -> String? {
            guard let first = crashed.first else { return nil }
            return "\(crashed.count) point(s) crashed (recorded in \(out)/points/; delete a point's file to run it again): \(first)"
        }
    }

    /// Runs the points of `shard` not complete in `directory` (which must be prepared),
    /// writing each point's file and timing; `started` gets each point to run and returns its
    /// progress callback, `finished` gets each point with its record and seconds (nil seconds:
    /// already done).
    public static func runShard(_ plan: SweepPlan, _ shard: Shard, in directory: SweepDirectory,
                                started: (Int, SweepPoint) -> (@Sendable (Double, String) -> Void)? = { _, _ in nil },
                                finished: (Int, SweepPoint, SweepPointRecord, Double?) -> Void = { _, _, _, _ in }) throws -> ShardRun {
        var result = ShardRun()
        result.points = plan.points(in: shard)
        for (i, point) in result.points.enumerated() {
            let record: SweepPointRecord
            if let done = directory.completedRecord(point, of: plan) {
                result.skipped += 1
                record = done
                finished(i, point, record, nil)
            } else {
                let (fresh, seconds) = try run(plan, point, progress: started(i, point))
                try directory.write(fresh, for: point)
                try directory.recordTiming(point, seconds: seconds, shard: shard)
                record = fresh
                finished(i, point, record, seconds)
            }
            if record.status == "crashed" { result.crashed.append("\(point.label): \(record.crash ?? "")") }
        }
        return result
    }
}

/// CSV fields as the sweep's files write them.
enum SweepCSV {
    /// The text, quoted when it holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number in its shortest round-trip form; `nan`, `inf`, `-inf` for the others.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }
}

import ArgumentParser
import Foundation
import Inductive

/// `inductive merge DIR... --out OUT`: the summary of a sweep's shards, or the report of
/// `reproduce --shard` runs.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the folders of sweep shards (summary.csv, summary.json, index.html) or of reproduce shards (the ordinary report).",
        discussion: """
        Refuses folders of different sweeps or experiment versions, files that are not points of the sweep, a point \
        (or a reproduced experiment) with different results in two folders, and points run with different BLAS settings. \
        "Experiment version" compares the inductive version and the experiment's declaration (parameters, checks), not \
        its code: merge only shards built from the same commit. Missing points are listed \
        and refused unless --allow-missing. Wall-clock times go to OUT/timings.csv only: the other files are the same \
        bytes whichever shards and processes ran the points.
        """)

    @Argument(help: "The shards' output folders (a folder shared by several shards counts once).") var directories: [String]
    @Option(help: "Output folder.") var out: String
    @Flag(name: .customLong("allow-missing"), help: "Summarize the points present when some are missing (they are listed).")
    var allowMissing = false

    func run() throws {
        guard !directories.isEmpty else { throw ValidationError("give at least one shard folder") }
        var sweeps = 0, reproduces = 0
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
                throw InputError("\(directory): no such folder")
            }
            guard isDirectory.boolValue else { throw InputError("\(directory) is not a folder") }
            let sweep = FileManager.default.fileExists(atPath: SweepDirectory(directory).manifestPath)
            let reproduce = FileManager.default.fileExists(atPath: directory + "/" + ReproduceShard.manifestName)
            guard sweep || reproduce else {
                throw InputError("\(directory) holds neither sweep shards (sweep.json) nor reproduce shards (\(ReproduceShard.manifestName))")
            }
            if sweep { sweeps += 1 }
            if reproduce { reproduces += 1 }
        }
        guard sweeps == 0 || reproduces == 0 else { throw InputError("cannot merge sweep shards with reproduce shards") }
        try checkOutputDirectory(out)
        if sweeps > 0 { try mergeSweep() } else { try mergeReproduce() }
    }

    func mergeSweep() throws {
        let (plan, records, timings) = try SweepMerge.collect(directories)
        let summary = SweepSummary(plan: plan, records: records)
        if !summary.missing.isEmpty {
            let shown = summary.missing.prefix(3).map(\.label).joined(separator: "; ")
            let text = "\(summary.missing.count) of \(plan.pointCount) points missing (\(shown)\(summary.missing.count > 3 ? "; ..." : ""))"
            guard allowMissing else { throw InputError(text + ": run their shards again, or pass --allow-missing") }
            FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
        }
        let report = summary.report
        var files: [(path: String, bytes: [UInt8])] = []
        let entryJSON = [summary.json] + summary.gridPoints.map(summary.gridJSON)
        for (entry, json) in zip(report.entries, entryJSON) {
            let folder = entry.directoryName
            for figure in entry.figures {
                files.append((folder + "/" + figure.fileStem + ".svg", Array(figure.svg(standalone: true).utf8)))
                files.append((folder + "/" + figure.fileStem + ".csv", Array(figure.data.csv.utf8)))
            }
            files.append((folder + "/result.json", Array(json.rendered().utf8)))
        }
        files.append(("summary.csv", Array(summary.csv.utf8)))
        files.append(("summary.json", Array(summary.json.rendered().utf8)))
        files.append(("index.html", Array(report.html().utf8)))
        let sorted = timings.sorted { (Int($0.prefix { $0 != "," }) ?? 0) < (Int($1.prefix { $0 != "," }) ?? 0) }
        files.append(("timings.csv", Array(("position,point,seconds,timings file\n" + sorted.map { $0 + "\n" }.joined()).utf8)))
        for folder in Set(report.entries.map(\.directoryName)) { try ReportFiles.createDirectory(out + "/" + folder) }
        try writeOutputGroup(files.map { (name: $0.path, bytes: $0.bytes) }, into: out)
        let held = summary.gridPoints.filter { g in g.quantities.allSatisfy { $0.kind != "check" || $0.fails == 0 } }.count
        say("\(records.count) points of \(plan.experiment.id) (\(plan.gridPoints.count) grid points × \(plan.seedCount) seeds); "
            + "every check holds for every seed at \(held) of \(plan.gridPoints.count) grid points")
        say("summary: \(out)/summary.csv, \(out)/summary.json; report: \(out)/index.html; wall-clock times: \(out)/timings.csv")
    }

    func mergeReproduce() throws {
        var manifest: (data: Data, directory: String)?
        for directory in directories {
            let data = FileManager.default.contents(atPath: directory + "/" + ReproduceShard.manifestName) ?? Data()
            if let first = manifest, first.data != data {
                throw InputError("\(directory) holds shards of another reproduce run than \(first.directory) (size, seed, --only, --set or version differ)")
            }
            manifest = manifest ?? (data, directory)
        }
        guard let object = try? JSONSerialization.jsonObject(with: manifest!.data) as? [String: Any],
              object["format"] as? String == ReproduceShard.manifestFormat,
              let ids = object["experiments"] as? [String], let fingerprints = object["fingerprints"] as? [String],
              let size = object["size"] as? String, let seedText = object["seed"] as? String, let seed = UInt64(seedText) else {
            throw InputError("\(manifest!.directory)/\(ReproduceShard.manifestName) is not a reproduce manifest")
        }
        for (id, fingerprint) in zip(ids, fingerprints) {
            guard let experiment = ExperimentRegistry.experiment(id), SweepPlan.fingerprint(experiment) == fingerprint else {
                throw InputError("\(manifest!.directory) was made by another version of \(id); this is inductive \(InductiveVersion.string)")
            }
        }
        var entries: [ReportEntry] = [], missing: [String] = []
        var copies: [(path: String, bytes: [UInt8])] = []
        let outURL = URL(fileURLWithPath: out).standardized
        var folders: [String] = [], blasSettings: [String] = []
        for id in ids {
            let folder = FileName.sanitized(id)
            let holders = directories.filter { FileManager.default.fileExists(atPath: $0 + "/" + folder + "/" + ReproduceShard.entryName) }
            guard let directory = holders.first else {
                missing.append(id)
                continue
            }
            var entry: ReportEntry?
            for holder in holders {
                let path = holder + "/" + folder + "/" + ReproduceShard.entryName
                let decoded: ReportEntry
                do { decoded = try ReproduceShard.decodeEntry(FileManager.default.contents(atPath: path) ?? Data()) } catch {
                    throw InputError("\(path) cannot be read as a report entry")
                }
                // A duplicated experiment (overlapping --only, a rerun with another N) must agree: checks and
                // measured values, not the runtime (nor notes, where an experiment may report its own timing).
                if let first = entry, !ReproduceShard.sameResults(first, decoded) {
                    throw InputError("\(id) has different results in \(directory) and \(holder) (checks or measured values differ)")
                }
                entry = entry ?? decoded
            }
            entries.append(entry!)
            // The BLAS the shard ran with (result.json), not the merging host's.
            if let data = FileManager.default.contents(atPath: directory + "/" + folder + "/result.json"),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let versions = object["versions"] as? [String: Any], let blas = versions["blas"] as? String,
               !blasSettings.contains(blas) {
                blasSettings.append(blas)
            }
            guard URL(fileURLWithPath: directory).standardized != outURL else { continue }
            // Every regular file under the experiment's folder, subfolders included.
            let base = directory + "/" + folder
            let enumerator = FileManager.default.enumerator(atPath: base)
            var relatives: [String] = []
            while let relative = enumerator?.nextObject() as? String { relatives.append(relative) }
            for relative in relatives.sorted() where !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue { folders.append(folder + "/" + relative); continue }
                guard let bytes = FileManager.default.contents(atPath: base + "/" + relative) else { continue }
                copies.append((out + "/" + folder + "/" + relative, [UInt8](bytes)))
            }
        }
        if !missing.isEmpty {
            let text = "\(missing.count) of \(ids.count) experiments missing (\(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? ", ..." : ""))"
            guard allowMissing else { throw InputError(text + ": run their shards again, or pass --allow-missing") }
            FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
        }
        for id in ids where !missing.contains(id) { try ReportFiles.createDirectory(out + "/" + FileName.sanitized(id)) }
        for folder in folders { try ReportFiles.createDirectory(out + "/" + folder) }
        try writeOutputGroup(copies)
        let blas = blasSettings.isEmpty ? BLAS.configuration
            : blasSettings.count == 1 ? blasSettings[0] : "mixed across shards: " + blasSettings.joined(separator: "; ")
        if blasSettings.count > 1 {
            FileHandle.standardError.write(Data("warning: the shards ran with different BLAS settings (\(blasSettings.joined(separator: "; ")))\n".utf8))
        }
        try reproduceReport(entries, quick: size == "quick", seed: seed, blas: blas).write(to: out)
        let (_, crashed) = printReproduceSummary(entries, seconds: entries.reduce(0) { $0 + $1.runtimeSeconds })
        say("report: \(out)/index.html")
        if crashed > 0 { throw RunFailure(message: "\(crashed) experiment(s) crashed") }
    }
}

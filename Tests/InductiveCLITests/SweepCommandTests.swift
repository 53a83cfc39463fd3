import Foundation
import Testing

/// `inductive sweep`, `merge` and `reproduce --shard` run as a user runs them: shards as
/// separate processes, killed and rerun, merged, and refused on bad input.
@Suite(.serialized) struct SweepCommandTests {
    /// Results are the same bytes across processes with the same BLAS thread count.
    static let environment = ["OPENBLAS_NUM_THREADS": "1"]
    /// 2 noise values × 4 seeds of the double-descent experiment, made small per point
    /// (one draw of data and features, 200 test examples).
    static let sweep = ["sweep", "ib.double-descent", "--quick", "--grid", "noise=0.1,0.5", "--grid", "seeds=1",
                        "--grid", "testSamples=200", "--seeds", "0..3"]

    /// Every regular file under `root` (relative paths) except `timings.csv`, with its bytes.
    static func files(_ root: String) -> [String: Data] {
        var result: [String: Data] = [:]
        let base = URL(fileURLWithPath: root).standardized.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [:] }
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue || relative.hasSuffix("timings.csv") { continue }
            result[relative] = FileManager.default.contents(atPath: base + "/" + relative)
        }
        return result
    }

    @discardableResult
    func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
        let result = try CommandRunner.run(arguments, environment: Self.environment, timeout: 300, sourceLocation: sourceLocation)
        #expect(result.status == 0, "inductive \(arguments.joined(separator: " ")): \(result.standardError)", sourceLocation: sourceLocation)
        return result
    }

    @Test func fourParallelShardsMergeToTheBytesOfOneProcess() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try run(Self.sweep + ["--out", folder.path("one")])
        try run(["merge", folder.path("one"), "--out", folder.path("merged-one")])
        // Four processes at once: two share a folder, two have their own.
        let outs = [folder.path("shared"), folder.path("shared"), folder.path("third"), folder.path("fourth")]
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let arguments = Self.sweep + ["--shard", "\(i + 1)/4", "--out", outs[i]]
            results.set(i, try? CommandRunner.run(arguments, environment: Self.environment, timeout: 300))
        }
        for i in 0..<4 { #expect(results.get(i)?.status == 0, "shard \(i + 1): \(results.get(i)?.standardError ?? "did not run")") }
        try run(["merge", folder.path("shared"), folder.path("third"), folder.path("fourth"), "--out", folder.path("merged-four")])
        let one = Self.files(folder.path("merged-one")), four = Self.files(folder.path("merged-four"))
        #expect(one.keys.contains("summary.csv") && one.keys.contains("summary.json") && one.keys.contains("index.html"))
        #expect(Set(one.keys) == Set(four.keys))
        for (name, bytes) in one { #expect(four[name] == bytes, "\(name) differs") }
        // The wall-clock times are there, in their own file only.
        let timings = String(decoding: FileManager.default.contents(atPath: folder.path("merged-four/timings.csv")) ?? Data(), as: UTF8.self)
        #expect(timings.split(separator: "\n").count == 1 + 8)
        // The page draws the experiment's curve with error bars for each noise value.
        let html = String(decoding: one["index.html"] ?? Data(), as: UTF8.self)
        #expect(html.contains("minimum-norm least squares, noise=0.1") && html.contains("minimum-norm least squares, noise=0.5"))
    }

    @Test func listShowsEachPointInExactlyOneShard() throws {
        var positions: [String] = []
        for i in 1...3 {
            let result = try run(Self.sweep + ["--shard", "\(i)/3", "--out", "unused", "--list"])
            positions += result.standardOutput.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        }
        #expect(positions.sorted { Int($0)! < Int($1)! } == (0..<8).map(String.init))
    }

    @Test func aShardKilledMidPointCompletesWhenRerun() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // Larger points (3 draws, 1000 test examples) so that the kill lands inside one.
        let slow = ["sweep", "ib.double-descent", "--quick", "--grid", "noise=0.1,0.5", "--grid", "seeds=3", "--seeds", "0..2",
                    "--out", folder.path("killed")]
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = slow
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { _, b in b }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let points = folder.path("killed/points")
        let deadline = Date().addingTimeInterval(120)
        func visible() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: points)) ?? []).filter { !$0.hasPrefix(".") } }
        while visible().isEmpty && process.isRunning && Date() < deadline { usleep(5_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the shard finished before it could be killed")
        let left = visible()
        #expect(!left.isEmpty && left.count < 6)
        // Every file left is a whole point.
        for name in left {
            let data = FileManager.default.contents(atPath: points + "/" + name) ?? Data()
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(name) is partial")
        }
        let rerun = try run(slow)
        #expect(rerun.standardError.components(separatedBy: "already done").count - 1 == left.count)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: points)) ?? []
        #expect(names.count == 6 && names.allSatisfy { !$0.hasPrefix(".") }, "\(names)")
        // The same results as an uninterrupted run.
        try run(Array(slow.dropLast(2)) + ["--out", folder.path("clean")])
        try run(["merge", folder.path("killed"), "--out", folder.path("m-killed")])
        try run(["merge", folder.path("clean"), "--out", folder.path("m-clean")])
        #expect(Self.files(folder.path("m-killed")) == Self.files(folder.path("m-clean")))
    }

    static let refused: [RefusedCommand] = [
        RefusedCommand(["sweep", "ib.double-descent", "--grid", "nope=1,2", "--seeds", "0..1", "--out", "o"],
                       names: "ib.double-descent has no parameter 'nope' (it has: samples, dimension, noise, ratios"),
        RefusedCommand(["sweep", "ib.double-descent", "--grid", "noise=0.1,abc", "--seeds", "0..1", "--out", "o"], names: "noise=abc is not a number"),
        RefusedCommand(["sweep", "ib.double-descent", "--grid", "samples=2.5", "--seeds", "0..1", "--out", "o"], names: "samples=2.5 is not an integer"),
        RefusedCommand(["sweep", "ib.double-descent", "--grid", "noise=", "--seeds", "0..1", "--out", "o"], names: "is empty"),
        RefusedCommand(["sweep", "ib.double-descent", "--grid", "noise=0.1", "--seeds", "0..1", "--shard", "5/4", "--out", "o"],
                       names: "I must be between 1 and N = 4"),
        RefusedCommand(["sweep", "ib.double-descent", "--seeds", "3..1", "--out", "o"], names: "must not exceed"),
        RefusedCommand(["sweep", "ib.double-descent", "--seeds", "x", "--out", "o"], names: "--seeds must be A..B"),
        RefusedCommand(["sweep", "ib.double-descent", "--grid", "ratios=0.5,1,2", "--seeds", "0", "--out", "o"], names: "ratios must include 0.5, 1 and 20"),
        RefusedCommand(["sweep", "no.such", "--seeds", "0", "--out", "o"], names: "unknown experiment 'no.such'"),
        RefusedCommand(["sweep", "ib.double-descent", "--seeds", "0", "--out", "lorenz.npy"], names: "lorenz.npy"),
        RefusedCommand(["merge", ".", "--out", "o"], names: "holds neither sweep shards"),
        RefusedCommand(["merge", "nowhere", "--out", "o"], names: "nowhere: no such folder"),
        RefusedCommand(["merge", "x.npy", "--out", "o"], names: "x.npy is not a folder"),
        RefusedCommand(["reproduce", "--quick", "--shard", "3/2", "--out", "o"], names: "I must be between 1 and N = 2"),
    ]

    @Test(arguments: refused)
    func badInputIsRefusedWithOneLine(_ command: RefusedCommand) throws {
        try expectRefused(command)
    }

    @Test func mergeRefusesIncompatibleFoldersAndMissingPoints() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let tiny = ["sweep", "ib.double-descent", "--quick", "--grid", "seeds=1", "--grid", "testSamples=100", "--seeds", "0"]
        try run(tiny + ["--grid", "noise=0.1", "--out", folder.path("a")])
        try run(tiny + ["--grid", "noise=0.2", "--out", folder.path("b")])
        let mixed = try CommandRunner.run(["merge", folder.path("a"), folder.path("b"), "--out", folder.path("m")])
        expectOneLineError(mixed, names: "holds another sweep", ["merge", "a", "b"])
        // A folder cannot take a second sweep.
        let again = try CommandRunner.run(tiny + ["--grid", "noise=0.3", "--out", folder.path("a")], environment: Self.environment)
        expectOneLineError(again, names: "holds another sweep", ["sweep", "--out", "a"])
        // Shard 1 of 2 alone: the other point is missing.
        try run(Array(tiny.dropLast()) + ["0..1", "--grid", "noise=0.1", "--shard", "1/2", "--out", folder.path("half")])
        let missing = try CommandRunner.run(["merge", folder.path("half"), "--out", folder.path("m")])
        expectOneLineError(missing, names: "1 of 2 points missing (seeds=1 testSamples=100 noise=0.1 seed=1)", ["merge", "half"])
        #expect(!FileManager.default.fileExists(atPath: folder.path("m/summary.csv")))
        let allowed = try run(["merge", folder.path("half"), "--out", folder.path("m"), "--allow-missing"])
        #expect(allowed.standardError.contains("1 of 2 points missing"))
        #expect(FileManager.default.fileExists(atPath: folder.path("m/summary.csv")))
        let crossed = try CommandRunner.run(["merge", folder.path("a"), folder.path("r"), "--out", folder.path("m")])
        expectOneLineError(crossed, names: "no such folder", ["merge", "a", "r"])
    }

    @Test func reproduceShardsMergeIntoTheOrdinaryReport() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let base = ["reproduce", "--quick", "--only", "ib.batchnorm-*"]
        try run(base + ["--shard", "1/2", "--out", folder.path("s1")])
        #expect(!FileManager.default.fileExists(atPath: folder.path("s1/index.html")))
        let half = try CommandRunner.run(["merge", folder.path("s1"), "--out", folder.path("report")])
        expectOneLineError(half, names: "1 of 2 experiments missing", ["merge", "s1"])
        try run(base + ["--shard", "2/2", "--out", folder.path("s2")])
        try run(["merge", folder.path("s1"), folder.path("s2"), "--out", folder.path("report")])
        let html = String(decoding: FileManager.default.contents(atPath: folder.path("report/index.html")) ?? Data(), as: UTF8.self)
        #expect(html.contains("ib.batchnorm-smoothness") && html.contains("ib.batchnorm-depth"))
        for id in ["ib.batchnorm-smoothness", "ib.batchnorm-depth"] {
            #expect(FileManager.default.fileExists(atPath: folder.path("report/\(id)/result.json")))
        }
        // An experiment in two folders: its subfolders are copied, and the copies must agree.
        let shard1 = try FileManager.default.contentsOfDirectory(atPath: folder.path("s1"))
            .filter { FileManager.default.fileExists(atPath: folder.path("s1/\($0)/report-entry.json")) }
        #expect(shard1.count == 1)
        let id = try #require(shard1.first)
        try FileManager.default.copyItem(atPath: folder.path("s1"), toPath: folder.path("dup"))
        try FileManager.default.createDirectory(atPath: folder.path("s1/\(id)/extra"), withIntermediateDirectories: true)
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: folder.path("s1/\(id)/extra/note.txt")))
        try run(["merge", folder.path("s1"), folder.path("dup"), folder.path("s2"), "--out", folder.path("report2")])
        #expect(FileManager.default.contents(atPath: folder.path("report2/\(id)/extra/note.txt")) == Data("kept\n".utf8))
        let entryPath = folder.path("dup/\(id)/report-entry.json")
        var entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: entryPath))) as? [String: Any])
        var checks = try #require(entry["checks"] as? [[String: Any]])
        checks[0]["measured"] = 12345.5
        entry["checks"] = checks
        try JSONSerialization.data(withJSONObject: entry).write(to: URL(fileURLWithPath: entryPath))
        let disagree = try CommandRunner.run(["merge", folder.path("s1"), folder.path("dup"), folder.path("s2"), "--out", folder.path("m")])
        expectOneLineError(disagree, names: "\(id) has different results", ["merge", "s1", "dup", "s2"])
        // Shards of different runs are not merged.
        try run(["reproduce", "--quick", "--seed", "1", "--only", "ib.batchnorm-depth", "--shard", "1/1", "--out", folder.path("other")])
        let mixed = try CommandRunner.run(["merge", folder.path("s1"), folder.path("other"), "--out", folder.path("m")])
        expectOneLineError(mixed, names: "holds shards of another reproduce run", ["merge", "s1", "other"])
    }
}

/// Results of concurrent runs, one slot each.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: CommandResult] = [:]
    func set(_ i: Int, _ value: CommandResult?) { lock.lock(); values[i] = value; lock.unlock() }
    func get(_ i: Int) -> CommandResult? { lock.lock(); defer { lock.unlock() }; return values[i] }
}

import Foundation
import InductiveExperiments
import InductiveReport
import InductiveTensor
import InductiveTestSupport
import Testing

/// A cheap experiment with one parameter of each kind, a seeded draw, a recorded curve and a
/// figure: enough to run whole sweeps in a test.
struct SweepProbe: Experiment {
    let id = "test.sweep-probe"
    let section = NotesSection.beyond
    let title = "Sweep probe"
    let claim = "A uniform draw lies in [0, 1)."
    let parameters = [
        ParameterSpec("count", "an integer", .int(3), minimum: 1, maximum: 50),
        ParameterSpec("scale", "a number", .double(1), minimum: 0),
        ParameterSpec("sizes", "a list of integers", .ints([1, 2]), minimum: 0),
        ParameterSpec("mode", "text", .string("plain")),
    ]
    let checks = [CheckSpec("draw", "a uniform draw", .within(0, 1)),
                  CheckSpec("half", "the draw is below one half", .lessThan(0.5)),
                  CheckSpec("full", "full size only", .greaterThan(0), fullOnly: true)]
    let workBound = WorkBound("count", limit: 100, floor: 0) { Double($0.int("count")) }

    func validate(_ p: ParameterValues) -> String? { p.string("mode") == "bad" ? "mode 'bad' cannot run" : nil }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        // `mode=crash-odd`: odd seeds crash (a crashed point in a sweep).
        if p.string("mode") == "crash-odd" && context.seed % 2 == 1 { throw SweepError("probe crash") }
        let draws = (0..<p.int("count")).map { _ in context.rng.uniform() }
        context.measure("draw", draws[0])
        context.measure("half", draws[0])
        context.measure("full", 1)
        context.record("scaled_sum", .number(p.double("scale") * draws.reduce(0, +)))
        context.record("draws", draws)
        context.record("nested", .object([("size_count", .int(p.ints("sizes").count)), ("flag", .bool(true))]))
        let x = (1...draws.count).map(Double.init)
        context.figure(Figure(id: "draws", title: "Draws", chart: .plot(Plot(
            x: Axis("index"), y: Axis("draw"), series: [Series("draws", x: x, y: draws.map { $0 * p.double("scale") })]))))
    }
}

@Suite struct SweepTests {
    let probe = SweepProbe()

    /// Every point of the product lies in exactly one shard, for every N from 1 to beyond
    /// the number of points, over grids of 0 to 3 keys with 1 to 4 values and 1 to 5 seeds.
    @Test func shardsPartitionTheProductExactlyOnce() throws {
        var rng = RandomGenerator(seed: 0x5eed)
        for _ in 0..<40 {
            var grid: [String] = []
            let keys = ["count", "scale", "sizes"].prefix(Int(rng.next() % 4))
            for key in keys {
                let n = 1 + Int(rng.next() % 4)
                grid.append(key == "sizes" ? "sizes=" + (1...n).map { "\($0),\($0 + 1)" }.joined(separator: ";")
                            : key + "=" + (1...n).map(String.init).joined(separator: ","))
            }
            let first = rng.next() % 1000, seeds = 1 + rng.next() % 5
            let plan = try SweepPlan(experiment: probe, quick: true, grid: grid, seeds: "\(first)..\(first + seeds - 1)")
            let expected = plan.gridPoints.count * Int(seeds)
            #expect(plan.pointCount == expected)
            let all = plan.points
            // The product itself: every (grid point, seed) pair exactly once.
            #expect(Set(all.map(\.label)).count == expected)
            #expect(Set(all.map(\.fileName)).count == expected)
            for n in 1...(expected + 2) {
                var seen = [Int](repeating: 0, count: expected)
                for i in 1...n {
                    for point in plan.points(in: try Shard(index: i, count: n)) { seen[point.position] += 1 }
                }
                #expect(seen.allSatisfy { $0 == 1 }, "N = \(n), grid \(grid)")
            }
        }
    }

    @Test func gridValuesAreTypedCanonicalAndInOrder() throws {
        let plan = try SweepPlan(experiment: probe, quick: true, grid: ["scale=0.50,2.0", "sizes=1,2;3"], seeds: "4..5")
        #expect(plan.axes == [SweepAxis(key: "scale", values: ["0.5", "2"]), SweepAxis(key: "sizes", values: ["1,2", "3"])])
        // First key slowest, seeds fastest.
        #expect(plan.points.map(\.label) == [
            "scale=0.5 sizes=1,2 seed=4", "scale=0.5 sizes=1,2 seed=5", "scale=0.5 sizes=3 seed=4", "scale=0.5 sizes=3 seed=5",
            "scale=2 sizes=1,2 seed=4", "scale=2 sizes=1,2 seed=5", "scale=2 sizes=3 seed=4", "scale=2 sizes=3 seed=5",
        ])
        #expect(try SweepPlan(experiment: probe, quick: true, grid: [], seeds: "7").points.map(\.label) == ["seed=7"])
    }

    static let refusals: [(grid: [String], seeds: String, names: String)] = [
        (["nope=1,2"], "0..1", "has no parameter 'nope' (it has: count, scale, sizes, mode)"),
        (["count=1.5"], "0..1", "count=1.5 is not an integer"),
        (["scale=x"], "0..1", "scale=x is not a number"),
        (["count="], "0..1", "is empty"),
        (["count=1,,2"], "0..1", "has an empty value"),
        (["count=1,1"], "0..1", "lists the value 1 twice"),
        (["count=0"], "0..1", "0 is below the minimum 1"),
        (["count=1", "count=2"], "0..1", "names 'count' twice"),
        (["mode=bad"], "0..1", "mode 'bad' cannot run"),
        (["count=200"], "0..1", "above the maximum 50"),
        (["count"], "0..1", "needs key=v1,v2"),
        ([], "5..2", "must not exceed"),
        ([], "a..b", "--seeds must be A..B"),
        ([], "1..2..3", "--seeds must be A..B"),
        ([], "0..999999999", "more than 1000000 points"),
    ]

    @Test(arguments: 0..<refusals.count)
    func badGridsAreRefusedWithOneLine(_ i: Int) {
        let (grid, seeds, names) = SweepTests.refusals[i]
        let error = #expect(throws: SweepError.self) { try SweepPlan(experiment: probe, quick: true, grid: grid, seeds: seeds) }
        #expect(error?.reason.contains(names) == true, "\(error?.reason ?? "") does not name \(names)")
        #expect(error?.reason.contains("\n") == false)
    }

    @Test func shardsAreParsedAndChecked() throws {
        #expect(try Shard(parsing: "3/4") == Shard(index: 3, count: 4))
        for (text, names) in [("5/4", "I must be between 1 and N = 4"), ("0/4", "I must be between 1"), ("1/0", "N must be between"),
                              ("a/b", "I/N"), ("3", "I/N"), ("1/2/3", "I/N")] {
            let error = #expect(throws: SweepError.self) { try Shard(parsing: text) }
            #expect(error?.reason.contains(names) == true, "\(text): \(error?.reason ?? "")")
        }
    }

    @Test func statisticsOverSeeds() {
        // 1, 2, 3, 4: mean 2.5; sample variance 5/3, so the standard error is sqrt(5/12);
        // NumPy's linear quantiles 1.75, 2.5, 3.25. NaN is counted but left out.
        let s = SeedStatistics([4, 1, .nan, 3, 2])
        #expect(s.count == 5 && s.finite == 4)
        #expect(s.mean == 2.5 && s.minimum == 1 && s.maximum == 4)
        // A mean, four squares, a sum, a division and a square root of O(1) numbers: a few
        // roundings of ~1.1e-16 each on a value of ~0.65, i.e. about 5 ulp.
        #expect(abs(s.standardError - (5.0 / 12).squareRoot()) <= 1e-15)
        #expect(s.q25 == 1.75 && s.median == 2.5 && s.q75 == 3.25)
        let one = SeedStatistics([7])
        #expect(one.mean == 7 && one.standardError.isNaN && one.median == 7)
        #expect(SeedStatistics([.nan]).mean.isNaN)
    }

    /// Runs `points` of `plan` into `directory` in-process, as `inductive sweep` does.
    func runShard(_ plan: SweepPlan, _ shard: Shard, into directory: String) throws {
        let folder = SweepDirectory(directory)
        try folder.prepare(for: plan)
        for point in plan.points(in: shard) where !folder.isComplete(point, of: plan) {
            let (record, seconds) = try SweepRunner.run(plan, point)
            try folder.write(record, for: point)
            try folder.recordTiming(point, seconds: seconds, shard: shard)
        }
    }

    func summaryFiles(_ directories: [String]) throws -> [String] {
        let (plan, records, _) = try SweepMerge.collect(directories, experiments: [probe])
        let summary = SweepSummary(plan: plan, records: records)
        return [summary.csv, summary.json.rendered(), summary.report.html()]
    }

    @Test func shardsMergeToTheSameBytesAsOneRun() throws {
        try withTemporaryDirectory(prefix: "inductive-sweep") { root in
            let plan = try SweepPlan(experiment: probe, quick: true, grid: ["scale=1,3", "sizes=1;2,3"], seeds: "10..14")
            try runShard(plan, .whole, into: root + "/one")
            for i in 1...3 { try runShard(plan, try Shard(index: i, count: 3), into: root + "/shard\(i)") }
            // Two shards sharing a folder, one in its own.
            for i in [1, 2] { try runShard(plan, try Shard(index: i, count: 3), into: root + "/shared") }
            let one = try summaryFiles([root + "/one"])
            #expect(try summaryFiles((1...3).map { root + "/shard\($0)" }) == one)
            #expect(try summaryFiles([root + "/shared", root + "/shard3"]) == one)
            // Overlapping folders hold the same bytes for the same point: accepted.
            #expect(try summaryFiles([root + "/one", root + "/shard2"]) == one)
            // Per point: the draw's mean over seeds and the check counts come from the records.
            let (_, records, timings) = try SweepMerge.collect([root + "/one"], experiments: [probe])
            #expect(records.count == 20 && timings.count == 20)
            let summary = SweepSummary(plan: plan, records: records)
            let draws = (0..<5).map { records[$0]!.checks[0].measured! }
            let first = summary.gridPoints[0].quantities.first { $0.name == "draw" }!
            #expect(first.statistics.mean == Statistics.meanAndStandardError(draws).mean)
            #expect(first.holds == 5)
            let half = summary.gridPoints[0].quantities.first { $0.name == "half" }!
            #expect(half.holds == draws.filter { $0 < 0.5 }.count && half.holds + half.fails == 5)
            #expect(summary.gridPoints[0].quantities.first { $0.name == "full" }!.notRun == 5)
            #expect(summary.gridPoints[0].quantities.contains { $0.name == "nested.size_count" })
            #expect(summary.gridPoints[0].curves.map(\.name) == ["draws"])
            #expect(summary.csv.contains("scale,sizes,kind,quantity,seeds"))
            #expect(summary.csv.contains("1,\"2,3\",check,draw,5,5,"))
            #expect(!summary.csv.contains("seconds") && !summary.json.rendered().contains("seconds"))
        }
    }

    @Test func mergeRefusesMixedSweepsMissingFilesAndDisagreeingDuplicates() throws {
        try withTemporaryDirectory(prefix: "inductive-sweep") { root in
            let plan = try SweepPlan(experiment: probe, quick: true, grid: ["scale=1,2"], seeds: "0..1")
            try runShard(plan, .whole, into: root + "/a")
            let other = try SweepPlan(experiment: probe, quick: true, grid: ["scale=1,3"], seeds: "0..1")
            try runShard(other, .whole, into: root + "/b")
            let mixed = #expect(throws: SweepError.self) { try SweepMerge.collect([root + "/a", root + "/b"], experiments: [probe]) }
            #expect(mixed?.reason.contains("holds another sweep") == true && mixed?.reason.contains("grid") == true)
            // The same folder cannot take another sweep.
            #expect(throws: SweepError.self) { try SweepDirectory(root + "/a").prepare(for: other) }
            // A duplicate point whose bytes differ is refused.
            try runShard(plan, .whole, into: root + "/c")
            let point = plan.point(at: 0)
            var record = try SweepPointRecord.decode(try Data(contentsOf: URL(fileURLWithPath: SweepDirectory(root + "/c").pointPath(point))))
            record.checks[0].measured = 0.123
            try SweepDirectory(root + "/c").write(record, for: point)
            let different = #expect(throws: SweepError.self) { try SweepMerge.collect([root + "/a", root + "/c"], experiments: [probe]) }
            #expect(different?.reason.contains("has different results") == true)
            // A stray file in points/ is refused; a missing point is reported by the summary.
            try Data("{}".utf8).write(to: URL(fileURLWithPath: root + "/c/points/stray.json"))
            #expect(throws: SweepError.self) { try SweepMerge.collect([root + "/c"], experiments: [probe]) }
            try FileManager.default.removeItem(atPath: SweepDirectory(root + "/a").pointPath(plan.point(at: 3)))
            let (_, records, _) = try SweepMerge.collect([root + "/a"], experiments: [probe])
            #expect(SweepSummary(plan: plan, records: records).missing.map(\.label) == ["scale=2 seed=1"])
        }
    }

    /// Text values that differ only in characters a file name cannot hold still get folders of their own.
    @Test func gridPointsNeverShareAFolder() throws {
        let plan = try SweepPlan(experiment: probe, quick: true, grid: ["mode=a b,a-b"], seeds: "0")
        var records: [Int: SweepPointRecord] = [:]
        for point in plan.points { records[point.position] = try SweepRunner.run(plan, point).record }
        let names = SweepSummary(plan: plan, records: records).report.entries.map(\.directoryName)
        #expect(names.count == 3 && Set(names).count == 3, "\(names)")
        #expect(Set(plan.points.map(\.fileName)).count == 2)
    }

    @Test func manifestRoundTripsToTheSamePlan() throws {
        let experiment = ExperimentRegistry.experiment("ib.double-descent")!
        let plan = try SweepPlan(experiment: experiment, quick: true, grid: ["noise=0.1,0.5", "ratios=0.5,1,20;0.5,1,2,20"], seeds: "0..7")
        let data = Data(plan.manifest.rendered().utf8)
        let back = try SweepPlan.fromManifest(data, path: "sweep.json")
        #expect(back.points == plan.points)
        #expect(back.manifest == plan.manifest)
    }

    @Test func recordsHoldNoWallClockTime() throws {
        let plan = try SweepPlan(experiment: probe, quick: true, grid: [], seeds: "3")
        let a = try SweepRunner.run(plan, plan.point(at: 0)), b = try SweepRunner.run(plan, plan.point(at: 0))
        #expect(try a.record.encoded() == b.record.encoded())
        let text = String(decoding: try a.record.encoded(), as: UTF8.self)
        #expect(!text.contains("runtime") && !text.contains("seconds"))
    }

    /// A grid over `count` changes the x values of the probe's figure (1...count): every grid
    /// point still gets its averaged curve, at its own x values.
    @Test func averagedCurvesAreDrawnForEveryGridPointWhenXDependsOnTheGrid() throws {
        let plan = try SweepPlan(experiment: probe, quick: true, grid: ["count=2,3,5"], seeds: "0..2")
        var records: [Int: SweepPointRecord] = [:]
        for point in plan.points { records[point.position] = try SweepRunner.run(plan, point).record }
        let summary = SweepSummary(plan: plan, records: records)
        let overview = summary.report.entries[0]
        guard case .plot(let plot) = overview.figures.first(where: { $0.id == "mean-draws" })?.chart else {
            Issue.record("no averaged figure")
            return
        }
        #expect(plot.series.map(\.x.count) == [2, 3, 5])
        // Each grid point's mean is the mean of its own seeds' curves.
        for (g, count) in [2, 3, 5].enumerated() {
            let ys = (0..<3).map { s -> [Double] in
                guard case .plot(let p) = records[g * 3 + s]!.figures[0].chart else { return [] }
                return p.series[0].y
            }
            let expected = (0..<count).map { i in Statistics.meanAndStandardError(ys.map { $0[i] }).mean }
            #expect(plot.series[g].y == expected)
        }
        #expect(summary.droppedCurves.isEmpty && !overview.notes.contains { $0.contains("of 3 seeds") })
        #expect(summary.gridPoints.map { $0.curves.first { $0.name == "draws" }?.mean.count } == [2, 3, 5])
    }

    /// A crashed seed leaves its grid point's curve averaged over the other seeds, and says so.
    @Test func aCrashedSeedIsLeftOutOfTheCurvesWithANote() throws {
        let plan = try SweepPlan(experiment: probe, quick: true, grid: ["mode=crash-odd"], seeds: "0..3")
        var records: [Int: SweepPointRecord] = [:]
        for point in plan.points { records[point.position] = try SweepRunner.run(plan, point).record }
        #expect(records.values.filter { $0.status == "crashed" }.count == 2)
        let summary = SweepSummary(plan: plan, records: records)
        let overview = summary.report.entries[0]
        guard case .plot(let plot) = overview.figures.first(where: { $0.id == "mean-draws" })?.chart else {
            Issue.record("no averaged figure")
            return
        }
        #expect(plot.series.count == 1 && plot.series[0].name.contains("(2 of 4 seeds)"))
        #expect(overview.notes.contains { $0.contains("mean of 2 of 4 seeds") && $0.contains("2 without the series") })
        #expect(summary.gridPoints[0].curves.first { $0.name == "draws" }?.seeds == 2)
        #expect(overview.notes.contains { $0.contains("'draws'") && $0.contains("2 of 4 seeds") })
    }

    /// Valid JSON whose series lists disagree in length is refused with one line (not a trap
    /// in the merge or the renderer).
    @Test func aMalformedPointFileIsRefusedWithOneLine() throws {
        try withTemporaryDirectory(prefix: "inductive-sweep") { root in
            let plan = try SweepPlan(experiment: probe, quick: true, grid: [], seeds: "0..1")
            try runShard(plan, .whole, into: root)
            let path = SweepDirectory(root).pointPath(plan.point(at: 1))
            var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            var figures = object["figures"] as! [[String: Any]]
            var chart = figures[0]["chart"] as! [String: Any]
            var plotObject = chart["plot"] as! [String: Any]
            if plotObject["_0"] != nil { plotObject = plotObject["_0"] as! [String: Any] }
            var series = plotObject["series"] as! [[String: Any]]
            series[0]["y"] = Array((series[0]["y"] as! [Any]).dropLast())
            plotObject["series"] = series
            if (chart["plot"] as! [String: Any])["_0"] != nil { chart["plot"] = ["_0": plotObject] } else { chart["plot"] = plotObject }
            figures[0]["chart"] = chart
            object["figures"] = figures
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: SweepError.self) { try SweepMerge.collect([root], experiments: [probe]) }
            #expect(error?.reason.contains("differ in length") == true, "\(error?.reason ?? "")")
            #expect(error?.reason.contains("\n") == false)
            // The shard treats it as not done and runs the point again.
            #expect(!SweepDirectory(root).isComplete(plan.point(at: 1), of: plan))
        }
    }

    /// A crashed point fails its shard on every run: the rerun skips it (it is recorded) but
    /// still reports the crash, so a retry cannot hide it.
    @Test func aCrashedPointFailsEveryRunOfItsShard() throws {
        try withTemporaryDirectory(prefix: "inductive-sweep") { root in
            let plan = try SweepPlan(experiment: probe, quick: true, grid: ["mode=crash-odd"], seeds: "0..3")
            let folder = SweepDirectory(root)
            try folder.prepare(for: plan)
            let first = try SweepRunner.runShard(plan, .whole, in: folder)
            #expect(first.skipped == 0 && first.crashed.count == 2 && first.failure(out: root) != nil)
            let again = try SweepRunner.runShard(plan, .whole, in: folder)
            #expect(again.skipped == 4 && again.crashed.count == 2)
            #expect(again.failure(out: root)?.contains("2 point(s) crashed") == true)
            // Only the first run ran points: 4 timing rows in all.
            let (_, records, timings) = try SweepMerge.collect([root], experiments: [probe])
            #expect(records.count == 4 && timings.count == 4)
        }
    }

    /// A point run with another BLAS setting is not "already done": the rerun replaces it.
    @Test func aPointOfAnotherBLASSettingIsRunAgain() throws {
        try withTemporaryDirectory(prefix: "inductive-sweep") { root in
            let plan = try SweepPlan(experiment: probe, quick: true, grid: [], seeds: "0..1")
            try runShard(plan, .whole, into: root)
            let folder = SweepDirectory(root), point = plan.point(at: 0)
            var record = try #require(folder.completedRecord(point, of: plan))
            record.blas = "OpenBLAS Other, 64 threads"
            try folder.write(record, for: point)
            #expect(!folder.isComplete(point, of: plan) && folder.isComplete(plan.point(at: 1), of: plan))
            let run = try SweepRunner.runShard(plan, .whole, in: folder)
            #expect(run.skipped == 1)
            #expect(folder.completedRecord(point, of: plan)?.blas == SweepPointRecord.blasSettings)
        }
    }

    /// Temporaries left by killed writers (`AtomicFile`'s `.NAME.tmp-HOST-PID-RANDOM`) are
    /// removed by a rerun only when certainly dead (this host, a process id that does not
    /// exist); another host's (even with a dead process id, also one that differs only in the
    /// boot id) or a live process's is kept; the
    /// merge ignores them all.
    @Test func onlyDeadTemporariesAreRemoved() throws {
        try withTemporaryDirectory(prefix: "inductive-sweep") { root in
            let plan = try SweepPlan(experiment: probe, quick: true, grid: [], seeds: "0..1")
            let folder = SweepDirectory(root)
            try folder.prepare(for: plan)
            let name = plan.point(at: 0).fileName, host = AtomicFile.hostToken()
            // 2^31 - 2 is above every Linux pid_max (at most 2^22), so no such process exists.
            let dead = AtomicFile.temporaryName(for: name, host: host, process: 2_147_483_646, random: 1)
            let otherHost = AtomicFile.temporaryName(for: name, host: "elsewhere_node", process: 2_147_483_646, random: 2)
            // Same host name and process-id namespace, another boot (another machine).
            let otherBoot = AtomicFile.temporaryName(for: name, host: String(host.dropLast(16)) + (host.hasSuffix("0123456789abcdef") ? "fedcba9876543210" : "0123456789abcdef"),
                                                     process: 2_147_483_646, random: 4)
            let live = AtomicFile.temporaryName(for: name, host: host, process: getppid(), random: 3)
            for partial in [dead, otherHost, otherBoot, live] {
                try Data("{\"trunc".utf8).write(to: URL(fileURLWithPath: folder.pointsPath + "/" + partial))
            }
            // The merge ignores temporaries (only the two points count).
            #expect(SweepSummary(plan: plan, records: try SweepMerge.collect([root], experiments: [probe]).records).missing.count == 2)
            _ = try SweepRunner.runShard(plan, .whole, in: folder)
            let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.pointsPath).filter { $0.hasPrefix(".") })
            #expect(left == [otherHost, otherBoot, live])
            #expect(try SweepMerge.collect([root], experiments: [probe]).records.count == 2)
        }
    }

    /// Shards of different N in one folder (and a shard run twice at once) overlap but agree:
    /// the merge equals one run's, and every process's timings are kept.
    @Test func shardsOfDifferentNInOneFolderMergeToOneRun() throws {
        try withTemporaryDirectory(prefix: "inductive-sweep") { root in
            let plan = try SweepPlan(experiment: probe, quick: true, grid: ["scale=1,2"], seeds: "0..3")
            try runShard(plan, .whole, into: root + "/one")
            let folder = SweepDirectory(root + "/mixed")
            try folder.prepare(for: plan)
            let shards = [try Shard(index: 1, count: 2), try Shard(index: 1, count: 3), try Shard(index: 2, count: 3),
                          try Shard(index: 3, count: 3), try Shard(index: 1, count: 3)]
            let errors = Locked([String]())
            DispatchQueue.concurrentPerform(iterations: shards.count) { i in
                do { _ = try SweepRunner.runShard(plan, shards[i], in: folder) } catch {
                    errors.withLock { $0.append(String(describing: error)) }
                }
            }
            #expect(errors.withLock { $0 }.isEmpty)
            #expect(try summaryFiles([root + "/mixed"]) == (try summaryFiles([root + "/one"])))
        }
    }
}

/// A value shared by the threads of a test.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

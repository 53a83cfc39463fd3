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
        #expect(a.seconds >= 0)
    }
}

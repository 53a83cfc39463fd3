import Foundation
import InductiveExperiments
import InductiveReport
import InductiveTensor
import InductiveTestSupport
import Testing

/// A minimal experiment to exercise the framework.
struct ProbeExperiment: Experiment {
    let id = "test.probe"
    let section = NotesSection.beyond
    let title = "Probe"
    let claim = "Two plus two is four."
    let parameters = [ParameterSpec("value", "the number measured", quick: .double(4), full: .double(5)),
                      ParameterSpec("sizes", "a list", .ints([1, 2]), minimum: 0)]
    let checks = [CheckSpec("four", "value", .relativelyClose(tolerance: 0.01)),
                  CheckSpec("big", "only at full size", .greaterThan(0), fullOnly: true),
                  CheckSpec("never", "never measured", .lessThan(1))]
    let workBound = WorkBound("value", limit: 100, floor: 0) { $0.double("value") }

    func validate(_ parameters: ParameterValues) -> String? {
        parameters.ints("sizes").contains(7) ? "7 is not allowed" : nil
    }

    func run(_ context: inout ExperimentContext) throws {
        context.measure("four", context.parameters.double("value"), predicted: 4)
        context.measure("big", 1)
        if context.parameters.ints("sizes") == [0] { throw ParameterError(reason: "boom") }
    }
}

@Suite struct FrameworkTests {
    func run(quick: Bool, overrides: [String: String] = [:]) throws -> ReportEntry {
        try withTemporaryDirectory(prefix: "inductive-probe") { out in
            try ExperimentRunner.run(ProbeExperiment(), options: RunOptions(quick: quick, overrides: overrides, outputDirectory: out))
        }
    }

    @Test func checksAreJudgedByTheirDeclaredRule() throws {
        let quick = try run(quick: true)
        #expect(quick.checks[0].verdict == .holds)
        #expect(quick.checks[1].verdict == .notRun("full only"))
        #expect(quick.checks[2].verdict == .fails)  // declared but never measured: a failure
        let full = try run(quick: false)
        #expect(full.checks[0].verdict == .fails)  // 5 is not within 1% of 4
        #expect(full.checks[1].verdict == .holds)
        #expect(full.status == .failedChecks)
    }

    @Test func overridesAreTypedAndUnknownKeysRejected() throws {
        #expect(try run(quick: true, overrides: ["value": "4.01"]).checks[0].verdict == .holds)
        #expect(throws: ParameterError.self) { try run(quick: true, overrides: ["nope": "1"]) }
        #expect(throws: ParameterError.self) { try run(quick: true, overrides: ["value": "abc"]) }
        #expect(throws: ParameterError.self) { try run(quick: true, overrides: ["sizes": "1,x"]) }
        #expect(throws: ParameterError.self) { try run(quick: true, overrides: ["sizes": "-1"]) }  // below the minimum
        #expect(throws: ParameterError.self) { try run(quick: true, overrides: ["sizes": "7"]) }   // fails validate()
        // Over the work bound: one line naming the estimate, its limit and the full size's share.
        let tooMuch = #expect(throws: ParameterError.self) { try run(quick: true, overrides: ["value": "150"]) }
        #expect(tooMuch?.reason == "test.probe: value must be at most 100 (20 times the full size's work), got 150")
        let crashed = try run(quick: true, overrides: ["sizes": "0"])
        #expect(crashed.status == .crashed)
    }

    @Test func registryGlobs() {
        #expect(ExperimentRegistry.matching("reg.*").map(\.id).allSatisfy { $0.hasPrefix("reg.") })
        #expect(!ExperimentRegistry.matching("*").isEmpty)
        #expect(ExperimentRegistry.matching("nothing.*").isEmpty)
        #expect(Set(ExperimentRegistry.all.map(\.id)).count == ExperimentRegistry.all.count)
    }

    @Test func statistics() {
        // A 3-point least-squares slope of exact decades: ~10 roundings of O(1) logs, ~1e-15.
        #expect(abs(Statistics.logLogSlope(x: [1, 10, 100], y: [1, 0.1, 0.01]) + 1) < 1e-12)
        #expect(Statistics.spearman([1, 2, 3, 4], [10, 8, 8, 1]) < -0.9)
        #expect(Statistics.median([3, 1, 2, 10]) == 2.5)
        let (mean, se) = Statistics.meanAndStandardError([1, 2, 3])
        // Exact sums of small integers, then sqrt(1 / 3): <= 2 ulp of 0.577 = 2.2e-16.
        #expect(mean == 2 && abs(se - 1 / 3.0.squareRoot()) < 1e-15)
    }
}

/// Records one erratum whose numbers separate the two versions and one whose numbers do not.
struct ErratumProbe: Experiment {
    let id = "test.erratum"
    let section = NotesSection.beyond
    let title = "Erratum probe"
    let claim = "Only separated errata are recorded."
    let parameters = [ParameterSpec("written", "the as-written miss of the second erratum", .double(0.05))]
    let checks: [CheckSpec] = []
    let workBound = WorkBound("1", limit: 100, floor: 0) { _ in 1 }

    func run(_ context: inout ExperimentContext) throws {
        context.erratum(location: "separated", asWritten: "a", correction: "b", evidence: "numbers",
                        separation: ErratumSeparation(measure: "distance", asWrittenMiss: 0.5, correctedMiss: 0.01, threshold: 0.1))
        context.erratum(location: "not separated", asWritten: "a", correction: "b", evidence: "numbers",
                        separation: ErratumSeparation(measure: "distance", asWrittenMiss: context.parameters.double("written"),
                                                      correctedMiss: 0.01, threshold: 0.1))
    }
}

@Suite struct ErratumSeparationTests {
    @Test func onlyErrataWhoseNumbersSeparateAreRecorded() throws {
        let entry = try withTemporaryDirectory(prefix: "inductive-erratum") { out in
            try ExperimentRunner.run(ErratumProbe(), options: RunOptions(quick: true, outputDirectory: out))
        }
        #expect(entry.errata.map(\.location) == ["separated"])
        #expect(entry.errata[0].evidence.contains("as written misses by 0.5, corrected by 0.01"))
        #expect(entry.notes.contains { $0.contains("No erratum recorded for \"not separated\"") })
        // Once the as-written version misses by more than the threshold, both are recorded.
        let both = try withTemporaryDirectory(prefix: "inductive-erratum") { out in
            try ExperimentRunner.run(ErratumProbe(), options: RunOptions(quick: true, overrides: ["written": "0.2"], outputDirectory: out))
        }
        #expect(both.errata.count == 2)
    }

    @Test func separationNeedsTheCorrectionInsideAndTheVersionAsWrittenOutside() {
        #expect(ErratumSeparation(measure: "", asWrittenMiss: 2, correctedMiss: 1, threshold: 1).separates)
        #expect(!ErratumSeparation(measure: "", asWrittenMiss: 2, correctedMiss: 1.5, threshold: 1).separates)
        #expect(!ErratumSeparation(measure: "", asWrittenMiss: 1, correctedMiss: 0, threshold: 1).separates)
        #expect(!ErratumSeparation(measure: "", asWrittenMiss: .nan, correctedMiss: 0, threshold: 1).separates)
        #expect(!ErratumSeparation(measure: "", asWrittenMiss: 2, correctedMiss: .nan, threshold: 1).separates)
    }
}

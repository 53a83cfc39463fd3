import Foundation
import InductiveReport
import Testing

@Suite struct ReportEntryTests {
    func entry(_ verdicts: [CheckRow.Verdict], outcome: ReportEntry.Outcome = .completed) -> ReportEntry {
        ReportEntry(id: "a.b", section: "1", title: "t", claim: "c", runtimeSeconds: 1, outcome: outcome,
                    checks: verdicts.enumerated().map { CheckRow(name: "c\($0.offset)", measured: 1, prediction: "1", comparator: "=", verdict: $0.element) })
    }

    @Test func statusFollowsTheChecksAndTheOutcome() {
        #expect(entry([]).status == .ok)
        #expect(entry([.holds, .notRun("full only")]).status == .ok)
        #expect(entry([.holds, .fails]).status == .failedChecks)
        #expect(entry([.holds], outcome: .crashed(message: "boom")).status == .crashed)
        let mixed = entry([.holds, .fails, .holds, .notRun("")])
        #expect(mixed.checksHeld == 2 && mixed.checksFailed == 1)
    }

    @Test func filesAreRelativeToTheOutputFolder() {
        var e = entry([])
        e.id = "ib/../weird id"
        e.figures = [Figure(id: "loss", title: "", chart: .bars(BarChart(categories: [], series: [], valueAxis: Axis(""))))]
        e.attachments = [FileLink(label: "raw", path: "raw.npz")]
        #expect(e.directoryName == "ib-..-weird-id")
        #expect(e.files.map(\.path) == ["ib-..-weird-id/result.json", "ib-..-weird-id/loss.svg", "ib-..-weird-id/loss.csv", "ib-..-weird-id/raw.npz"])
    }

    @Test func sanitizedNames() {
        #expect(FileName.sanitized("ntk.width-convergence") == "ntk.width-convergence")
        #expect(FileName.sanitized("") == "_")
        #expect(FileName.sanitized(".hidden") == "_hidden")
        #expect(FileName.sanitized("a/b c") == "a-b-c")
    }

    @Test func entriesRoundTripThroughCodable() throws {
        let original = SampleReport.doubleDescent
        let data = try JSONFile.encoder.encode(original)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let decoded = try decoder.decode(ReportEntry.self, from: data)
        // NaN != NaN, so compare the re-encoded bytes.
        #expect(try JSONFile.encoder.encode(decoded) == data)
        #expect(decoded.figures[0].svg() == original.figures[0].svg())
    }
}

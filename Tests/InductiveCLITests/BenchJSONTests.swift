import Foundation
import Testing

/// `inductive bench --json`: the machine-readable cases `scripts/bench-compare` pairs with the
/// Python sides by name (cheap cases only: the timings themselves are not checked, only that
/// every measured case is written with its name, a positive median and its repeat count).
@Suite struct BenchJSONTests {
    /// The document's cases as (name, median, unit, repeats), and the document itself.
    static func cases(at path: String) throws -> (document: [String: Any], cases: [(String, Double, String, Int)]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(document["cases"] as? [[String: Any]])
        let cases = try list.map { c in
            (try #require(c["name"] as? String), try #require((c["median"] as? NSNumber)?.doubleValue),
             try #require(c["unit"] as? String), try #require((c["repeats"] as? NSNumber)?.intValue))
        }
        return (document, cases)
    }

    @Test func elementwiseCasesAreWrittenWithTheirRepeats() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("tensor.json")
        let result = try CommandRunner.run(["bench", "--group", "tensor", "--elementwise-only", "--repeats", "2", "--json", path])
        #expect(result.status == 0, "\(result.standardError)")
        let (document, cases) = try Self.cases(at: path)
        #expect(document["group"] as? String == "tensor")
        #expect(document["tool"] as? String == "inductive bench")
        #expect(cases.map(\.0) == ["exp.1e7", "add.1e7"])
        for (name, median, unit, repeats) in cases {
            #expect(median > 0 && median.isFinite, "\(name)")
            #expect(unit == "s" && repeats == 2, "\(name)")
        }
        // The human-readable lines are still printed.
        #expect(result.standardOutput.contains("exp   n=1e7"))
        // Only the JSON file: no temporary left behind.
        #expect(folder.contents() == ["tensor.json"])
    }

    @Test func sindyCaseOnGivenData() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let data = folder.path("lorenz.npy"), path = folder.path("sindy.json")
        let simulate = try CommandRunner.run(["discover", "simulate", "lorenz", "--samples", "3000", "--out", data])
        #expect(simulate.status == 0, "\(simulate.standardError)")
        let result = try CommandRunner.run(["bench", "--group", "sindy", "--data", data, "--repeats", "3", "--json", path])
        #expect(result.status == 0, "\(result.standardError)")
        let (document, cases) = try Self.cases(at: path)
        #expect(document["group"] as? String == "sindy")
        #expect(cases.count == 1)
        #expect(cases.first?.0 == "sindy.lorenz" && cases.first?.3 == 3)
        #expect((cases.first?.1 ?? 0) > 0)
    }

    /// An unwritable destination is refused before any benchmark runs.
    @Test func unwritableJSONIsRefusedFirst() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let command = ["bench", "--group", "tensor", "--json", folder.path("missing/out.json")]
        let result = try CommandRunner.run(command, timeout: 30)
        expectOneLineError(result, names: "missing/out.json", command)
        #expect(!result.standardOutput.contains("matmul"), "benchmarks ran before the output was checked")
    }
}

import Foundation
import InductiveReport
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct JSONValueTests {
    @Test func rendersInOrderWithScalarArraysOnOneLine() {
        let value: JSONValue = ["id": "ntk", "seed": 0, "ok": true, "widths": .numbers([64, 128]), "nested": ["a": [], "b": [:]]]
        #expect(value.rendered() == """
        {
          "id": "ntk",
          "seed": 0,
          "ok": true,
          "widths": [64.0, 128.0],
          "nested": {
            "a": [],
            "b": {}
          }
        }

        """)
    }

    @Test func nonFiniteNumbersBecomeStringsAndTheDocumentStaysValid() throws {
        let value: JSONValue = ["errors": .numbers([0.5, .nan, .infinity, -.infinity, 1e-300]), "null": .null]
        let text = value.rendered()
        #expect(text.contains(#"[0.5, "NaN", "Infinity", "-Infinity", 1e-300]"#))
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let errors = parsed?["errors"] as? [Any]
        #expect(errors?[1] as? String == "NaN")
        #expect(parsed?["null"] is NSNull)
    }

    @Test func stringsAreEscaped() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} ∞"
        let text = JSONValue.object([("k\"ey", .string(tricky))]).rendered()
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(parsed?["k\"ey"] == tricky)
        #expect(text.contains("\\u0007"))
    }

    @Test func tensorsKeepTheirShape() {
        let t = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(JSONValue.tensor(t) == ["shape": [2, 2], "values": .numbers([1, 2, 3, 4])])
    }

    @Test func writesAtomicallyAndTheEncoderAgrees() throws {
        try withTemporaryDirectory { directory in
            try JSONFile.write(["x": .number(.nan)] as JSONValue, to: directory + "/a.json")
            #expect(try String(contentsOfFile: directory + "/a.json", encoding: .utf8) == "{\n  \"x\": \"NaN\"\n}\n")
            try JSONFile.write(["b": Double.infinity, "a": -.infinity], to: directory + "/b.json")
            let text = try String(contentsOfFile: directory + "/b.json", encoding: .utf8)
            #expect(text.contains("\"a\" : \"-Infinity\"") && text.contains("\"b\" : \"Infinity\""))
            #expect(text.range(of: "\"a\"")!.lowerBound < text.range(of: "\"b\"")!.lowerBound, "sorted keys")
            #expect(throws: FileError.self) { try JSONFile.write(JSONValue.null, to: directory + "/missing/c.json") }
        }
    }

    @Test func reportEntriesAsJSON() throws {
        let entry = SampleReport.linearized
        let text = entry.json.rendered()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "failed checks")
        let checks = object?["checks"] as? [[String: Any]]
        #expect(checks?.count == 2)
        #expect(checks?[1]["verdict"] as? String == "fails")
        #expect((object?["errata"] as? [[String: Any]])?.first?["as_written"] as? String == entry.errata[0].asWritten)
    }
}

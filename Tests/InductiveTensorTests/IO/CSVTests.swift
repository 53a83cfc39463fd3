import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct CSVTests {
    let expected: Tensor = [[1.5, -2, 0], [3, 4.25, 1], [-0.5, 1e-3, 2]]

    @Test func readsHeaderCommentsAndBlankLines() throws {
        let table = try CSV.read(fixture("table.csv"))
        #expect(table.header == ["x", "y", "label"])
        #expect(table.values == expected)
    }

    @Test func readsWindowsLineEndings() throws {
        let table = try CSV.parse("x,y\r\n1,2\r\n3,4\r\n", source: "crlf.csv")
        #expect(table.header == ["x", "y"])
        #expect(table.values == Tensor([[1, 2], [3, 4]]))
    }

    @Test func readsGzipTransparently() throws {
        let table = try CSV.read(fixture("table.csv.gz"))
        #expect(table.header == nil)
        #expect(table.values == expected)
    }

    @Test func raggedAndNonNumericRowsAreNamedByLine() {
        expectFileError("line 3 has 2 fields, expected 3") {
            _ = try CSV.parse("a,b,c\n1,2,3\n4,5\n", source: "t.csv")
        }
        expectFileError("line 2, column 2: 'x' is not a number") {
            _ = try CSV.parse("1,2\n3,x\n", source: "t.csv", header: .absent)
        }
        expectFileError("no data") { _ = try CSV.parse("\n\n", source: "t.csv") }
        expectFileError("gzip") {
            try withTemporaryDirectory { dir in
                try AtomicFile.write([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3], to: dir + "/bad.csv.gz")
                _ = try CSV.read(dir + "/bad.csv.gz")
            }
        }
    }

    /// A `.csv.gz` inflates under a cap: above it, an error naming the cap, not gigabytes
    /// of memory. The cap here is lowered; the default is `CSV.maximumInflatedBytes`.
    @Test func gzipInflatesUnderACap() throws {
        let table = try CSV.read(fixture("table.csv.gz"))
        expectFileError("inflates to more than 16 bytes") {
            _ = try CSV.read(fixture("table.csv.gz"), maximumInflatedBytes: 16)
        }
        #expect(try CSV.read(fixture("table.csv.gz"), maximumInflatedBytes: 1 << 20) == table)
        #expect(CSV.maximumInflatedBytes >= 1 << 20)
        #if os(Linux) || os(macOS)
        // A real bomb: 40 MB of one repeated row compresses to about 40 KB.
        try withTemporaryDirectory { dir in
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
            gzip.arguments = ["-c", "yes 0,0 | head -c 40000000 | gzip -c > '\(dir)/bomb.csv.gz'"]
            try gzip.run()
            gzip.waitUntilExit()
            guard gzip.terminationStatus == 0 else { return }
            expectFileError("inflates to more than 1048576 bytes") {
                _ = try CSV.read(dir + "/bomb.csv.gz", maximumInflatedBytes: 1 << 20)
            }
        }
        #endif
    }

    @Test func writeRoundTripsExactly() throws {
        try withTemporaryDirectory { dir in
            var rng = RandomGenerator(seed: 2)
            let t = Tensor.randomNormal([4, 3], using: &rng)
            try CSV.write(t, header: ["a", "b", "c"], to: dir + "/t.csv")
            let back = try CSV.read(dir + "/t.csv")
            #expect(back.header == ["a", "b", "c"] && back.values == t)
        }
    }
}

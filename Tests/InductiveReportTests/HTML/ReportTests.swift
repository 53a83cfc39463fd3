import Foundation
import InductiveReport
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ReportTests {
    /// Runs `body` on the sample report written into a fresh folder (removed afterwards) and
    /// the text of its index.html.
    func withSample<Value>(_ body: (_ directory: String, _ html: String) throws -> Value) throws -> Value {
        try withTemporaryDirectory(prefix: "inductive-report-test") { directory in
            try SampleReport.write(to: directory)
            return try body(directory, try String(contentsOfFile: directory + "/index.html", encoding: .utf8))
        }
    }

    /// The index.html of the sample report.
    func sampleHTML() throws -> String { try withSample { _, html in html } }

    @Test func theReportIsWellFormedAndEverySVGInItParses() throws {
        let html = try sampleHTML()
        let page = XMLCheck(html)
        #expect(page.isWellFormed, "\(page.error ?? "")")
        let svgs = svgFragments(html)
        #expect(svgs.count == SampleReport.entries.reduce(0) { $0 + $1.figures.count })
        for svg in svgs {
            let check = XMLCheck(svg)
            #expect(check.isWellFormed, "\(check.error ?? "")")
            #expect(badNumbers(in: svg).isEmpty)
        }
        let ids = page.elements.compactMap { $0.attributes["id"] }
        #expect(Set(ids).count == ids.count, "ids are unique across the inline SVGs: \(ids.count)")
    }

    @Test func everyLinkResolvesToAWrittenFileOrAnAnchor() throws {
        if let sample = ProcessInfo.processInfo.environment["INDUCTIVE_REPORT_SAMPLE_DIR"] {
            try ReportFiles.createDirectory(sample)
            try SampleReport.write(to: sample)
        }
        try withSample { directory, html in
            let page = XMLCheck(html)
            let anchors = Set(page.elements.compactMap { $0.attributes["id"] })
            var files = 0
            for element in page.elements {
                for key in ["href", "src", "xlink:href"] {
                    guard let target = element.attributes[key] else { continue }
                    if target.hasPrefix("#") {
                        #expect(anchors.contains(String(target.dropFirst())), "anchor \(target)")
                    } else if target.hasPrefix("data:") {
                        #expect(element.name == "image" && target.hasPrefix("data:image/png;base64,"))
                    } else {
                        #expect(!target.contains(":") && !target.hasPrefix("/") && !target.contains(".."), "relative path: \(target)")
                        #expect(FileManager.default.fileExists(atPath: directory + "/" + target), "missing \(target)")
                        files += 1
                    }
                }
            }
            // result.json for 7 completed runs; SVG and CSV per figure, linked twice each.
            #expect(files == 7 + 4 * SampleReport.entries.reduce(0) { $0 + $1.figures.count })
        }
    }

    @Test func nothingIsFetchedFromOutside() throws {
        try withSample { directory, html in
            for forbidden in ["http://", "https://", "<script", "src=", "@import", "url(http", "url(//", "\"//", "'//"] {
                #expect(!html.lowercased().contains(forbidden), "index.html contains \(forbidden)")
            }
            let css = html.components(separatedBy: "<style>")[1].components(separatedBy: "</style>")[0]
            #expect(!css.contains("url("), "no resources from the style sheet")
            // Standalone SVG files declare the SVG namespace and reference nothing else.
            for entry in SampleReport.entries {
                for figure in entry.figures {
                    let svg = try String(contentsOfFile: "\(directory)/\(entry.directoryName)/\(figure.fileStem).svg", encoding: .utf8)
                    #expect(XMLCheck(svg).isWellFormed)
                    let outside = svg.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
                    #expect(!outside.contains("http") && !outside.contains("<script"))
                }
            }
        }
    }

    @Test func theWrittenFilesAreValid() throws {
        try withSample { directory, _ in
            for entry in SampleReport.entries {
                for figure in entry.figures {
                    let table = try CSV.read("\(directory)/\(entry.directoryName)/\(figure.fileStem).csv")
                    #expect(table.values.count > 0, "\(figure.id)")
                }
                let json = "\(directory)/\(entry.directoryName)/result.json"
                if entry.status == .crashed {
                    #expect(!FileManager.default.fileExists(atPath: json))
                } else {
                    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
                    #expect(object?["id"] as? String == entry.id)
                }
            }
            let leftovers = try FileManager.default.subpathsOfDirectory(atPath: directory).filter { $0.contains(".tmp") }
            #expect(leftovers.isEmpty, "atomic writes leave no temporary files")
        }
    }

    @Test func outputIsDeterministic() throws {
        try withSample { first, _ in
            try withSample { second, _ in
                let files = try FileManager.default.subpathsOfDirectory(atPath: first).sorted()
                #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: second).sorted()))
                for file in files where !file.hasSuffix("/") {
                    var isDirectory: ObjCBool = false
                    FileManager.default.fileExists(atPath: first + "/" + file, isDirectory: &isDirectory)
                    if isDirectory.boolValue { continue }
                    #expect(FileManager.default.contents(atPath: first + "/" + file) == FileManager.default.contents(atPath: second + "/" + file), "\(file)")
                }
            }
        }
    }

    @Test func textIsEscapedNotInterpreted() throws {
        let html = try sampleHTML()
        #expect(html.contains("completion &lt;with&gt; &quot;escaping&quot; &amp; all"))
        #expect(!html.contains("<with>"))
        #expect(XMLCheck(html).all("with").isEmpty)
        // Markup for scripts becomes sup/sub in HTML.
        #expect(html.contains("n<sup>−1/2</sup>"))
    }

    @Test func summaryCountsAndStatuses() throws {
        let html = try sampleHTML()
        let page = XMLCheck(html)
        let rows = page.all("tr").count
        #expect(rows > SampleReport.entries.count)
        #expect(html.contains("<span class=\"n\">8</span><span class=\"what\">experiments</span>"))
        #expect(html.contains("<span class=\"n\">2</span><span class=\"what\">checks fail</span>"))
        #expect(html.contains("<span class=\"n\">1</span><span class=\"what\">crashed</span>"))
        #expect(html.contains("✗ failed checks") && html.contains("! crashed") && html.contains("✓ ok"))
        #expect(html.contains("The run crashed:</strong> cholesky: matrix is not positive definite"))
        for entry in SampleReport.entries {
            #expect(html.contains("<a href=\"#exp-\(entry.directoryName)\"><code>\(entry.id)</code></a>"))
        }
        // Every erratum is listed at the top and in its section.
        #expect(html.components(separatedBy: "f = exp(−η K t) f<sub>0</sub>").count - 1 == 2)
    }

    @Test func filesNotWrittenAreShownButNotLinked() throws {
        let html = try sampleHTML()
        #expect(html.contains("<span class=\"missing\" title=\"not written\">result.json</span>"), "the crashed run wrote no result.json")
        let unchecked = Report(title: "t", entries: [SampleReport.crashed]).html()
        #expect(unchecked.contains("<a href=\"ib.matrix-completion/result.json\">"), "without a file list every file is linked")
    }

    @Test func anEmptyReportIsValid() {
        let html = Report(title: "Nothing <yet>", entries: []).html()
        #expect(XMLCheck(html).isWellFormed)
        #expect(html.contains("Nothing &lt;yet&gt;"))
    }
}

import InductiveReport
import Testing

/// `^{…}` and `_{…}` markup, seen through the SVG and HTML it produces.
@Suite struct RichTextTests {
    func svgText(_ title: String) -> String {
        let svg = Figure(id: "t", title: title, chart: .bars(BarChart(categories: [], series: [], valueAxis: Axis("")))).svg()
        return String(svg.split(separator: "\n").first { $0.contains("font-weight=\"600\"") } ?? "")
    }

    @Test func scriptsAreShiftedAndReset() {
        let line = svgText("e^{x} + 1")
        #expect(line.contains(">e<tspan dy=\"-6.46\" font-size=\"12.24\">x</tspan><tspan dy=\"6.46\"> + 1</tspan></text>"))
    }

    @Test func unmatchedMarkupIsShownAsWritten() {
        #expect(svgText("a^b and c_{d").contains(">a^b and c_{d</text>"))
        #expect(svgText("n^(-1/2)").contains(">n^(-1/2)</text>"))
    }

    @Test func scriptContentIsEscaped() {
        let line = svgText("x^{<b>&}")
        #expect(line.contains(">&lt;b&gt;&amp;</tspan>"))
        #expect(XMLCheck(line).isWellFormed)
        let html = Report(title: "K_{<i>}", entries: []).html()
        #expect(html.contains("<h1>K<sub>&lt;i&gt;</sub></h1>"))
        #expect(html.contains("<title>K_&lt;i&gt;</title>"), "plain text where markup cannot go")
    }
}

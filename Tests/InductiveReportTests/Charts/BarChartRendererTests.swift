import InductiveReport
import Testing

@Suite struct BarChartRendererTests {
    let chart = BarChart(
        categories: ["SGD", "GD", "GD + penalty"],
        series: [BarSeries("lr 0.05", values: [0.96, 0.93, 0.95], errors: [0.01, 0.02, 0.01]), BarSeries("lr 0.2", values: [0.97, 0.92, 0.96])],
        valueAxis: Axis("test accuracy"), referenceLines: [.horizontal(0.9, label: "chance")])

    @Test func groupedBarsWithErrorBarsAndLegend() throws {
        let svg = Figure(id: "acc", title: "Accuracy", chart: .bars(chart)).svg()
        let check = XMLCheck(svg)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        let bars = check.all("rect").filter { $0.attributes["fill"] == Palette.blue.hexString || $0.attributes["fill"] == Palette.vermillion.hexString }
        #expect(bars.count == 6 + 2, "six bars and two legend swatches")
        let errorLines = check.all("line").filter { $0.attributes["stroke"] == "#24292f" }
        #expect(errorLines.count == 3 * 3, "a stem and two caps per error bar")
        for label in ["SGD", "GD + penalty", "lr 0.05", "lr 0.2", "chance", "test accuracy"] { #expect(check.text.contains(label)) }
        #expect(badNumbers(in: svg).isEmpty)
    }

    @Test func barsStartAtZero() throws {
        let svg = Figure(id: "acc", title: "Accuracy", chart: .bars(chart)).svg()
        #expect(XMLCheck(svg).text.contains("0"))
        let texts = XMLCheck(svg).all("text")
        #expect(!texts.isEmpty)
    }

    @Test func nonFiniteBarsAndLogAxesAreNoted() {
        let broken = BarChart(categories: ["a", "b"], series: [BarSeries("s", values: [.nan, -2], errors: [1, .infinity])], valueAxis: Axis("v", scale: .log))
        let svg = Figure(id: "b", title: "broken", chart: .bars(broken)).svg()
        let check = XMLCheck(svg)
        #expect(check.isWellFormed)
        #expect(check.text.contains("Not drawn: 1 bar whose value is NaN or infinite."))
        #expect(check.text.contains("Not drawn: 1 error bar that are NaN or infinite.") || check.text.contains("1 error bar"))
        #expect(check.text.contains("linear axis"))
        #expect(badNumbers(in: svg).isEmpty)
        #expect(XMLCheck(Figure(id: "e", title: "empty", chart: .bars(BarChart(categories: [], series: [], valueAxis: Axis("v")))).svg()).isWellFormed)
    }
}

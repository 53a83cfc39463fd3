import Foundation
import InductiveReport
import Testing

@Suite struct PlotRendererTests {
    static let widths = [64.0, 128, 256, 512, 1024]

    func figure(_ plot: Plot, title: String = "Error vs width") -> Figure { Figure(id: "plot", title: title, chart: .plot(plot)) }

    var logLog: Plot {
        let errors = PlotRendererTests.widths.map { 2 / $0.squareRoot() }
        return Plot(
            x: Axis("width n", scale: .log), y: Axis("error", scale: .log),
            series: [Series("mean", x: PlotRendererTests.widths, y: errors, band: Band(center: errors, spread: errors.map { $0 * 0.1 }), style: .lineAndMarkers)],
            referenceLines: [.powerLaw(exponent: -0.5, through: (64, 0.25), label: "n^{-1/2}"), .horizontal(0.1, label: "threshold")])
    }

    @Test func aLogLogPlotIsWellFormedSVGWithEveryPart() throws {
        let svg = figure(logLog).svg()
        let check = XMLCheck(svg)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.elements.first?.name == "svg")
        #expect(check.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(check.text.contains("Error vs width"))
        #expect(check.text.contains("width n") && check.text.contains("error"))
        #expect(check.text.contains("mean") && check.text.contains("threshold"), "legend entries")
        #expect(svg.contains("fill-opacity"), "the band")
        #expect(svg.contains("stroke-dasharray"), "reference lines are dashed")
        #expect(check.all("circle").count == 5 + 1, "a marker per point and one in the legend")
        #expect(badNumbers(in: svg).isEmpty, "\(badNumbers(in: svg).prefix(3))")
    }

    @Test func logAxesAreLabelledAtDecades() {
        let plot = Plot(x: Axis("x", scale: .log), y: Axis("y", scale: .log),
                        series: [Series("s", x: [1e-2, 1e-1, 1, 10, 100], y: [1e-6, 1e-4, 1e-2, 1, 100])])
        let svg = figure(plot).svg()
        #expect(XMLCheck(svg).isWellFormed)
        // y spans 10^-6 … 10^2: labels are 10 with a superscript exponent.
        #expect(svg.contains(">10<tspan dy=\"-5.32\" font-size=\"10.08\">−6</tspan></text>") || svg.contains(">10<tspan dy=\"-5.32\" font-size=\"10.08\">−4</tspan></text>"))
        #expect(svg.contains(">0.01</text>") && svg.contains(">0.1</text>") && svg.contains(">10</text>"), "x decades 0.01 … 100 are plain numbers")
    }

    @Test func inlineSVGHasNoNamespaceAndPrefixedIds() {
        let svg = figure(logLog).svg(standalone: false, idPrefix: "e3f1")
        #expect(!svg.contains("http"))
        let ids = XMLCheck(svg).elements.compactMap { $0.attributes["id"] }
        #expect(!ids.isEmpty && ids.allSatisfy { $0.hasPrefix("e3f1-") })
    }

    @Test func nonFiniteAndNonPositiveValuesAreSkippedWithANote() throws {
        let x = [1.0, 2, 3, 4, 5, 6]
        let y = [1.0, .nan, 3, .infinity, -2, 0.5]
        let plot = Plot(x: Axis("x"), y: Axis("y", scale: .log),
                        series: [Series("noisy <&> series", x: x, y: y, band: Band(lower: [0.5, 1, -1, 2, 3, .nan], upper: [2, 3, 4, 5, 6, 7]), style: .lineAndMarkers)])
        let svg = figure(plot).svg()
        let check = XMLCheck(svg)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        #expect(badNumbers(in: svg).isEmpty, "\(badNumbers(in: svg).prefix(3))")
        #expect(!svg.lowercased().contains("nan\"") && !svg.contains("inf\""), "no non-finite attribute values")
        #expect(check.text.contains("Not drawn: 2 NaN or infinite points"))
        #expect(check.text.contains("1 point ≤ 0 on the log y axis"))
        #expect(check.text.contains("band lower edge ≤ 0"))
        #expect(check.text.contains("noisy <&> series"), "names are escaped, not dropped")
        // The line breaks at the gaps: points 1, 3 and 6 are drawable and not adjacent.
        let lines = check.all("path").filter { $0.attributes["fill"] == "none" && $0.attributes["stroke"] == Palette.blue.hexString }
        #expect(lines.isEmpty, "no two adjacent drawable points, so no line segment")
        #expect(check.all("circle").count == 3 + 1)
    }

    @Test func aPlotWithNothingDrawableIsStillValid() {
        for plot in [
            Plot(x: Axis("x"), y: Axis("y"), series: []),
            Plot(x: Axis("x", scale: .log), y: Axis("y", scale: .log), series: [Series("all bad", x: [.nan, -1, 0], y: [1, .infinity, 2])]),
            Plot(x: Axis("x", scale: .log, limits: -1...10), y: Axis("y", limits: 5...5), series: [Series("one", x: [3], y: [5])],
                 referenceLines: [.vertical(-3, label: "impossible"), .horizontal(.nan, label: "nan")]),
        ] {
            let svg = figure(plot).svg()
            let check = XMLCheck(svg)
            #expect(check.isWellFormed, "\(check.error ?? "")")
            #expect(badNumbers(in: svg).isEmpty, "\(badNumbers(in: svg).prefix(3))")
        }
        let badGuide = XMLCheck(figure(Plot(x: Axis("x", scale: .log), y: Axis("y"), series: [Series("s", x: [1, 2], y: [1, 2])],
                                            referenceLines: [.powerLaw(exponent: 0.5, through: (0, 1), label: "anchored at 0")])).svg())
        #expect(badGuide.isWellFormed)
        #expect(badGuide.text.contains("Not drawn: 1 reference line"))
        let empty = XMLCheck(figure(Plot(x: Axis("x"), y: Axis("y"), series: [])).svg())
        #expect(empty.text.contains("No finite data to draw."))
    }

    @Test func renderingIsDeterministic() {
        let a = figure(logLog).svg(), b = figure(logLog).svg()
        #expect(a == b)
        #expect(a.utf8.count > 1000)
    }

    @Test func textUsesReadableSizes() {
        let sizes = XMLCheck(figure(logLog).svg()).all("text").compactMap { $0.attributes["font-size"].flatMap(Double.init) }
        #expect(!sizes.isEmpty && sizes.allSatisfy { $0 >= 13 })
    }

    @Test func legendGoesBelowWhenEveryCornerIsCovered() {
        // Dense noise fills the plot: no free corner.
        let x = (0..<400).map(Double.init)
        let series = (0..<3).map { k in Series("series \(k)", x: x, y: x.map { sin($0 * 1.7 + Double(k)) }, style: .markers) }
        let svg = figure(Plot(x: Axis("x"), y: Axis("y"), series: series)).svg()
        let check = XMLCheck(svg)
        #expect(check.isWellFormed)
        let legendBox = check.all("rect").filter { $0.attributes["rx"] == "4" }
        #expect(legendBox.isEmpty, "no inside legend box")
        #expect(check.text.contains("series 2"))
    }

    @Test func fixedTicksAndLimitsAreHonoured() {
        let plot = Plot(x: Axis("width", scale: .log, ticks: [64, 256, 1024]), y: Axis("y", limits: 0...2), series: [Series("s", x: [64, 1024], y: [1, 3])])
        let check = XMLCheck(figure(plot).svg())
        #expect(check.text.contains("64") && check.text.contains("256") && check.text.contains("1024"))
        #expect(check.isWellFormed)
    }

    @Test func superscriptMarkupBecomesRaisedSmallerText() {
        let svg = figure(logLog, title: "slope n^{-1/2} and K_{emp}").svg()
        #expect(svg.contains("slope n<tspan dy=\"-6.46\" font-size=\"12.24\">-1/2</tspan><tspan dy=\"6.46\"> and K</tspan><tspan dy=\"3.74\" font-size=\"12.24\">emp</tspan>"))
        #expect(XMLCheck(svg).text.contains("slope n-1/2 and Kemp"))
    }

    /// Lines drawn in the series' colour at the error bars' width: a bar is a vertical line and a cap at each true end.
    func errorBarLines(_ svg: String) -> Int {
        svg.components(separatedBy: "<line ").dropFirst().filter { $0.contains("stroke=\"#123456\" stroke-width=\"1.5\"") }.count
    }

    @Test func errorBarsAreDrawnWithCapsAndWrittenToTheCSV() throws {
        let color = Color(hex: 0x123456)
        let linear = Plot(x: Axis("x"), y: Axis("y"), series: [
            Series("s", x: [1, 2, 3], y: [1, 2, 3], style: .markers, color: color, errors: [0.5, .nan, 0])])
        let svg = figure(linear).svg()
        #expect(XMLCheck(svg).isWellFormed)
        #expect(errorBarLines(svg) == 3, "one bar (the NaN and zero errors draw none): a line and two caps")
        let csv = figure(linear).data.csv
        #expect(csv.contains("x,s,s error") && csv.contains("1.0,1.0,0.5"))
        // On a log axis a lower end <= 0 goes to the bottom of the plot, without a cap there.
        let log = Plot(x: Axis("x"), y: Axis("y", scale: .log), series: [
            Series("s", x: [1, 2], y: [1, 10], style: .markers, color: color, errors: [2, 1])])
        #expect(errorBarLines(figure(log).svg()) == 2 + 3)
    }
}

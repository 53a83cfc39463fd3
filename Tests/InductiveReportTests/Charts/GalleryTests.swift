import Foundation
import InductiveReport
import Testing

/// Harder cases for every chart kind, checked for validity here and written to
/// `$INDUCTIVE_REPORT_SAMPLE_DIR/gallery/` for a visual review when that is set.
@Suite struct GalleryTests {
    static var figures: [Figure] {
        let x = (0..<40).map { Double($0) / 39 }
        var figures: [Figure] = []
        figures.append(Figure(id: "eight-series", title: "Eight series with markers: colours and shapes differ", chart: .plot(Plot(
            x: Axis("x"), y: Axis("y"),
            series: (0..<8).map { k in Series("series \(k + 1)", x: x, y: x.map { sin(3 * $0 + Double(k) * 0.4) + Double(k) * 0.3 }, style: .lineAndMarkers) }))))
        figures.append(Figure(id: "tiny-values", title: "Tiny values on a linear axis", chart: .plot(Plot(
            x: Axis("time t (s)"), y: Axis("drift"),
            series: [Series("drift", x: x, y: x.map { 3e-6 * $0 * $0 - 1e-6 }, style: .line)],
            referenceLines: [.horizontal(0, label: "zero")]))))
        figures.append(Figure(id: "spectrum", title: "|β̂_{k}| spectra", chart: .plot(Plot(
            x: Axis("frequency k"), y: Axis("|β̂_{k}|", scale: .log),
            series: [Series("conv net", x: (0..<32).map(Double.init), y: (0..<32).map { $0 % 5 == 0 ? 1 : 1e-4 * exp(-Double($0) / 10) }, style: .markers),
                     Series("FC net", x: (0..<32).map(Double.init), y: (0..<32).map { 0.2 / (1 + Double($0)) }, style: .markers)]))))
        figures.append(Figure(id: "slopes", title: "Kernel change vs width: two slope guides", chart: .plot(Plot(
            x: Axis("width n", scale: .log, ticks: [64, 256, 1024, 4096]), y: Axis("‖K_{T} − K_{0}‖ / ‖K_{0}‖", scale: .log),
            series: [Series("kernel change", x: [64, 128, 256, 512, 1024, 2048, 4096], y: [0.3, 0.19, 0.12, 0.075, 0.047, 0.03, 0.019],
                            band: Band(lower: [0.25, 0.16, 0.1, 0.06, 0.04, 0.025, -0.01], upper: [0.36, 0.22, 0.14, 0.09, 0.055, 0.035, 0.024]), style: .lineAndMarkers),
                     Series("parameter change", x: [64, 128, 256, 512, 1024, 2048, 4096], y: [0.2, 0.14, 0.1, 0.07, 0.05, 0.035, 0.025], style: .lineAndMarkers)],
            referenceLines: [.powerLaw(exponent: -0.5, through: (64, 0.3), label: "n^{−1/2}"), .powerLaw(exponent: -1, through: (64, 0.3), label: "n^{−1}")]))))
        var big: [Double] = []
        for i in 0..<(200 * 200) {
            let r = Double(i / 200) / 199, c = Double(i % 200) / 199
            let envelope: Double = exp(-((r - 0.5) * (r - 0.5) + (c - 0.3) * (c - 0.3)) * 12)
            big.append(envelope * cos(14 * c))
        }
        let mask: [Double] = (0..<(16 * 16)).map { (i: Int) -> Double in i % 37 == 0 ? Double.nan : Double((i / 16) * (i % 16)) / 225 }
        figures.append(Figure(id: "large-heat-map", title: "A 200 × 200 field", chart: .heatMap(HeatMap(
            values: big, rows: 200, columns: 200, orientation: .cartesian, xExtent: 0...1, yExtent: 0...2, xLabel: "x", yLabel: "t", colorMap: .diverging, colorBarLabel: "u"))))
        figures.append(Figure(id: "mask", title: "Fourier mask with missing cells", chart: .heatMap(HeatMap(
            values: mask, rows: 16, columns: 16,
            xLabel: "frequency k_{x}", yLabel: "frequency k_{y}", colorMap: .viridis, colorBarLabel: "mask value"))))
        figures.append(Figure(id: "digits", title: "Ten digits, ink on paper", chart: .imageGrid(ImageGrid(
            images: (0..<10).map { k in GrayImage(pixels: (0..<64).map { p in Double((p * (k + 3)) % 17) / 16 }, width: 8, height: 8, caption: "label \(k)") },
            colorMap: .grayscaleInverted, tileWidth: 64))))
        var reconstructions: [GrayImage] = []
        for (k, caption) in ["target", "plain coordinates: 18.2 dB", "Fourier features: 27.9 dB"].enumerated() {
            var pixels: [Double] = []
            for p in 0..<(48 * 48) {
                let column = Double(p % 48), row = Double(p / 48)
                pixels.append(sin(column / Double(3 + 4 * (2 - k))) * cos(row / 5))
            }
            reconstructions.append(GrayImage(pixels: pixels, width: 48, height: 48, caption: caption))
        }
        figures.append(Figure(id: "reconstructions", title: "Target and reconstructions", chart: .imageGrid(ImageGrid(
            images: reconstructions, colorMap: .viridis, tileWidth: 160))))
        figures.append(Figure(id: "many-bars", title: "Many categories with long names", chart: .bars(BarChart(
            categories: ["no augmentation", "translations", "rotations by 90°", "flips", "scales", "all of them together"],
            series: [BarSeries("symmetry defect", values: [0.8, 0.5, 0.42, 0.6, 0.7, 0.2], errors: [0.05, 0.04, 0.03, 0.05, 0.06, 0.02])],
            valueAxis: Axis("‖W − P_{G}(W)‖ / ‖W‖")))))
        return figures
    }

    @Test func galleryFiguresAreValid() throws {
        let sample = ProcessInfo.processInfo.environment["INDUCTIVE_REPORT_SAMPLE_DIR"]
        if let sample { try ReportFiles.createDirectory(sample + "/gallery") }
        for figure in GalleryTests.figures {
            let svg = figure.svg()
            let check = XMLCheck(svg)
            #expect(check.isWellFormed, "\(figure.id): \(check.error ?? "")")
            #expect(badNumbers(in: svg).isEmpty, "\(figure.id): \(badNumbers(in: svg).prefix(3))")
            if let sample { try ReportFiles.writeFigure(figure, in: sample + "/gallery") }
        }
    }

    @Test func rastersKeepLargeGridsSmall() {
        let svg = GalleryTests.figures.first { $0.id == "large-heat-map" }!.svg()
        // 40 000 cells: at most 3 bytes each as PNG (less once deflated), base64-encoded, plus the drawing.
        #expect(svg.utf8.count < 200_000)
    }
}

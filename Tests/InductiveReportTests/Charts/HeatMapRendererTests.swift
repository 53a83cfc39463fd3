import InductiveReport
import InductiveTensor
import Testing

@Suite struct HeatMapRendererTests {
    @Test func cellsAreEmbeddedAsAnExactRaster() throws {
        let heat = HeatMap(values: [0, 1, .nan, 0.5, 0.25, 1], rows: 2, columns: 3, valueRange: 0...1)
        let svg = Figure(id: "k", title: "Kernel", chart: .heatMap(heat)).svg()
        let check = XMLCheck(svg)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        let uris = imageURIs(svg)
        #expect(uris.count == 2, "the cells and the colour bar")
        let png = try DecodedPNG(dataURI: uris[0])
        #expect(png.width == 3 && png.height == 2)
        func rgb(_ c: Color) -> [UInt8] { [c.red, c.green, c.blue] }
        #expect(png.pixel(0, 0) == rgb(ColorMap.viridis.color(at: 0)))
        #expect(png.pixel(1, 0) == rgb(ColorMap.viridis.color(at: 1)))
        #expect(png.pixel(0, 1) == rgb(ColorMap.viridis.color(at: 0.5)))
        #expect(png.pixel(2, 0)[0] == png.pixel(2, 0)[1] && png.pixel(2, 0)[1] == png.pixel(2, 0)[2], "NaN is grey")
        #expect(check.text.contains("1 cell NaN or infinite, drawn in grey."))
    }

    @Test func cartesianOrientationPutsRowZeroAtTheBottom() throws {
        let grid: Tensor = [[0, 0], [1, 1]]
        let heat = HeatMap(grid, orientation: .cartesian, xExtent: 0...1, yExtent: 0...2, colorMap: .grayscale)
        let png = try DecodedPNG(dataURI: imageURIs(Figure(id: "u", title: "u", chart: .heatMap(heat)).svg())[0])
        #expect(png.pixel(0, 0) == [255, 255, 255], "row 1 (value 1) on top")
        #expect(png.pixel(0, 1) == [0, 0, 0])
    }

    @Test func divergingMapsAreCentredOnZero() throws {
        let heat = HeatMap(values: [-1, 0, 3], rows: 1, columns: 3, colorMap: .diverging)
        let png = try DecodedPNG(dataURI: imageURIs(Figure(id: "d", title: "d", chart: .heatMap(heat)).svg())[0])
        #expect(png.pixel(1, 0) == [0xF7, 0xF7, 0xF7], "0 is the white middle")
        let c = ColorMap.diverging.color(at: 1.0 / 3)
        #expect(png.pixel(0, 0) == [c.red, c.green, c.blue], "-1 of ±3")
    }

    @Test func degenerateGridsAreValid() {
        for heat in [
            HeatMap(values: [], rows: 0, columns: 0),
            HeatMap(values: [.nan, .infinity], rows: 1, columns: 2),
            HeatMap(values: [4, 4, 4, 4], rows: 2, columns: 2, xExtent: 1...1, valueRange: 2...2),
        ] {
            let svg = Figure(id: "h", title: "degenerate", chart: .heatMap(heat)).svg()
            #expect(XMLCheck(svg).isWellFormed)
            #expect(badNumbers(in: svg).isEmpty)
        }
    }

    @Test func squareCellsForMatrices() {
        let svg = Figure(id: "k", title: "K", chart: .heatMap(HeatMap(values: [Double](repeating: 1, count: 12), rows: 3, columns: 4))).svg()
        let image = XMLCheck(svg).all("image")[0]
        let w = Double(image.attributes["width"]!)!, h = Double(image.attributes["height"]!)!
        #expect(abs(w / 4 - h / 3) < 0.02)  // SVG numbers have 2 decimals: <= 0.005 (1/4 + 1/3) = 0.003 off
    }
}

import InductiveReport
import Testing

/// The PNG encoder, read back by an independent decoder (Support/PNGDecoder.swift).
@Suite struct PNGTests {
    @Test func largeRastersRoundTripCompressed() throws {
        // 200 x 200 RGB is 120 200 bytes of scanlines, more than the 64 KiB of one stored block.
        let values = (0..<(200 * 200)).map { Double($0 % 200) / 199 }
        let heat = HeatMap(values: values, rows: 200, columns: 200, colorMap: .grayscale, valueRange: 0...1)
        let uri = imageURIs(Figure(id: "big", title: "big", chart: .heatMap(heat)).svg())[0]
        let png = try DecodedPNG(dataURI: uri)
        #expect(png.width == 200 && png.height == 200)
        // Every row is the same ramp: deflate makes it a small fraction of the scanlines.
        #expect(uri.utf8.count < 120_200 / 10, "\(uri.utf8.count) characters")
        for (x, y) in [(0, 0), (199, 0), (100, 150), (37, 199)] {
            let v = UInt8((Double(x) / 199 * 255).rounded())
            #expect(png.pixel(x, y) == [v, v, v], "pixel (\(x), \(y))")
        }
    }

    @Test func colourBarsAreSmoothRamps() throws {
        let heat = HeatMap(values: [0, 1], rows: 1, columns: 2, colorMap: .viridis)
        let uris = imageURIs(Figure(id: "h", title: "h", chart: .heatMap(heat)).svg())
        let bar = try DecodedPNG(dataURI: uris[1])
        #expect(bar.width == 1 && bar.height == 256)
        let top = ColorMap.viridis.color(at: 1), bottom = ColorMap.viridis.color(at: 0)
        #expect(bar.pixel(0, 0) == [top.red, top.green, top.blue], "high values at the top")
        #expect(bar.pixel(0, 255) == [bottom.red, bottom.green, bottom.blue])
    }

    @Test func encodingIsDeterministic() {
        let heat = HeatMap(values: (0..<64).map(Double.init), rows: 8, columns: 8)
        #expect(imageURIs(Figure(id: "a", title: "a", chart: .heatMap(heat)).svg()) == imageURIs(Figure(id: "a", title: "a", chart: .heatMap(heat)).svg()))
    }
}

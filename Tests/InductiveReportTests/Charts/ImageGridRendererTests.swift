import InductiveReport
import Testing

@Suite struct ImageGridRendererTests {
    func images(_ n: Int, size: Int = 4) -> [GrayImage] {
        (0..<n).map { k in GrayImage(pixels: (0..<(size * size)).map { Double(($0 + k) % 5) }, width: size, height: size, caption: "digit \(k)") }
    }

    @Test func eachImageIsATileWithItsCaption() throws {
        let grid = ImageGrid(images: images(10))
        let svg = Figure(id: "digits", title: "Digits", chart: .imageGrid(grid)).svg()
        let check = XMLCheck(svg)
        try #require(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.all("image").count == 10)
        for k in 0..<10 { #expect(check.text.contains("digit \(k)")) }
        // Ten images: five columns in two full rows.
        let xs = Set(check.all("image").compactMap { $0.attributes["x"] })
        #expect(xs.count == 5)
        let png = try DecodedPNG(dataURI: imageURIs(svg)[0])
        #expect(png.width == 4 && png.height == 4)
        #expect(png.pixel(0, 0) == [0, 0, 0] && png.pixel(3, 0)[0] > 0, "shared grayscale range 0…4")
        #expect(badNumbers(in: svg).isEmpty)
    }

    @Test func sharedRangeCanShowAColourBar() {
        let grid = ImageGrid(images: images(4), colorMap: .diverging, colorBar: true, colorBarLabel: "weight")
        let check = XMLCheck(Figure(id: "w", title: "W", chart: .imageGrid(grid)).svg())
        #expect(check.all("image").count == 5)
        #expect(check.text.contains("weight"))
    }

    @Test func emptyAndBrokenImagesAreValid() {
        let broken = GrayImage(pixels: [.nan, 1, 2, .infinity], width: 2, height: 2, caption: "<broken & odd>")
        for grid in [ImageGrid(images: []), ImageGrid(images: [broken], scaling: .perImage), ImageGrid(images: [GrayImage(pixels: [], width: 0, height: 0)])] {
            let svg = Figure(id: "g", title: "grid", chart: .imageGrid(grid)).svg()
            let check = XMLCheck(svg)
            #expect(check.isWellFormed, "\(check.error ?? "")")
            #expect(badNumbers(in: svg).isEmpty)
        }
        let text = XMLCheck(Figure(id: "g", title: "grid", chart: .imageGrid(ImageGrid(images: [broken]))).svg()).text
        #expect(text.contains("2 pixels NaN or infinite"))
        #expect(text.contains("<broken &"), "escaped, wrapped caption")
    }
}

import InductiveReport
import Testing

@Suite struct ColorTests {
    @Test func okabeItoValues() {
        #expect(Palette.blue.hexString == "#0072b2")
        #expect(Palette.vermillion.hexString == "#d55e00")
        #expect(Palette.bluishGreen.hexString == "#009e73")
        #expect(Palette.orange.hexString == "#e69f00")
        #expect(Palette.skyBlue.hexString == "#56b4e9")
        #expect(Palette.reddishPurple.hexString == "#cc79a7")
        #expect(Palette.yellow.hexString == "#f0e442")
        #expect(Set(Palette.categorical).count == 8)
        #expect(Palette.color(at: 8) == Palette.color(at: 0))
        #expect(Palette.categorical.last == Palette.yellow, "faint on white: last")
    }

    @Test func colorMapEndsAndMiddles() {
        #expect(ColorMap.viridis.color(at: 0).hexString == "#440154")
        #expect(ColorMap.viridis.color(at: 1).hexString == "#fde725")
        #expect(ColorMap.viridis.color(at: 0.5).hexString == "#21918c")
        #expect(ColorMap.diverging.color(at: 0.5).hexString == "#f7f7f7")
        #expect(ColorMap.grayscale.color(at: 0).hexString == "#000000")
        #expect(ColorMap.grayscaleInverted.color(at: 0).hexString == "#ffffff")
        #expect(ColorMap.viridis.color(at: -3) == ColorMap.viridis.color(at: 0), "clamped")
        #expect(ColorMap.viridis.color(at: 7) == ColorMap.viridis.color(at: 1))
    }

    @Test func viridisGetsLighterMonotonically() {
        func luminance(_ c: Color) -> Double { 0.2126 * Double(c.red) + 0.7152 * Double(c.green) + 0.0722 * Double(c.blue) }
        let samples = (0...100).map { luminance(ColorMap.viridis.color(at: Double($0) / 100)) }
        #expect(zip(samples, samples.dropFirst()).allSatisfy { $0 <= $1 + 0.5 })
    }

    @Test func divergingIsBlueBelowAndRedAbove() {
        let low = ColorMap.diverging.color(at: 0.1), high = ColorMap.diverging.color(at: 0.9)
        #expect(low.blue > low.red)
        #expect(high.red > high.blue)
    }
}

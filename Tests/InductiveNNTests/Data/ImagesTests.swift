import Foundation
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ImagesTests {
    /// The shipped photograph loads as [256, 256] intensities in [0, 1] spanning the range
    /// (the file holds uint8 0..255, with both ends present) and is not constant.
    @Test func cameraLoads() throws {
        let image = try ImageData.camera()
        #expect(image.shape == [256, 256])
        #expect(image.minAll() == 0 && image.maxAll() == 1)
        #expect(image.variance().scalar > 0.01)
    }

    /// Block means against a sum over the block written out for one output pixel, and the
    /// total preserved (sums of at most 16 values: 1e-14 relative is slack).
    @Test func downsamplingAveragesBlocks() throws {
        let x = uniform([8, 12], seed: 4)
        let d = try ImageData.downsampled(x, factor: 4)
        #expect(d.shape == [2, 3])
        var block = 0.0
        for r in 4..<8 { for c in 8..<12 { block += x[r, c] } }
        expectClose(d[1, 2], block / 16, rtol: 1e-14)
        expectClose(d.sumAll() * 16, x.sumAll(), rtol: 1e-14)
        #expect(throws: DataError.self) { try ImageData.downsampled(x, factor: 5) }
        #expect(throws: DataError.self) { try ImageData.downsampled(Tensor.ones([4]), factor: 2) }
    }

    @Test func coordinateGridAndSplit() {
        let g = ImageData.coordinateGrid(height: 3, width: 4)
        #expect(g.shape == [12, 2])
        // Row 2, column 3 is entry 11: (x, y) = (3/4, 2/3).
        #expect(g[11, 0] == 0.75 && g[11, 1] == 2.0 / 3)
        let (train, test) = ImageData.everyOtherPixel(height: 4, width: 6)
        #expect(train.count == 6 && test.count == 18)
        #expect(Set(train).isDisjoint(with: test) && Set(train + test) == Set(0..<24))
        #expect(train.allSatisfy { ($0 / 6) % 2 == 0 && ($0 % 6) % 2 == 0 })
    }

    /// PSNR of a uniform error e: 10 log10(1 / e²) = -20 log10 e (a few roundings).
    @Test func psnrOfAConstantError() {
        let a = uniform([5, 5], seed: 2)
        expectClose(ImageData.psnr(a + 0.1, a), 20, rtol: 1e-12)
        #expect(ImageData.psnr(a, a) == .infinity)
    }
}

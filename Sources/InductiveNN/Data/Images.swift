import Foundation
import InductiveTensor

/// Single-channel images as data: the shipped photograph, downsampling, coordinate grids for
/// coordinate networks (an image as a function of (x, y)), pixel splits and PSNR.
public enum ImageData {
    /// The 256 x 256 grayscale photograph shipped with the package (Lav Varshney, CC0; see
    /// Resources/CAMERA-README.md), as a [256, 256] tensor of intensities in [0, 1]
    /// (uint8 / 255), row 0 the top row.
    public static func camera() throws -> Tensor {
        guard let url = Bundle.module.url(forResource: "camera-256", withExtension: "npy") else {
            throw DataError("the photograph resource camera-256.npy is missing from the package")
        }
        let image = try NPY.read(url.path)
        guard image.shape == [256, 256] else { throw DataError("camera-256.npy has shape \(image.shape), expected [256, 256]") }
        return image * (1.0 / 255)
    }

    /// Block-mean downsampling of an image [H, W] by an integer factor f dividing H and W:
    /// out[i, j] = mean of the f x f block at (f i, f j). Output [H / f, W / f]; cost O(H W).
    public static func downsampled(_ image: Tensor, factor f: Int) throws -> Tensor {
        guard image.rank == 2 else { throw DataError("downsampling needs an image [H, W], got shape \(image.shape)") }
        let (h, w) = (image.shape[0], image.shape[1])
        guard f >= 1, h % f == 0, w % f == 0 else { throw DataError("downsampling factor \(f) must divide the image size \(h) x \(w)") }
        let (oh, ow) = (h / f, w / f)
        var out = [Double](repeating: 0, count: oh * ow)
        let s = image.scalars
        for r in 0..<h { for c in 0..<w { out[(r / f) * ow + c / f] += s[r * w + c] } }
        return Tensor(shape: [oh, ow], scalars: out.map { $0 / Double(f * f) })
    }

    /// The pixel coordinates of an H x W image as inputs of a coordinate network:
    /// row r * W + c is (x, y) = (c / W, r / H), both in [0, 1) (the unit-period convention
    /// of Fourier features: cos(2 pi x), sin(2 pi x) are periodic over the image). Output [H W, 2].
    public static func coordinateGrid(height: Int, width: Int) -> Tensor {
        precondition(height > 0 && width > 0, "coordinateGrid: sizes must be positive")
        var s = [Double](repeating: 0, count: 2 * height * width)
        for r in 0..<height {
            for c in 0..<width {
                s[2 * (r * width + c)] = Double(c) / Double(width)
                s[2 * (r * width + c) + 1] = Double(r) / Double(height)
            }
        }
        return Tensor(shape: [height * width, 2], scalars: s)
    }

    /// The split of Tancik et al. (2020): the pixels with even row and even column (every other
    /// pixel in each direction, a quarter of the image) for training, all others for testing.
    /// Indices are row-major (r * W + c), as in `coordinateGrid`.
    public static func everyOtherPixel(height: Int, width: Int) -> (train: [Int], test: [Int]) {
        var train: [Int] = [], test: [Int] = []
        for r in 0..<height {
            for c in 0..<width {
                if r % 2 == 0 && c % 2 == 0 { train.append(r * width + c) } else { test.append(r * width + c) }
            }
        }
        return (train, test)
    }

    /// Peak signal-to-noise ratio in dB, 10 log10(peak^2 / MSE(a, b)), for tensors of the
    /// same shape (infinite for identical ones).
    public static func psnr(_ a: Tensor, _ b: Tensor, peak: Double = 1) -> Double {
        precondition(a.count == b.count && a.count > 0, "psnr: \(a.shape) vs \(b.shape)")
        let mse = square(a.flattened() - b.flattened()).mean().scalar
        return 10 * Foundation.log10(peak * peak / mse)
    }
}

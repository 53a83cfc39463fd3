import InductiveTensor

/// Small images (first-layer weights, digits, reconstructions) laid out in a grid, each
/// with an optional caption.
public struct ImageGrid: Sendable, Equatable, Codable {
    /// How values map to the colour map's ends.
    public enum Scaling: String, Sendable, Equatable, Codable {
        /// One range for all images (comparable intensities; allows a colour bar).
        case shared
        /// Each image stretched over its own range (shows every image's structure).
        case perImage
    }

    /// The images, row by row.
    public var images: [GrayImage]
    /// Images per row; nil chooses about √n (at most 8).
    public var columns: Int?
    /// How values become colours (`.grayscale`, `.grayscaleInverted`, `.diverging` for signed weights).
    public var colorMap: ColorMap
    /// One range for all images, or one per image.
    public var scaling: Scaling
    /// The width of each image in CSS pixels (height follows its aspect ratio).
    public var tileWidth: Double
    /// A colour bar for the shared range (ignored with `.perImage`).
    public var colorBar: Bool
    /// The label under the colour bar.
    public var colorBarLabel: String

    public init(
        images: [GrayImage], columns: Int? = nil, colorMap: ColorMap = .grayscale, scaling: Scaling = .shared,
        tileWidth: Double = 96, colorBar: Bool = false, colorBarLabel: String = ""
    ) {
        self.images = images
        self.columns = columns
        self.colorMap = colorMap
        self.scaling = scaling
        self.tileWidth = tileWidth
        self.colorBar = colorBar
        self.colorBarLabel = colorBarLabel
    }
}

/// One single-channel image: `height × width` values in row-major order, top row first.
public struct GrayImage: Sendable, Equatable, Codable {
    /// The values, row-major, top row first; NaN is drawn grey.
    public var pixels: [Double]
    /// Pixels per row.
    public var width: Int
    /// Rows.
    public var height: Int
    /// Shown under the image.
    public var caption: String

    /// - Precondition: `pixels.count == width * height`.
    public init(pixels: [Double], width: Int, height: Int, caption: String = "") {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "GrayImage: \(pixels.count) pixels for \(height) x \(width)")
        self.pixels = pixels
        self.width = width
        self.height = height
        self.caption = caption
    }

    /// An image from a matrix (rank-2 tensor, rows = image rows).
    public init(_ matrix: Tensor, caption: String = "") {
        precondition(matrix.rank == 2, "GrayImage: expected a matrix, got shape \(matrix.shape)")
        self.init(pixels: matrix.scalars, width: matrix.shape[1], height: matrix.shape[0], caption: caption)
    }
}

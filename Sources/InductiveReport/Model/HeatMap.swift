import InductiveTensor

/// A rows × columns grid of values drawn as coloured cells, with a colour bar.
///
/// Use it for kernels K(x_i, x_j) (`.matrix`: row 0 at the top, axes are indices) and
/// for fields such as u(x, t) (`.cartesian` with extents: row 0 at the bottom).
/// Non-finite cells are drawn in light grey and counted in a note.
public struct HeatMap: Sendable, Equatable, Codable {
    /// Which way the rows run.
    public enum Orientation: String, Sendable, Equatable, Codable {
        /// Row 0 at the top, as a matrix is printed.
        case matrix
        /// Row 0 at the bottom, as y grows upwards on a plot.
        case cartesian
    }

    /// The values in row-major order, `rows * columns` of them.
    public var values: [Double]
    /// The number of rows (y direction).
    public var rows: Int
    /// The number of columns (x direction).
    public var columns: Int
    /// Whether row 0 is drawn at the top or at the bottom.
    public var orientation: Orientation
    /// The x coordinates spanned by the columns (first column's left edge to the last
    /// column's right edge); nil labels the columns by index.
    public var xExtent: ClosedRange<Double>?
    /// The y coordinates spanned by the rows; nil labels the rows by index.
    public var yExtent: ClosedRange<Double>?
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// Sequential (`.viridis`) for magnitudes, `.diverging` for signed data.
    public var colorMap: ColorMap
    /// The label beside the colour bar, e.g. `"K(x, x′)"`.
    public var colorBarLabel: String
    /// The values mapped to the ends of the colour map; nil uses the finite data range
    /// (made symmetric about 0 for a diverging map).
    public var valueRange: ClosedRange<Double>?
    /// Square cells (true) or cells stretched to fill the area.
    public var squareCells: Bool

    /// - Precondition: `values.count == rows * columns`.
    public init(
        values: [Double], rows: Int, columns: Int, orientation: Orientation = .matrix,
        xExtent: ClosedRange<Double>? = nil, yExtent: ClosedRange<Double>? = nil,
        xLabel: String = "", yLabel: String = "", colorMap: ColorMap = .viridis,
        colorBarLabel: String = "", valueRange: ClosedRange<Double>? = nil, squareCells: Bool? = nil
    ) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns,
                     "HeatMap: \(values.count) values for \(rows) x \(columns) cells")
        self.values = values
        self.rows = rows
        self.columns = columns
        self.orientation = orientation
        self.xExtent = xExtent
        self.yExtent = yExtent
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorMap = colorMap
        self.colorBarLabel = colorBarLabel
        self.valueRange = valueRange
        self.squareCells = squareCells ?? (orientation == .matrix)
    }

    /// A heat map of a matrix (a rank-2 tensor: rows × columns).
    public init(
        _ matrix: Tensor, orientation: Orientation = .matrix,
        xExtent: ClosedRange<Double>? = nil, yExtent: ClosedRange<Double>? = nil,
        xLabel: String = "", yLabel: String = "", colorMap: ColorMap = .viridis,
        colorBarLabel: String = "", valueRange: ClosedRange<Double>? = nil, squareCells: Bool? = nil
    ) {
        precondition(matrix.rank == 2, "HeatMap: expected a matrix, got shape \(matrix.shape)")
        self.init(
            values: matrix.scalars, rows: matrix.shape[0], columns: matrix.shape[1], orientation: orientation,
            xExtent: xExtent, yExtent: yExtent, xLabel: xLabel, yLabel: yLabel, colorMap: colorMap,
            colorBarLabel: colorBarLabel, valueRange: valueRange, squareCells: squareCells)
    }

    /// The value in row `r`, column `c`.
    public subscript(r: Int, c: Int) -> Double { values[r * columns + c] }
}

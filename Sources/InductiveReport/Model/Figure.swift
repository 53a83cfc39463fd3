/// One figure of an experiment: what the report draws inline, writes as `ID.svg`, and
/// whose data it writes as `ID.csv`.
///
/// ```swift
/// let figure = Figure(
///     id: "error-vs-width", title: "Empirical NTK error vs width",
///     caption: "Mean over 20 seeds; band: ± one standard error.",
///     chart: .plot(Plot(
///         x: Axis("width n", scale: .log), y: Axis("relative error", scale: .log),
///         series: [Series("‖K_emp − K_∞‖ / ‖K_∞‖", x: widths, y: means, band: Band(lower: lo, upper: hi))],
///         referenceLines: [.powerLaw(exponent: -0.5, through: (widths[0], means[0]), label: "n^{−1/2}")])))
/// ```
///
/// Text in titles, labels and legends may use `^{…}` for a superscript and `_{…}` for a
/// subscript; everything else is shown as written (and escaped).
public struct Figure: Sendable, Equatable, Codable {
    /// The file stem, unique within an experiment (`error-vs-width` gives
    /// `error-vs-width.svg` and `error-vs-width.csv`). Characters other than letters,
    /// digits, `.`, `_` and `-` are replaced by `-` in file names.
    public var id: String
    /// Drawn at the top of the chart.
    public var title: String
    /// One or two sentences under the figure in the report (not part of the SVG).
    public var caption: String
    /// What to draw.
    public var chart: Chart
    /// The drawing's size in CSS pixels; nil takes the chart kind's default.
    public var size: Size?

    public init(id: String, title: String, caption: String = "", chart: Chart, size: Size? = nil) {
        self.id = id
        self.title = title
        self.caption = caption
        self.chart = chart
        self.size = size
    }

    /// The file stem used for this figure's files: `id` with unsafe characters replaced.
    public var fileStem: String { FileName.sanitized(id) }
}

/// The kinds of chart a figure can hold.
public enum Chart: Sendable, Equatable, Codable {
    /// Lines, markers and bands on linear or logarithmic axes.
    case plot(Plot)
    /// A grid of values drawn in colour, with a colour bar.
    case heatMap(HeatMap)
    /// Small images in rows and columns, with captions.
    case imageGrid(ImageGrid)
    /// Grouped bars with optional error bars.
    case bars(BarChart)
}

/// A width and height in CSS pixels.
public struct Size: Sendable, Equatable, Codable {
    /// Width in CSS pixels.
    public var width: Double
    /// Height in CSS pixels.
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }
}

/// File names made safe for every file system and for an unescaped relative link.
public enum FileName {
    /// `name` with every character other than ASCII letters, digits, `.`, `_` and `-`
    /// replaced by `-`; a leading `.` becomes `_` (no hidden files); empty becomes `_`.
    public static func sanitized(_ name: String) -> String {
        var out = String(name.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return Character(scalar)
            default: return "-"
            }
        })
        if out.isEmpty { return "_" }
        if out.first == "." { out = "_" + out.dropFirst() }
        return out
    }
}

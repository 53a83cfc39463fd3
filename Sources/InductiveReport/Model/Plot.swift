/// A line / scatter plot: series on two axes, optional reference lines, a legend.
///
/// Points that cannot be drawn (NaN, ±infinity, values <= 0 on a logarithmic axis) are
/// skipped: a line breaks there, and a note under the plot says how many were skipped.
public struct Plot: Sendable, Equatable, Codable {
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// Drawn in order (later series on top); colours follow the palette by position
    /// unless a series names its own.
    public var series: [Series]
    /// Guides such as y = c x^p, thresholds (horizontal) or markers (vertical).
    public var referenceLines: [ReferenceLine]
    /// Where the legend goes; `.automatic` picks the emptiest inside corner, or below the
    /// plot when every corner would cover data.
    public var legend: LegendPlacement

    public init(
        x: Axis, y: Axis, series: [Series], referenceLines: [ReferenceLine] = [],
        legend: LegendPlacement = .automatic
    ) {
        self.xAxis = x
        self.yAxis = y
        self.series = series
        self.referenceLines = referenceLines
        self.legend = legend
    }
}

/// One axis: its label, linear or logarithmic scale, and optional fixed limits or ticks.
public struct Axis: Sendable, Equatable, Codable {
    /// Linear or base-10 logarithmic.
    public enum Scale: String, Sendable, Equatable, Codable {
        case linear
        case log
    }

    /// The label under (x) or beside (y) the axis, e.g. `"width n"`.
    public var label: String
    /// Linear or logarithmic.
    public var scale: Scale
    /// Fixed limits; nil fits the data (with a small margin, and nice round ends on a
    /// linear axis). Data outside fixed limits is clipped.
    public var limits: ClosedRange<Double>?
    /// Fixed tick positions (labelled as plain numbers); nil chooses ticks automatically:
    /// "nice" steps (1, 2, 5 × 10^k) on a linear axis, decades with minor ticks on a log axis.
    public var ticks: [Double]?

    public init(_ label: String, scale: Scale = .linear, limits: ClosedRange<Double>? = nil, ticks: [Double]? = nil) {
        self.label = label
        self.scale = scale
        self.limits = limits
        self.ticks = ticks
    }
}

/// A named sequence of (x, y) points, optionally with a shaded band around it.
public struct Series: Sendable, Equatable, Codable {
    /// How the points are drawn.
    public enum Style: String, Sendable, Equatable, Codable {
        /// A polyline through the points.
        case line
        /// A marker at each point (a scatter plot).
        case markers
        /// Both.
        case lineAndMarkers
    }

    /// Line pattern.
    public enum Dash: String, Sendable, Equatable, Codable {
        case solid
        case dashed
        case dotted
    }

    /// The legend entry (also the CSV column name).
    public var name: String
    /// The x values.
    public var x: [Double]
    /// The y values, one per x value.
    public var y: [Double]
    /// A shaded band, e.g. mean ± standard error over seeds.
    public var band: Band?
    /// Half-lengths of vertical error bars, one per point (drawn from y − e to y + e with
    /// short caps; NaN or nil draws none), e.g. the standard error of a mean over seeds.
    public var errors: [Double]?
    /// Line, markers, or both.
    public var style: Style
    /// Solid, dashed or dotted line.
    public var dash: Dash
    /// nil: the palette colour for the series' position in the plot.
    public var color: Color?
    /// Whether the series gets a legend entry.
    public var inLegend: Bool

    /// - Precondition: `x`, `y` (and the band's arrays) have the same length.
    public init(
        _ name: String, x: [Double], y: [Double], band: Band? = nil, style: Style = .line,
        dash: Dash = .solid, color: Color? = nil, inLegend: Bool = true, errors: [Double]? = nil
    ) {
        precondition(x.count == y.count, "Series '\(name)': \(x.count) x values but \(y.count) y values")
        if let errors { precondition(errors.count == x.count, "Series '\(name)': \(errors.count) errors for \(x.count) points") }
        if let band {
            precondition(
                band.lower.count == x.count && band.upper.count == x.count,
                "Series '\(name)': band of \(band.lower.count)/\(band.upper.count) values for \(x.count) points")
        }
        self.name = name
        self.x = x
        self.y = y
        self.band = band
        self.style = style
        self.dash = dash
        self.color = color
        self.inLegend = inLegend
        self.errors = errors
    }
}

/// The lower and upper edge of a shaded band, one value per point of its series.
public struct Band: Sendable, Equatable, Codable {
    /// The lower edge, one value per point.
    public var lower: [Double]
    /// The upper edge, one value per point.
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count, "Band: \(lower.count) lower but \(upper.count) upper values")
        self.lower = lower
        self.upper = upper
    }

    /// The band mean ± `width` × spread, e.g. `Band(center: mean, spread: standardError)`.
    public init(center: [Double], spread: [Double], width: Double = 1) {
        precondition(center.count == spread.count, "Band: \(center.count) centres but \(spread.count) spreads")
        self.lower = zip(center, spread).map { $0 - width * $1 }
        self.upper = zip(center, spread).map { $0 + width * $1 }
    }
}

/// A guide line drawn dashed in dark grey and listed in the legend.
public struct ReferenceLine: Sendable, Equatable, Codable {
    /// The line's equation.
    public enum Shape: Sendable, Equatable, Codable {
        /// y = coefficient · x^exponent: a straight line of slope `exponent` on log-log axes.
        case powerLaw(coefficient: Double, exponent: Double)
        /// y = intercept + slope · x.
        case straight(intercept: Double, slope: Double)
        /// y = constant (a threshold).
        case horizontal(Double)
        /// x = constant.
        case vertical(Double)
    }

    /// The line's equation.
    public var shape: Shape
    /// The legend entry, e.g. `"n^{−1/2}"` or `"threshold 0.05"`.
    public var label: String

    public init(_ shape: Shape, label: String) {
        self.shape = shape
        self.label = label
    }

    /// y = c x^p with c chosen so that the line passes through `point`
    /// (c = y₀ / x₀^p): the usual way to anchor a slope guide at the first measurement.
    public static func powerLaw(exponent: Double, through point: (x: Double, y: Double), label: String) -> ReferenceLine {
        ReferenceLine(.powerLaw(coefficient: point.y / _pow(point.x, exponent), exponent: exponent), label: label)
    }

    /// y = c x^p.
    public static func powerLaw(coefficient: Double, exponent: Double, label: String) -> ReferenceLine {
        ReferenceLine(.powerLaw(coefficient: coefficient, exponent: exponent), label: label)
    }

    /// y = value.
    public static func horizontal(_ value: Double, label: String) -> ReferenceLine {
        ReferenceLine(.horizontal(value), label: label)
    }

    /// x = value.
    public static func vertical(_ value: Double, label: String) -> ReferenceLine {
        ReferenceLine(.vertical(value), label: label)
    }
}

/// Where a plot's legend goes.
public enum LegendPlacement: String, Sendable, Equatable, Codable {
    /// The inside corner that covers the fewest drawn points, or below the plot.
    case automatic
    case topLeft, topRight, bottomLeft, bottomRight
    /// Below the plot area, entries side by side.
    case below
    /// No legend.
    case hidden
}

/// Grouped bars: one group per category, one bar per series in each group, with optional
/// error bars (e.g. test accuracy per method, mean ± standard error over seeds).
public struct BarChart: Sendable, Equatable, Codable {
    /// The labels along the x axis, one per group.
    public var categories: [String]
    /// Each series has one value per category.
    public var series: [BarSeries]
    /// The value axis (linear; nil limits include 0 and the data with error bars).
    public var valueAxis: Axis
    /// Horizontal lines only (`.horizontal`); other shapes are ignored.
    public var referenceLines: [ReferenceLine]

    public init(categories: [String], series: [BarSeries], valueAxis: Axis, referenceLines: [ReferenceLine] = []) {
        for s in series {
            precondition(s.values.count == categories.count,
                         "BarChart: series '\(s.name)' has \(s.values.count) values for \(categories.count) categories")
        }
        self.categories = categories
        self.series = series
        self.valueAxis = valueAxis
        self.referenceLines = referenceLines
    }
}

/// One bar per category, with an optional symmetric error (drawn as value ± error).
public struct BarSeries: Sendable, Equatable, Codable {
    /// The legend entry (shown when there are several series).
    public var name: String
    /// One value per category; NaN leaves the bar out.
    public var values: [Double]
    /// Half-lengths of the error bars, one per category.
    public var errors: [Double]?
    /// nil: the palette colour for the series' position.
    public var color: Color?

    public init(_ name: String, values: [Double], errors: [Double]? = nil, color: Color? = nil) {
        if let errors {
            precondition(errors.count == values.count, "BarSeries '\(name)': \(errors.count) errors for \(values.count) values")
        }
        self.name = name
        self.values = values
        self.errors = errors
        self.color = color
    }
}

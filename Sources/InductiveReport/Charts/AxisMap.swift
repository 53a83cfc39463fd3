/// Maps data values on one axis to pixel positions.
struct AxisMap {
    let scale: Axis.Scale
    /// The domain in data units.
    let lo: Double
    let hi: Double
    /// Pixel positions of `lo` and `hi` (for y, `start` is the bottom).
    let start: Double
    let end: Double

    /// The value in the axis' coordinate (log10 on a log axis); nil if it cannot be drawn.
    func transform(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if scale == .log {
            guard v > 0 else { return nil }
            return _log10(v)
        }
        return v
    }

    func pixel(_ v: Double) -> Double? {
        guard let t = transform(v), let a = transform(lo), let b = transform(hi), b != a else { return nil }
        return start + (t - a) / (b - a) * (end - start)
    }

    /// The data value at fraction `f` of the axis (0 = start, 1 = end).
    func value(atFraction f: Double) -> Double {
        if scale == .log { return _exp10(_log10(lo) + f * (_log10(hi) - _log10(lo))) }
        return lo + f * (hi - lo)
    }

    /// Whether `v` lies within the domain (with a relative tolerance).
    func contains(_ v: Double) -> Bool {
        guard let t = transform(v), let a = transform(lo), let b = transform(hi) else { return false }
        let slack = abs(b - a) * 1e-9
        return t >= min(a, b) - slack && t <= max(a, b) + slack
    }
}

/// The domain and ticks of one axis, fitted to values already filtered to be drawable.
struct AxisLayout {
    let domain: ClosedRange<Double>
    let ticks: [Tick]

    /// - Parameters:
    ///   - values: drawable data values (finite; positive on a log axis).
    ///   - length: the axis length in pixels (sets the number of ticks).
    ///   - spacing: pixels per label the axis aims for.
    static func fit(_ axis: Axis, values: [Double], length: Double, spacing: Double, notes: inout [String], name: String) -> AxisLayout {
        let count = max(2, min(10, Int(length / spacing)))
        var limits = axis.limits
        if let l = limits, axis.scale == .log, !(l.lowerBound > 0) {
            notes.append("The \(name) axis limits must be positive on a log scale; fitted to the data instead.")
            limits = nil
        }
        if let l = limits, !(l.lowerBound.isFinite && l.upperBound.isFinite) { limits = nil }
        let domain: ClosedRange<Double>
        var ticks: [Tick]
        switch axis.scale {
        case .linear:
            if let l = limits {
                domain = l.lowerBound == l.upperBound ? (l.lowerBound - 1)...(l.upperBound + 1) : l
                ticks = AxisTicks.linear(lo: domain.lowerBound, hi: domain.upperBound, count: count, extend: false).ticks
            } else if let lo = values.min(), let hi = values.max() {
                let fitted = AxisTicks.linear(lo: lo, hi: hi, count: count, extend: true)
                domain = fitted.domain
                ticks = fitted.ticks
            } else {
                domain = 0...1
                ticks = AxisTicks.linear(lo: 0, hi: 1, count: count, extend: false).ticks
            }
        case .log:
            if let l = limits {
                domain = l.lowerBound == l.upperBound ? (l.lowerBound / 10)...(l.upperBound * 10) : l
            } else if let lo = values.min(), let hi = values.max() {
                var a = _log10(lo), b = _log10(hi)
                if b - a < 1e-9 {
                    a -= 0.5
                    b += 0.5
                }
                let pad = 0.04 * (b - a)
                domain = _exp10(a - pad)..._exp10(b + pad)
            } else {
                domain = 1...10
            }
            ticks = AxisTicks.logarithmic(lo: domain.lowerBound, hi: domain.upperBound, maxLabels: count)
            // Minor marks closer than 4 px blur into a bar: drop them.
            let decades = _log10(domain.upperBound) - _log10(domain.lowerBound)
            if decades > 0, length / decades < 40 { ticks = ticks.filter(\.isMajor) }
        }
        if let fixed = axis.ticks {
            let map = AxisMap(scale: axis.scale, lo: domain.lowerBound, hi: domain.upperBound, start: 0, end: 1)
            ticks = AxisTicks.fixed(fixed).filter { map.contains($0.value) }
        }
        return AxisLayout(domain: domain, ticks: ticks)
    }
}

/// Draws axis lines, ticks, tick labels, grid lines and axis labels around a plot area.
struct AxisPainter {
    static let tickFont = 14.0
    static let labelFont = 15.0
    static let gridColor = "#e3e6ea"
    static let minorGridColor = "#f2f3f5"
    static let axisColor = "#6e7781"

    static func drawGrid(_ canvas: inout SVGCanvas, x: AxisMap?, xTicks: [Tick], y: AxisMap?, yTicks: [Tick], area: Rect) {
        if let x {
            for tick in xTicks {
                guard let px = x.pixel(tick.value) else { continue }
                canvas.line(px, area.top, px, area.bottom, stroke: tick.isMajor ? gridColor : minorGridColor)
            }
        }
        if let y {
            for tick in yTicks {
                guard let py = y.pixel(tick.value) else { continue }
                canvas.line(area.left, py, area.right, py, stroke: tick.isMajor ? gridColor : minorGridColor)
            }
        }
    }

    static func drawXAxis(_ canvas: inout SVGCanvas, map: AxisMap, ticks: [Tick], area: Rect, label: String) {
        canvas.line(area.left, area.bottom, area.right, area.bottom, stroke: axisColor)
        for tick in ticks {
            guard let px = map.pixel(tick.value) else { continue }
            canvas.line(px, area.bottom, px, area.bottom + (tick.isMajor ? 5 : 3), stroke: axisColor)
            if !tick.label.isEmpty {
                canvas.text(px, area.bottom + 8 + tickFont, tick.label, size: tickFont, anchor: .middle)
            }
        }
        if !label.isEmpty {
            canvas.text((area.left + area.right) / 2, area.bottom + 8 + tickFont + 10 + labelFont, label, size: labelFont, anchor: .middle)
        }
    }

    static func drawYAxis(_ canvas: inout SVGCanvas, map: AxisMap, ticks: [Tick], area: Rect, label: String, labelX: Double) {
        canvas.line(area.left, area.top, area.left, area.bottom, stroke: axisColor)
        for tick in ticks {
            guard let py = map.pixel(tick.value) else { continue }
            canvas.line(area.left - (tick.isMajor ? 5 : 3), py, area.left, py, stroke: axisColor)
            if !tick.label.isEmpty {
                canvas.text(area.left - 8, py + tickFont * 0.35, tick.label, size: tickFont, anchor: .end)
            }
        }
        if !label.isEmpty {
            let cy = (area.top + area.bottom) / 2
            canvas.text(labelX, cy, label, size: labelFont, anchor: .middle, rotate: -90)
        }
    }

    /// The width of the widest tick label.
    static func labelWidth(_ ticks: [Tick]) -> Double {
        ticks.map { RichText($0.label).width(fontSize: tickFont) }.max() ?? 0
    }

    /// Height below the plot area taken by x tick labels and the x label.
    static func xAxisHeight(label: String) -> Double {
        8 + tickFont + 4 + (label.isEmpty ? 0 : 6 + labelFont + 4)
    }
}

/// An axis-aligned rectangle in pixels.
struct Rect {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    var width: Double { right - left }
    var height: Double { bottom - top }

    func contains(_ x: Double, _ y: Double) -> Bool { x >= left && x <= right && y >= top && y <= bottom }
}

/// Draws a `Plot`: grid, bands, reference lines, series, axes, legend, title and notes.
struct PlotRenderer {
    static let defaultSize = Size(width: 640, height: 420)
    static let referenceColor = "#3b4046"
    static let referenceDashes = ["7 5", "2 4", "11 4 2 4", "4 3"]
    static let lineWidth = 2.25
    static let markerRadius = 4.0
    static let bandOpacity = 0.2
    static let errorBarWidth = 1.5
    /// Half-width of an error bar's caps, in pixels.
    static let errorBarCap = 4.0

    let plot: Plot
    let title: String
    let size: Size

    /// One drawable run of points (a line breaks between runs).
    typealias Run = [(Double, Double)]

    func render(idPrefix: String) -> SVGCanvas {
        var canvas = SVGCanvas(width: size.width, height: size.height, idPrefix: idPrefix)
        var notes = skippedNotes()
        let (xs, ys) = drawableValues()
        if xs.isEmpty || ys.isEmpty { notes.insert("No finite data to draw.", at: 0) }

        let titleLines = ChartText.titleLines(title, width: size.width)
        let top = ChartText.titleHeight(titleLines)
        let entries = legendEntries()
        let xLabel = plot.xAxis.label, yLabel = plot.yAxis.label

        // Axis limits that cannot be used are reported once, before the layout.
        var scratch: [String] = []
        _ = AxisLayout.fit(plot.xAxis, values: xs, length: 400, spacing: 90, notes: &notes, name: "x")
        _ = AxisLayout.fit(plot.yAxis, values: ys, length: 300, spacing: 55, notes: &notes, name: "y")
        let noteLines = ChartText.noteLines(notes, width: size.width)

        // Layout: the area depends on tick labels and the legend, the ticks on the area.
        var placement = entries.isEmpty ? .hidden : plot.legend
        var area = Rect(left: 0, top: 0, right: 0, bottom: 0)
        var xLayout = AxisLayout(domain: 0...1, ticks: []), yLayout = xLayout
        for pass in 0..<2 {
            if pass == 1 { placement = .below }
            let legendBelowHeight = placement == .below ? LegendPainter.belowHeight(entries, width: size.width - 40) : 0
            let bottomSpace = AxisPainter.xAxisHeight(label: xLabel) + legendBelowHeight + ChartText.notesHeight(noteLines) + 6
            let provisional = AxisLayout.fit(plot.yAxis, values: ys, length: size.height - top - bottomSpace, spacing: 55, notes: &scratch, name: "y")
            let left = 12 + (yLabel.isEmpty ? 0 : AxisPainter.labelFont + 12) + AxisPainter.labelWidth(provisional.ticks) + 10
            area = Rect(left: left, top: top, right: size.width - 20, bottom: size.height - bottomSpace)
            yLayout = AxisLayout.fit(plot.yAxis, values: ys, length: area.height, spacing: 55, notes: &scratch, name: "y")
            xLayout = AxisLayout.fit(plot.xAxis, values: xs, length: area.width, spacing: 90, notes: &scratch, name: "x")
            if let last = xLayout.ticks.last(where: \.isMajor) {
                // Keep the last x label inside the drawing.
                let halfLabel = RichText(last.label).width(fontSize: AxisPainter.tickFont) / 2
                let map = AxisMap(scale: plot.xAxis.scale, lo: xLayout.domain.lowerBound, hi: xLayout.domain.upperBound, start: area.left, end: area.right)
                if let px = map.pixel(last.value), px + halfLabel + 6 > size.width { area.right -= px + halfLabel + 6 - size.width }
            }
            guard placement == .automatic else { break }
            // Automatic legend: inside if some corner is free of data, otherwise below.
            let m = maps(area, xLayout, yLayout)
            if let corner = LegendPainter.freeCorner(entries, area: area, obstacles: samplePoints(m.x, m.y)) {
                placement = corner
                break
            }
        }
        let (xMap, yMap) = maps(area, xLayout, yLayout)

        AxisPainter.drawGrid(&canvas, x: xMap, xTicks: xLayout.ticks, y: yMap, yTicks: yLayout.ticks, area: area)
        let clip = canvas.clipRect("plot-area", x: area.left, y: area.top, width: area.width, height: area.height)
        canvas.beginGroup(clip: clip)
        for (i, series) in plot.series.enumerated() where series.band != nil {
            for run in bandRuns(series, xMap, yMap) {
                canvas.polygon(run, fill: color(of: series, at: i).hexString, opacity: PlotRenderer.bandOpacity)
            }
        }
        for (i, line) in plot.referenceLines.enumerated() {
            for run in referenceRuns(line, xMap, yMap) {
                canvas.polyline(run, stroke: PlotRenderer.referenceColor, width: 1.6, dash: PlotRenderer.referenceDashes[i % PlotRenderer.referenceDashes.count])
            }
        }
        for (i, series) in plot.series.enumerated() where series.style != .markers {
            for run in pointRuns(series, xMap, yMap) {
                canvas.polyline(run, stroke: color(of: series, at: i).hexString, width: PlotRenderer.lineWidth, dash: PlotRenderer.dashPattern(series.dash))
            }
        }
        canvas.endGroup()
        // Outside the clip, like the markers, so that a bar at the edge of the plot keeps its caps;
        // only bars at x inside the plot, their ends held inside it (a cap is drawn only at a true end).
        for (i, series) in plot.series.enumerated() where series.errors != nil {
            let stroke = color(of: series, at: i).hexString
            for bar in errorBarRuns(series, xMap, yMap) where bar.x >= area.left - 0.5 && bar.x <= area.right + 0.5 {
                let low = min(bar.low, area.bottom), high = max(bar.high, area.top)
                guard low > high else { continue }
                canvas.line(bar.x, low, bar.x, high, stroke: stroke, width: PlotRenderer.errorBarWidth)
                for (y, end) in [(low, bar.low), (high, bar.high)] where y == end {
                    canvas.line(bar.x - PlotRenderer.errorBarCap, y, bar.x + PlotRenderer.errorBarCap, y, stroke: stroke, width: PlotRenderer.errorBarWidth)
                }
            }
        }
        for (i, series) in plot.series.enumerated() where series.style != .line {
            let fill = color(of: series, at: i).hexString
            for run in pointRuns(series, xMap, yMap, insideOnly: true) {
                for p in run { canvas.marker(MarkerShape.at(i), p.0, p.1, size: PlotRenderer.markerRadius, fill: fill) }
            }
        }
        AxisPainter.drawXAxis(&canvas, map: xMap, ticks: xLayout.ticks, area: area, label: xLabel)
        AxisPainter.drawYAxis(&canvas, map: yMap, ticks: yLayout.ticks, area: area, label: yLabel, labelX: 12 + AxisPainter.labelFont)
        switch placement {
        case .hidden, .automatic: break
        case .below:
            LegendPainter.drawBelow(&canvas, entries, centerX: (area.left + area.right) / 2, top: area.bottom + AxisPainter.xAxisHeight(label: xLabel) + 4, width: size.width - 40)
        default:
            LegendPainter.drawInside(&canvas, entries, corner: placement, area: area)
        }
        ChartText.drawTitle(&canvas, titleLines)
        ChartText.drawNotes(&canvas, noteLines)
        return canvas
    }

    func maps(_ area: Rect, _ x: AxisLayout, _ y: AxisLayout) -> (x: AxisMap, y: AxisMap) {
        (AxisMap(scale: plot.xAxis.scale, lo: x.domain.lowerBound, hi: x.domain.upperBound, start: area.left, end: area.right),
         AxisMap(scale: plot.yAxis.scale, lo: y.domain.lowerBound, hi: y.domain.upperBound, start: area.bottom, end: area.top))
    }

    func color(of series: Series, at index: Int) -> Color { series.color ?? Palette.color(at: index) }

    static func dashPattern(_ dash: Series.Dash) -> String? {
        switch dash {
        case .solid: nil
        case .dashed: "8 5"
        case .dotted: "1.5 4.5"
        }
    }

    // MARK: Data

    private func drawable(_ v: Double, log: Bool) -> Bool { v.isFinite && (!log || v > 0) }

    /// The data values that set the axis domains.
    func drawableValues() -> (xs: [Double], ys: [Double]) {
        let xLog = plot.xAxis.scale == .log, yLog = plot.yAxis.scale == .log
        var xs: [Double] = [], ys: [Double] = []
        for series in plot.series {
            for j in 0..<min(series.x.count, series.y.count) where drawable(series.x[j], log: xLog) {
                if drawable(series.y[j], log: yLog) {
                    xs.append(series.x[j])
                    ys.append(series.y[j])
                }
                if let errors = series.errors, j < errors.count, drawable(series.y[j], log: yLog), errors[j].isFinite {
                    ys += [series.y[j] - errors[j], series.y[j] + errors[j]].filter { drawable($0, log: yLog) }
                }
                if let band = series.band, j < band.lower.count, j < band.upper.count {
                    let b = [band.lower[j], band.upper[j]].filter { drawable($0, log: yLog) }
                    if !b.isEmpty { xs.append(series.x[j]) }
                    ys += b
                }
            }
        }
        for line in plot.referenceLines {
            switch line.shape {
            case .horizontal(let v): if drawable(v, log: yLog) { ys.append(v) }
            case .vertical(let v): if drawable(v, log: xLog) { xs.append(v) }
            default: break
            }
        }
        return (xs, ys)
    }

    /// One note per kind of value that could not be drawn.
    func skippedNotes() -> [String] {
        let xLog = plot.xAxis.scale == .log, yLog = plot.yAxis.scale == .log
        var nonFinite = 0, nonPositive = 0, bandNonFinite = 0, bandClamped = 0, nonPositiveLines = 0
        var nonFiniteNames: [String] = [], nonPositiveNames: [String] = []
        for series in plot.series {
            var nf = 0, np = 0
            for j in 0..<min(series.x.count, series.y.count) {
                let x = series.x[j], y = series.y[j]
                if !x.isFinite || !y.isFinite { nf += 1 } else if (xLog && x <= 0) || (yLog && y <= 0) { np += 1 }
                // A band edge missing where the point itself is missing is the same gap.
                if let band = series.band, j < band.lower.count, j < band.upper.count, x.isFinite, y.isFinite {
                    if !band.lower[j].isFinite || !band.upper[j].isFinite {
                        bandNonFinite += 1
                    } else if yLog && band.lower[j] <= 0 && band.upper[j] > 0 {
                        bandClamped += 1
                    }
                }
            }
            if nf > 0 { nonFiniteNames.append(series.name) }
            if np > 0 { nonPositiveNames.append(series.name) }
            nonFinite += nf
            nonPositive += np
        }
        for line in plot.referenceLines {
            switch line.shape {
            case .horizontal(let v): if !drawable(v, log: yLog) { nonPositiveLines += 1 }
            case .vertical(let v): if !drawable(v, log: xLog) { nonPositiveLines += 1 }
            case .powerLaw(let a, let b), .straight(let a, let b): if !a.isFinite || !b.isFinite { nonPositiveLines += 1 }
            }
        }
        var notes: [String] = []
        if nonFinite > 0 {
            notes.append("Not drawn: \(ChartText.count(nonFinite, "NaN or infinite point")) (\(ChartText.names(nonFiniteNames))); lines break there.")
        }
        if nonPositive > 0 {
            let axes = [xLog ? "x" : nil, yLog ? "y" : nil].compactMap { $0 }.joined(separator: "/")
            notes.append("Not drawn: \(ChartText.count(nonPositive, "point")) ≤ 0 on the log \(axes) axis (\(ChartText.names(nonPositiveNames))).")
        }
        if bandNonFinite > 0 { notes.append("Band gaps: \(ChartText.count(bandNonFinite, "NaN or infinite band edge")).") }
        if bandClamped > 0 { notes.append("\(ChartText.count(bandClamped, "band lower edge")) ≤ 0 drawn to the bottom of the log axis.") }
        if nonPositiveLines > 0 { notes.append("Not drawn: \(ChartText.count(nonPositiveLines, "reference line")) outside what the axis can show.") }
        return notes
    }

    /// The series' points in pixels, split where a point cannot be drawn.
    func pointRuns(_ series: Series, _ x: AxisMap, _ y: AxisMap, insideOnly: Bool = false) -> [Run] {
        var runs: [Run] = [], run: Run = []
        for j in 0..<min(series.x.count, series.y.count) {
            let inside = !insideOnly || (x.contains(series.x[j]) && y.contains(series.y[j]))
            if inside, let px = x.pixel(series.x[j]), let py = y.pixel(series.y[j]) {
                run.append((px, py))
            } else if !run.isEmpty {
                runs.append(run)
                run = []
            }
        }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    /// The band as closed polygons (upper edge forward, lower edge back), split at gaps.
    /// On a log axis a lower edge <= 0 is drawn at the bottom of the plot.
    func bandRuns(_ series: Series, _ x: AxisMap, _ y: AxisMap) -> [Run] {
        guard let band = series.band else { return [] }
        var polygons: [Run] = [], upper: Run = [], lower: Run = []
        func flush() {
            if upper.count >= 2 { polygons.append(upper + lower.reversed()) }
            upper = []
            lower = []
        }
        let bottom = y.start + 2
        for j in 0..<min(series.x.count, band.lower.count, band.upper.count) {
            guard let px = x.pixel(series.x[j]), let pu = y.pixel(band.upper[j]), band.lower[j].isFinite else {
                flush()
                continue
            }
            let pl = y.pixel(band.lower[j]) ?? bottom
            upper.append((px, pu))
            lower.append((px, pl))
        }
        flush()
        return polygons
    }

    /// The error bars in pixels: x, and the pixel rows of y − e and y + e (on a log axis a
    /// lower end <= 0 is drawn at the bottom of the plot). Points or errors that cannot be
    /// drawn have no bar.
    func errorBarRuns(_ series: Series, _ x: AxisMap, _ y: AxisMap) -> [(x: Double, low: Double, high: Double)] {
        guard let errors = series.errors else { return [] }
        var bars: [(x: Double, low: Double, high: Double)] = []
        for j in 0..<min(series.x.count, series.y.count, errors.count) where errors[j].isFinite && errors[j] > 0 {
            guard let px = x.pixel(series.x[j]), y.pixel(series.y[j]) != nil,
                  let high = y.pixel(series.y[j] + errors[j]) else { continue }
            bars.append((px, y.pixel(series.y[j] - errors[j]) ?? y.start + 2, high))
        }
        return bars
    }

    /// A reference line sampled across the plot, split where it cannot be drawn.
    func referenceRuns(_ line: ReferenceLine, _ x: AxisMap, _ y: AxisMap) -> [Run] {
        switch line.shape {
        case .horizontal(let v):
            guard let py = y.pixel(v) else { return [] }
            return [[(x.start, py), (x.end, py)]]
        case .vertical(let v):
            guard let px = x.pixel(v) else { return [] }
            return [[(px, y.start), (px, y.end)]]
        case .powerLaw, .straight:
            let f: (Double) -> Double
            if case .powerLaw(let c, let p) = line.shape { f = { c * _pow($0, p) } } else if case .straight(let a, let b) = line.shape { f = { a + b * $0 } } else { f = { $0 } }
            // A power law is straight on log-log axes; other combinations need samples.
            let straight = (x.scale == .log && y.scale == .log && { if case .powerLaw = line.shape { return true }; return false }())
                || (x.scale == .linear && y.scale == .linear && { if case .straight = line.shape { return true }; return false }())
            let samples = straight ? 1 : 160
            var runs: [Run] = [], run: Run = []
            for i in 0...samples {
                let xv = x.value(atFraction: Double(i) / Double(samples))
                if let px = x.pixel(xv), let py = y.pixel(f(xv)), abs(py) < 1e6 {
                    run.append((px, py))
                } else if !run.isEmpty {
                    runs.append(run)
                    run = []
                }
            }
            if !run.isEmpty { runs.append(run) }
            return runs.filter { $0.count >= 2 }
        }
    }

    /// Points along everything drawn, for finding a free corner for the legend.
    func samplePoints(_ x: AxisMap, _ y: AxisMap) -> [(Double, Double)] {
        var runs: [Run] = []
        for series in plot.series {
            runs += pointRuns(series, x, y)
            if let band = series.band {
                runs += pointRuns(Series("", x: series.x, y: band.lower), x, y)
                runs += pointRuns(Series("", x: series.x, y: band.upper), x, y)
            }
            for bar in errorBarRuns(series, x, y) { runs.append([(bar.x, bar.low), (bar.x, bar.high)]) }
        }
        for line in plot.referenceLines { runs += referenceRuns(line, x, y) }
        var points: [(Double, Double)] = []
        for run in runs {
            points.append(run[0])
            for (a, b) in zip(run, run.dropFirst()) {
                let steps = max(1, min(200, Int((abs(b.0 - a.0) + abs(b.1 - a.1)) / 5)))
                for s in 1...steps {
                    let t = Double(s) / Double(steps)
                    points.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
                }
            }
        }
        return points
    }

    // MARK: Legend

    func legendEntries() -> [LegendEntry] {
        var entries: [LegendEntry] = []
        for (i, series) in plot.series.enumerated() where series.inLegend && !series.name.isEmpty {
            entries.append(LegendEntry(
                label: series.name, color: color(of: series, at: i).hexString,
                line: series.style != .markers, dash: PlotRenderer.dashPattern(series.dash),
                marker: series.style != .line ? MarkerShape.at(i) : nil, band: series.band != nil))
        }
        for (i, line) in plot.referenceLines.enumerated() where !line.label.isEmpty {
            entries.append(LegendEntry(
                label: line.label, color: PlotRenderer.referenceColor, line: true,
                dash: PlotRenderer.referenceDashes[i % PlotRenderer.referenceDashes.count], marker: nil, band: false, lineWidth: 1.6))
        }
        return entries
    }
}

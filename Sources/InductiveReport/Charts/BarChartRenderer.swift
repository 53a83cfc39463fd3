/// Draws a `BarChart`: grouped bars from zero, error bars, category labels, legend.
struct BarChartRenderer {
    static let defaultSize = Size(width: 640, height: 400)

    let chart: BarChart
    let title: String
    let size: Size

    func color(_ index: Int) -> Color { chart.series[index].color ?? Palette.color(at: index) }

    func render(idPrefix: String) -> SVGCanvas {
        var canvas = SVGCanvas(width: size.width, height: size.height, idPrefix: idPrefix)
        var notes: [String] = []
        var values: [Double] = [0]
        var skipped = 0, skippedErrors = 0
        for s in chart.series {
            for (j, v) in s.values.enumerated() {
                guard v.isFinite else {
                    skipped += 1
                    continue
                }
                values.append(v)
                if let e = s.errors?[j] {
                    if e.isFinite { values += [v - abs(e), v + abs(e)] } else { skippedErrors += 1 }
                }
            }
        }
        let lines = chart.referenceLines.compactMap { line -> (Double, String)? in
            if case .horizontal(let v) = line.shape, v.isFinite { return (v, line.label) }
            return nil
        }
        values += lines.map(\.0)
        if skipped > 0 { notes.append("Not drawn: \(ChartText.count(skipped, "bar")) whose value is NaN or infinite.") }
        if skippedErrors > 0 { notes.append("Not drawn: \(ChartText.count(skippedErrors, "error bar")) that are NaN or infinite.") }
        if chart.categories.isEmpty { notes.append("No data to draw.") }
        var axis = chart.valueAxis
        if axis.scale == .log {
            notes.append("Bars are drawn on a linear axis (a bar's length from 0 has no meaning on a log axis).")
            axis.scale = .linear
        }

        let entries: [LegendEntry] =
            (chart.series.count > 1 ? chart.series.enumerated().map { LegendEntry(label: $0.element.name, color: color($0.offset).hexString, line: false, dash: nil, marker: nil, band: false, solid: true) } : [])
            + lines.enumerated().filter { !$0.element.1.isEmpty }.map {
                LegendEntry(label: $0.element.1, color: PlotRenderer.referenceColor, line: true, dash: PlotRenderer.referenceDashes[$0.offset % PlotRenderer.referenceDashes.count], marker: nil, band: false, lineWidth: 1.6)
            }
        let titleLines = ChartText.titleLines(title, width: size.width)
        let noteLines = ChartText.noteLines(notes, width: size.width)
        let top = ChartText.titleHeight(titleLines)
        let n = max(1, chart.categories.count)
        // Category labels wrap to their slot; the tallest sets the space under the axis.
        let provisionalSlot = (size.width - 100) / Double(n)
        let labelLines = chart.categories.map { Array(TextMetrics.wrap($0, maxWidth: provisionalSlot - 6, fontSize: AxisPainter.tickFont).prefix(3)) }
        let labelHeight = Double(labelLines.map(\.count).max() ?? 1) * (AxisPainter.tickFont + 3)
        let legendHeight = LegendPainter.belowHeight(entries, width: size.width - 40)
        let bottomSpace = 8 + labelHeight + 6 + legendHeight + ChartText.notesHeight(noteLines) + 4
        var scratch: [String] = []
        let bottom = size.height - bottomSpace
        let layout = AxisLayout.fit(axis, values: values, length: bottom - top, spacing: 55, notes: &scratch, name: "value")
        let left = 12 + (axis.label.isEmpty ? 0 : AxisPainter.labelFont + 12) + AxisPainter.labelWidth(layout.ticks) + 10
        let area = Rect(left: left, top: top, right: size.width - 16, bottom: bottom)
        let yMap = AxisMap(scale: .linear, lo: layout.domain.lowerBound, hi: layout.domain.upperBound, start: area.bottom, end: area.top)

        AxisPainter.drawGrid(&canvas, x: nil, xTicks: [], y: yMap, yTicks: layout.ticks, area: area)
        let clip = canvas.clipRect("plot-area", x: area.left, y: area.top, width: area.width, height: area.height)
        canvas.beginGroup(clip: clip)
        let slot = area.width / Double(n)
        let groupWidth = slot * 0.74
        let barWidth = groupWidth / Double(max(1, chart.series.count))
        let zero = yMap.pixel(0) ?? area.bottom
        for (i, s) in chart.series.enumerated() {
            let fill = color(i).hexString
            for (j, v) in s.values.enumerated() {
                guard let py = yMap.pixel(v) else { continue }
                let x = area.left + Double(j) * slot + (slot - groupWidth) / 2 + Double(i) * barWidth
                canvas.rect(x + 1, min(py, zero), barWidth - 2, abs(zero - py), fill: fill)
            }
        }
        for (k, line) in lines.enumerated() {
            if let py = yMap.pixel(line.0) {
                canvas.line(area.left, py, area.right, py, stroke: PlotRenderer.referenceColor, width: 1.6, dash: PlotRenderer.referenceDashes[k % PlotRenderer.referenceDashes.count])
            }
        }
        for (i, s) in chart.series.enumerated() {
            guard let errors = s.errors else { continue }
            for (j, v) in s.values.enumerated() where v.isFinite && errors[j].isFinite {
                guard let lo = yMap.pixel(v - abs(errors[j])), let hi = yMap.pixel(v + abs(errors[j])) else { continue }
                let cx = area.left + Double(j) * slot + (slot - groupWidth) / 2 + (Double(i) + 0.5) * barWidth
                let cap = min(12, barWidth * 0.35)
                canvas.line(cx, lo, cx, hi, stroke: "#24292f", width: 1.5)
                canvas.line(cx - cap / 2, lo, cx + cap / 2, lo, stroke: "#24292f", width: 1.5)
                canvas.line(cx - cap / 2, hi, cx + cap / 2, hi, stroke: "#24292f", width: 1.5)
            }
        }
        canvas.endGroup()
        if zero > area.top && zero < area.bottom { canvas.line(area.left, zero, area.right, zero, stroke: AxisPainter.axisColor) }
        canvas.line(area.left, area.bottom, area.right, area.bottom, stroke: AxisPainter.axisColor)
        AxisPainter.drawYAxis(&canvas, map: yMap, ticks: layout.ticks, area: area, label: axis.label, labelX: 12 + AxisPainter.labelFont)
        for (j, label) in labelLines.enumerated() {
            let cx = area.left + (Double(j) + 0.5) * slot
            for (k, line) in label.enumerated() {
                canvas.text(cx, area.bottom + 8 + AxisPainter.tickFont + Double(k) * (AxisPainter.tickFont + 3), line, size: AxisPainter.tickFont, anchor: .middle)
            }
        }
        if !entries.isEmpty {
            LegendPainter.drawBelow(&canvas, entries, centerX: (area.left + area.right) / 2, top: area.bottom + 8 + labelHeight + 4, width: size.width - 40)
        }
        ChartText.drawTitle(&canvas, titleLines)
        ChartText.drawNotes(&canvas, noteLines)
        return canvas
    }
}

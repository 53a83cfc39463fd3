/// Draws a `HeatMap`: the cells as a crisp raster, axes, a colour bar, title and notes.
struct HeatMapRenderer {
    static let defaultSquareSize = Size(width: 560, height: 480)
    static let defaultSize = Size(width: 640, height: 420)

    let heatMap: HeatMap
    let title: String
    let size: Size

    func render(idPrefix: String) -> SVGCanvas {
        let h = heatMap
        var canvas = SVGCanvas(width: size.width, height: size.height, idPrefix: idPrefix)
        var notes: [String] = []
        let nonFinite = h.values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        if h.rows == 0 || h.columns == 0 {
            notes.append("No data to draw.")
        } else if nonFinite == h.values.count {
            notes.append("No finite value: every cell is NaN or infinite (grey).")
        } else if nonFinite > 0 {
            notes.append("\(ChartText.count(nonFinite, "cell")) NaN or infinite, drawn in grey.")
        }
        let range = Raster.range(of: h.values, fixed: h.valueRange, diverging: h.colorMap.isDiverging)

        let titleLines = ChartText.titleLines(title, width: size.width)
        let noteLines = ChartText.noteLines(notes, width: size.width)
        let top = ChartText.titleHeight(titleLines)
        let bottom = size.height - AxisPainter.xAxisHeight(label: h.xLabel) - ChartText.notesHeight(noteLines) - 6
        let (xAxis, yAxis) = axes()
        let yTicks = ticks(for: yAxis, length: bottom - top, spacing: 50)
        let left = 12 + (h.yLabel.isEmpty ? 0 : AxisPainter.labelFont + 12) + AxisPainter.labelWidth(yTicks) + 10
        let barWidth = ColorBarPainter.verticalWidth(range: range, length: bottom - top, label: h.colorBarLabel)
        var area = Rect(left: left, top: top, right: size.width - barWidth, bottom: bottom)
        if h.squareCells && h.rows > 0 && h.columns > 0 {
            let cell = min(area.width / Double(h.columns), area.height / Double(h.rows))
            let w = cell * Double(h.columns), ht = cell * Double(h.rows)
            area.left += (area.width - w) / 2
            area.right = area.left + w
            area.bottom = area.top + ht
        }
        let xMap = AxisMap(scale: .linear, lo: xAxis.lowerBound, hi: xAxis.upperBound, start: area.left, end: area.right)
        // Matrix: row 0 (the lower end of the y range) at the top; cartesian: at the bottom.
        let yMap = h.orientation == .matrix
            ? AxisMap(scale: .linear, lo: yAxis.lowerBound, hi: yAxis.upperBound, start: area.top, end: area.bottom)
            : AxisMap(scale: .linear, lo: yAxis.lowerBound, hi: yAxis.upperBound, start: area.bottom, end: area.top)

        if h.rows > 0 && h.columns > 0 {
            let raster = Raster(values: h.values, width: h.columns, height: h.rows, map: h.colorMap, range: range, flipRows: h.orientation == .cartesian)
            canvas.raw(raster.svgImage(x: area.left, y: area.top, width: area.width, height: area.height))
        }
        canvas.rect(area.left, area.top, area.width, area.height, fill: "none", stroke: AxisPainter.axisColor, strokeWidth: 0.8)
        let xTicks = ticks(for: xAxis, length: area.width, spacing: 80, isX: true)
        drawTicks(&canvas, xMap: xMap, xTicks: xTicks, yMap: yMap, yTicks: ticks(for: yAxis, length: area.height, spacing: 50), area: area)
        ColorBarPainter.drawVertical(&canvas, map: h.colorMap, range: range, x: area.right + 18, top: area.top, bottom: area.bottom, label: h.colorBarLabel)
        ChartText.drawTitle(&canvas, titleLines)
        ChartText.drawNotes(&canvas, noteLines)
        return canvas
    }

    /// The coordinate ranges of the axes: the extents, or cell edges 0…n for indices.
    private func axes() -> (ClosedRange<Double>, ClosedRange<Double>) {
        func valid(_ r: ClosedRange<Double>?) -> ClosedRange<Double>? {
            guard let r, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound else { return nil }
            return r
        }
        return (valid(heatMap.xExtent) ?? 0...Double(max(1, heatMap.columns)),
                valid(heatMap.yExtent) ?? 0...Double(max(1, heatMap.rows)))
    }

    /// Ticks along an axis: nice values within an extent, or integer indices at cell centres.
    private func ticks(for range: ClosedRange<Double>, length: Double, spacing: Double, isX: Bool = false) -> [Tick] {
        let extent = isX ? heatMap.xExtent : heatMap.yExtent
        let count = max(2, min(10, Int(length / spacing)))
        if extent != nil {
            return AxisTicks.linear(lo: range.lowerBound, hi: range.upperBound, count: count, extend: false).ticks
        }
        let n = Int(range.upperBound)
        let step = max(1, Int(AxisTicks.niceStep(span: Double(n), count: count).rounded()))
        return stride(from: 0, to: n, by: step).map { Tick(value: Double($0) + 0.5, label: String($0), isMajor: true) }
    }

    private func drawTicks(_ canvas: inout SVGCanvas, xMap: AxisMap, xTicks: [Tick], yMap: AxisMap, yTicks: [Tick], area: Rect) {
        let font = AxisPainter.tickFont
        for tick in xTicks {
            guard let px = xMap.pixel(tick.value) else { continue }
            canvas.line(px, area.bottom, px, area.bottom + 5, stroke: AxisPainter.axisColor)
            canvas.text(px, area.bottom + 8 + font, tick.label, size: font, anchor: .middle)
        }
        for tick in yTicks {
            guard let py = yMap.pixel(tick.value) else { continue }
            canvas.line(area.left - 5, py, area.left, py, stroke: AxisPainter.axisColor)
            canvas.text(area.left - 8, py + font * 0.35, tick.label, size: font, anchor: .end)
        }
        if !heatMap.xLabel.isEmpty {
            canvas.text((area.left + area.right) / 2, area.bottom + 8 + font + 10 + AxisPainter.labelFont, heatMap.xLabel, size: AxisPainter.labelFont, anchor: .middle)
        }
        if !heatMap.yLabel.isEmpty {
            let labelX = area.left - 8 - AxisPainter.labelWidth(yTicks) - 14
            canvas.text(labelX, (area.top + area.bottom) / 2, heatMap.yLabel, size: AxisPainter.labelFont, anchor: .middle, rotate: -90)
        }
    }
}

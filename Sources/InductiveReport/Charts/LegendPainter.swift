/// One legend row: a swatch (band, line, marker) and a label.
struct LegendEntry {
    var label: String
    var color: String
    var line: Bool
    var dash: String?
    var marker: MarkerShape?
    var band: Bool
    var lineWidth: Double = PlotRenderer.lineWidth
    /// A solid block (bar charts) instead of a translucent band.
    var solid: Bool = false
}

/// Legends inside a corner of the plot area or in rows below it.
enum LegendPainter {
    static let font = 14.0
    static let rowHeight = 21.0
    static let swatch = 30.0
    static let padding = 8.0

    static func boxSize(_ entries: [LegendEntry]) -> (width: Double, height: Double) {
        let text = entries.map { RichText($0.label).width(fontSize: font) }.max() ?? 0
        return (padding + swatch + 8 + text + padding + 2, padding * 2 + Double(entries.count) * rowHeight - 4)
    }

    static func boxRect(_ entries: [LegendEntry], corner: LegendPlacement, area: Rect) -> Rect {
        let (w, h) = boxSize(entries)
        let inset = 8.0
        let left = corner == .topLeft || corner == .bottomLeft ? area.left + inset : area.right - inset - w
        let top = corner == .topLeft || corner == .topRight ? area.top + inset : area.bottom - inset - h
        return Rect(left: left, top: top, right: left + w, bottom: top + h)
    }

    /// The first corner (top right, top left, bottom right, bottom left) whose legend box
    /// covers none of `obstacles`, if the box fits in the area at all.
    static func freeCorner(_ entries: [LegendEntry], area: Rect, obstacles: [(Double, Double)]) -> LegendPlacement? {
        let (w, h) = boxSize(entries)
        guard w <= area.width * 0.6, h <= area.height * 0.6 else { return nil }
        for corner in [LegendPlacement.topRight, .topLeft, .bottomRight, .bottomLeft] {
            let r = boxRect(entries, corner: corner, area: area)
            let grown = Rect(left: r.left - 4, top: r.top - 4, right: r.right + 4, bottom: r.bottom + 4)
            if !obstacles.contains(where: { grown.contains($0.0, $0.1) }) { return corner }
        }
        return nil
    }

    static func drawInside(_ canvas: inout SVGCanvas, _ entries: [LegendEntry], corner: LegendPlacement, area: Rect) {
        let r = boxRect(entries, corner: corner, area: area)
        canvas.rect(r.left, r.top, r.width, r.height, fill: "#ffffff", stroke: "#d0d7de", opacity: 0.92, extra: "rx=\"4\"")
        for (i, entry) in entries.enumerated() {
            let cy = r.top + padding + Double(i) * rowHeight + rowHeight / 2 - 2
            drawEntry(&canvas, entry, x: r.left + padding, cy: cy)
        }
    }

    /// Rows of entries below the plot, each row centred on `centerX`.
    static func drawBelow(_ canvas: inout SVGCanvas, _ entries: [LegendEntry], centerX: Double, top: Double, width: Double) {
        for (i, row) in rows(entries, width: width).enumerated() {
            let total = row.map { itemWidth($0) }.reduce(0, +) - 18
            var x = centerX - total / 2
            let cy = top + Double(i) * rowHeight + rowHeight / 2
            for entry in row {
                drawEntry(&canvas, entry, x: x, cy: cy)
                x += itemWidth(entry)
            }
        }
    }

    static func belowHeight(_ entries: [LegendEntry], width: Double) -> Double {
        entries.isEmpty ? 0 : Double(rows(entries, width: width).count) * rowHeight + 6
    }

    private static func itemWidth(_ entry: LegendEntry) -> Double {
        swatch + 8 + RichText(entry.label).width(fontSize: font) + 18
    }

    private static func rows(_ entries: [LegendEntry], width: Double) -> [[LegendEntry]] {
        var rows: [[LegendEntry]] = [], row: [LegendEntry] = [], used = 0.0
        for entry in entries {
            let w = itemWidth(entry)
            if !row.isEmpty && used + w - 18 > width {
                rows.append(row)
                row = []
                used = 0
            }
            row.append(entry)
            used += w
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }

    private static func drawEntry(_ canvas: inout SVGCanvas, _ entry: LegendEntry, x: Double, cy: Double) {
        if entry.solid {
            canvas.rect(x + 6, cy - 7, swatch - 12, 14, fill: entry.color)
        } else if entry.band {
            canvas.rect(x, cy - 7, swatch, 14, fill: entry.color, opacity: PlotRenderer.bandOpacity)
        }
        if entry.line { canvas.line(x + 1, cy, x + swatch - 1, cy, stroke: entry.color, width: entry.lineWidth, dash: entry.dash) }
        if let marker = entry.marker { canvas.marker(marker, x + swatch / 2, cy, size: PlotRenderer.markerRadius, fill: entry.color) }
        canvas.text(x + swatch + 8, cy + font * 0.35, entry.label, size: font)
    }
}

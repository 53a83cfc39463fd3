/// Draws an `ImageGrid`: tiles with thin frames and captions, an optional colour bar.
struct ImageGridRenderer {
    static let gap = 18.0
    static let captionFont = 13.0
    static let margin = 16.0

    let grid: ImageGrid
    let title: String
    /// A requested width (the tiles are scaled to fit it), or nil for the natural size.
    let requestedWidth: Double?

    var columns: Int {
        let n = grid.images.count
        if let c = grid.columns, c > 0 { return min(c, max(1, n)) }
        guard n > 1 else { return 1 }
        // The column count between √n and 8 that leaves the fewest empty slots.
        let lowest = Int(Double(n).squareRoot().rounded(.up))
        var best = lowest, bestEmpty = Int.max
        for c in lowest...max(lowest, min(8, n)) {
            let empty = ((n + c - 1) / c) * c - n
            if empty < bestEmpty {
                best = c
                bestEmpty = empty
            }
        }
        return best
    }

    var tileWidth: Double {
        let c = Double(columns)
        if let w = requestedWidth { return max(16, (w - 2 * ImageGridRenderer.margin - (c - 1) * ImageGridRenderer.gap) / c) }
        return max(16, grid.tileWidth)
    }

    func render(idPrefix: String) -> SVGCanvas {
        let images = grid.images
        let c = columns, tile = tileWidth, gap = ImageGridRenderer.gap
        let rows = (images.count + c - 1) / c
        let gridWidth = Double(c) * tile + Double(c - 1) * gap
        let width = max(requestedWidth ?? 0, gridWidth + 2 * ImageGridRenderer.margin, 320)

        var notes: [String] = []
        let nonFinite = images.reduce(0) { $0 + $1.pixels.reduce(0) { $0 + ($1.isFinite ? 0 : 1) } }
        if images.isEmpty { notes.append("No images to draw.") }
        if nonFinite > 0 { notes.append("\(ChartText.count(nonFinite, "pixel")) NaN or infinite, drawn in grey.") }
        let shared = Raster.range(of: images.flatMap(\.pixels), fixed: nil, diverging: grid.colorMap.isDiverging)
        let showBar = grid.colorBar && grid.scaling == .shared && !images.isEmpty

        let titleLines = ChartText.titleLines(title, width: width)
        let noteLines = ChartText.noteLines(notes, width: width)
        let captions = images.map { TextMetrics.wrap($0.caption, maxWidth: tile + 8, fontSize: ImageGridRenderer.captionFont).prefix(2) }
        let captionHeight = Double(captions.map(\.count).max() ?? 0) * (ImageGridRenderer.captionFont + 3)
        // Row heights follow the tallest image in the row.
        var rowHeights: [Double] = []
        for r in 0..<rows {
            let slice = images[(r * c)..<min(images.count, (r + 1) * c)]
            rowHeights.append(slice.map { $0.width > 0 ? tile * Double($0.height) / Double($0.width) : tile }.max() ?? tile)
        }
        let top = ChartText.titleHeight(titleLines)
        let barHeight = showBar ? 10 + ColorBarPainter.horizontalHeight + (grid.colorBarLabel.isEmpty ? 0 : AxisPainter.labelFont + 6) : 0
        let gridHeight = rowHeights.reduce(0, +) + Double(rows) * (captionHeight + 4) + Double(max(0, rows - 1)) * gap
        let height = top + gridHeight + barHeight + 12 + ChartText.notesHeight(noteLines)

        var canvas = SVGCanvas(width: width, height: height, idPrefix: idPrefix)
        let left = (width - gridWidth) / 2
        var y = top
        for r in 0..<rows {
            for k in 0..<c where r * c + k < images.count {
                let index = r * c + k
                let image = images[index]
                let x = left + Double(k) * (tile + gap)
                let h = image.width > 0 ? tile * Double(image.height) / Double(image.width) : tile
                let iy = y + (rowHeights[r] - h) / 2
                if image.width > 0 && image.height > 0 {
                    let range = grid.scaling == .shared ? shared : Raster.range(of: image.pixels, fixed: nil, diverging: grid.colorMap.isDiverging)
                    let raster = Raster(values: image.pixels, width: image.width, height: image.height, map: grid.colorMap, range: range)
                    canvas.raw(raster.svgImage(x: x, y: iy, width: tile, height: h))
                }
                canvas.rect(x, iy, tile, h, fill: "none", stroke: "#afb8c1", strokeWidth: 0.8)
                for (line, text) in captions[index].enumerated() {
                    canvas.text(x + tile / 2, y + rowHeights[r] + 3 + ImageGridRenderer.captionFont + Double(line) * (ImageGridRenderer.captionFont + 3),
                                text, size: ImageGridRenderer.captionFont, anchor: .middle, fill: SVGCanvas.mutedColor)
                }
            }
            y += rowHeights[r] + captionHeight + 4 + gap
        }
        if showBar {
            let barWidth = min(320, max(160, gridWidth))
            ColorBarPainter.drawHorizontal(&canvas, map: grid.colorMap, range: shared, left: (width - barWidth) / 2, right: (width + barWidth) / 2,
                                           top: y - gap + 10, label: grid.colorBarLabel)
        }
        ChartText.drawTitle(&canvas, titleLines)
        ChartText.drawNotes(&canvas, noteLines)
        return canvas
    }
}

extension Figure {
    /// The figure as an SVG document.
    ///
    /// - Parameters:
    ///   - standalone: true for a `.svg` file (declares the SVG namespace); false for
    ///     inline use in HTML, where the namespace is implied.
    ///   - idPrefix: prefix of the element ids (clip paths) in the drawing; it must differ
    ///     between drawings placed in one HTML page. nil derives it from `id`.
    /// - Returns: well-formed SVG; the same figure always gives the same bytes.
    public func svg(standalone: Bool = true, idPrefix: String? = nil) -> String {
        let prefix = (idPrefix ?? "f-" + fileStem) + "-"
        let canvas: SVGCanvas
        switch chart {
        case .plot(let plot):
            canvas = PlotRenderer(plot: plot, title: title, size: size ?? PlotRenderer.defaultSize).render(idPrefix: prefix)
        case .heatMap(let heatMap):
            let fallback = heatMap.squareCells ? HeatMapRenderer.defaultSquareSize : HeatMapRenderer.defaultSize
            canvas = HeatMapRenderer(heatMap: heatMap, title: title, size: size ?? fallback).render(idPrefix: prefix)
        case .imageGrid(let grid):
            canvas = ImageGridRenderer(grid: grid, title: title, requestedWidth: size?.width).render(idPrefix: prefix)
        case .bars(let bars):
            canvas = BarChartRenderer(chart: bars, title: title, size: size ?? BarChartRenderer.defaultSize).render(idPrefix: prefix)
        }
        return canvas.document(standalone: standalone, title: RichText(title).plain)
    }
}

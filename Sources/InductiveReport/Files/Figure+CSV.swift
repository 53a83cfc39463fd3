import InductiveTensor

/// The numbers behind a figure, as a table: what `ID.csv` holds.
public struct FigureData: Sendable, Equatable {
    /// Lines written before the table as `# …` comments (what the rows and columns are);
    /// `CSV.read` skips them.
    public var comments: [String]
    /// Column names, or nil for a bare matrix (heat maps, images).
    public var header: [String]?
    /// The table, rows × columns; NaN pads columns of unequal length.
    public var values: Tensor

    /// The CSV text: comments, then the table as `CSV.render` writes it.
    public var csv: String {
        comments.map { "# " + FigureData.oneLine($0) + "\n" }.joined() + CSV.render(values, header: header)
    }

    /// A column name or comment on one line, without the CSV delimiter.
    static func oneLine(_ s: String) -> String {
        String(RichText(s).plain.map { $0 == "\n" || $0 == "\r" ? " " : $0 == "," ? ";" : $0 })
    }

    static func matrix(_ columns: [[Double]]) -> Tensor {
        let rows = columns.map(\.count).max() ?? 0
        var scalars = [Double](repeating: .nan, count: rows * columns.count)
        for (c, column) in columns.enumerated() {
            for (r, v) in column.enumerated() { scalars[r * columns.count + c] = v }
        }
        return Tensor(shape: [rows, columns.count], scalars: scalars)
    }
}

extension Figure {
    /// The data behind the figure.
    ///
    /// - Plot: one column for x and one per series (plus `lower`/`upper` band columns and an
    ///   `error` column for error bars) when all series share their x values; otherwise an x and a y column per series.
    ///   Reference lines are described in comments.
    /// - Heat map: the grid, rows × columns, as given (row 0 first).
    /// - Image grid: one row per image, its pixels row-major.
    /// - Bar chart: one row per category, a value (and error) column per series.
    public var data: FigureData {
        switch chart {
        case .plot(let plot): return plotData(plot)
        case .heatMap(let h):
            var comments = ["\(title): heat map, \(h.rows) rows x \(h.columns) columns (row 0 first)"]
            if let x = h.xExtent { comments.append("columns span \(FigureData.oneLine(h.xLabel.isEmpty ? "x" : h.xLabel)) from \(x.lowerBound) to \(x.upperBound)") }
            if let y = h.yExtent { comments.append("rows span \(FigureData.oneLine(h.yLabel.isEmpty ? "y" : h.yLabel)) from \(y.lowerBound) to \(y.upperBound)") }
            if !h.colorBarLabel.isEmpty { comments.append("values: \(h.colorBarLabel)") }
            return FigureData(comments: comments, header: nil, values: Tensor(shape: [h.rows, h.columns], scalars: h.values))
        case .imageGrid(let grid):
            var comments = ["\(title): \(grid.images.count) images, one per row, pixels row-major"]
            for (i, image) in grid.images.enumerated() {
                comments.append("row \(i): \(image.height) x \(image.width)" + (image.caption.isEmpty ? "" : " \(image.caption)"))
            }
            let width = grid.images.map(\.pixels.count).max() ?? 0
            var scalars: [Double] = []
            for image in grid.images { scalars += image.pixels + [Double](repeating: .nan, count: width - image.pixels.count) }
            return FigureData(comments: comments, header: nil, values: Tensor(shape: [grid.images.count, width], scalars: scalars))
        case .bars(let bars):
            var comments = ["\(title): one row per category"]
            for (j, category) in bars.categories.enumerated() { comments.append("row \(j): \(category)") }
            var header: [String] = [], columns: [[Double]] = []
            for s in bars.series {
                header.append(FigureData.oneLine(s.name))
                columns.append(s.values)
                if let errors = s.errors {
                    header.append(FigureData.oneLine(s.name) + " error")
                    columns.append(errors)
                }
            }
            for line in bars.referenceLines { comments.append(Figure.describe(line)) }
            return FigureData(comments: comments, header: header, values: FigureData.matrix(columns))
        }
    }

    private func plotData(_ plot: Plot) -> FigureData {
        var comments = ["\(title): \(plot.yAxis.label) vs \(plot.xAxis.label)"]
        for line in plot.referenceLines { comments.append(Figure.describe(line)) }
        let xName = FigureData.oneLine(plot.xAxis.label.isEmpty ? "x" : plot.xAxis.label)
        func sameValues(_ a: [Double], _ b: [Double]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
        let sharedX = plot.series.dropFirst().allSatisfy { sameValues($0.x, plot.series[0].x) }
        var header: [String] = [], columns: [[Double]] = []
        if sharedX, let first = plot.series.first {
            header.append(xName)
            columns.append(first.x)
        }
        for (i, s) in plot.series.enumerated() {
            let name = s.name.isEmpty ? "series \(i + 1)" : FigureData.oneLine(s.name)
            if !sharedX {
                header += [name + " x", name + " y"]
                columns += [s.x, s.y]
            } else {
                header.append(name)
                columns.append(s.y)
            }
            if let band = s.band {
                header += [name + " lower", name + " upper"]
                columns += [band.lower, band.upper]
            }
            if let errors = s.errors {
                header.append(name + " error")
                columns.append(errors)
            }
        }
        return FigureData(comments: comments, header: header, values: FigureData.matrix(columns))
    }

    static func describe(_ line: ReferenceLine) -> String {
        let name = "reference line '\(line.label)': "
        switch line.shape {
        case .powerLaw(let c, let p): return name + "y = \(c) * x^\(p)"
        case .straight(let a, let b): return name + "y = \(a) + \(b) * x"
        case .horizontal(let v): return name + "y = \(v)"
        case .vertical(let v): return name + "x = \(v)"
        }
    }
}

import InductiveReport
import InductiveTensor
import Testing

@Suite struct FigureCSVTests {
    @Test func seriesSharingXBecomeColumnsBesideOneXColumn() throws {
        let plot = Plot(x: Axis("width, n"), y: Axis("error"),
                        series: [Series("mean", x: [1, 2, 3], y: [0.5, 0.25, .nan], band: Band(lower: [0.4, 0.2, 0.1], upper: [0.6, 0.3, 0.2])),
                                 Series("K_{emp}", x: [1, 2, 3], y: [1, 2, 3])],
                        referenceLines: [.powerLaw(coefficient: 2, exponent: -0.5, label: "n^{-1/2}")])
        let data = Figure(id: "f", title: "Error", chart: .plot(plot)).data
        #expect(data.header == ["width; n", "mean", "mean lower", "mean upper", "K_emp"])
        #expect(data.values.shape == [3, 5])
        #expect(data.comments.contains("reference line 'n^{-1/2}': y = 2.0 * x^-0.5"))
        let table = try CSV.parse(data.csv, source: "f.csv")
        #expect(table.header == data.header)
        #expect(table.values.shape == [3, 5])
        #expect(table.values.scalars[0] == 1 && table.values.scalars[1] == 0.5)
        #expect(table.values.scalars[11].isNaN, "NaN survives the round trip")
    }

    @Test func seriesWithDifferentXGetTheirOwnColumnsPaddedWithNaN() throws {
        let plot = Plot(x: Axis("x"), y: Axis("y"), series: [Series("a", x: [1, 2], y: [3, 4]), Series("b", x: [5, 6, 7], y: [8, 9, 10])])
        let data = Figure(id: "f", title: "t", chart: .plot(plot)).data
        #expect(data.header == ["a x", "a y", "b x", "b y"])
        #expect(data.values.shape == [3, 4])
        #expect(data.values.scalars[8].isNaN && data.values.scalars[9].isNaN)
        #expect(data.values.scalars[10] == 7)
    }

    @Test func gridsAndBarsAreTables() throws {
        let heat = Figure(id: "h", title: "u", chart: .heatMap(HeatMap(values: [1, 2, 3, 4, 5, 6], rows: 2, columns: 3, xExtent: 0...1, xLabel: "x")))
        #expect(heat.data.header == nil)
        #expect(heat.data.values == Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(try CSV.parse(heat.data.csv, source: "h.csv", header: .absent).values == heat.data.values)

        let grid = Figure(id: "g", title: "imgs", chart: .imageGrid(ImageGrid(images: [GrayImage(pixels: [1, 2, 3, 4], width: 2, height: 2, caption: "a, b"), GrayImage(pixels: [5], width: 1, height: 1)])))
        #expect(grid.data.values.shape == [2, 4])
        #expect(grid.data.comments.contains("row 0: 2 x 2 a, b"))
        #expect(grid.data.csv.contains("# row 0: 2 x 2 a; b\n"), "commas never reach a comment line unchanged")

        let bars = Figure(id: "b", title: "acc", chart: .bars(BarChart(categories: ["SGD", "GD"], series: [BarSeries("acc", values: [0.9, 0.8], errors: [0.01, 0.02])], valueAxis: Axis("accuracy"))))
        #expect(bars.data.header == ["acc", "acc error"])
        #expect(bars.data.comments.contains("row 1: GD"))
        #expect(try CSV.parse(bars.data.csv, source: "b.csv").values == Tensor([[0.9, 0.01], [0.8, 0.02]]))
    }

    @Test func fileStemsAreSafe() {
        #expect(Figure(id: "error vs width/α", title: "", chart: .bars(BarChart(categories: [], series: [], valueAxis: Axis("")))).fileStem == "error-vs-width--")
    }
}

/// Values turned into colour rasters (heat maps, images, colour bars).
struct Raster {
    /// Light grey for cells that have no finite value.
    static let missing = Color(hex: 0xC0C0C0)

    let width: Int
    let height: Int
    let rgb: [UInt8]

    /// `values` (row-major, `height × width`) through `map` over `range`; rows in the
    /// order given (top first). Non-finite values take the `missing` colour.
    init(values: [Double], width: Int, height: Int, map: ColorMap, range: ClosedRange<Double>, flipRows: Bool = false) {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let span = range.upperBound - range.lowerBound
        for r in 0..<height {
            let sourceRow = flipRows ? height - 1 - r : r
            for c in 0..<width {
                let v = values[sourceRow * width + c]
                let color = v.isFinite ? map.color(at: span > 0 ? (v - range.lowerBound) / span : 0.5) : Raster.missing
                let k = (r * width + c) * 3
                rgb[k] = color.red
                rgb[k + 1] = color.green
                rgb[k + 2] = color.blue
            }
        }
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    /// An `<image>` element stretching the raster over the rectangle; `crisp` keeps
    /// cells as sharp squares instead of blurring them together.
    func svgImage(x: Double, y: Double, width w: Double, height h: Double, crisp: Bool = true) -> String {
        var s = "<image x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(w))\" height=\"\(svgNumber(h))\" preserveAspectRatio=\"none\""
        if crisp { s += " style=\"image-rendering:pixelated;image-rendering:crisp-edges\" image-rendering=\"optimizeSpeed\"" }
        return s + " href=\"" + PNG.dataURI(width: width, height: height, rgb: rgb) + "\"/>"
    }

    /// The finite range of `values` (symmetric about 0 for a diverging map), or `fixed`;
    /// a degenerate range is widened so that the colour bar has a span.
    static func range(of values: [Double], fixed: ClosedRange<Double>?, diverging: Bool) -> ClosedRange<Double> {
        if let fixed, fixed.lowerBound.isFinite, fixed.upperBound.isFinite, fixed.upperBound > fixed.lowerBound { return fixed }
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        if lo > hi { return diverging ? -1...1 : 0...1 }
        if diverging {
            let m = max(abs(lo), abs(hi))
            return m > 0 ? -m...m : -1...1
        }
        if lo == hi {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            return (lo - pad)...(hi + pad)
        }
        return lo...hi
    }
}

/// A colour bar: the map drawn along a bar with ticks for the value range.
enum ColorBarPainter {
    static let thickness = 16.0

    /// Width needed right of the heat map for a vertical bar with its ticks and label.
    static func verticalWidth(range: ClosedRange<Double>, length: Double, label: String) -> Double {
        let ticks = AxisTicks.linear(lo: range.lowerBound, hi: range.upperBound, count: max(2, Int(length / 50)), extend: false).ticks
        return 18 + thickness + 8 + AxisPainter.labelWidth(ticks) + (label.isEmpty ? 0 : 12 + AxisPainter.labelFont) + 10
    }

    static func drawVertical(_ canvas: inout SVGCanvas, map: ColorMap, range: ClosedRange<Double>, x: Double, top: Double, bottom: Double, label: String) {
        let samples = 256
        let ramp = Raster(values: (0..<samples).map { Double(samples - 1 - $0) / Double(samples - 1) }, width: 1, height: samples, map: map, range: 0...1)
        canvas.raw(ramp.svgImage(x: x, y: top, width: thickness, height: bottom - top, crisp: false))
        canvas.rect(x, top, thickness, bottom - top, fill: "none", stroke: AxisPainter.axisColor, strokeWidth: 0.8)
        let axis = AxisMap(scale: .linear, lo: range.lowerBound, hi: range.upperBound, start: bottom, end: top)
        let ticks = AxisTicks.linear(lo: range.lowerBound, hi: range.upperBound, count: max(2, Int((bottom - top) / 50)), extend: false).ticks
        var widest = 0.0
        for tick in ticks {
            guard let py = axis.pixel(tick.value) else { continue }
            canvas.line(x + thickness, py, x + thickness + 4, py, stroke: AxisPainter.axisColor)
            canvas.text(x + thickness + 7, py + AxisPainter.tickFont * 0.35, tick.label, size: AxisPainter.tickFont)
            widest = max(widest, RichText(tick.label).width(fontSize: AxisPainter.tickFont))
        }
        if !label.isEmpty {
            let lx = x + thickness + 7 + widest + 10 + AxisPainter.labelFont * 0.8
            canvas.text(lx, (top + bottom) / 2, label, size: AxisPainter.labelFont, anchor: .middle, rotate: -90)
        }
    }

    static func drawHorizontal(_ canvas: inout SVGCanvas, map: ColorMap, range: ClosedRange<Double>, left: Double, right: Double, top: Double, label: String) {
        let samples = 256
        let ramp = Raster(values: (0..<samples).map { Double($0) / Double(samples - 1) }, width: samples, height: 1, map: map, range: 0...1)
        canvas.raw(ramp.svgImage(x: left, y: top, width: right - left, height: 12, crisp: false))
        canvas.rect(left, top, right - left, 12, fill: "none", stroke: AxisPainter.axisColor, strokeWidth: 0.8)
        let axis = AxisMap(scale: .linear, lo: range.lowerBound, hi: range.upperBound, start: left, end: right)
        let ticks = AxisTicks.linear(lo: range.lowerBound, hi: range.upperBound, count: max(2, Int((right - left) / 80)), extend: false).ticks
        for tick in ticks {
            guard let px = axis.pixel(tick.value) else { continue }
            canvas.line(px, top + 12, px, top + 16, stroke: AxisPainter.axisColor)
            canvas.text(px, top + 18 + AxisPainter.tickFont, tick.label, size: AxisPainter.tickFont, anchor: .middle)
        }
        if !label.isEmpty {
            canvas.text((left + right) / 2, top + 18 + AxisPainter.tickFont + 6 + AxisPainter.labelFont, label, size: AxisPainter.labelFont, anchor: .middle)
        }
    }

    static let horizontalHeight = 18 + AxisPainter.tickFont + 6
}

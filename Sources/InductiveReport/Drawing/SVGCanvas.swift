/// Accumulates SVG elements with attributes in a fixed order, so the same drawing always
/// gives the same bytes.
struct SVGCanvas {
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', 'DejaVu Sans', Arial, sans-serif"
    static let textColor = "#1f2328"
    static let mutedColor = "#57606a"

    let width: Double
    let height: Double
    /// Prefix of every `id` in the drawing: many SVGs share one id space inside an HTML page.
    let idPrefix: String
    private(set) var body = ""
    private(set) var definitions = ""

    init(width: Double, height: Double, idPrefix: String) {
        self.width = width
        self.height = height
        self.idPrefix = idPrefix
    }

    /// The complete document. `standalone` adds the XML namespace a separate `.svg` file
    /// needs; inside HTML the parser supplies it.
    func document(standalone: Bool, title: String) -> String {
        var out = "<svg"
        if standalone { out += " xmlns=\"http://www.w3.org/2000/svg\"" }
        out += " viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\""
        out += " role=\"img\" aria-label=\"\(XML.escape(title))\""
        out += " font-family=\"\(XML.escape(SVGCanvas.fontFamily))\" class=\"chart\">\n"
        out += "<title>\(XML.escape(title))</title>\n"
        if !definitions.isEmpty { out += "<defs>\n" + definitions + "</defs>\n" }
        out += "<rect x=\"0\" y=\"0\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" fill=\"#ffffff\"/>\n"
        out += body
        out += "</svg>\n"
        return out
    }

    mutating func raw(_ element: String) { body += element + "\n" }

    /// Defines a rectangular clip path and returns its id.
    mutating func clipRect(_ name: String, x: Double, y: Double, width: Double, height: Double) -> String {
        let id = idPrefix + name
        definitions += "<clipPath id=\"\(XML.escape(id))\"><rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\"/></clipPath>\n"
        return id
    }

    mutating func beginGroup(clip: String? = nil, attributes: String = "") {
        var s = "<g"
        if let clip { s += " clip-path=\"url(#\(XML.escape(clip)))\"" }
        if !attributes.isEmpty { s += " " + attributes }
        raw(s + ">")
    }

    mutating func endGroup() { raw("</g>") }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        var s = "<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" y2=\"\(svgNumber(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        raw(s + "/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1, opacity: Double? = nil, extra: String = "") {
        var s = "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(max(0, w)))\" height=\"\(svgNumber(max(0, h)))\" fill=\"\(fill)\""
        if let opacity { s += " fill-opacity=\"\(svgNumber(opacity))\"" }
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(strokeWidth))\"" }
        if !extra.isEmpty { s += " " + extra }
        raw(s + "/>")
    }

    /// An open polyline through `points`.
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double, dash: String? = nil) {
        guard points.count >= 2 else { return }
        var s = "<path d=\"" + pathData(points, closed: false) + "\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        raw(s + "/>")
    }

    /// A closed filled polygon.
    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        guard points.count >= 3 else { return }
        raw("<path d=\"" + pathData(points, closed: true) + "\" fill=\"\(fill)\" fill-opacity=\"\(svgNumber(opacity))\" stroke=\"none\"/>")
    }

    private func pathData(_ points: [(Double, Double)], closed: Bool) -> String {
        var d = ""
        for (i, p) in points.enumerated() {
            d += (i == 0 ? "M" : "L") + svgNumber(p.0) + " " + svgNumber(p.1)
        }
        return closed ? d + "Z" : d
    }

    enum Anchor: String { case start, middle, end }

    /// Text with `^{}` / `_{}` markup. `y` is the baseline; `rotate` turns it about (x, y).
    mutating func text(
        _ x: Double, _ y: Double, _ text: String, size: Double, anchor: Anchor = .start,
        weight: String? = nil, fill: String = SVGCanvas.textColor, rotate: Double? = nil, italic: Bool = false
    ) {
        var s = "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(size))\""
        if anchor != .start { s += " text-anchor=\"\(anchor.rawValue)\"" }
        if let weight { s += " font-weight=\"\(weight)\"" }
        if italic { s += " font-style=\"italic\"" }
        s += " fill=\"\(fill)\""
        if let rotate { s += " transform=\"rotate(\(svgNumber(rotate)) \(svgNumber(x)) \(svgNumber(y)))\"" }
        raw(s + ">" + RichText(text).svgContent(fontSize: size) + "</text>")
    }

    /// A marker of the given shape centred on (x, y).
    mutating func marker(_ shape: MarkerShape, _ x: Double, _ y: Double, size r: Double, fill: String) {
        let stroke = " stroke=\"#ffffff\" stroke-width=\"0.8\""
        switch shape {
        case .circle:
            raw("<circle cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"\(svgNumber(r))\" fill=\"\(fill)\"\(stroke)/>")
        case .square:
            let h = r * 0.9
            raw("<rect x=\"\(svgNumber(x - h))\" y=\"\(svgNumber(y - h))\" width=\"\(svgNumber(2 * h))\" height=\"\(svgNumber(2 * h))\" fill=\"\(fill)\"\(stroke)/>")
        case .triangleUp, .triangleDown, .diamond:
            let points: [(Double, Double)]
            let k = r * 1.25
            switch shape {
            case .triangleUp: points = [(x, y - k), (x + k * 0.95, y + k * 0.7), (x - k * 0.95, y + k * 0.7)]
            case .triangleDown: points = [(x, y + k), (x + k * 0.95, y - k * 0.7), (x - k * 0.95, y - k * 0.7)]
            default: points = [(x, y - k), (x + k * 0.85, y), (x, y + k), (x - k * 0.85, y)]
            }
            raw("<path d=\"" + pathData(points, closed: true) + "\" fill=\"\(fill)\"\(stroke)/>")
        }
    }
}

/// Marker shapes, cycled by series so that series differ in shape as well as colour.
enum MarkerShape: CaseIterable {
    case circle, square, triangleUp, diamond, triangleDown

    static func at(_ index: Int) -> MarkerShape { allCases[index % allCases.count] }
}

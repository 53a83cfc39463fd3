import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element seen while parsing: its name and attributes.
struct XMLElement {
    var name: String
    var attributes: [String: String]
}

/// The result of parsing a document with Foundation's `XMLParser`.
struct XMLCheck {
    var error: String?
    var elements: [XMLElement]
    /// All character data, concatenated (entities decoded).
    var text: String

    var isWellFormed: Bool { error == nil }

    init(_ document: String) {
        let collector = Collector()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        let ok = parser.parse()
        error = ok ? nil : (parser.parserError.map { "\($0)" } ?? "parse failed") + " at line \(parser.lineNumber)"
        elements = collector.elements
        text = collector.text
    }

    func all(_ name: String) -> [XMLElement] { elements.filter { $0.name == name } }
}

private final class Collector: NSObject, XMLParserDelegate {
    var elements: [XMLElement] = []
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(XMLElement(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

/// The `<svg>…</svg>` fragments of an HTML page, in order.
func svgFragments(_ html: String) -> [String] {
    var fragments: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
        fragments.append(String(rest[start.lowerBound..<end.upperBound]))
        rest = rest[end.upperBound...]
    }
    return fragments
}

/// Every numeric coordinate attribute in an SVG is short, plain decimal (no exponent,
/// no NaN, at most two decimals).
func badNumbers(in svg: String) -> [String] {
    let check = XMLCheck(svg)
    let numeric: Set<String> = ["x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy", "r", "font-size", "dy", "stroke-width"]
    var bad: [String] = []
    for element in check.elements {
        for (key, value) in element.attributes where numeric.contains(key) {
            if value.range(of: #"^-?[0-9]+(\.[0-9]{1,2})?$"#, options: .regularExpression) == nil || value == "-0" {
                bad.append("\(element.name) \(key)=\(value)")
            }
        }
        if let d = element.attributes["d"], d.range(of: #"^([MLZ]|-?[0-9]+(\.[0-9]{1,2})?|\s)+$"#, options: .regularExpression) == nil {
            bad.append("\(element.name) d=\(d.prefix(60))")
        }
    }
    return bad
}

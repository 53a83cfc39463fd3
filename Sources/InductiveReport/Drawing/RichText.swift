/// Text with superscripts and subscripts, written `x^{2}` and `K_{emp}`.
///
/// The markup is deliberately tiny: `^{…}` and `_{…}` (no nesting); a `^` or `_` not
/// followed by `{…}` is shown as written.
struct RichText: Equatable {
    enum Position: Equatable { case base, superscript, `subscript` }

    struct Run: Equatable {
        var text: String
        var position: Position
    }

    var runs: [Run]

    init(_ source: String) {
        var runs: [Run] = []
        var current = ""
        var chars = Substring(source)
        while let c = chars.first {
            if c == "^" || c == "_", chars.dropFirst().first == "{",
               let close = chars.dropFirst(2).firstIndex(of: "}") {
                let inner = chars[chars.index(chars.startIndex, offsetBy: 2)..<close]
                if !current.isEmpty { runs.append(Run(text: current, position: .base)) }
                current = ""
                runs.append(Run(text: String(inner), position: c == "^" ? .superscript : .subscript))
                chars = chars[chars.index(after: close)...]
            } else {
                current.append(c)
                chars = chars.dropFirst()
            }
        }
        if !current.isEmpty { runs.append(Run(text: current, position: .base)) }
        self.runs = runs
    }

    /// The text without markup (for CSV headers and alt text).
    var plain: String {
        runs.map { run in
            switch run.position {
            case .base: run.text
            case .superscript: "^" + run.text
            case .subscript: "_" + run.text
            }
        }.joined()
    }

    /// Estimated width in pixels at `fontSize` (see `TextMetrics`).
    func width(fontSize: Double, bold: Bool = false) -> Double {
        runs.reduce(0) { sum, run in
            sum + TextMetrics.width(run.text, fontSize: run.position == .base ? fontSize : fontSize * RichText.scriptScale, bold: bold)
        }
    }

    static let scriptScale = 0.72

    /// The content of an SVG `<text>` element: escaped text, scripts as `<tspan>`s shifted
    /// by absolute offsets (so the result does not depend on how a viewer resolves `em`).
    func svgContent(fontSize: Double) -> String {
        var out = ""
        var offset = 0.0
        for run in runs {
            let target: Double
            switch run.position {
            case .base: target = 0
            case .superscript: target = -0.38 * fontSize
            case .subscript: target = 0.22 * fontSize
            }
            let dy = target - offset
            offset = target
            if run.position == .base && dy == 0 {
                out += XML.escape(run.text)
                continue
            }
            out += "<tspan"
            if dy != 0 { out += " dy=\"\(svgNumber(dy))\"" }
            if run.position != .base { out += " font-size=\"\(svgNumber(fontSize * RichText.scriptScale))\"" }
            out += ">" + XML.escape(run.text) + "</tspan>"
        }
        return out
    }

    /// The HTML form: escaped text with `<sup>` and `<sub>`.
    var html: String {
        runs.map { run in
            switch run.position {
            case .base: XML.escape(run.text)
            case .superscript: "<sup>" + XML.escape(run.text) + "</sup>"
            case .subscript: "<sub>" + XML.escape(run.text) + "</sub>"
            }
        }.joined()
    }
}

/// Approximate advance widths for laying out text without a font engine.
///
/// The table holds DejaVu Sans widths in em (the widest of the common sans-serif system
/// fonts, so the estimates err on the side of room); characters not listed count as 0.62 em.
enum TextMetrics {
    static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars { em += advance(scalar) }
        return em * fontSize * (bold ? 1.08 : 1)
    }

    static func advance(_ s: Unicode.Scalar) -> Double {
        switch s {
        case "0"..."9": return 0.636
        case " ": return 0.318
        case "i", "j", "l": return 0.278
        case "f", "t": return 0.37
        case "r": return 0.411
        case "s", "z": return 0.52
        case "c": return 0.55
        case "m": return 0.974
        case "w": return 0.818
        case "k", "v", "x", "y": return 0.59
        case "a"..."z": return 0.63
        case "I", "J": return 0.295
        case "L": return 0.557
        case "F", "T", "Y": return 0.61
        case "M": return 0.863
        case "W": return 0.989
        case "C", "D", "G", "H", "N", "O", "Q", "U": return 0.76
        case "A"..."Z": return 0.68
        case ".", ",", ":", ";", "!", "'", "|": return 0.318
        case "(", ")", "[", "]", "{", "}", "/", "\\", "-": return 0.39
        case "+", "=", "<", ">", "×", "−", "±", "≤", "≥", "^", "~", "≈": return 0.838
        case "%": return 0.95
        case "_": return 0.5
        default: return 0.62
        }
    }

    /// Splits `text` at spaces into lines no wider than `maxWidth` (a single long word
    /// stays whole on its line).
    static func wrap(_ text: String, maxWidth: Double, fontSize: Double, bold: Bool = false) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && RichText(candidate).width(fontSize: fontSize, bold: bold) > maxWidth {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

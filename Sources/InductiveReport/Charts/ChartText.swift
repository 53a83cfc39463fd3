/// Titles and notes shared by every chart kind.
enum ChartText {
    static let titleFont = 17.0
    static let noteFont = 13.0

    /// Title lines wrapped to the drawing's width.
    static func titleLines(_ title: String, width: Double) -> [String] {
        title.isEmpty ? [] : TextMetrics.wrap(title, maxWidth: width - 24, fontSize: titleFont, bold: true)
    }

    /// The height the title takes at the top (including the margin above the plot).
    static func titleHeight(_ lines: [String]) -> Double {
        lines.isEmpty ? 14 : 12 + Double(lines.count) * (titleFont + 5) + 8
    }

    static func drawTitle(_ canvas: inout SVGCanvas, _ lines: [String]) {
        for (i, line) in lines.enumerated() {
            canvas.text(canvas.width / 2, 12 + titleFont + Double(i) * (titleFont + 5), line, size: titleFont, anchor: .middle, weight: "600")
        }
    }

    /// Note lines wrapped to the drawing's width.
    static func noteLines(_ notes: [String], width: Double) -> [String] {
        notes.flatMap { TextMetrics.wrap($0, maxWidth: width - 24, fontSize: noteFont) }
    }

    static func notesHeight(_ lines: [String]) -> Double {
        lines.isEmpty ? 0 : Double(lines.count) * (noteFont + 4) + 6
    }

    /// Notes at the bottom left, in muted italics.
    static func drawNotes(_ canvas: inout SVGCanvas, _ lines: [String]) {
        let top = canvas.height - notesHeight(lines) + 2
        for (i, line) in lines.enumerated() {
            canvas.text(12, top + noteFont + Double(i) * (noteFont + 4), line, size: noteFont, fill: SVGCanvas.mutedColor, italic: true)
        }
    }

    /// "3 points" / "1 point".
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    /// Names in quotes, listing at most three.
    static func names(_ names: [String]) -> String {
        let quoted = names.prefix(3).map { "‘" + RichText($0).plain + "’" }
        return quoted.joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
    }
}

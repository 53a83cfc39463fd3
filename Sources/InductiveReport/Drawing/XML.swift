/// Escaping for XML and HTML text and attribute values.
public enum XML {
    /// `text` with `& < > " '` replaced by entities and the characters XML 1.0 forbids
    /// (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF) replaced
    /// by U+FFFD, so any string gives well-formed markup.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// Coordinates and lengths as SVG text: at most two decimals, no exponent, no `-0`, the
/// same string for the same number on every platform.
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    // Clamp far-away points (they are clipped anyway) so the integer conversion is safe.
    let scaled = Int((max(-1e9, min(1e9, value)) * 100).rounded())
    if scaled == 0 { return "0" }
    let sign = scaled < 0 ? "-" : ""
    let magnitude = abs(scaled)
    let whole = magnitude / 100, fraction = magnitude % 100
    if fraction == 0 { return sign + String(whole) }
    if fraction % 10 == 0 { return sign + String(whole) + "." + String(fraction / 10) }
    return sign + String(whole) + (fraction < 10 ? ".0" : ".") + String(fraction)
}

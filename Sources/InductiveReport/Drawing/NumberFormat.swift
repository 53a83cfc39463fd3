/// Numbers as people read them: a true minus sign (−), powers of ten as `×10^{e}`
/// (superscript markup, see `Figure`), no spurious digits. Independent of locale.
public enum NumberFormat {
    /// The minus sign used in labels (U+2212, as wide as the plus sign).
    public static let minus = "\u{2212}"

    /// `value` with exactly `decimals` digits after the point (`decimals >= 0`).
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let d = max(0, min(decimals, 17))
        let scale = _pow(10, Double(d))
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return (value < 0 ? minus : "") + "\(abs(value))" }
        let n = UInt64(scaled)
        let negative = value < 0 && n != 0
        var digits = String(n)
        if d > 0 {
            if digits.count <= d { digits = String(repeating: "0", count: d - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
        }
        return (negative ? minus : "") + digits
    }

    /// `value` to `digits` significant digits without trailing zeros; scientific
    /// (`1.5×10^{−7}`, or `10^{−8}` for an exact power) outside [10^{-3}, 10^6).
    public static func significant(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == 0 { return "0" }
        let digits = max(1, digits)
        var exponent = Int(_log10(abs(value)).rounded(.down))
        if exponent >= -3 && exponent < 6 {
            return trimmed(fixed(value, decimals: max(0, digits - 1 - exponent)))
        }
        var mantissa = value / _exp10(Double(exponent))
        let scale = _pow(10, Double(digits - 1))
        mantissa = (mantissa * scale).rounded() / scale
        if abs(mantissa) >= 10 {
            mantissa /= 10
            exponent += 1
        }
        return scientific(mantissa: mantissa, exponent: exponent, decimals: digits - 1)
    }

    /// `m×10^{e}` with the mantissa to at most `decimals` decimals (trailing zeros
    /// dropped); a mantissa of ±1 gives `10^{e}` (`−10^{e}`).
    static func scientific(mantissa: Double, exponent: Int, decimals: Int) -> String {
        let power = "10^{" + integer(exponent) + "}"
        let m = trimmed(fixed(mantissa, decimals: decimals))
        if m == "1" { return power }
        if m == minus + "1" { return minus + power }
        return m + "×" + power
    }

    static func integer(_ n: Int) -> String { n < 0 ? minus + String(-n) : String(n) }

    static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value > 0 ? "∞" : minus + "∞")
    }

    /// Drops trailing zeros after a decimal point, and the point itself.
    static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.last == "0" { t = t.dropLast() }
        if t.last == "." { t = t.dropLast() }
        return String(t)
    }

    /// A duration: `0.84 s`, `12.3 s`, `2 min 05 s`, `1 h 02 min`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        if seconds < 10 { return fixed(seconds, decimals: 2) + " s" }
        if seconds < 60 { return fixed(seconds, decimals: 1) + " s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 {
            let s = whole % 60
            return "\(whole / 60) min " + (s < 10 ? "0" : "") + "\(s) s"
        }
        let m = (whole / 60) % 60
        return "\(whole / 3600) h " + (m < 10 ? "0" : "") + "\(m) min"
    }
}

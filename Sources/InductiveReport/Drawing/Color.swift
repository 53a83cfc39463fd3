/// An sRGB colour with 8-bit channels.
public struct Color: Sendable, Equatable, Hashable, Codable {
    /// Red, 0–255.
    public var red: UInt8
    /// Green, 0–255.
    public var green: UInt8
    /// Blue, 0–255.
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// `#rrggbb`, as SVG and CSS take it.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [red, green, blue] {
            s.append(digits[Int(c >> 4)])
            s.append(digits[Int(c & 0xF)])
        }
        return s
    }

    /// Linear interpolation in sRGB: `t = 0` gives `a`, `t = 1` gives `b`.
    static func mix(_ a: Color, _ b: Color, _ t: Double) -> Color {
        func channel(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8(max(0, min(255, (Double(x) + (Double(y) - Double(x)) * t).rounded())))
        }
        return Color(red: channel(a.red, b.red), green: channel(a.green, b.green), blue: channel(a.blue, b.blue))
    }
}

/// The Okabe–Ito palette (Okabe and Ito, "Color Universal Design", 2002): eight colours
/// that stay distinct under the common forms of colour blindness.
public enum Palette {
    public static let black = Color(hex: 0x000000)
    public static let orange = Color(hex: 0xE69F00)
    public static let skyBlue = Color(hex: 0x56B4E9)
    public static let bluishGreen = Color(hex: 0x009E73)
    public static let yellow = Color(hex: 0xF0E442)
    public static let blue = Color(hex: 0x0072B2)
    public static let vermillion = Color(hex: 0xD55E00)
    public static let reddishPurple = Color(hex: 0xCC79A7)

    /// The order in which series take colours: the strongest contrasts on white first,
    /// yellow (faint on white) last.
    public static let categorical: [Color] = [blue, vermillion, bluishGreen, reddishPurple, orange, skyBlue, black, yellow]

    /// The colour of the series at `index` (cycling after eight).
    public static func color(at index: Int) -> Color {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }
}

/// A map from [0, 1] to colours.
public enum ColorMap: String, Sendable, Equatable, Codable {
    /// Dark purple through blue and green to yellow; perceptually ordered and readable
    /// in grey-scale print and by colour-blind readers (the viridis control points).
    case viridis
    /// Blue through white to red, for signed data centred on 0.
    case diverging
    /// Black (low) to white (high).
    case grayscale
    /// White (low) to black (high): ink on paper, e.g. digits.
    case grayscaleInverted

    /// Whether the map is meant for data symmetric about 0.
    public var isDiverging: Bool { self == .diverging }

    /// The colour at `t` (clamped to [0, 1]).
    public func color(at t: Double) -> Color {
        let t = t.isNaN ? 0.5 : max(0, min(1, t))
        switch self {
        case .grayscale:
            let v = UInt8((t * 255).rounded())
            return Color(red: v, green: v, blue: v)
        case .grayscaleInverted:
            let v = UInt8(((1 - t) * 255).rounded())
            return Color(red: v, green: v, blue: v)
        case .viridis: return ColorMap.interpolate(ColorMap.viridisStops, t)
        case .diverging: return ColorMap.interpolate(ColorMap.divergingStops, t)
        }
    }

    /// Piecewise-linear interpolation between equally spaced stops.
    private static func interpolate(_ stops: [Color], _ t: Double) -> Color {
        let position = t * Double(stops.count - 1)
        let i = min(Int(position), stops.count - 2)
        return Color.mix(stops[i], stops[i + 1], position - Double(i))
    }

    // Viridis sampled at 0, 0.1, ..., 1 (the published colour values of the map).
    private static let viridisStops: [Color] = [
        0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C,
        0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725,
    ].map { Color(hex: $0) }

    // A blue-white-red ramp (the published ColorBrewer RdBu colour values, blue for
    // negative): distinguishable for red-green colour-blind readers, white at 0.
    private static let divergingStops: [Color] = [
        0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B,
    ].map { Color(hex: $0) }
}

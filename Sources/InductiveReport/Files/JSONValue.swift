import Foundation
import InductiveTensor

/// A JSON document with keys kept in the order given, rendered deterministically: the
/// form of `result.json`.
///
/// Non-finite numbers, which JSON cannot hold, are written as the strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"` (the tokens Python's `float()` and JavaScript's
/// `Number()` read back, and the ones `JSONFile.encoder` uses), so a diverged run still
/// gives a valid file and no value is silently turned into `null`.
///
/// ```swift
/// let result: JSONValue = [
///     "id": "ntk.width-convergence",
///     "seed": 0,
///     "widths": .numbers([64, 128, 256]),
///     "errors": .numbers([0.21, 0.15, .nan]),
/// ]
/// try JSONFile.write(result, to: "out/ntk.width-convergence/result.json")
/// ```
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in order; keys should be unique.
    case object([(key: String, value: JSONValue)])

    /// Structural equality; NaN equals NaN (so a value equals its own copy).
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// An array of numbers.
    public static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }

    /// A tensor as `{"shape": [...], "values": [...]}` (values row-major).
    public static func tensor(_ t: Tensor) -> JSONValue {
        .object([("shape", .array(t.shape.map { .int($0) })), ("values", numbers(t.scalars))])
    }

    /// The document as text: two-space indentation, arrays of plain values on one line,
    /// a final newline.
    public func rendered() -> String {
        var out = ""
        render(into: &out, indent: 0)
        return out + "\n"
    }

    private var isScalar: Bool {
        switch self {
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        default: return true
        }
    }

    private func render(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let x): out += JSONValue.number(x)
        case .string(let s): out += JSONValue.quoted(s)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
            } else if items.allSatisfy(\.isScalar) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    item.render(into: &out, indent: indent)
                }
                out += "]"
            } else {
                let pad = String(repeating: "  ", count: indent + 1)
                out += "[\n"
                for (i, item) in items.enumerated() {
                    out += pad
                    item.render(into: &out, indent: indent + 1)
                    out += i + 1 < items.count ? ",\n" : "\n"
                }
                out += String(repeating: "  ", count: indent) + "]"
            }
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            let pad = String(repeating: "  ", count: indent + 1)
            out += "{\n"
            for (i, member) in members.enumerated() {
                out += pad + JSONValue.quoted(member.key) + ": "
                member.value.render(into: &out, indent: indent + 1)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += String(repeating: "  ", count: indent) + "}"
        }
    }

    /// Shortest round-trip form for finite numbers (`0.1`, `1e-05`, `3.0`); the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"` otherwise.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "\"NaN\"" }
        if x.isInfinite { return x > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return "\(x)"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

// No ExpressibleByNilLiteral: `nil` must stay Optional.none for a `JSONValue?`.
extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Keeps the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements.map { (key: $0.0, value: $0.1) }) }
}

/// Writing JSON files atomically.
public enum JSONFile {
    /// Writes `value` to `path` atomically (see `JSONValue` for non-finite numbers).
    public static func write(_ value: JSONValue, to path: String) throws {
        try AtomicFile.write(value.rendered(), to: path)
    }

    /// Writes any `Encodable` value with `encoder` (sorted keys, so deterministic)
    /// atomically.
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        var data = try encoder.encode(value)
        data.append(0x0A)
        try AtomicFile.write([UInt8](data), to: path)
    }

    /// A `JSONEncoder` with sorted keys and indentation whose non-finite numbers become
    /// `"NaN"`, `"Infinity"` and `"-Infinity"`, as in `JSONValue`.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }
}

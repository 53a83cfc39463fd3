import Foundation

/// An array read from a `.npy` file or `.npz` member: floating point or integer.
public enum NPYArray: Sendable, Equatable {
    /// From `<f8` or `<f4` (written back as `<f8`).
    case float(Tensor)
    /// From `<i8`, `<i4`, `|u1` or `|b1` (booleans as 0/1; written back as `<i8`).
    case integer([Int], shape: [Int])

    /// The shape.
    public var shape: [Int] {
        switch self {
        case .float(let t): return t.shape
        case .integer(_, let shape): return shape
        }
    }

    /// The values as a `Double` tensor (integers converted; exact below 2^53).
    public var tensor: Tensor {
        switch self {
        case .float(let t): return t
        case .integer(let v, let shape): return Tensor(shape: shape, scalars: v.map(Double.init))
        }
    }

    /// The values as integers, or nil for a floating-point array.
    public var integers: [Int]? {
        if case .integer(let v, _) = self { return v }
        return nil
    }
}

/// NumPy's `.npy` format (versions 1.0, 2.0, 3.0): a magic string, a Python-literal header
/// `{'descr': ..., 'fortran_order': ..., 'shape': (...)}`, then the raw data.
///
/// Reads `<f8`, `<f4`, `<i8`, `<i4`, `|b1`, `|u1` in C or Fortran order, 0-d included.
/// Writes `<f8` (tensors) and `<i8` (integers), C order, version 1.0 (2.0 for huge headers).
/// Every malformed input throws a `FileError` naming the file and the problem.
public enum NPY {
    /// The element types this reader understands.
    public enum DType: String, Sendable, CaseIterable {
        case float64 = "<f8", float32 = "<f4", int64 = "<i8", int32 = "<i4", bool = "|b1", uint8 = "|u1"

        var itemSize: Int {
            switch self {
            case .float64, .int64: return 8
            case .float32, .int32: return 4
            case .bool, .uint8: return 1
            }
        }

        init?(descr: String) {
            switch descr {
            case "<f8", "=f8", "f8": self = .float64
            case "<f4", "=f4", "f4": self = .float32
            case "<i8", "=i8", "i8": self = .int64
            case "<i4", "=i4", "i4": self = .int32
            case "|b1", "b1", "?", "|?": self = .bool
            case "|u1", "<u1", "u1", "=u1": self = .uint8
            default: return nil
            }
        }
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    // MARK: Reading

    /// Reads a `.npy` file as a `Double` tensor (integer and boolean data converted).
    public static func read(_ path: String) throws -> Tensor { try readArray(path).tensor }

    /// Reads a `.npy` file keeping integer data as integers.
    public static func readArray(_ path: String) throws -> NPYArray {
        let bytes = try readFileBytes(path)
        return try bytes.withUnsafeBytes { try decode($0, source: path) }
    }

    /// Decodes `.npy` bytes; `source` names the file in errors.
    public static func decode(_ bytes: UnsafeRawBufferPointer, source: String) throws -> NPYArray {
        func fail(_ reason: String) -> FileError { FileError(path: source, reason: reason) }
        guard bytes.count >= 10 else { throw fail("not a .npy file: only \(bytes.count) bytes") }
        guard Array(bytes[0..<6]) == magic else { throw fail("not a .npy file: bad magic bytes") }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int, headerStart: Int
        switch (major, minor) {
        case (1, 0):
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case (2, 0), (3, 0):
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major).\(minor)")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw fail("truncated header: it claims \(headerLength) bytes, \(bytes.count - headerStart) present")
        }
        let headerBytes = Array(bytes[headerStart..<(headerStart + headerLength)])
        guard let headerText = major == 3 ? decodeUTF8(headerBytes)
                : String(bytes: headerBytes, encoding: .isoLatin1) else {
            throw fail("header is not valid text")
        }
        let header: (descr: String, fortran: Bool, shape: [Int])
        do { header = try parseHeader(headerText) } catch let e as HeaderParseError {
            throw fail("malformed header: \(e.reason)")
        }
        guard let dtype = DType(descr: header.descr) else {
            throw fail("unsupported dtype '\(header.descr)' (supported: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var count = 1
        for extent in header.shape {
            guard extent >= 0 else { throw fail("negative extent in shape \(header.shape)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw fail("shape \(header.shape) overflows") }
            count = product
        }
        let (dataBytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else { throw fail("shape \(header.shape) overflows") }
        let dataStart = headerStart + headerLength
        let present = bytes.count - dataStart
        if present < dataBytes {
            throw fail("truncated data: shape \(header.shape) of \(dtype.rawValue) needs \(dataBytes) bytes, \(present) present")
        }
        if present > dataBytes {
            throw fail("header does not match the data: shape \(header.shape) of \(dtype.rawValue) needs \(dataBytes) bytes, \(present) present")
        }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        // Fortran order stores the transpose's C order: read with reversed shape, then permute.
        let storedShape = header.fortran ? Array(header.shape.reversed()) : header.shape
        func reorder(_ t: Tensor) -> Tensor {
            header.fortran && t.rank > 1 ? t.permuted(Array((0..<t.rank).reversed())) : t
        }
        switch dtype {
        case .float64, .float32:
            let values: [Double] = dtype == .float64
                ? (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
                : (0..<count).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self)) }
            return .float(reorder(Tensor(shape: storedShape, scalars: values)))
        case .int64, .int32, .bool, .uint8:
            let values: [Int]
            switch dtype {
            case .int64: values = (0..<count).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
            case .int32: values = (0..<count).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
            case .bool: values = (0..<count).map { raw[$0] != 0 ? 1 : 0 }
            default: values = (0..<count).map { Int(raw[$0]) }
            }
            if header.fortran && header.shape.count > 1 {
                // Permute through an index tensor (exact for any Int: indices stay small).
                let index = reorder(Tensor(shape: storedShape, scalars: (0..<count).map(Double.init)))
                return .integer(index.scalars.map { values[Int($0)] }, shape: header.shape)
            }
            return .integer(values, shape: header.shape)
        }
    }

    struct HeaderParseError: Error { let reason: String }

    /// Parses the Python dict literal of a `.npy` header.
    static func parseHeader(_ text: String) throws -> (descr: String, fortran: Bool, shape: [Int]) {
        var scanner = LiteralScanner(Array(text.unicodeScalars))
        let dict = try scanner.parseDict()
        guard case .string(let descr)? = dict["descr"] else {
            if dict["descr"] != nil { throw HeaderParseError(reason: "structured dtypes are not supported") }
            throw HeaderParseError(reason: "missing 'descr'")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else { throw HeaderParseError(reason: "missing 'fortran_order'") }
        guard case .tuple(let shape)? = dict["shape"] else { throw HeaderParseError(reason: "missing 'shape'") }
        return (descr, fortran, shape)
    }

    enum LiteralValue: Equatable { case string(String), bool(Bool), tuple([Int]), other }

    struct LiteralScanner {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func skipSpace() { while i < s.count && (s[i] == " " || s[i] == "\n" || s[i] == "\t" || s[i] == "\r") { i += 1 } }

        mutating func expect(_ c: Unicode.Scalar) throws {
            skipSpace()
            guard i < s.count && s[i] == c else { throw HeaderParseError(reason: "expected '\(c)' at position \(i)") }
            i += 1
        }

        mutating func parseDict() throws -> [String: LiteralValue] {
            try expect("{")
            var out: [String: LiteralValue] = [:]
            while true {
                skipSpace()
                if i < s.count && s[i] == "}" { i += 1; return out }
                let key = try parseString()
                try expect(":")
                out[key] = try parseValue()
                skipSpace()
                if i < s.count && s[i] == "," { i += 1; continue }
                try expect("}")
                return out
            }
        }

        mutating func parseString() throws -> String {
            skipSpace()
            guard i < s.count, s[i] == "'" || s[i] == "\"" else { throw HeaderParseError(reason: "expected a string at position \(i)") }
            let quote = s[i]
            i += 1
            var out = ""
            while i < s.count && s[i] != quote { out.unicodeScalars.append(s[i]); i += 1 }
            guard i < s.count else { throw HeaderParseError(reason: "unterminated string") }
            i += 1
            return out
        }

        mutating func parseValue() throws -> LiteralValue {
            skipSpace()
            guard i < s.count else { throw HeaderParseError(reason: "unexpected end") }
            if s[i] == "'" || s[i] == "\"" { return .string(try parseString()) }
            if s[i] == "(" {
                i += 1
                var values: [Int] = []
                while true {
                    skipSpace()
                    if i < s.count && s[i] == ")" { i += 1; return .tuple(values) }
                    var digits = ""
                    while i < s.count, s[i] == "-" || s[i].properties.numericType != nil {
                        digits.unicodeScalars.append(s[i]); i += 1
                    }
                    // Python 2 headers may write longs as `3L`.
                    if i < s.count && s[i] == "L" { i += 1 }
                    guard let v = Int(digits) else { throw HeaderParseError(reason: "bad shape entry '\(digits)'") }
                    values.append(v)
                    skipSpace()
                    if i < s.count && s[i] == "," { i += 1 }
                }
            }
            if s[i...].starts(with: "True".unicodeScalars) { i += 4; return .bool(true) }
            if s[i...].starts(with: "False".unicodeScalars) { i += 5; return .bool(false) }
            // Skip an unknown value (e.g. a list for structured dtypes) up to the next top-level comma.
            var depth = 0
            while i < s.count {
                let c = s[i]
                if c == "[" || c == "(" || c == "{" { depth += 1 }
                if c == "]" || c == ")" || (c == "}" && depth > 0) { depth -= 1 }
                if depth == 0 && (c == "," || c == "}") { break }
                i += 1
            }
            return .other
        }
    }

    // MARK: Writing

    /// Encodes a tensor as `.npy` bytes (`<f8`, C order).
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        var bytes = header(descr: "<f8", shape: tensor.shape)
        tensor.scalars.withUnsafeBytes { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Encodes integers as `.npy` bytes (`<i8`, C order).
    public static func encode(integers: [Int], shape: [Int]) -> [UInt8] {
        precondition(Tensor.elementCount(shape) == integers.count, "NPY.encode: shape \(shape) needs \(Tensor.elementCount(shape)) values, got \(integers.count)")
        var bytes = header(descr: "<i8", shape: shape)
        integers.map { Int64($0) }.withUnsafeBytes { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Encodes either kind of array.
    public static func encode(_ array: NPYArray) -> [UInt8] {
        switch array {
        case .float(let t): return encode(t)
        case .integer(let v, let shape): return encode(integers: v, shape: shape)
        }
    }

    /// Writes a tensor to `path` as `.npy` (`<f8`), atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try AtomicFile.write(encode(tensor), to: path)
    }

    /// Writes integers to `path` as `.npy` (`<i8`), atomically.
    public static func write(integers: [Int], shape: [Int], to path: String) throws {
        try AtomicFile.write(encode(integers: integers, shape: shape), to: path)
    }

    static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.isEmpty ? "()" : shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // Pad with spaces so that the data starts on a 64-byte boundary, newline last.
        let prefix = 10
        let total = (prefix + dict.count + 1 + 63) / 64 * 64
        let large = total - prefix > 65535
        let start = large ? 12 : 10
        let padded = (start + dict.count + 1 + 63) / 64 * 64
        dict.append(contentsOf: [UInt8](repeating: 0x20, count: padded - start - dict.count - 1))
        dict.append(0x0A)
        var out = magic + (large ? [2, 0] : [1, 0])
        let n = dict.count
        out += large ? [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24 & 0xFF)]
                     : [UInt8(n & 0xFF), UInt8(n >> 8)]
        return out + dict
    }
}

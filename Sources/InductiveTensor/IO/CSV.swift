import Foundation

/// A numeric table read from CSV: an optional header and a rows x columns tensor.
public struct CSVTable: Sendable, Equatable {
    /// Column names, when the file has a header line.
    public var header: [String]?
    /// The values, shape [rows, columns].
    public var values: Tensor
}

/// Numeric CSV: comma-separated (or another delimiter), optional header line, `.gz`
/// compression detected from the gzip magic bytes. Blank lines and lines starting with
/// `#` are skipped. Fields parse as `Double` (`nan`, `inf` accepted).
public enum CSV {
    /// Whether the first non-blank line is a header.
    public enum HeaderMode: Sendable {
        /// A header if any of its fields is not a number.
        case automatic
        case present
        case absent
    }

    /// The most bytes a `.csv.gz` may inflate to (512 MiB) unless the environment variable
    /// `INDUCTIVE_MAX_INFLATED_BYTES` gives another positive number: a small gzip file can
    /// inflate to gigabytes (a "gzip bomb"), so inflation stops with an error at the cap.
    /// Larger data sets belong in `.npz` files.
    public static var maximumInflatedBytes: Int {
        if let text = ProcessInfo.processInfo.environment["INDUCTIVE_MAX_INFLATED_BYTES"],
           let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 {
            return value
        }
        return 512 << 20
    }

    /// Reads a numeric CSV file (gzip-compressed or plain); compressed input inflates to
    /// at most `maximumInflatedBytes` (default `CSV.maximumInflatedBytes`).
    public static func read(_ path: String, header: HeaderMode = .automatic, delimiter: Character = ",",
                            maximumInflatedBytes: Int? = nil) throws -> CSVTable {
        try decode(readFileBytes(path), source: path, header: header, delimiter: delimiter,
                   maximumInflatedBytes: maximumInflatedBytes)
    }

    /// Decodes the bytes of a CSV file (gzip-compressed or plain) as `read` does; `source`
    /// names the input in errors.
    public static func decode(_ bytes: [UInt8], source: String, header: HeaderMode = .automatic, delimiter: Character = ",",
                              maximumInflatedBytes: Int? = nil) throws -> CSVTable {
        var bytes = bytes
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            bytes = try inflateGzip(bytes, source: source, limit: maximumInflatedBytes ?? CSV.maximumInflatedBytes)
        }
        guard let text = decodeUTF8(bytes) else {
            throw FileError(path: source, reason: "not UTF-8 text")
        }
        return try parse(text, source: source, header: header, delimiter: delimiter)
    }

    /// Inflates gzip bytes under a size cap; errors name `source`.
    static func inflateGzip(_ bytes: [UInt8], source: String, limit: Int) throws -> [UInt8] {
        do {
            return try bytes.withUnsafeBytes {
                try Zlib.inflate($0, gzip: true, sizeHint: Swift.min($0.count, limit / 4) * 4, limit: limit)
            }
        } catch let f as Zlib.Failure {
            if f.exceededLimit {
                throw FileError(path: source, reason: "gzip: inflates to more than \(limit) bytes (the cap for compressed CSV; "
                                + "set INDUCTIVE_MAX_INFLATED_BYTES to raise it, or use .npz)")
            }
            throw FileError(path: source, reason: "gzip: \(f.reason)")
        }
    }

    /// Parses CSV text; `source` names the input in errors.
    public static func parse(_ text: String, source: String, header: HeaderMode = .automatic, delimiter: Character = ",") throws -> CSVTable {
        var names: [String]?
        var values: [Double] = []
        var columns = -1
        var rows = 0
        var lineNumber = 0
        // "\r\n" is a single Character in Swift: split on every kind of line break.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line[...]
            if trimmed.allSatisfy({ $0 == " " || $0 == "\t" }) || trimmed.first == "#" { continue }
            let fields = trimmed.split(separator: delimiter, omittingEmptySubsequences: false)
                .map { $0.trimmingSpaces() }
            let parsed = fields.map { Double($0) }
            if columns < 0 {
                columns = fields.count
                let isHeader: Bool
                switch header {
                case .automatic: isHeader = parsed.contains(nil)
                case .present: isHeader = true
                case .absent: isHeader = false
                }
                if isHeader {
                    names = fields.map { $0.count >= 2 && $0.first == "\"" && $0.last == "\"" ? String($0.dropFirst().dropLast()) : String($0) }
                    continue
                }
            }
            guard fields.count == columns else {
                throw FileError(path: source, reason: "line \(lineNumber) has \(fields.count) fields, expected \(columns)")
            }
            for (column, value) in parsed.enumerated() {
                guard let value else {
                    throw FileError(path: source, reason: "line \(lineNumber), column \(column + 1): '\(fields[column])' is not a number")
                }
                values.append(value)
            }
            rows += 1
        }
        guard columns > 0 else { throw FileError(path: source, reason: "no data") }
        return CSVTable(header: names, values: Tensor(shape: [rows, columns], scalars: values))
    }

    /// Renders a matrix (or vector, as one column) as CSV text with an optional header;
    /// numbers use Swift's shortest round-trip form, so reading back is exact.
    public static func render(_ values: Tensor, header: [String]? = nil) -> String {
        let m = values.rank == 1 ? values.reshaped([values.count, 1]) : values
        precondition(m.rank == 2, "CSV.render: expected a vector or matrix, got \(values.shape)")
        if let header { precondition(header.count == m.shape[1], "CSV.render: \(header.count) names for \(m.shape[1]) columns") }
        var out = header.map { $0.joined(separator: ",") + "\n" } ?? ""
        let c = m.shape[1]
        for r in 0..<m.shape[0] {
            out += (0..<c).map { "\(m.scalars[r * c + $0])" }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Writes a matrix as CSV atomically.
    public static func write(_ values: Tensor, header: [String]? = nil, to path: String) throws {
        try AtomicFile.write(render(values, header: header), to: path)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

import Foundation
import Testing

/// A command that must be refused, and a piece of text its one-line error must contain (the
/// option or the problem it names).
struct RefusedCommand: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var names: String

    init(_ arguments: [String], names: String) {
        self.arguments = arguments
        self.names = names
    }

    var testDescription: String { arguments.joined(separator: " ") }
}

/// Checks a refusal: a status in 1...127 (not a signal, not a trap), exactly one non-empty
/// line on standard error that starts with "error:" and contains `names`, and no usage dump.
func expectOneLineError(_ result: CommandResult, names: String, _ command: [String],
                        sourceLocation: SourceLocation = #_sourceLocation) {
    let shown = "inductive \(command.joined(separator: " "))"
    #expect(result.exited, "\(shown): killed by signal \(result.status)", sourceLocation: sourceLocation)
    #expect((1...127).contains(result.status), "\(shown): status \(result.status)", sourceLocation: sourceLocation)
    #expect(result.errorLines.count == 1, "\(shown): stderr \(result.standardError)", sourceLocation: sourceLocation)
    let line = result.errorLines.first ?? ""
    #expect(line.hasPrefix("error: "), "\(shown): \(line)", sourceLocation: sourceLocation)
    #expect(line.contains(names), "\(shown): '\(line)' does not name '\(names)'", sourceLocation: sourceLocation)
    #expect(!result.standardError.contains("USAGE"), "\(shown): usage dump", sourceLocation: sourceLocation)
}

/// Runs a command that must be refused in a folder holding the fixtures, checks the refusal,
/// then runs `then` on the result and the folder (for checks of what was left behind).
func expectRefused(_ command: RefusedCommand, timeout: TimeInterval = 60,
                   then: (CommandResult, TemporaryFolder) -> Void = { _, _ in },
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try Fixtures.write(in: folder)
    let result = try CommandRunner.run(command.arguments, in: folder.url, timeout: timeout, sourceLocation: sourceLocation)
    expectOneLineError(result, names: command.names, command.arguments, sourceLocation: sourceLocation)
    then(result, folder)
}

/// Runs a command that must succeed in a folder holding the fixtures.
@discardableResult
func expectSuccess(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try Fixtures.write(in: folder)
    let result = try CommandRunner.run(arguments, in: folder.url, timeout: 120, sourceLocation: sourceLocation)
    #expect(result.status == 0, "inductive \(arguments.joined(separator: " ")): \(result.standardError)", sourceLocation: sourceLocation)
    return result
}

/// Small input files the commands under test read, written directly as `.npy` (float64, C order).
enum Fixtures {
    /// Writes, in `folder`:
    /// - `lorenz.npy`: 2000 Lorenz-like rows of 3 variables (a smooth curve, not a solution);
    /// - `wide.npy`: 3 rows of 5000 variables (samples and variables swapped);
    /// - `burgers.npy`: 21 times of 256 points of a travelling bump;
    /// - `x.npy`: 20 inputs of dimension 4; `big.npy`: the same times 1e155;
    /// - `many.npy`: 3000 inputs of dimension 2.
    static func write(in folder: TemporaryFolder) throws {
        let t = (0..<2000).map { Double($0) * 0.002 }
        try npy(t.map { [sin($0) * 10, cos(2 * $0) * 10, 20 + sin(3 * $0) * 5] }, folder.path("lorenz.npy"))
        try npy((0..<3).map { i in (0..<5000).map { j in sin(Double(i * 5000 + j)) } }, folder.path("wide.npy"))
        try npy((0..<21).map { i in (0..<256).map { j in exp(-pow(Double(j) * 0.0625 - 8 + 2 - 0.1 * Double(i), 2)) } },
                folder.path("burgers.npy"))
        let x = (0..<20).map { i in (0..<4).map { j in sin(Double(7 * i + j)) } }
        try npy(x, folder.path("x.npy"))
        try npy(x.map { $0.map { $0 * 1e155 } }, folder.path("big.npy"))
        try npy((0..<3000).map { i in [cos(Double(i)), sin(Double(i))] }, folder.path("many.npy"))
    }

    /// A matrix as a version 1.0 `.npy` file.
    static func npy(_ rows: [[Double]], _ path: String) throws {
        let columns = rows.first?.count ?? 0
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows.count), \(columns)), }"
        // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in a newline.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for row in rows {
            for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}

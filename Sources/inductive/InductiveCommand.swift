import ArgumentParser
import Foundation
import Inductive

@main
struct InductiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inductive",
        abstract: "The theory of deep learning, runnable: kernels, solvers, experiments and a report.",
        version: InductiveVersion.string,
        subcommands: [List.self, Run.self, Reproduce.self, Sweep.self, Merge.self, Train.self, NTK.self, Discover.self, Info.self, Bench.self]
    )

    /// ArgumentParser's entry point, after asking the allocator to recycle freed tensors
    /// (see `AllocatorTuning.retainFreedMemory`).
    static func main() {
        BLASCoreCorrection.restartIfNeeded()
        AllocatorTuning.retainFreedMemory()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exitWithError(error)
        }
    }
}


/// Prints a user-facing error as one line on standard error and exits with a status in 1...127:
/// argument-parser's own status for its errors (64 for a usage or validation error), 1 for the
/// rest. A request for help or the version is not an error: argument-parser prints it and exits 0.
func exitWithError(_ error: Error) -> Never {
    let code = InductiveCommand.exitCode(for: error)
    if code.isSuccess { InductiveCommand.exit(withError: error) }
    let message = oneLine(InductiveCommand.message(for: error))
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    exit((1...127).contains(code.rawValue) ? code.rawValue : 1)
}

/// A message folded onto one line: argument-parser lists many valid values as a bulleted list,
/// which becomes "a, b, c" here.
func oneLine(_ message: String) -> String {
    let lines = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard let first = lines.first else { return "unknown error" }
    let rest = lines.dropFirst().map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
    var text = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
    if !rest.isEmpty { text += " " + rest.joined(separator: ", ") }
    return text
}

/// Writes a line to standard output immediately (unbuffered, so it interleaves correctly
/// with progress on standard error).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

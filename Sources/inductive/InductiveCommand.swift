import ArgumentParser
import Foundation
import Inductive

@main
struct InductiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inductive",
        abstract: "The theory of deep learning, runnable: kernels, solvers, experiments and a report.",
        version: InductiveVersion.string,
        subcommands: [List.self, Run.self, Reproduce.self, Train.self, NTK.self, Discover.self, Info.self, Bench.self]
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
            exit(withError: error)
        }
    }
}


/// Prints a user-facing error as one line on standard error and exits non-zero.
func exitWithError(_ error: Error) -> Never {
    let message = String(describing: error)
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    exit(1)
}

/// Writes a line to standard output immediately (unbuffered, so it interleaves correctly
/// with progress on standard error).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

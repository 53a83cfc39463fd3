import Foundation
import Testing

/// Runs the built `inductive` executable the way a user would (argument-parser's own practice
/// for testing a command-line tool): arguments, an optional working directory and extra
/// environment, standard output and error captured, the exit status returned.
struct CommandResult: Sendable {
    /// The exit status, or the signal number when the process was killed by a signal
    /// (Foundation's `terminationStatus` gives both): check `exited` before reading it.
    var status: Int32
    /// True when the process ended by calling exit (a trap or a crash ends by a signal).
    var exited: Bool = true
    var standardOutput: String
    var standardError: String

    /// The non-empty lines of standard error.
    var errorLines: [String] { standardError.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
}

enum CommandRunner {
    /// The `inductive` binary beside the test bundle (SwiftPM puts every product of one
    /// build configuration in the same folder; the test target depends on the executable so
    /// it is always built first).
    static let executable: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        #if os(macOS)
        // .../release/InductivePackageTests.xctest/Contents/MacOS/InductivePackageTests
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folder = bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        var candidate = folder
        for _ in 0..<4 {
            let url = candidate.appendingPathComponent("inductive")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            candidate = candidate.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("inductive")
    }()

    /// Runs `inductive arguments...` (with `environment` added to this process's environment
    /// and the variables `removing` taken out) and waits for it (at most `timeout` seconds, then it is
    /// killed and the test records an issue: a run-away command is a defect of its own).
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        removing removedVariables: Set<String> = [], timeout: TimeInterval = 120,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment.filter { !removedVariables.contains($0.key) }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain both pipes while the process runs so a chatty command cannot block on a full pipe.
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("inductive \(arguments.joined(separator: " ")) ran longer than \(timeout) s", sourceLocation: sourceLocation)
        }
        process.waitUntilExit()
        group.wait()
        return CommandResult(status: process.terminationStatus, exited: process.terminationReason == .exit,
                             standardOutput: String(decoding: outData.get(), as: UTF8.self),
                             standardError: String(decoding: errData.get(), as: UTF8.self))
    }
}

/// Data shared between a reader thread and the test (set once, read after the group waits).
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A fresh temporary folder, deleted by `remove()` (call it in a `defer`).
struct TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("inductive-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    /// The names of the files in the folder, sorted.
    func contents() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

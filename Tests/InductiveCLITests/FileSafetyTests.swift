import Foundation
import Testing

/// How the commands treat their output and input files: special files are written, never
/// replaced; outputs are checked before any work and written all or none; stale temporaries
/// go; huge models and gzip bombs are refused with one line.
@Suite struct FileSafetyTests {
    /// A small time series for `discover ode` (made by the command itself).
    static func series(in folder: TemporaryFolder) throws {
        let made = try CommandRunner.run(["discover", "simulate", "lorenz", "--samples", "300", "--out", "x.npy"], in: folder.url)
        #expect(made.status == 0, "\(made.standardError)")
    }

    static func fileType(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    static func expectOneLineFailure(_ result: CommandResult, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status >= 1 && result.status <= 127, "status \(result.status)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains(fragment), "\(result.standardError)", sourceLocation: sourceLocation)
    }

    /// As root a rename over /dev/null succeeds and replaces the device with a regular file.
    @Test func jsonToDevNullLeavesTheDevice() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.series(in: folder)
        let result = try CommandRunner.run(["discover", "ode", "--data", "x.npy", "--dt", "0.002", "--json", "/dev/null"], in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Self.fileType("/dev/null") == S_IFCHR)
        #expect(folder.contents() == ["x.npy"])
    }

    @Test func jsonToAFifoIsWrittenThroughIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.series(in: folder)
        let fifo = folder.path("results.pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        let received = Received()
        let reader = Thread { received.set(FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()) }
        reader.start()
        let result = try CommandRunner.run(["discover", "ode", "--data", "x.npy", "--dt", "0.002", "--json", fifo], in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        for _ in 0..<500 where received.get() == nil { usleep(10_000) }
        #expect(String(decoding: received.get() ?? Data(), as: UTF8.self).contains("\"equations\""))
        #expect(Self.fileType(fifo) == S_IFIFO)
    }

    /// An unwritable second output is found before any work, and a failure while writing
    /// (/dev/full: disk full) leaves no first output either.
    @Test func anUnwritableSecondOutputLeavesNoFirstOutput() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.series(in: folder)
        let common = ["ntk", "analytic", "--x1", "x.npy", "--w-std", "1.4", "--depth", "1", "--activation", "relu", "--ntk-out", "ok.npy"]
        Self.expectOneLineFailure(try CommandRunner.run(common + ["--nngp-out", "missing/nngp.npy"], in: folder.url), "missing/nngp.npy")
        Self.expectOneLineFailure(try CommandRunner.run(common + ["--nngp-out", "x.npy/nngp.npy"], in: folder.url), "nngp.npy")
        Self.expectOneLineFailure(try CommandRunner.run(common + ["--nngp-out", "ok.npy"], in: folder.url), "named twice")
        #if os(Linux)
        Self.expectOneLineFailure(try CommandRunner.run(common + ["--nngp-out", "/dev/full"], in: folder.url), "disk full")
        #endif
        #expect(folder.contents() == ["x.npy"])
        let both = try CommandRunner.run(common + ["--nngp-out", "nngp.npy"], in: folder.url)
        #expect(both.status == 0, "\(both.standardError)")
        #expect(folder.contents() == ["nngp.npy", "ok.npy", "x.npy"])
    }

    @Test(arguments: [
        ("dense(1000000000)", "at most"),
        ("dense(10000000),dense(10)", "parameters"),
        ("conv(4,9223372036854775807),flatten,dense(10)", "at most"),
        ("conv(300000,3),flatten,dense(10)", "values per example"),
    ])
    func hugeModelSpecificationsAreRefused(spec: String, fragment: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try CommandRunner.run(["train", "--model", spec, "--epochs", "1"], in: folder.url, timeout: 60)
        Self.expectOneLineFailure(result, fragment)
        #expect(folder.contents().isEmpty)
    }

    /// A .csv.gz inflating past the cap (lowered here through INDUCTIVE_MAX_INFLATED_BYTES)
    /// is refused while inflating.
    @Test func gzipBombIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "yes 1,2,0 | head -c 30000000 | gzip -c > bomb.csv.gz"]
        gzip.currentDirectoryURL = folder.url
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0)
        let result = try CommandRunner.run(["train", "--data", "bomb.csv.gz", "--model", "dense(2)", "--epochs", "1"],
                                           in: folder.url, environment: ["INDUCTIVE_MAX_INFLATED_BYTES": "1000000"])
        Self.expectOneLineFailure(result, "inflates to more than 1000000 bytes")
        #expect(folder.contents() == ["bomb.csv.gz"])
    }

    /// `train --out` on a full disk (a tiny tmpfs, root only) writes none of history.csv,
    /// history.json and model.npz: the small history files fit, the model does not.
    @Test func trainOnAFullDiskWritesNoOutputs() throws {
        #if os(Linux)
        guard getuid() == 0 else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let disk = folder.path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", disk]) == 0 else { return }
        defer { _ = run("/bin/umount", [disk]) }
        // Fill the disk, keeping three pages free: enough for the history files, not the model.
        for i in 0..<3 { FileManager.default.createFile(atPath: disk + "/reserve\(i)", contents: Data(repeating: 1, count: 4096)) }
        _ = run("/bin/sh", ["-c", "head -c 1000000 /dev/zero > '\(disk)/filler' 2>/dev/null"])
        for i in 0..<3 { try FileManager.default.removeItem(atPath: disk + "/reserve\(i)") }
        let result = try CommandRunner.run(["train", "--model", "dense(64,relu),dense(10)", "--epochs", "1", "--out", disk + "/out"],
                                           in: folder.url)
        Self.expectOneLineFailure(result.withoutProgress, "disk full")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: disk))?.sorted() == ["filler"])
        #endif
    }

    /// A write that fails half-way (the file-size limit, `ulimit -f`, with SIGXFSZ ignored so
    /// that write(2) answers EFBIG as on a full disk; needs no privileges) ends with one line
    /// and leaves no partial output and no temporary: a `.npy` of 48 KB, and a sweep's point
    /// files (whose writes are `AtomicFile`'s too).
    @Test func aWriteOverTheFileSizeLimitLeavesNothing() throws {
        #if os(Linux)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        func limited(_ arguments: [String]) throws -> CommandResult {
            // sh's ulimit -f counts 512- or 1024-byte blocks: a limit of 1-2 KB either way.
            let script = "trap '' XFSZ; ulimit -f 2 && exec \"$0\" \"$@\""
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, CommandRunner.executable.path] + arguments
            process.currentDirectoryURL = folder.url
            process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CommandResult(status: process.terminationStatus, exited: process.terminationReason == .exit,
                                 standardOutput: "", standardError: String(decoding: data, as: UTF8.self))
        }
        let npy = try limited(["discover", "simulate", "lorenz", "--samples", "2000", "--out", "x.npy"])
        #expect(npy.exited)
        Self.expectOneLineFailure(npy, "x.npy: write failed: file too large")
        #expect(folder.contents().isEmpty)
        let sweep = try limited(["sweep", "ib.double-descent", "--quick", "--grid", "seeds=1", "--grid", "testSamples=200",
                                 "--seeds", "0..0", "--out", "sweep"])
        #expect(sweep.exited && sweep.status != 0, "\(sweep.standardError)")
        #expect(sweep.errorLines.last?.contains("file too large") == true, "\(sweep.standardError)")
        var left: [String] = []
        let walker = FileManager.default.enumerator(atPath: folder.path("sweep"))
        while let relative = walker?.nextObject() as? String { left.append(relative) }
        // The folders and, when it fits under the limit, the manifest; no point file, no temporary.
        #expect(Set(left).isSubset(of: ["points", "timings", "sweep.json"]), "\(left)")
        #endif
    }

    func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension CommandResult {
    /// Standard error without train's progress lines (carriage-return updates and the final
    /// epoch line), leaving the error lines.
    var withoutProgress: CommandResult {
        var copy = self
        copy.standardError = standardError.split(separator: "\n").map { $0.split(separator: "\r").last.map(String.init) ?? "" }
            .filter { $0.hasPrefix("error:") }.joined(separator: "\n")
        return copy
    }
}

/// Bytes handed from a reader thread to the test.
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data? { lock.lock(); defer { lock.unlock() }; return data }
}

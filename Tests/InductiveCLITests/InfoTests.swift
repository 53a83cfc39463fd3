import Foundation
import Testing

/// `inductive info`: the processor, OpenBLAS's core and the verdict of the core correction.
@Suite struct InfoTests {
    /// The "name: value" lines of the output, by name.
    static func fields(_ output: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return fields
    }

    @Test func infoExitsZeroAndGivesTheVerdict() throws {
        let result = try CommandRunner.run(["info"])
        #expect(result.status == 0, "\(result.standardError)")
        let fields = Self.fields(result.standardOutput)
        #expect(fields["core correction"]?.isEmpty == false, "\(result.standardOutput)")
        #if os(Linux)
        #expect(fields["OpenBLAS core"]?.isEmpty == false, "\(result.standardOutput)")
        #expect(fields["BLAS threads"].flatMap { Int($0) }.map { $0 >= 1 } == true)
        #endif
    }

    #if os(Linux) && arch(x86_64)
    /// A core the user forces is kept, even the slowest, and the command does not restart
    /// (it would loop or override the user otherwise).
    @Test func usersCoreIsKept() throws {
        let result = try CommandRunner.run(["info"], environment: ["OPENBLAS_CORETYPE": "Prescott"], timeout: 60)
        #expect(result.status == 0)
        let fields = Self.fields(result.standardOutput)
        #expect(fields["OpenBLAS core"]?.hasPrefix("Prescott,") == true, "\(result.standardOutput)")
        #expect(fields["core correction"]?.contains("user's OPENBLAS_CORETYPE=Prescott kept") == true,
                "\(result.standardOutput)")
    }

    /// With nothing forced, the command either needs no correction or has restarted itself
    /// with it; it never reports a pending one. The best core follows from the printed flags
    /// (whatever this machine is), and a correction lands on it.
    @Test func unsetCoreIsCorrectedOrSufficient() throws {
        let result = try CommandRunner.run(["info"], removing: ["OPENBLAS_CORETYPE", "INDUCTIVE_OPENBLAS_CORE_CORRECTED"])
        #expect(result.status == 0)
        let fields = Self.fields(result.standardOutput)
        let verdict = try #require(fields["core correction"], "\(result.standardOutput)")
        let core = try #require(fields["OpenBLAS core"]?.split(separator: ",").first.map(String.init))
        let best = try #require(fields["OpenBLAS core"]?.components(separatedBy: "best for this CPU: ").last)

        let cpu = try #require(fields["CPU"])
        let flags = Set(cpu.components(separatedBy: ": ").last?.split(separator: " ").map(String.init) ?? [])
        let expectedBest: String
        if flags.isSuperset(of: ["AVX512F", "AVX512DQ", "AVX512BW", "AVX512VL"]) {
            expectedBest = "SkylakeX"
        } else if flags.isSuperset(of: ["AVX2", "FMA"]) {
            expectedBest = "Haswell"
        } else if flags.contains("AVX") {
            expectedBest = "Sandybridge"
        } else if flags.isSuperset(of: ["SSSE3", "SSE4.1", "SSE4.2"]) {
            expectedBest = "Nehalem"
        } else {
            expectedBest = "Prescott"
        }
        #expect(best == expectedBest, "\(result.standardOutput)")

        // "restarted with ..., but OpenBLAS runs ..." (the correction not taken) is a failure.
        #expect(verdict.hasPrefix("not needed") || verdict.hasPrefix("corrected to")
                || verdict.contains("does not know") || verdict.contains("built for"),
                "\(result.standardOutput)")
        if verdict.hasPrefix("corrected to") {
            #expect(core == best, "\(result.standardOutput)")
        }
    }

    /// OPENBLAS_THREAD_TIMEOUT is read only when OpenBLAS loads, so the command restarts once
    /// with it when the user has not set it, and keeps the user's value otherwise.
    @Test func threadTimeoutIsSetAtStartUnlessTheUserSetIt() throws {
        let unset = try CommandRunner.run(["info"], removing: ["OPENBLAS_THREAD_TIMEOUT"])
        #expect(unset.status == 0, "\(unset.standardError)")
        #expect(Self.fields(unset.standardOutput)["OpenBLAS thread timeout"] == "16", "\(unset.standardOutput)")
        let users = try CommandRunner.run(["info"], environment: ["OPENBLAS_THREAD_TIMEOUT": "20"])
        #expect(users.status == 0, "\(users.standardError)")
        #expect(Self.fields(users.standardOutput)["OpenBLAS thread timeout"] == "20", "\(users.standardOutput)")
    }

    /// A C compiler on PATH, to build the stand-in for `openblas_get_corename` below.
    static let compiler: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") {
            for name in ["cc", "gcc", "clang"] {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// Builds a shared library whose `openblas_get_corename` returns `body`'s value and runs
    /// `inductive info` with it preloaded (so OpenBLAS seems to have fallen back to Prescott,
    /// whatever this CPU is), nothing forced and no marker.
    static func infoWithFakeCore(_ body: String) throws -> CommandResult {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = folder.path("fake.c"), library = folder.path("fake.so")
        try ("#include <stdlib.h>\nconst char *openblas_get_corename(void) { " + body + " }\n")
            .write(toFile: source, atomically: true, encoding: .utf8)
        let build = Process()
        build.executableURL = URL(fileURLWithPath: try #require(compiler))
        build.arguments = ["-shared", "-fPIC", "-o", library, source]
        try build.run()
        build.waitUntilExit()
        try #require(build.terminationStatus == 0, "could not build the stand-in library")
        return try CommandRunner.run(["info"], environment: ["LD_PRELOAD": library],
                                     removing: ["OPENBLAS_CORETYPE", "INDUCTIVE_OPENBLAS_CORE_CORRECTED"], timeout: 60)
    }

    /// The restart itself: OpenBLAS (seemingly) on Prescott, then on whatever core the restart
    /// forced. The command restarts once and reports the correction; on a CPU whose best core
    /// is Prescott's level there is nothing to correct.
    @Test(.enabled(if: compiler != nil, "needs a C compiler to build the stand-in library"))
    func fallbackToPrescottIsCorrectedByOneRestart() throws {
        let result = try Self.infoWithFakeCore(
            "const char *forced = getenv(\"OPENBLAS_CORETYPE\"); return forced && *forced ? forced : \"Prescott\";")
        #expect(result.exited && result.status == 0, "\(result.standardError)")
        let fields = Self.fields(result.standardOutput)
        let verdict = try #require(fields["core correction"], "\(result.standardOutput)")
        let best = try #require(fields["OpenBLAS core"]?.components(separatedBy: "best for this CPU: ").last)
        if best == "Prescott" {
            #expect(verdict.hasPrefix("not needed"), "\(verdict)")
        } else {
            #expect(verdict == "corrected to \(best) (OpenBLAS had chosen Prescott)", "\(verdict)")
            #expect(fields["OpenBLAS core"]?.hasPrefix("\(best),") == true, "\(result.standardOutput)")
        }
    }

    /// A restart whose core OpenBLAS does not take ends after that one restart (no loop: the
    /// runner's timeout would catch one), with a note on standard error.
    @Test(.enabled(if: compiler != nil, "needs a C compiler to build the stand-in library"))
    func ignoredCorrectionDoesNotLoop() throws {
        let result = try Self.infoWithFakeCore("return \"Prescott\";")
        #expect(result.exited && result.status == 0, "\(result.standardError)")
        let verdict = try #require(Self.fields(result.standardOutput)["core correction"], "\(result.standardOutput)")
        let best = try #require(Self.fields(result.standardOutput)["OpenBLAS core"]?.components(separatedBy: "best for this CPU: ").last)
        if best != "Prescott" {
            #expect(verdict.hasPrefix("restarted with OPENBLAS_CORETYPE=\(best), but OpenBLAS runs Prescott"), "\(verdict)")
            #expect(result.errorLines.count == 1 && result.standardError.hasPrefix("note: restarted with"), "\(result.standardError)")
        }
    }
    #endif
}

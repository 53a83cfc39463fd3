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

    /// Runs `inductive arguments` with `names` removed from the environment (the shared
    /// runner can only add variables). For commands with little output: standard error is
    /// discarded and standard output read to its end before waiting.
    static func run(_ arguments: [String], without names: Set<String>) throws -> CommandResult {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !names.contains($0.key) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, standardOutput: String(decoding: data, as: UTF8.self),
                             standardError: "")
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
        let result = try Self.run(["info"], without: ["OPENBLAS_CORETYPE", "INDUCTIVE_OPENBLAS_CORE_CORRECTED"])
        #expect(result.status == 0)
        let fields = Self.fields(result.standardOutput)
        let verdict = try #require(fields["core correction"], "\(result.standardOutput)")
        let core = try #require(fields["OpenBLAS core"]?.split(separator: ",").first.map(String.init))
        let best = try #require(fields["OpenBLAS core"]?.components(separatedBy: "best for this CPU: ").last)

        let cpu = try #require(fields["CPU"])
        let flags = Set(cpu.components(separatedBy: ": ").last?.split(separator: " ").map(String.init) ?? [])
        let expectedBest: String
        if flags.isSuperset(of: ["AVX512F", "AVX512DQ", "AVX512BW", "AVX512VL"]) {
            expectedBest = flags.contains("AVX512-BF16") ? "Cooperlake" : "SkylakeX"
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

        #expect(verdict.hasPrefix("not needed") || verdict.hasPrefix("corrected to") || verdict.hasPrefix("restarted with")
                || verdict.contains("does not know") || verdict.contains("built for"),
                "\(result.standardOutput)")
        if verdict.hasPrefix("corrected to") {
            #expect(core == best, "\(result.standardOutput)")
        }
    }
    #endif
}

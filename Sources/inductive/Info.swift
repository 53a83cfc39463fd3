import ArgumentParser
import Foundation
import Inductive

/// `inductive info`: versions, the processor, the BLAS in use, its core and its threads.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the version, the processor, the BLAS/LAPACK in use, its kernels and its thread count.")

    func run() throws {
        print("inductive \(InductiveVersion.string)")
        print("BLAS: \(BLAS.configuration)")
        print("CPU: \(CPUFeatures.current.map(\.description) ?? "not x86-64")")
        let decision = BLASCore.check()
        if let core = decision.running {
            print("OpenBLAS core: \(core), best for this CPU: \(decision.recommended ?? "unknown")")
        }
        if let threads = BLAS.threadCount { print("BLAS threads: \(threads)") }
        #if os(Linux)
        let timeout = ProcessInfo.processInfo.environment[BLASCoreCorrection.threadTimeoutVariable]
        print("OpenBLAS thread timeout: \(timeout ?? "OpenBLAS's default")")
        #endif
        print("core correction: \(decision.reason)")
        print("cores: \(ProcessInfo.processInfo.activeProcessorCount), memory: \(ProcessInfo.processInfo.physicalMemory >> 20) MiB")
    }
}

import ArgumentParser
import Foundation
import Inductive

/// `inductive info`: versions, the BLAS in use and its threads.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version, the BLAS/LAPACK in use and its thread count.")

    func run() throws {
        print("inductive \(InductiveVersion.string)")
        print("BLAS: \(BLAS.configuration)")
        print("cores: \(ProcessInfo.processInfo.activeProcessorCount), memory: \(ProcessInfo.processInfo.physicalMemory >> 20) MiB")
    }
}

import Foundation
import Inductive

/// Restarts `inductive` once with OPENBLAS_CORETYPE set when OpenBLAS fell back to kernels
/// older than the processor supports (see `BLASCore`): OpenBLAS reads the variable only when
/// it loads, so the process must start again. Linux only (the executable is /proc/self/exe).
enum BLASCoreCorrection {
    /// Call first thing in `main`, before any output or thread of our own: on success `execv`
    /// does not return. A user's OPENBLAS_CORETYPE is never touched, and the marker variable
    /// set here makes the restarted process (and anything it starts) leave the core alone.
    static func restartIfNeeded() {
        #if os(Linux)
        let decision = BLASCore.check()
        if case .correctionIgnored = decision.status {
            // Restarted, but OpenBLAS did not take the core: say so once, never restart again.
            FileHandle.standardError.write(Data("note: \(decision.reason)\n".utf8))
            return
        }
        guard let core = decision.correction else { return }
        setenv(BLASCore.coreTypeVariable, core, 1)
        setenv(BLASCore.markerVariable, decision.running ?? "unknown", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Reached only when execv failed: carry on with the core OpenBLAS chose.
        let failure = String(cString: strerror(errno))
        unsetenv(BLASCore.coreTypeVariable)
        unsetenv(BLASCore.markerVariable)
        FileHandle.standardError.write(Data(
            "note: could not restart with \(BLASCore.coreTypeVariable)=\(core) (\(failure)); OpenBLAS keeps \(decision.running ?? "its core")\n".utf8))
        #endif
    }
}

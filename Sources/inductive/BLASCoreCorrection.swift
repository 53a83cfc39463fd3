import Foundation
import Inductive

/// Restarts `inductive` once, before any work, when OpenBLAS needs an environment variable that
/// it reads only when it loads: OPENBLAS_CORETYPE when OpenBLAS fell back to kernels older than
/// the processor supports (see `BLASCore`), and OPENBLAS_THREAD_TIMEOUT when the user has not
/// set it. Linux only (the executable is /proc/self/exe).
enum BLASCoreCorrection {
    /// OpenBLAS's idle threads spin on `sched_yield` for 2^28 cycles after each call before
    /// they sleep. On a quiet 2-core machine that spinning was 12–41% system time in the
    /// full-size experiments (ntk.lazy-training: 5.98 s system for 18.2 s user; with 2^16
    /// cycles 0.90 s). 2^16 cycles (tens of µs) is enough for back-to-back BLAS calls: the
    /// GD-MSE benchmark, whose LAPACK reduction makes many small calls, kept its time
    /// (53 vs 55 ms), where 2^4 made it 35% slower.
    static let threadTimeoutVariable = "OPENBLAS_THREAD_TIMEOUT"
    static let threadTimeout = "16"

    /// Call first thing in `main`, before any output or thread of our own: on success `execv`
    /// does not return. A user's OPENBLAS_CORETYPE or OPENBLAS_THREAD_TIMEOUT is never
    /// touched; the restarted process has both set (or the marker), so it never restarts again.
    static func restartIfNeeded() {
        #if os(Linux)
        let decision = BLASCore.check()
        if case .correctionIgnored = decision.status {
            // Restarted, but OpenBLAS did not take the core: say so once, never restart again.
            FileHandle.standardError.write(Data("note: \(decision.reason)\n".utf8))
            return
        }
        let setsTimeout = getenv(threadTimeoutVariable) == nil
        let core = decision.correction
        guard core != nil || setsTimeout else { return }
        if setsTimeout { setenv(threadTimeoutVariable, threadTimeout, 1) }
        if let core {
            setenv(BLASCore.coreTypeVariable, core, 1)
            setenv(BLASCore.markerVariable, decision.running ?? "unknown", 1)
        }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Reached only when execv failed: carry on with what OpenBLAS chose.
        let failure = String(cString: strerror(errno))
        if setsTimeout { unsetenv(threadTimeoutVariable) }
        if let core {
            unsetenv(BLASCore.coreTypeVariable)
            unsetenv(BLASCore.markerVariable)
            FileHandle.standardError.write(Data(
                "note: could not restart with \(BLASCore.coreTypeVariable)=\(core) (\(failure)); OpenBLAS keeps \(decision.running ?? "its core")\n".utf8))
        }
        #endif
    }
}

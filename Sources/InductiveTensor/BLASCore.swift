// Which OpenBLAS kernels run, and whether they use what the processor offers.
//
// OpenBLAS built with DYNAMIC_ARCH picks a family of kernels (a "core") when it loads, from
// the processor's family and model. A release older than the processor does not know the
// model and may fall back to kernels far older than the hardware: Debian 12's 0.3.21 runs
// its SSE3 "Prescott" kernels on a Xeon of family 6, model 207 (an Intel model missing from
// its list falls through to the Pentium 4 case), 17 GFLOP/s instead of 80-135 for a 1024
// matmul. OpenBLAS reads OPENBLAS_CORETYPE only when it loads, so the remedy is to set it
// before the program starts: the `inductive` command restarts itself once; a program built
// on the library can call `BLASCore.check()` and tell its user.
//
// Besides BLAS.swift and LAPACK.swift, this file asks OpenBLAS one thing: its core's name.

import CKernels
import Foundation
#if !canImport(Accelerate)
import CLinearAlgebra
#endif

/// An x86-64 processor as cpuid describes it: vendor, family, model and the vector
/// extensions that both the processor and the operating system support.
public struct CPUFeatures: Sendable, Hashable, CustomStringConvertible {
    /// Instruction-set extensions, each present only when the operating system also saves
    /// its registers (so a flag means "usable", not just "built in").
    public struct Flags: OptionSet, Sendable, Hashable {
        /// The bits, as `inductive_cpu_identify` (CKernels) reports them.
        public let rawValue: UInt32
        /// Flags from their bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        // One flag per extension, named as Intel's manuals do.
        /// SSE3.
        public static let sse3 = Flags(rawValue: UInt32(INDUCTIVE_CPU_SSE3))
        /// SSSE3.
        public static let ssse3 = Flags(rawValue: UInt32(INDUCTIVE_CPU_SSSE3))
        /// SSE4.1.
        public static let sse41 = Flags(rawValue: UInt32(INDUCTIVE_CPU_SSE41))
        /// SSE4.2.
        public static let sse42 = Flags(rawValue: UInt32(INDUCTIVE_CPU_SSE42))
        /// AVX.
        public static let avx = Flags(rawValue: UInt32(INDUCTIVE_CPU_AVX))
        /// FMA3.
        public static let fma = Flags(rawValue: UInt32(INDUCTIVE_CPU_FMA))
        /// AVX2.
        public static let avx2 = Flags(rawValue: UInt32(INDUCTIVE_CPU_AVX2))
        /// AVX-512 Foundation.
        public static let avx512F = Flags(rawValue: UInt32(INDUCTIVE_CPU_AVX512F))
        /// AVX-512 doubleword and quadword instructions.
        public static let avx512DQ = Flags(rawValue: UInt32(INDUCTIVE_CPU_AVX512DQ))
        /// AVX-512 byte and word instructions.
        public static let avx512BW = Flags(rawValue: UInt32(INDUCTIVE_CPU_AVX512BW))
        /// AVX-512 vector-length extensions.
        public static let avx512VL = Flags(rawValue: UInt32(INDUCTIVE_CPU_AVX512VL))
        /// AVX-512 bfloat16 instructions.
        public static let avx512BF16 = Flags(rawValue: UInt32(INDUCTIVE_CPU_AVX512BF16))

        /// The AVX-512 subsets that OpenBLAS's SkylakeX kernels use.
        public static let avx512Core: Flags = [.avx512F, .avx512DQ, .avx512BW, .avx512VL]

        /// Names in the order of the instruction-set levels, as printed by `inductive info`.
        static let names: [(Flags, String)] = [
            (.sse3, "SSE3"), (.ssse3, "SSSE3"), (.sse41, "SSE4.1"), (.sse42, "SSE4.2"), (.avx, "AVX"),
            (.fma, "FMA"), (.avx2, "AVX2"), (.avx512F, "AVX512F"), (.avx512DQ, "AVX512DQ"),
            (.avx512BW, "AVX512BW"), (.avx512VL, "AVX512VL"), (.avx512BF16, "AVX512-BF16"),
        ]
    }

    /// The vendor string of cpuid leaf 0: "GenuineIntel", "AuthenticAMD", "HygonGenuine", ...
    public var vendor: String
    /// The displayed family (base plus extended family), as /proc/cpuinfo shows it: 6 for
    /// Intel Core and Xeon, 23 (Zen 1-2), 25 (Zen 3-4), 26 (Zen 5) for AMD.
    public var family: Int
    /// The displayed model (extended model in the high nibble for families 6 and 15).
    public var model: Int
    /// The usable extensions; the only input of the core decision (vendor, family and model
    /// are for people reading `inductive info`).
    public var flags: Flags

    /// A recorded processor (tests, or a machine described elsewhere).
    public init(vendor: String, family: Int, model: Int, flags: Flags) {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.flags = flags
    }

    /// This machine's processor (cpuid and xgetbv: well under a microsecond), or nil when it
    /// is not x86-64.
    public static var current: CPUFeatures? {
        var vendor = [CChar](repeating: 0, count: 13)
        var family: UInt32 = 0, model: UInt32 = 0, flags: UInt32 = 0
        guard inductive_cpu_identify(&vendor, &family, &model, &flags) == 1 else { return nil }
        let bytes = vendor.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return CPUFeatures(vendor: String(decoding: bytes, as: UTF8.self), family: Int(family), model: Int(model),
                           flags: Flags(rawValue: flags))
    }

    /// "AuthenticAMD family 26 model 2: SSE3 SSSE3 ... AVX512-BF16".
    public var description: String {
        let names = Flags.names.filter { flags.contains($0.0) }.map(\.1)
        return "\(vendor) family \(family) model \(model): \(names.isEmpty ? "no SSE3 or later" : names.joined(separator: " "))"
    }
}

/// Whether OpenBLAS runs kernels as recent as the processor supports, and what to set when
/// it does not (see the comment at the top of this file).
public enum BLASCore {
    /// The variable OpenBLAS reads when it loads to force a core.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set by the `inductive` command when it restarts itself with a corrected core, to the
    /// core OpenBLAS had chosen; its presence forbids a second restart.
    public static let markerVariable = "INDUCTIVE_OPENBLAS_CORE_CORRECTED"

    /// The instruction sets an x86-64 OpenBLAS core uses, in increasing order. Cores of one
    /// level are interchangeable for this check: Haswell and Zen share their double kernels,
    /// and so do SkylakeX and Cooperlake (BF16 serves only bfloat16 products).
    public enum Level: Int, Comparable, Sendable, CaseIterable {
        /// SSE2 only (the oldest cores).
        case sse2
        /// SSE3 (Prescott, Core2, Penryn, ...).
        case sse3
        /// SSE4.2 (Nehalem).
        case sse4
        /// AVX (Sandybridge, the Bulldozer family).
        case avx
        /// AVX2 and FMA (Haswell, Zen).
        case avx2
        /// AVX-512 F/DQ/BW/VL (SkylakeX, Cooperlake).
        case avx512
        /// AMX tiles (SapphireRapids).
        case amx

        /// Orders levels by the instruction sets they use.
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// OpenBLAS's x86-64 core names (as `openblas_get_corename` spells them, compared
    /// ignoring case) and their levels. Piledriver to Excavator add FMA to AVX, which this
    /// check does not separate from AVX.
    static let coreLevels: [String: Level] = [
        "katmai": .sse2, "coppermine": .sse2, "northwood": .sse2, "banias": .sse2, "athlon": .sse2, "opteron": .sse2,
        "prescott": .sse3, "opteron_sse3": .sse3, "core2": .sse3, "penryn": .sse3, "dunnington": .sse3,
        "atom": .sse3, "nano": .sse3, "bobcat": .sse3, "barcelona": .sse3,
        "nehalem": .sse4,
        "sandybridge": .avx, "bulldozer": .avx, "piledriver": .avx, "steamroller": .avx, "excavator": .avx,
        "haswell": .avx2, "zen": .avx2,
        "skylakex": .avx512, "cooperlake": .avx512,
        "sapphirerapids": .amx,
    ]

    /// The level of the OpenBLAS core named `name`, or nil for a name not in the table (a
    /// non-x86 core, or one newer than this table).
    public static func level(ofCore name: String) -> Level? { coreLevels[name.lowercased()] }

    /// The highest level whose instructions `cpu` supports. AMX is never reported: its
    /// kernels serve bfloat16 products only, and Linux enables its registers per process.
    public static func level(of cpu: CPUFeatures) -> Level {
        let f = cpu.flags
        if f.isSuperset(of: CPUFeatures.Flags.avx512Core) { return .avx512 }
        if f.isSuperset(of: [.avx2, .fma]) { return .avx2 }
        if f.contains(.avx) { return .avx }
        if f.isSuperset(of: [.ssse3, .sse41, .sse42]) { return .sse4 }
        return f.contains(.sse3) ? .sse3 : .sse2
    }

    /// The OpenBLAS core to force on `cpu`: the newest whose instructions it supports, by
    /// instruction set alone, whatever the vendor. OpenBLAS has no AVX-512 core of its own
    /// for AMD (0.3.21 itself picks Cooperlake on a Zen 4 or Zen 5), and its Zen core, for
    /// AVX2, is Haswell's kernels with block sizes for Zen 1-3.
    ///
    /// Evidence for AMD (EPYC of family 26, Zen 5, AVX-512 with BF16; OpenBLAS 0.3.21; 2
    /// threads on a shared machine, six interleaved rounds): matmul 1024 ran at 38-63
    /// GFLOP/s under Cooperlake and SkylakeX (the same double kernels), 35-54 under Haswell
    /// and 26-39 under Zen. dgemm in every transpose and odd shapes, dsyrk, dgemv, dposv and
    /// dsyevd agreed with a long-double reference to 1e-15 relative under all four, and the
    /// package's release tests pass under each. Hence SkylakeX for every AVX-512 processor,
    /// AMD too, and Haswell rather than Zen for AVX2.
    ///
    /// SkylakeX, not Cooperlake, even with BF16: the double kernels are the same, and
    /// SkylakeX is a name that 0.3.21 and older releases can force (their list of forcible
    /// names ends there; an unknown name is not guaranteed to fall back to detection).
    public static func recommendedCore(for cpu: CPUFeatures) -> String {
        switch level(of: cpu) {
        case .amx, .avx512: return "SkylakeX"
        case .avx2: return "Haswell"
        case .avx: return "Sandybridge"
        case .sse4: return "Nehalem"
        case .sse3, .sse2: return "Prescott"
        }
    }

    /// The verdict on one process: what OpenBLAS runs, what the processor supports, and
    /// whether (and to which core) to correct it.
    public struct Decision: Sendable, Equatable, CustomStringConvertible {
        /// What the check found.
        public enum Status: Sendable, Equatable {
            /// Accelerate, a processor other than x86-64, or a BLAS that names no core.
            case notApplicable
            /// OPENBLAS_CORETYPE was set (non-empty) by the user: always kept.
            case userSetting(String)
            /// OpenBLAS was built for one core and ignores OPENBLAS_CORETYPE.
            case fixedBuild
            /// A core name this check does not know: left alone.
            case unknownCore
            /// OpenBLAS's core is as recent as the processor supports (or more).
            case sufficient
            /// OpenBLAS's core is older than the processor supports: set `correction`.
            case needsCorrection
            /// This process was restarted with the correction; OpenBLAS had chosen `from`.
            case corrected(from: String)
            /// Restarted with a core OpenBLAS did not take (it runs `running` instead);
            /// OpenBLAS had chosen `from` at first.
            case correctionIgnored(from: String)
        }

        /// What the check found.
        public var status: Status
        /// The core OpenBLAS runs (nil without OpenBLAS).
        public var running: String?
        /// The core this check would force on this processor (nil off x86-64).
        public var recommended: String?
        /// One line saying why, for `inductive info` and logs.
        public var reason: String

        /// The core to set OPENBLAS_CORETYPE to before OpenBLAS loads, when it should be.
        public var correction: String? { status == .needsCorrection ? recommended : nil }

        /// "OPENBLAS_CORETYPE=SkylakeX" when a correction is due, for a message to users.
        public var environmentSetting: String? { correction.map { "\(BLASCore.coreTypeVariable)=\($0)" } }

        /// The one-line reason.
        public var description: String { reason }
    }

    /// Decides whether OpenBLAS's core should be corrected; pure, so every case can be tested
    /// with recorded values. O(1).
    ///
    /// - Parameters:
    ///   - cpu: the processor (nil when it is not x86-64).
    ///   - coreName: `openblas_get_corename()` (nil or empty without OpenBLAS).
    ///   - environment: the process environment; a non-empty OPENBLAS_CORETYPE is the user's
    ///     choice and always wins (an empty one chooses nothing: OpenBLAS ignores it too), and
    ///     `markerVariable` means this process is already the restarted one.
    ///   - dynamicArchitecture: whether OpenBLAS was built with DYNAMIC_ARCH (its
    ///     configuration string says so); without it OPENBLAS_CORETYPE has no effect.
    /// - Returns: `needsCorrection` only when OpenBLAS runs a known core of a lower level than
    ///   the processor supports, no core was forced and no restart happened yet.
    public static func decide(cpu: CPUFeatures?, coreName: String?, environment: [String: String],
                              dynamicArchitecture: Bool = true) -> Decision {
        guard let cpu else {
            return Decision(status: .notApplicable, running: coreName, recommended: nil,
                            reason: "not applicable: not an x86-64 processor")
        }
        let recommended = recommendedCore(for: cpu)
        guard let running = coreName?.trimmingCharacters(in: .whitespaces), !running.isEmpty else {
            return Decision(status: .notApplicable, running: nil, recommended: recommended,
                            reason: "not applicable: the BLAS names no OpenBLAS core")
        }
        func decision(_ status: Decision.Status, _ reason: String) -> Decision {
            Decision(status: status, running: running, recommended: recommended, reason: reason)
        }
        let forced = environment[coreTypeVariable] ?? ""
        if let original = environment[markerVariable] {
            if forced.caseInsensitiveCompare(running) == .orderedSame {
                return decision(.corrected(from: original), "corrected to \(running) (OpenBLAS had chosen \(original))")
            }
            return decision(.correctionIgnored(from: original),
                            "restarted with \(coreTypeVariable)=\(forced), but OpenBLAS runs \(running) (it had chosen \(original))")
        }
        if !forced.isEmpty {
            return decision(.userSetting(forced),
                            "not applied: user's \(coreTypeVariable)=\(forced) kept (OpenBLAS runs \(running); this CPU supports \(recommended))")
        }
        guard dynamicArchitecture else {
            return decision(.fixedBuild, "not applicable: OpenBLAS was built for \(running) alone and ignores \(coreTypeVariable)")
        }
        guard let runningLevel = level(ofCore: running) else {
            return decision(.unknownCore, "not applied: OpenBLAS runs \(running), a core this check does not know")
        }
        if runningLevel >= level(of: cpu) {
            return decision(.sufficient, "not needed: OpenBLAS runs \(running); this CPU supports \(recommended)")
        }
        return decision(.needsCorrection,
                        "OpenBLAS runs \(running), older than the \(recommended) this CPU supports: set \(coreTypeVariable)=\(recommended) before the program starts")
    }

    /// The core OpenBLAS runs (`openblas_get_corename`), or nil with Accelerate.
    public static var runningCore: String? {
        #if canImport(Accelerate)
        return nil
        #else
        guard let name = openblas_get_corename() else { return nil }
        return String(cString: name)
        #endif
    }

    /// The decision for this process: its processor, OpenBLAS's core and its environment.
    /// With Accelerate always `notApplicable`. For programs built on the library: when
    /// `environmentSetting` is not nil, tell the user to set it (matrix products may be
    /// several times faster); OpenBLAS reads it only at load, so it cannot be applied from
    /// inside the running process. Cost: a few cpuid instructions.
    public static func check(environment: [String: String] = ProcessInfo.processInfo.environment) -> Decision {
        #if canImport(Accelerate)
        return Decision(status: .notApplicable, running: nil, recommended: nil,
                        reason: "not applicable: Accelerate chooses its own kernels")
        #else
        return decide(cpu: CPUFeatures.current, coreName: runningCore, environment: environment,
                      dynamicArchitecture: BLAS.configuration.contains("DYNAMIC_ARCH"))
        #endif
    }
}

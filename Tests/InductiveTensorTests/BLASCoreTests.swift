import Foundation
import InductiveTensor
import Testing

/// Recorded processors (vendor, family and model as cpuid reports them; flags as usable).
enum RecordedCPU {
    static let sse4: CPUFeatures.Flags = [.sse3, .ssse3, .sse41, .sse42]
    static let avx2: CPUFeatures.Flags = sse4.union([.avx, .fma, .avx2])
    static let avx512: CPUFeatures.Flags = avx2.union(CPUFeatures.Flags.avx512Core)
    static let avx512BF16: CPUFeatures.Flags = avx512.union(.avx512BF16)

    /// The machine of issue 10: Xeon, Emerald Rapids (model 0xCF), AVX-512 with BF16.
    static let xeonEmeraldRapids = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 207, flags: avx512BF16)
    static let xeonSapphireRapids = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 143, flags: avx512BF16)
    static let xeonSkylakeSP = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 85, flags: avx512)
    static let xeonHaswell = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 63, flags: avx2)
    /// AVX-512F but not VL/BW/DQ: not enough for the SkylakeX kernels.
    static let xeonPhiKnightsLanding = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 87,
                                                  flags: avx2.union(.avx512F))
    static let coreSandyBridge = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 42, flags: sse4.union(.avx))
    static let xeonWestmere = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 44, flags: sse4)
    /// No AVX and no SSE4.2.
    static let corePenryn = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 23, flags: [.sse3, .ssse3, .sse41])
    static let epycZen2 = CPUFeatures(vendor: "AuthenticAMD", family: 23, model: 49, flags: avx2)
    static let epycZen3 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 1, flags: avx2)
    static let epycZen4 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 17, flags: avx512BF16)
    /// A Zen 4 guest whose hypervisor hides AVX-512.
    static let epycZen4Masked = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 17, flags: avx2)
    /// This project's build machine: EPYC, Zen 5, AVX-512 with BF16.
    static let epycZen5 = CPUFeatures(vendor: "AuthenticAMD", family: 26, model: 2, flags: avx512BF16)
    static let hygonDhyana = CPUFeatures(vendor: "HygonGenuine", family: 24, model: 0, flags: avx2)

    /// Every recorded processor, for the properties that must hold on all of them.
    static let all = [xeonEmeraldRapids, xeonSapphireRapids, xeonSkylakeSP, xeonHaswell, xeonPhiKnightsLanding,
                      coreSandyBridge, xeonWestmere, corePenryn, epycZen2, epycZen3, epycZen4, epycZen4Masked,
                      epycZen5, hygonDhyana]
}

/// One recorded situation and the decision the rule gives for it.
struct BLASCoreCase: Sendable, CustomTestStringConvertible {
    var name: String
    var cpu: CPUFeatures?
    var coreName: String?
    var environment: [String: String] = [:]
    var dynamicArchitecture = true
    var status: BLASCore.Decision.Status
    var correction: String? = nil

    var testDescription: String { name }
}

@Suite struct BLASCoreTests {
    static let forced = BLASCore.coreTypeVariable, marker = BLASCore.markerVariable

    /// The rule: correct (to the newest core the CPU supports, by instruction set alone:
    /// AVX-512 F/DQ/BW/VL (with or without BF16) -> SkylakeX, AVX2 + FMA ->
    /// Haswell, AVX -> Sandybridge, SSE4.2 -> Nehalem) only when OpenBLAS runs a known core
    /// of a lower level, nobody forced a core, the process was not restarted already and
    /// OpenBLAS can switch cores at all. Haswell and Zen are one level: never corrected.
    static let cases: [BLASCoreCase] = [
        // Issue 10: 0.3.21 sends this Xeon to Prescott.
        .init(name: "Xeon EMR on Prescott: correct", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "Prescott",
              status: .needsCorrection, correction: "SkylakeX"),
        .init(name: "core names compare ignoring case", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "prescott",
              status: .needsCorrection, correction: "SkylakeX"),
        .init(name: "an empty OPENBLAS_CORETYPE chooses nothing", cpu: RecordedCPU.xeonEmeraldRapids,
              coreName: "Prescott", environment: [forced: ""], status: .needsCorrection, correction: "SkylakeX"),
        .init(name: "user's Prescott kept", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "Prescott",
              environment: [forced: "Prescott"], status: .userSetting("Prescott")),
        .init(name: "user's Haswell kept", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "Haswell",
              environment: [forced: "Haswell"], status: .userSetting("Haswell")),
        .init(name: "restarted and taken", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "SkylakeX",
              environment: [forced: "SkylakeX", marker: "Prescott"], status: .corrected(from: "Prescott")),
        .init(name: "Xeon EMR on Cooperlake (same double kernels as SkylakeX)", cpu: RecordedCPU.xeonEmeraldRapids,
              coreName: "Cooperlake", status: .sufficient),
        .init(name: "restarted, not taken: no second restart", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "Prescott",
              environment: [forced: "SkylakeX", marker: "Prescott"], status: .correctionIgnored(from: "Prescott")),
        .init(name: "marker alone: no restart", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "Prescott",
              environment: [marker: "Prescott"], status: .correctionIgnored(from: "Prescott")),
        .init(name: "built for one core", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "Prescott",
              dynamicArchitecture: false, status: .fixedBuild),
        .init(name: "empty core name", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "", status: .notApplicable),
        .init(name: "no OpenBLAS", cpu: RecordedCPU.xeonEmeraldRapids, coreName: nil, status: .notApplicable),
        .init(name: "unknown core name", cpu: RecordedCPU.xeonEmeraldRapids, coreName: "Zen7", status: .unknownCore),
        .init(name: "not x86-64", cpu: nil, coreName: "NEOVERSEN1", status: .notApplicable),
        .init(name: "Sapphire Rapids on its own core", cpu: RecordedCPU.xeonSapphireRapids, coreName: "SapphireRapids",
              status: .sufficient),
        .init(name: "Skylake-SP on Haswell: correct", cpu: RecordedCPU.xeonSkylakeSP, coreName: "Haswell",
              status: .needsCorrection, correction: "SkylakeX"),
        .init(name: "Skylake-SP on SkylakeX", cpu: RecordedCPU.xeonSkylakeSP, coreName: "SkylakeX", status: .sufficient),
        .init(name: "Haswell on Haswell", cpu: RecordedCPU.xeonHaswell, coreName: "Haswell", status: .sufficient),
        .init(name: "Haswell on Zen (same level)", cpu: RecordedCPU.xeonHaswell, coreName: "Zen", status: .sufficient),
        .init(name: "Haswell on Sandybridge: correct", cpu: RecordedCPU.xeonHaswell, coreName: "Sandybridge",
              status: .needsCorrection, correction: "Haswell"),
        .init(name: "Knights Landing (AVX-512F alone) on Haswell", cpu: RecordedCPU.xeonPhiKnightsLanding,
              coreName: "Haswell", status: .sufficient),
        .init(name: "Sandy Bridge on Prescott: correct", cpu: RecordedCPU.coreSandyBridge, coreName: "Prescott",
              status: .needsCorrection, correction: "Sandybridge"),
        .init(name: "Westmere on Prescott: correct", cpu: RecordedCPU.xeonWestmere, coreName: "Prescott",
              status: .needsCorrection, correction: "Nehalem"),
        .init(name: "Penryn (no AVX) on Prescott", cpu: RecordedCPU.corePenryn, coreName: "Prescott", status: .sufficient),
        .init(name: "Penryn (no AVX) on Core2", cpu: RecordedCPU.corePenryn, coreName: "Core2", status: .sufficient),
        .init(name: "Zen 2 on Zen", cpu: RecordedCPU.epycZen2, coreName: "Zen", status: .sufficient),
        .init(name: "Zen 3 on Barcelona: correct", cpu: RecordedCPU.epycZen3, coreName: "Barcelona",
              status: .needsCorrection, correction: "Haswell"),
        .init(name: "Zen 4 on Zen: correct", cpu: RecordedCPU.epycZen4, coreName: "Zen",
              status: .needsCorrection, correction: "SkylakeX"),
        .init(name: "Zen 4 on Cooperlake", cpu: RecordedCPU.epycZen4, coreName: "Cooperlake", status: .sufficient),
        .init(name: "Zen 4 without AVX-512 on Haswell", cpu: RecordedCPU.epycZen4Masked, coreName: "Haswell",
              status: .sufficient),
        // What 0.3.21 does on this project's Zen 5 by itself, and with the workplace's preset.
        .init(name: "Zen 5 on Cooperlake", cpu: RecordedCPU.epycZen5, coreName: "Cooperlake", status: .sufficient),
        .init(name: "Zen 5 with the preset Haswell", cpu: RecordedCPU.epycZen5, coreName: "Haswell",
              environment: [forced: "Haswell", "OPENBLAS_L2_SIZE": "512"], status: .userSetting("Haswell")),
        .init(name: "Zen 5 on Prescott: correct", cpu: RecordedCPU.epycZen5, coreName: "Prescott",
              status: .needsCorrection, correction: "SkylakeX"),
        .init(name: "Hygon on Prescott: correct", cpu: RecordedCPU.hygonDhyana, coreName: "Prescott",
              status: .needsCorrection, correction: "Haswell"),
    ]

    @Test(arguments: cases)
    func decisionFollowsTheRule(_ c: BLASCoreCase) {
        let decision = BLASCore.decide(cpu: c.cpu, coreName: c.coreName, environment: c.environment,
                                       dynamicArchitecture: c.dynamicArchitecture)
        #expect(decision.status == c.status, "\(decision.reason)")
        #expect(decision.correction == c.correction)
        #expect(decision.environmentSetting == c.correction.map { "OPENBLAS_CORETYPE=\($0)" })
        #expect(!decision.reason.isEmpty)
    }


    static let allCores = ["Prescott", "Core2", "Nehalem", "Barcelona", "Sandybridge", "Bulldozer", "Piledriver",
                           "Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"]

    /// Over every recorded CPU and core: a correction always moves to a strictly higher
    /// level, and the restarted process (the correction and the marker in its environment)
    /// never asks for another one, whichever core OpenBLAS then runs.
    @Test func correctionsGoUpAndHappenOnce() throws {
        for cpu in RecordedCPU.all {
            for core in Self.allCores {
                let first = BLASCore.decide(cpu: cpu, coreName: core, environment: [:])
                guard let target = first.correction else { continue }
                let from = try #require(BLASCore.level(ofCore: core)), to = try #require(BLASCore.level(ofCore: target))
                #expect(from < to, "\(cpu): \(core) -> \(target)")
                let restarted = [Self.forced: target, Self.marker: core]
                for running in Self.allCores {
                    #expect(BLASCore.decide(cpu: cpu, coreName: running, environment: restarted).correction == nil)
                }
            }
        }
    }

    /// The recommended core's level is exactly the CPU's level (so a CPU on its own
    /// recommendation is never corrected), and every core the rule names is in the table.
    @Test func recommendationsMatchTheCPULevel() throws {
        for cpu in RecordedCPU.all {
            let core = BLASCore.recommendedCore(for: cpu)
            #expect(try #require(BLASCore.level(ofCore: core)) == BLASCore.level(of: cpu), "\(cpu)")
            #expect(BLASCore.decide(cpu: cpu, coreName: core, environment: [:]).status == .sufficient)
        }
    }

    @Test func namesAndLevels() {
        #expect(BLASCore.level(of: RecordedCPU.epycZen5) == .avx512)
        #expect(BLASCore.level(ofCore: "Cooperlake") == BLASCore.level(ofCore: "SkylakeX"))
        #expect(BLASCore.level(of: RecordedCPU.xeonPhiKnightsLanding) == .avx2)
        #expect(BLASCore.level(of: RecordedCPU.corePenryn) == .sse3)
        #expect(BLASCore.level(ofCore: "SKYLAKEX") == .avx512)
        #expect(BLASCore.level(ofCore: "ARMV8") == nil)
        #expect(RecordedCPU.epycZen5.description
            == "AuthenticAMD family 26 model 2: SSE3 SSSE3 SSE4.1 SSE4.2 AVX FMA AVX2 AVX512F AVX512DQ AVX512BW AVX512VL AVX512-BF16")
    }

    #if canImport(Accelerate)
    @Test func acceleratesIsNotApplicable() {
        #expect(BLASCore.check().status == .notApplicable)
        #expect(BLASCore.check().correction == nil)
    }
    #endif

    #if arch(x86_64) && os(Linux)
    /// cpuid as read by CKernels agrees with the kernel's own reading in /proc/cpuinfo
    /// (family, model and each flag, which Linux also clears when it does not enable the
    /// registers).
    @Test func cpuidAgreesWithProcCpuinfo() throws {
        let cpu = try #require(CPUFeatures.current)
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let firstProcessor = text.components(separatedBy: "\n\n")[0]
        var fields: [String: String] = [:]
        for line in firstProcessor.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        #expect(fields["vendor_id"] == cpu.vendor)
        #expect(fields["cpu family"] == String(cpu.family))
        #expect(fields["model"] == String(cpu.model))
        let linuxFlags = Set((fields["flags"] ?? "").split(separator: " ").map(String.init))
        let names: [(CPUFeatures.Flags, String)] = [
            (.sse3, "pni"), (.ssse3, "ssse3"), (.sse41, "sse4_1"), (.sse42, "sse4_2"), (.avx, "avx"), (.fma, "fma"),
            (.avx2, "avx2"), (.avx512F, "avx512f"), (.avx512DQ, "avx512dq"), (.avx512BW, "avx512bw"),
            (.avx512VL, "avx512vl"), (.avx512BF16, "avx512_bf16"),
        ]
        for (flag, name) in names {
            #expect(cpu.flags.contains(flag) == linuxFlags.contains(name), "\(name)")
        }
    }

    /// This process (the test runner, which never restarts itself) with OpenBLAS: a core is
    /// named, and a forced core is reported as the user's.
    @Test func checkOfThisProcess() {
        let decision = BLASCore.check(environment: ["OPENBLAS_CORETYPE": "Haswell"])
        #expect(decision.running?.isEmpty == false)
        #expect(decision.status == .userSetting("Haswell"))
    }
    #endif
}

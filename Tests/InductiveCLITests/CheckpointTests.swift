import Foundation
import Testing

/// `train --resume` with crafted or damaged checkpoints: exit 1..127, one line on standard
/// error, nothing written (no --out folder, no new checkpoint). The test target links only
/// the executable, so the damage is done here with a small reader and writer of the stored
/// (uncompressed) .npz files that `train --checkpoint` writes.
@Suite struct CheckpointTests {
    static let model = "dense(10)"

    /// A valid checkpoint after one epoch on the shipped digits.
    static func makeCheckpoint(in folder: TemporaryFolder) throws -> [(name: String, npy: [UInt8])] {
        let result = try CommandRunner.run(["train", "--model", model, "--epochs", "1", "--checkpoint", "ck.npz", "--out", "first"],
                                           in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        return try StoredNPZ.read(Array(Data(contentsOf: folder.url.appendingPathComponent("ck.npz"))))
    }

    static var damages: [(String, @Sendable ([(name: String, npy: [UInt8])]) -> [(name: String, npy: [UInt8])])] { [
        ("NaN in the history", { replacing($0, "history") { StoredNPZ.float64(shape: StoredNPZ.shape($0), fill: .nan) } }),
        ("1e300 in the history", { replacing($0, "history") { StoredNPZ.float64(shape: StoredNPZ.shape($0), fill: 1e300) } }),
        ("counters at Int.max", { replacing($0, "counters") { _ in StoredNPZ.int64([Int.max, Int.max, 0]) } }),
        ("epoch beyond the run", { replacing($0, "counters") { _ in StoredNPZ.int64([1 << 40, 1 << 41, 0]) } }),
        ("an extra optimizer moment", { $0 + [("optimizer/m.7", $0.first { $0.name == "optimizer/m.0" }!.npy)] }),
        ("a missing optimizer moment", { $0.filter { $0.name != "optimizer/v.1" } }),
        ("a NaN parameter", { entries in
            let name = entries.first { $0.name.hasPrefix("parameter/") }!.name
            return replacing(entries, name) { StoredNPZ.float64(shape: StoredNPZ.shape($0), fill: .nan) }
        }),
        ("a parameter of another shape", { entries in
            let name = entries.first { $0.name.hasPrefix("parameter/") }!.name
            return replacing(entries, name) { _ in StoredNPZ.float64(shape: [3], fill: 0) }
        }),
    ] }

    static func replacing(_ entries: [(name: String, npy: [UInt8])], _ name: String,
                          _ make: ([UInt8]) -> [UInt8]) -> [(name: String, npy: [UInt8])] {
        entries.map { $0.name == name ? ($0.name, make($0.npy)) : $0 }
    }

    @Test func damagedCheckpointsAreRefusedWithOneLineAndNothingWritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let good = try Self.makeCheckpoint(in: folder)
        #expect(good.contains { $0.name == "optimizer/m.0" } && good.contains { $0.name == "history" })
        var cases = Self.damages.map { ($0.0, StoredNPZ.write($0.1(good))) }
        let whole = StoredNPZ.write(good)
        cases.append(("a truncated file", Array(whole.prefix(whole.count / 2))))
        var flipped = whole
        flipped[whole.count / 3] ^= 0xFF
        cases.append(("a flipped byte", flipped))
        for (kind, bytes) in cases {
            try Data(bytes).write(to: folder.url.appendingPathComponent("damaged.npz"))
            let result = try CommandRunner.run(["train", "--model", Self.model, "--epochs", "3", "--resume", "damaged.npz",
                                                "--checkpoint", "next.npz", "--out", "second"], in: folder.url)
            #expect(result.status >= 1 && result.status <= 127, "\(kind): status \(result.status)")
            #expect(result.errorLines.count == 1, "\(kind): \(result.standardError)")
            #expect(result.standardError.hasPrefix("error: "), "\(kind): \(result.standardError)")
            #expect(!folder.contents().contains("second") && !folder.contents().contains("next.npz"), "\(kind): wrote outputs")
        }
        // The undamaged file, rewritten by the same writer, resumes.
        try Data(whole).write(to: folder.url.appendingPathComponent("rewritten.npz"))
        let resumed = try CommandRunner.run(["train", "--model", Self.model, "--epochs", "2", "--resume", "rewritten.npz", "--out", "second"],
                                            in: folder.url)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("after epoch 1"))
    }

    /// A write killed by SIGKILL leaves a temporary `.NAME.tmp-HOST-PID-RANDOM`; the next
    /// checkpoint write into that folder removes it when it is this host's and its PID is dead.
    /// Another host's (same dead PID; also one with this host name and namespace but another
    /// boot id) and the host-less older `.NAME.tmp-PID-NANOS` are kept.
    @Test func staleTemporaryOfAKilledCheckpointWriteIsRemoved() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let host = Self.hostToken()
        let stale = ".ck.npz.tmp-\(host)-2147483646-75bcd15"  // a PID above every system's limit
        let otherBoot = String(host.dropLast(16)) + (host.hasSuffix("0123456789abcdef") ? "fedcba9876543210" : "0123456789abcdef")
        let kept = [".ck.npz.tmp-\(host)_elsewhere-2147483646-75bcd15", ".ck.npz.tmp-2147483646-123456789",
                    ".ck.npz.tmp-\(otherBoot)-2147483646-75bcd15"]
        for name in [stale] + kept {
            FileManager.default.createFile(atPath: folder.path(name), contents: Data(repeating: 7, count: 4096))
        }
        let result = try CommandRunner.run(["train", "--model", Self.model, "--epochs", "1", "--checkpoint", "ck.npz", "--out", "out"],
                                           in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(folder.contents() == (kept + ["ck.npz", "out"]).sorted())
    }

    /// The host in temporary names, as documented by `AtomicFile.hostToken` (derived here from
    /// the system, not from the library): the host name with characters other than ASCII
    /// letters, digits and `_` replaced by `_` (at most 64), then on Linux `_ns` and the digits
    /// of the process-id namespace (this test and the command share both), then `_b` and the
    /// first 16 hex digits of the kernel's boot id (Linux; on macOS `kern.bootsessionuuid`).
    static func hostToken() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = gethostname(&buffer, buffer.count - 1)
        var token = String(String(cString: buffer).utf8.prefix(64).map { c -> Character in
            let s = Character(Unicode.Scalar(c))
            return s.isASCII && (s.isLetter || s.isNumber || s == "_") ? s : "_"
        })
        if token.isEmpty { token = "host" }
        #if os(Linux)
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid") {
            let digits = link.filter { $0.isASCII && $0.isNumber }
            if !digits.isEmpty { token += "_ns" + digits }
        }
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? ""
        #else
        var size = 0
        _ = sysctlbyname("kern.bootsessionuuid", nil, &size, nil, 0)
        var value = [CChar](repeating: 0, count: size + 1)
        _ = sysctlbyname("kern.bootsessionuuid", &value, &size, nil, 0)
        let boot = String(cString: value)
        #endif
        let hex = boot.lowercased().filter { $0.isHexDigit }
        return token + "_b" + (hex.count >= 16 ? String(hex.prefix(16)) : "none")
    }
}

/// The stored `.npz` files the checkpoint writer makes, read and written without the
/// library: local headers one after another, then the central directory.
enum StoredNPZ {
    static func u16(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> Int { u16(b, o) | u16(b, o + 2) << 16 }

    static func read(_ bytes: [UInt8]) throws -> [(name: String, npy: [UInt8])] {
        var entries: [(name: String, npy: [UInt8])] = []
        var o = 0
        while o + 30 <= bytes.count && u32(bytes, o) == 0x0403_4b50 {
            let size = u32(bytes, o + 18), nameLength = u16(bytes, o + 26), extra = u16(bytes, o + 28)
            let name = String(decoding: bytes[(o + 30)..<(o + 30 + nameLength)], as: UTF8.self)
            let start = o + 30 + nameLength + extra
            entries.append((String(name.dropLast(4)), Array(bytes[start..<(start + size)])))
            o = start + size
        }
        return entries
    }

    static func write(_ entries: [(name: String, npy: [UInt8])]) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        var out: [UInt8] = [], directory: [UInt8] = []
        for (name, npy) in entries {
            let fileName = Array((name + ".npy").utf8)
            let common = le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(Int(crc32(npy)))
                + le32(npy.count) + le32(npy.count) + le16(fileName.count) + le16(0)
            directory += le32(0x0201_4b50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(out.count) + fileName
            out += le32(0x0403_4b50) + common + fileName + npy
        }
        let offset = out.count
        return out + directory + le32(0x0605_4b50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            + le32(directory.count) + le32(offset) + le16(0)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// The shape in a `.npy` header.
    static func shape(_ npy: [UInt8]) -> [Int] {
        let header = String(decoding: npy.prefix(200), as: UTF8.self)
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else { return [] }
        return header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    static func npy(descr: String, shape: [Int], payload: [UInt8]) -> [UInt8] {
        let shapeText = shape.isEmpty ? "()" : shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        while (10 + dict.count + 1) % 64 != 0 { dict.append(0x20) }
        dict.append(0x0A)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict + payload
    }

    static func float64(shape: [Int], fill: Double) -> [UInt8] {
        let values = [Double](repeating: fill, count: shape.reduce(1, *))
        return npy(descr: "<f8", shape: shape, payload: values.withUnsafeBytes { Array($0) })
    }

    static func int64(_ values: [Int]) -> [UInt8] {
        npy(descr: "<i8", shape: [values.count], payload: values.map { Int64($0) }.withUnsafeBytes { Array($0) })
    }
}

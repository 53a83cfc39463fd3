/// The arrays of a `.npz` file, in archive order.
public struct NPZArchive: Sendable, Equatable {
    /// (name, array) pairs; names are member file names without the `.npy` suffix.
    public var entries: [(name: String, array: NPYArray)]
    /// The file the archive came from ("" when built in memory), for error messages.
    public var source: String

    public init(_ entries: [(name: String, array: NPYArray)] = [], source: String = "") {
        self.entries = entries
        self.source = source
    }

    public static func == (a: NPZArchive, b: NPZArchive) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.array == $1.array }
    }

    /// The names, in order.
    public var keys: [String] { entries.map(\.name) }

    /// The array called `name`, if any.
    public subscript(name: String) -> NPYArray? { entries.first { $0.name == name }?.array }

    /// The array called `name` as a tensor; throws a `FileError` listing the keys if absent.
    public func tensor(_ name: String) throws -> Tensor {
        guard let a = self[name] else {
            throw FileError(path: source, reason: "no array '\(name)' (it has: \(keys.joined(separator: ", ")))")
        }
        return a.tensor
    }

    /// Adds or replaces a floating-point array.
    public mutating func set(_ name: String, _ tensor: Tensor) { set(name, .float(tensor)) }

    /// Adds or replaces an array.
    public mutating func set(_ name: String, _ array: NPYArray) {
        if let i = entries.firstIndex(where: { $0.name == name }) { entries[i].array = array } else { entries.append((name, array)) }
    }
}

/// NumPy's `.npz`: a ZIP archive of `.npy` members, stored (`savez`) or deflated
/// (`savez_compressed`), with ZIP64 records as NumPy writes them.
public enum NPZ {
    /// Reads every member of a `.npz` file. CRCs are verified.
    public static func read(_ path: String) throws -> NPZArchive {
        let bytes = try readFileBytes(path)
        return try bytes.withUnsafeBytes { try decode($0, source: path) }
    }

    /// Writes the archive atomically; `compressed` deflates each member (as `savez_compressed`).
    public static func write(_ archive: NPZArchive, to path: String, compressed: Bool = false) throws {
        try AtomicFile.write(encode(archive, compressed: compressed), to: path)
    }

    /// Writes named tensors (in the given order) atomically.
    public static func write(_ arrays: [(String, Tensor)], to path: String, compressed: Bool = false) throws {
        try write(NPZArchive(arrays.map { ($0.0, NPYArray.float($0.1)) }), to: path, compressed: compressed)
    }

    // MARK: Decoding

    private struct Reader {
        let b: UnsafeRawBufferPointer
        let source: String
        func fail(_ reason: String) -> FileError { FileError(path: source, reason: reason) }
        /// a + b, or a thrown error when it overflows (sizes come from the file).
        func sum(_ a: Int, _ b: Int) throws -> Int {
            let (r, overflow) = a.addingReportingOverflow(b)
            guard !overflow else { throw fail("offset out of range") }
            return r
        }
        func u16(_ o: Int) throws -> Int {
            guard o >= 0 && o <= b.count - 2 else { throw fail("truncated archive") }
            return Int(b[o]) | Int(b[o + 1]) << 8
        }
        func u32(_ o: Int) throws -> Int {
            guard o >= 0 && o <= b.count - 4 else { throw fail("truncated archive") }
            return Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24
        }
        func u64(_ o: Int) throws -> Int {
            let lo = try u32(o), hi = try u32(o + 4)
            guard hi < 1 << 31 else { throw fail("size field out of range") }
            return lo | hi << 32
        }
    }

    /// Decodes `.npz` bytes; `source` names the file in errors.
    public static func decode(_ bytes: UnsafeRawBufferPointer, source: String) throws -> NPZArchive {
        let r = Reader(b: bytes, source: source)
        // End of central directory: the last 0x06054b50 within the final 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw r.fail("not a .npz (zip) file: only \(bytes.count) bytes") }
        var eocd = -1
        var o = bytes.count - 22
        let lowest = Swift.max(0, bytes.count - 22 - 65535)
        while o >= lowest {
            if try r.u32(o) == 0x0605_4b50 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else {
            if bytes.count >= 6 && Array(bytes[0..<6]) == NPY.magic { throw r.fail("this is a .npy file, not a .npz archive") }
            throw r.fail("not a .npz (zip) file: no end-of-archive record")
        }
        var entryCount = try r.u16(eocd + 10)
        var directorySize = try r.u32(eocd + 12)
        var directoryOffset = try r.u32(eocd + 16)
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, try r.u32(locator) == 0x0706_4b50 else { throw r.fail("ZIP64 locator missing") }
            let record = try r.u64(locator + 8)
            guard try r.u32(record) == 0x0606_4b50 else { throw r.fail("ZIP64 end record missing") }
            entryCount = try r.u64(record + 32)
            directorySize = try r.u64(record + 40)
            directoryOffset = try r.u64(record + 48)
        }
        guard try r.sum(directoryOffset, directorySize) <= bytes.count else {
            throw r.fail("truncated archive: central directory at \(directoryOffset) + \(directorySize) bytes, file has \(bytes.count)")
        }
        var entries: [(name: String, array: NPYArray)] = []
        var p = directoryOffset
        for _ in 0..<entryCount {
            guard try r.u32(p) == 0x0201_4b50 else { throw r.fail("corrupt central directory") }
            let flags = try r.u16(p + 8)
            let method = try r.u16(p + 10)
            let crc = UInt32(try r.u32(p + 16))
            var compressedSize = try r.u32(p + 20)
            var size = try r.u32(p + 24)
            let nameLength = try r.u16(p + 28), extraLength = try r.u16(p + 30), commentLength = try r.u16(p + 32)
            var localOffset = try r.u32(p + 42)
            guard try r.sum(p, 46 + nameLength + extraLength) <= bytes.count else { throw r.fail("truncated archive") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            // ZIP64 extended information: the 64-bit fields present are those saturated above.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = try r.u16(e), length = try r.u16(e + 2)
                if id == 0x0001 {
                    var f = e + 4
                    if size == 0xFFFF_FFFF { size = try r.u64(f); f += 8 }
                    if compressedSize == 0xFFFF_FFFF { compressedSize = try r.u64(f); f += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = try r.u64(f); f += 8 }
                }
                e += 4 + length
            }
            p = extraEnd + commentLength
            guard flags & 1 == 0 else { throw r.fail("member '\(name)' is encrypted") }
            guard try r.u32(localOffset) == 0x0403_4b50 else { throw r.fail("member '\(name)': bad local header") }
            let dataStart = try r.sum(localOffset, 30 + (try r.u16(localOffset + 26)) + (try r.u16(localOffset + 28)))
            guard try r.sum(dataStart, compressedSize) <= bytes.count else {
                throw r.fail("truncated archive: member '\(name)' needs \(compressedSize) bytes at \(dataStart)")
            }
            let raw = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + compressedSize)])
            let member = source + "[" + name + "]"
            var inflated: [UInt8] = []
            switch method {
            case 0:
                guard compressedSize == size else { throw r.fail("member '\(name)': stored sizes disagree") }
            case 8:
                guard compressedSize > 0 else { throw r.fail("member '\(name)': empty compressed data") }
                do { inflated = try Zlib.inflate(raw, gzip: false, sizeHint: size, limit: size) } catch let f as Zlib.Failure {
                    throw r.fail("member '\(name)': \(f.reason)")
                }
                guard inflated.count == size else {
                    throw r.fail("member '\(name)': inflates to \(inflated.count) bytes, directory says \(size)")
                }
            default:
                throw r.fail("member '\(name)': unsupported compression method \(method)")
            }
            let array: NPYArray
            if method == 0 {
                guard Zlib.crc32(raw) == crc else { throw r.fail("member '\(name)': CRC mismatch (corrupt data)") }
                array = try NPY.decode(raw, source: member)
            } else {
                array = try inflated.withUnsafeBytes { data in
                    guard Zlib.crc32(data) == crc else { throw r.fail("member '\(name)': CRC mismatch (corrupt data)") }
                    return try NPY.decode(data, source: member)
                }
            }
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            entries.append((key, array))
        }
        return NPZArchive(entries, source: source)
    }

    // MARK: Encoding

    /// Encodes a `.npz` archive (no ZIP64: each member and the whole archive below 4 GiB).
    public static func encode(_ archive: NPZArchive, compressed: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        for (name, array) in archive.entries {
            let data = NPY.encode(array)
            let crc = Int(Zlib.crc32(data))
            let payload: [UInt8]
            do { payload = compressed ? try Zlib.deflateRaw(data) : data } catch let f as Zlib.Failure {
                throw FileError(path: archive.source, reason: "cannot compress '\(name)': \(f.reason)")
            }
            guard data.count < 0xFFFF_FFFF, out.count < 0xFFFF_FFFF else {
                throw FileError(path: archive.source, reason: "array '\(name)' is too large for a .npz without ZIP64")
            }
            let fileName = Array((name + ".npy").utf8)
            let method = compressed ? 8 : 0
            // Fixed DOS time (1980-01-01 00:00) so identical arrays give identical files.
            let common = le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21) + le32(crc)
                + le32(payload.count) + le32(data.count) + le16(fileName.count) + le16(0)
            directory += le32(0x0201_4b50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0)
                + le32(out.count) + fileName
            out += le32(0x0403_4b50) + common + fileName + payload
        }
        let directoryOffset = out.count
        out += directory
        out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(archive.entries.count) + le16(archive.entries.count)
            + le32(directory.count) + le32(directoryOffset) + le16(0)
        return out
    }
}

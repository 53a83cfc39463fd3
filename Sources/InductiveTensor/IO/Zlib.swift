import CZlib

/// Deflate, inflate, gzip and CRC-32 through the system zlib.
///
/// Visible to the whole package (`package`), not to library users: the NPZ and CSV readers
/// and writers use it here, and the report's PNG encoder uses it for its IDAT stream and
/// chunk checksums, so that the project talks to zlib in one place.
package enum Zlib {
    /// Why zlib refused: a corrupt or truncated stream, or a failed initialisation.
    package struct Failure: Error {
        /// One line for the user, e.g. "compressed data is truncated".
        package let reason: String
        /// The output passed the caller's limit (as opposed to corrupt input).
        package var exceededLimit = false
    }

    /// CRC-32 (the ISO 3309 polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF) of
    /// `bytes`: the checksum of ZIP members, gzip members and PNG chunks.
    package static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        var offset = 0
        // zlib takes uInt lengths: feed in chunks below 2^31.
        while offset < bytes.count {
            let n = Swift.min(bytes.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, bytes.baseAddress!.assumingMemoryBound(to: Bytef.self) + offset, uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// CRC-32 of `bytes` (see `crc32(_:)` on a buffer).
    package static func crc32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { crc32($0) } }

    /// Inflates a raw deflate stream (windowBits -15) or a gzip stream (31, all members),
    /// stopping with an error once the output exceeds `limit` bytes (a size the caller expects,
    /// so that a corrupt or malicious stream cannot exhaust memory).
    package static func inflate(_ input: UnsafeRawBufferPointer, gzip: Bool, sizeHint: Int, limit: Int = Int.max) throws -> [UInt8] {
        guard input.count > 0 else { throw Failure(reason: "compressed data is empty") }
        var output = [UInt8]()
        // Deflate expands at most 1032-fold: never reserve more than the input can give.
        let plausible = input.count > Int.max / 1032 ? Int.max : input.count * 1032
        output.reserveCapacity(Swift.min(Swift.max(sizeHint, 64), plausible, 1 << 26))
        var consumed = 0
        repeat {
            var stream = z_stream()
            var status = inflateInit2_(&stream, gzip ? 31 : -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw Failure(reason: "zlib initialisation failed (\(status))") }
            defer { inflateEnd(&stream) }
            let chunk = 1 << 16
            var buffer = [UInt8](repeating: 0, count: chunk)
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self) + consumed)
            stream.avail_in = uInt(input.count - consumed)
            repeat {
                status = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress!
                    stream.avail_out = uInt(chunk)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk - Int(stream.avail_out)
                output.append(contentsOf: buffer[0..<produced])
                if output.count > limit { throw Failure(reason: "inflates to more than the \(limit) bytes it declares", exceededLimit: true) }
                if status == Z_STREAM_END { break }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw Failure(reason: "compressed data is truncated")
                }
                if status != Z_OK {
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw Failure(reason: "corrupt compressed data (\(message))")
                }
            } while true
            consumed = input.count - Int(stream.avail_in)
            // gzip files may hold several members; raw deflate holds one stream.
        } while gzip && consumed < input.count && input[consumed] == 0x1f
        return output
    }

    /// Raw deflate (windowBits -15, level 6), as ZIP members use.
    package static func deflateRaw(_ input: [UInt8]) throws -> [UInt8] { try deflate(input, windowBits: -15) }

    /// A zlib stream (RFC 1950: two-byte header, deflate at level 6, Adler-32 of `input`
    /// big-endian at the end), as a PNG's IDAT data is. Deterministic for a given zlib.
    package static func deflateZlib(_ input: [UInt8]) throws -> [UInt8] { try deflate(input, windowBits: 15) }

    /// Deflate at level 6 in one call into a buffer of `deflateBound` bytes; `windowBits`
    /// -15 gives raw deflate, 15 the zlib format.
    private static func deflate(_ input: [UInt8], windowBits: Int32) throws -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(&stream, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure(reason: "zlib initialisation failed (\(status))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        status = input.withUnsafeBytes { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress!
                stream.avail_out = uInt(bound)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Failure(reason: "deflate failed (\(status))") }
        output.removeLast(bound - Int(stream.total_out))
        return output
    }
}

import Foundation
import InductiveTensor

/// A minimal PNG encoder (8-bit RGB, no filtering) for embedding rasters such as heat maps
/// in an SVG as `data:` URIs: a few bytes per cell instead of one `<rect>` element per cell.
/// The IDAT stream and the chunk CRCs come from the project's zlib wrapper (`Zlib` in
/// InductiveTensor); the output is deterministic for a given zlib.
enum PNG {
    /// The PNG file for `width × height` pixels given as RGB triples, top row first.
    static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && rgb.count == width * height * 3, "PNG: \(rgb.count) bytes for \(width) x \(height) RGB")
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (width * 3 + 1))
        for row in 0..<height {
            raw.append(0)  // filter: none
            raw += rgb[(row * width * 3)..<((row + 1) * width * 3)]
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8 bits, RGB, deflate, adaptive filtering, no interlace
        appendChunk(&out, "IHDR", header)
        // Deflate of a buffer in memory fails only when zlib cannot allocate its state.
        guard let idat = try? Zlib.deflateZlib(raw) else { preconditionFailure("PNG: zlib could not deflate \(raw.count) bytes") }
        appendChunk(&out, "IDAT", idat)
        appendChunk(&out, "IEND", [])
        return out
    }

    /// `data:image/png;base64,…` for the image.
    static func dataURI(width: Int, height: Int, rgb: [UInt8]) -> String {
        "data:image/png;base64," + Data(encode(width: width, height: height, rgb: rgb)).base64EncodedString()
    }

    private static func appendChunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out += bigEndian(Zlib.crc32(typeBytes + data))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}

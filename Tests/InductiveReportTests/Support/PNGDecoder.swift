import Foundation
import InductiveTensor

/// Decodes the PNGs the report embeds (8-bit RGB, filter 0), checking every chunk CRC and
/// the zlib header and Adler-32 with code of its own; the system zlib inflates the data.
struct DecodedPNG {
    var width: Int
    var height: Int
    var rgb: [UInt8]

    func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(rgb[((y * width + x) * 3)..<((y * width + x) * 3 + 3)]) }

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(dataURI: String) throws {
        let prefix = "data:image/png;base64,"
        guard dataURI.hasPrefix(prefix), let data = Data(base64Encoded: String(dataURI.dropFirst(prefix.count))) else {
            throw Failure(description: "not a base64 PNG data URI")
        }
        try self.init(bytes: [UInt8](data))
    }

    init(bytes: [UInt8]) throws {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Failure(description: "bad signature") }
        func be32(_ i: Int) -> UInt32 { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
        var offset = 8, width = 0, height = 0
        var idat: [UInt8] = []
        var sawEnd = false
        while offset < bytes.count {
            let length = Int(be32(offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            guard be32(offset + 8 + length) == DecodedPNG.crc32(Array(bytes[(offset + 4)..<(offset + 8)]) + body) else {
                throw Failure(description: "bad CRC in \(type)")
            }
            switch type {
            case "IHDR":
                width = Int(body[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
                height = Int(body[4..<8].reduce(0) { $0 << 8 | UInt32($1) })
                guard body[8] == 8, body[9] == 2 else { throw Failure(description: "not 8-bit RGB") }
            case "IDAT": idat += body
            case "IEND": sawEnd = true
            default: break
            }
            offset += 12 + length
        }
        guard sawEnd else { throw Failure(description: "no IEND") }
        // zlib: header (deflate, no preset dictionary), deflate data, Adler-32. The deflate data
        // is inflated by the system zlib; header, checksum and layout are checked here.
        guard idat.count >= 6, (UInt16(idat[0]) << 8 | UInt16(idat[1])) % 31 == 0, idat[0] & 0x0F == 8, idat[1] & 0x20 == 0 else {
            throw Failure(description: "bad zlib header")
        }
        let i = idat.count - 4
        let raw: [UInt8]
        do { raw = try idat[2..<i].withUnsafeBytes { try Zlib.inflate($0, gzip: false, sizeHint: height * (width * 3 + 1)) } } catch let f as Zlib.Failure {
            throw Failure(description: "bad deflate data: \(f.reason)")
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        let adler = idat[i..<(i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard adler == (b << 16 | a) else { throw Failure(description: "bad Adler-32") }
        guard raw.count == height * (width * 3 + 1) else { throw Failure(description: "\(raw.count) bytes for \(width) x \(height)") }
        var rgb: [UInt8] = []
        let stride = width * 3 + 1
        for row in 0..<height {
            let start: Int = row * stride
            guard raw[start] == 0 else { throw Failure(description: "filter \(raw[start])") }
            rgb += raw[(start + 1)..<(start + stride)]
        }
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// The `href` of every `<image>` in an SVG.
func imageURIs(_ svg: String) -> [String] {
    XMLCheck(svg).all("image").compactMap { $0.attributes["href"] }
}

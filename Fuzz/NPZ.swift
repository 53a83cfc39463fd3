import Foundation
import InductiveTensor

// The `.npz` reader (ZIP, ZIP64 records, stored and deflated members, CRCs): any bytes either
// decode or throw a FileError; what decodes encodes and decodes again to the same keys.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    let archive = NPZArchive([("x", .float(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))),
                              ("y", .integer([0, 1], shape: [2]))])
    writeSeeds([
        ("stored", (try? NPZ.encode(archive, compressed: false)) ?? []),
        ("deflated", (try? NPZ.encode(archive, compressed: true)) ?? []),
        ("empty", (try? NPZ.encode(NPZArchive(), compressed: false)) ?? []),
    ])
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    guard let archive = try? NPZ.decode(input, source: "fuzz.npz") else { return 0 }
    // Names that the encoder cannot store (over 64 KiB) are not a reader's problem.
    guard let encoded = try? NPZ.encode(archive, compressed: count % 2 == 0) else { return 0 }
    let again = encoded.withUnsafeBytes { try? NPZ.decode($0, source: "again.npz") }
    precondition(again?.keys == archive.keys, "NPZ round trip changed the keys \(archive.keys)")
    return 0
}

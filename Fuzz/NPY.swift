import Foundation
import InductiveTensor

// The `.npy` reader: any bytes either decode or throw a FileError; what decodes encodes and
// decodes again to the same shape.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    writeSeeds([
        ("f8-matrix", NPY.encode(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))),
        ("f8-scalar", NPY.encode(Tensor(shape: [], scalars: [7]))),
        ("i8-vector", NPY.encode(integers: [1, -2, 3], shape: [3])),
        ("f8-empty", NPY.encode(Tensor(shape: [0, 4], scalars: []))),
    ])
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    guard let array = try? NPY.decode(input, source: "fuzz.npy") else { return 0 }
    let again = NPY.encode(array).withUnsafeBytes { try? NPY.decode($0, source: "again.npy") }
    precondition(again?.shape == array.shape, "NPY round trip changed the shape \(array.shape)")
    return 0
}

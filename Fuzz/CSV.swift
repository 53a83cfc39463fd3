import Foundation
import InductiveTensor

// The CSV reader, plain and gzip (scripts/fuzz adds gzip seeds): any bytes either decode or
// throw a FileError, and inflation stops at the cap (1 MiB here, so bombs are quick).

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    writeSeeds([
        ("header", Array("a,b,label\n1,2,0\n3.5,-4e2,1\n".utf8)),
        ("plain", Array("1,2\n# comment\n\n nan , inf \r\n".utf8)),
    ])
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = bytes(start, count)
    guard let table = try? CSV.decode(input, source: "fuzz.csv", maximumInflatedBytes: 1 << 20) else { return 0 }
    precondition(table.values.rank == 2 && (table.header == nil || table.header!.count == table.values.shape[1]),
                 "CSV: inconsistent table \(table.values.shape)")
    return 0
}

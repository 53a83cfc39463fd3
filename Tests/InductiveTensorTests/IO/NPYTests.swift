import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

/// base[i, j] = 0.5 (4 i + j) - 1, as written by scripts/make_fixtures.py.
let fixtureBase = Tensor.arange(12).reshaped([3, 4]) * 0.5 - 1

func expectFileError(_ reasonFragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error containing '\(reasonFragment)'", sourceLocation: sourceLocation)
    } catch let e as FileError {
        #expect(e.reason.contains(reasonFragment), "got: \(e)", sourceLocation: sourceLocation)
        #expect(!e.description.contains("\n"), sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct NPYTests {
    @Test func readsNumPyFilesOfEveryDtypeAndOrder() throws {
        #expect(try NPY.read(fixture("f8_c.npy")) == fixtureBase)
        #expect(try NPY.read(fixture("f8_fortran.npy")) == fixtureBase)
        #expect(try NPY.read(fixture("f4_c.npy")) == fixtureBase)  // halves are exact in float32
        #expect(try NPY.read(fixture("f8_v2.npy")) == fixtureBase)
        #expect(try NPY.read(fixture("f8_v3.npy")) == fixtureBase)
        let ints = Array(-3..<9)
        #expect(try NPY.readArray(fixture("i8_c.npy")) == .integer(ints, shape: [3, 4]))
        #expect(try NPY.readArray(fixture("i4_fortran.npy")) == .integer(ints, shape: [3, 4]))
        #expect(try NPY.readArray(fixture("b1.npy")) == .integer([1, 0, 1, 1], shape: [4]))
        #expect(try NPY.read(fixture("u1_3d.npy")) == Tensor.arange(24).reshaped([2, 3, 4]))
        let scalar = try NPY.read(fixture("scalar_f8.npy"))
        #expect(scalar.shape == [] && scalar.scalar == 3.25)
        #expect(try NPY.read(fixture("empty_f8.npy")).shape == [0, 3])
    }

    @Test func unsupportedDtypesAreNamed() {
        expectFileError("unsupported dtype '>f8'") { _ = try NPY.read(fixture("f8_big_endian.npy")) }
        expectFileError("unsupported dtype '<c16'") { _ = try NPY.read(fixture("c16.npy")) }
    }

    @Test func roundTripsFloatsAndIntegers() throws {
        try withTemporaryDirectory { dir in
            var rng = RandomGenerator(seed: 1)
            for shape in [[], [0], [5], [2, 3, 4]] {
                let t = Tensor.randomNormal(shape, using: &rng)
                try NPY.write(t, to: dir + "/t.npy")
                #expect(try NPY.read(dir + "/t.npy") == t)
            }
            try NPY.write(integers: [1, -2, Int.max], shape: [3], to: dir + "/i.npy")
            #expect(try NPY.readArray(dir + "/i.npy") == .integer([1, -2, Int.max], shape: [3]))
            #expect(listing(dir) == ["i.npy", "t.npy"])
        }
    }

    @Test func headersAreAlignedTo64Bytes() {
        let bytes = NPY.encode(Tensor.zeros([7, 3]))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == 0x0A)
    }

    /// Bytes of a valid file to corrupt.
    func valid() -> [UInt8] { NPY.encode(Tensor.arange(6).reshaped([2, 3])) }

    func decode(_ bytes: [UInt8]) throws { _ = try bytes.withUnsafeBytes { try NPY.decode($0, source: "bad.npy") } }

    func withHeader(_ dict: String, dataBytes: Int) -> [UInt8] {
        var h = Array(dict.utf8)
        h.append(0x0A)
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h
            + [UInt8](repeating: 0, count: dataBytes)
    }

    @Test func everyMalformedInputThrowsANamedError() {
        var bytes = valid()
        bytes[1] = 0x00
        expectFileError("bad magic") { try decode(bytes) }
        expectFileError("only 4 bytes") { try decode([0x93, 0x4E, 0x55, 0x4D]) }
        bytes = valid(); bytes[6] = 9
        expectFileError("unsupported .npy format version 9.0") { try decode(bytes) }
        expectFileError("truncated data") { try decode(Array(valid().dropLast(5))) }
        expectFileError("header does not match the data") { try decode(valid() + [0, 0, 0, 0, 0, 0, 0, 0]) }
        bytes = valid(); bytes[8] = 0xFF; bytes[9] = 0xFF
        expectFileError("truncated header") { try decode(bytes) }
        expectFileError("malformed header") { try decode(withHeader("{'descr': '<f8', 'fortran_order': False}", dataBytes: 8)) }
        expectFileError("malformed header") { try decode(withHeader("not a dict", dataBytes: 8)) }
        expectFileError("overflows") {
            try decode(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", dataBytes: 8))
        }
        expectFileError("negative extent") {
            try decode(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 2), }", dataBytes: 8))
        }
        expectFileError("structured dtypes") {
            try decode(withHeader("{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1,), }", dataBytes: 8))
        }
        expectFileError("no such file") { _ = try NPY.read("/nonexistent/x.npy") }
        expectFileError("is a directory") { _ = try NPY.read(NSTemporaryDirectory()) }
        // Devices are read to their end, not stat'ed for a size.
        expectFileError("only 0 bytes") { _ = try NPY.read("/dev/null") }
    }

    /// Random corruption never crashes or reads out of bounds: it decodes or throws.
    @Test func randomCorruptionNeverCrashes() {
        var rng = RandomGenerator(seed: 4)
        let original = valid()
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<(1 + rng.integer(below: 4)) { bytes[rng.integer(below: bytes.count)] = UInt8(rng.integer(below: 256)) }
            if rng.bernoulli(0.3) { bytes = Array(bytes.prefix(rng.integer(below: bytes.count))) }
            _ = try? decode(bytes)
        }
    }
}

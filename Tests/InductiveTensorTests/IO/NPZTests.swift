import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct NPZTests {
    @Test(arguments: ["stored.npz", "deflated.npz"])
    func readsSavezAndSavezCompressed(name: String) throws {
        let archive = try NPZ.read(fixture(name))
        #expect(archive.keys == ["a", "labels", "s"])
        #expect(try archive.tensor("a") == fixtureBase)
        #expect(archive["labels"] == .integer([0, 1, 2, 3, 4], shape: [5]))
        #expect(try archive.tensor("s") == Tensor(2))
        expectFileError("no array 'missing' (it has: a, labels, s)") { _ = try archive.tensor("missing") }
    }

    @Test(arguments: [false, true])
    func roundTripsThroughOurWriter(compressed: Bool) throws {
        try withTemporaryDirectory { dir in
            var archive = NPZArchive()
            archive.set("W0", Tensor.arange(6).reshaped([2, 3]))
            archive.set("step", .integer([42], shape: []))
            archive.set("empty", Tensor.zeros([0]))
            try NPZ.write(archive, to: dir + "/c.npz", compressed: compressed)
            #expect(try NPZ.read(dir + "/c.npz") == archive)
            // Byte-identical output for identical input (fixed timestamps).
            try NPZ.write(archive, to: dir + "/d.npz", compressed: compressed)
            #expect(try readFileBytes(dir + "/c.npz") == readFileBytes(dir + "/d.npz"))
        }
    }

    /// NumPy reads what we write (reported as skipped where python3 with NumPy is missing).
    @Test(.enabled(if: numpyAvailable, "needs python3 with NumPy on the PATH"))
    func numpyReadsOurArchives() throws {
        try withTemporaryDirectory { dir in
            try NPZ.write([("x", Tensor([1.5, -2]))], to: dir + "/ours.npz", compressed: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", "import numpy as np; d = np.load('\(dir)/ours.npz'); print(d['x'].tolist())"]
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            process.waitUntilExit()
            let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "numpy.load failed: \(message)")
            #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "[1.5, -2.0]")
        }
    }

    func decode(_ bytes: [UInt8]) throws { _ = try bytes.withUnsafeBytes { try NPZ.decode($0, source: "bad.npz") } }

    @Test func malformedArchivesThrow() throws {
        let stored = try readFileBytes(fixture("stored.npz"))
        let deflated = try readFileBytes(fixture("deflated.npz"))
        expectFileError("no end-of-archive record") { try decode([UInt8](repeating: 7, count: 100)) }
        expectFileError("this is a .npy file") { try decode(try readFileBytes(fixture("f8_c.npy"))) }
        expectFileError("only 3 bytes") { try decode([1, 2, 3]) }
        // Flip a data byte of the first member: the CRC catches it.
        var corrupt = stored
        corrupt[150] ^= 0xFF
        expectFileError("CRC mismatch") { try decode(corrupt) }
        // Cut the archive: the directory now points past the end.
        expectFileError("truncated") { try decode(Array(stored.prefix(200)) + Array(stored.suffix(22))) }
        var badDeflate = deflated
        for i in 60..<90 { badDeflate[i] = 0xFF }
        do { try decode(badDeflate); Issue.record("corrupt deflate accepted") } catch let e as FileError {
            #expect(e.reason.contains("member 'a.npy'"))
        }
        // Sizes and offsets near Int.max in a ZIP64 directory: a thrown error, not an overflow trap.
        var huge = stored
        let eocd = huge.count - 22
        for i in 0..<4 { huge[eocd + 16 + i] = 0xFF }  // directory offset 0xFFFFFFFF: ZIP64 record required
        expectFileError("ZIP64") { try decode(huge) }
        var rng = RandomGenerator(seed: 5)
        for _ in 0..<1000 {
            var bytes = rng.bernoulli(0.5) ? stored : deflated
            for _ in 0..<(1 + rng.integer(below: 3)) { bytes[rng.integer(below: bytes.count)] = UInt8(rng.integer(below: 256)) }
            _ = try? decode(bytes)
        }
    }
}

/// Whether `python3` on the PATH imports NumPy (asked once, when a test first needs it).
let numpyAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import numpy"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

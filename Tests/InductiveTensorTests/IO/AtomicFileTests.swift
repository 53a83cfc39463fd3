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
        expectFileError("does not exist") { try AtomicFile.checkWritable("/nonexistent-dir/out.txt") }
    }

    /// /dev/null is written, never replaced by a regular file (as root a rename would succeed).
    @Test func characterDevicesAreWrittenDirectly() throws {
        try AtomicFile.write("discarded", to: "/dev/null")
        try AtomicFile.checkWritable("/dev/null")
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
    }

    @Test func fifosAreWrittenDirectly() throws {
        try withTemporaryDirectory { dir in
            let fifo = dir + "/pipe"
            #expect(mkfifo(fifo, 0o644) == 0)
            let received = Received()
            let reader = Thread { received.set(FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()) }
            reader.start()
            try AtomicFile.write("through the pipe", to: fifo)
            for _ in 0..<500 where received.get() == nil { usleep(10_000) }
            #expect(received.get() == Data("through the pipe".utf8))
            var info = stat()
            #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
            #expect(listing(dir) == ["pipe"])
        }
    }

    /// A symbolic link stays a link; the file it points to gets the bytes.
    @Test func symbolicLinksReplaceTheirTarget() throws {
        try withTemporaryDirectory { dir in
            try AtomicFile.write("old", to: dir + "/real.txt")
            try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: dir + "/real.txt")
            try AtomicFile.write("new", to: dir + "/link.txt")
            #expect(String(decoding: try readFileBytes(dir + "/real.txt"), as: UTF8.self) == "new")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.txt")) == dir + "/real.txt")
        }
    }

    @Test func directoriesAreRefused() throws {
        try withTemporaryDirectory { dir in
            expectFileError("is a directory") { try AtomicFile.write("x", to: dir) }
            expectFileError("is a directory") { try AtomicFile.checkWritable(dir) }
        }
    }

    /// /dev/full answers every write with ENOSPC: a group whose second file fails leaves no
    /// first file and no temporaries (the first file is staged, then discarded).
    @Test func aGroupIsWrittenAllOrNone() throws {
        #if os(Linux)
        try withTemporaryDirectory { dir in
            try AtomicFile.write("kept", to: dir + "/existing.txt")
            var group = OutputGroup()
            group.add("new", to: dir + "/existing.txt")
            group.add("first", to: dir + "/a.txt")
            group.add("second", to: "/dev/full")
            expectFileError("disk full") { try group.commit() }
            #expect(listing(dir) == ["existing.txt"])
            #expect(String(decoding: try readFileBytes(dir + "/existing.txt"), as: UTF8.self) == "kept")
        }
        #endif
        try withTemporaryDirectory { other in
            var missing = OutputGroup()
            missing.add("first", to: other + "/a.txt")
            missing.add("second", to: other + "/no-such-folder/b.txt")
            expectFileError("does not exist") { try missing.check() }
            expectFileError("does not exist") { try missing.commit() }
            #expect(listing(other).isEmpty)
        }
    }

    @Test func aFileNamedTwiceIsRefused() throws {
        try withTemporaryDirectory { dir in
            var group = OutputGroup()
            group.add("a", to: dir + "/same.npy")
            group.add("b", to: dir + "/./same.npy")
            expectFileError("named twice") { try group.check() }
            expectFileError("named twice") { try group.commit() }
            #expect(listing(dir).isEmpty)
        }
    }

    /// A write killed by SIGKILL leaves `.NAME.tmp-PID-NANOS`; the next write into the
    /// folder removes it when that PID is dead, and keeps everything else.
    @Test func staleTemporariesOfDeadWritersAreRemoved() throws {
        try withTemporaryDirectory { dir in
            let deadPID = 2_147_483_646  // above every system's PID limit
            let stale = ".ck.npz.tmp-\(deadPID)-123456"
            let alive = ".ck.npz.tmp-\(getpid())-1"
            for name in [stale, alive, ".notes.tmp-x-1", "ck.npz.tmp-\(deadPID)-5"] {
                FileManager.default.createFile(atPath: dir + "/" + name, contents: Data([1, 2, 3]))
            }
            try AtomicFile.write("fresh", to: dir + "/ck.npz")
            #expect(listing(dir) == [alive, ".notes.tmp-x-1", "ck.npz", "ck.npz.tmp-\(deadPID)-5"].sorted())
            #expect(AtomicFile.removeStaleTemporaries(in: dir).isEmpty)
        }
    }

    @Test func foundationErrorsBecomeOneLine() {
        let readOnly = NSError(domain: NSCocoaErrorDomain, code: 642, userInfo: [NSFilePathErrorKey: "/x", NSLocalizedDescriptionKey: "long\ntext"])
        let e = FileError(path: "out/x.json", action: "cannot create the directory", error: readOnly)
        #expect(e.description == "out/x.json: cannot create the directory: read-only file system")
        let posix = NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))
        #expect(FileError(path: "a", action: "write failed", error: posix).description == "a: write failed: disk full")
        #expect(FileError(path: "a", action: "write failed", errno: EACCES).description == "a: write failed: permission denied")
    }
}

/// Bytes handed from a reader thread to the test.
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data? { lock.lock(); defer { lock.unlock() }; return data }
}

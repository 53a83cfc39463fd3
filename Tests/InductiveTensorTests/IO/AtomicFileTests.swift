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

    /// A write killed by SIGKILL leaves `.NAME.tmp-HOST-PID-RANDOM`; the next write into the
    /// folder removes it only when certainly dead: this host and a process that no longer
    /// exists. This process's own, another live process's (the parent), another host's (even
    /// with a dead process id; also one differing only in the boot id), the older host-less
    /// `.NAME.tmp-PID-NANOS`, other names and a directory with a temporary's name are kept.
    @Test func onlyCertainlyDeadTemporariesAreRemoved() throws {
        try withTemporaryDirectory { dir in
            let host = AtomicFile.hostToken()
            // 2^31 - 2 is above every system's process-id limit (Linux's pid_max is at most 2^22).
            let deadPID: pid_t = 2_147_483_646
            #expect(kill(deadPID, 0) != 0 && errno == ESRCH)
            let dead = AtomicFile.temporaryName(for: "ck.npz", host: host, process: deadPID, random: 0x1f)
            let deadToo = AtomicFile.temporaryName(for: "other.json", host: host, process: deadPID, random: 0x2f)
            let own = AtomicFile.temporaryName(for: "ck.npz", host: host, process: getpid(), random: 0x3f)
            let parent = AtomicFile.temporaryName(for: "ck.npz", host: host, process: getppid(), random: 0x4f)
            let otherHost = AtomicFile.temporaryName(for: "ck.npz", host: "elsewhere" + host, process: deadPID, random: 0x5f)
            // Same host name and process-id namespace (the initial namespace's inode is one
            // constant on every Linux machine), another boot: another machine.
            let otherBoot = AtomicFile.temporaryName(for: "ck.npz", host: Self.otherBoot(host), process: deadPID, random: 0x7f)
            let keptNames = [own, parent, otherHost, otherBoot, ".ck.npz.tmp-\(deadPID)-123456", ".notes.tmp-x-1-2",
                             "ck.npz.tmp-\(host)-\(deadPID)-5"]
            for name in [dead, deadToo] + keptNames {
                FileManager.default.createFile(atPath: dir + "/" + name, contents: Data([1, 2, 3]))
            }
            let folderNamedLikeOne = AtomicFile.temporaryName(for: "d", host: host, process: deadPID, random: 0x6f)
            try FileManager.default.createDirectory(atPath: dir + "/" + folderNamedLikeOne, withIntermediateDirectories: false)
            try AtomicFile.write("fresh", to: dir + "/ck.npz")
            #expect(listing(dir) == (keptNames + ["ck.npz", folderNamedLikeOne]).sorted())
            #expect(AtomicFile.removeStaleTemporaries(in: dir).isEmpty)
        }
        // A host without a readable boot id removes nothing, not even its own dead writers'.
        let unknown = String(AtomicFile.hostToken().dropLast(16)) + "none"
        #expect(!AtomicFile.isCertainlyDead(temporary: AtomicFile.temporaryName(for: "a", host: unknown, process: 2_147_483_646, random: 1),
                                            host: unknown))
        #expect(AtomicFile.isCertainlyDead(temporary: AtomicFile.temporaryName(for: "a", host: AtomicFile.hostToken(), process: 2_147_483_646, random: 1),
                                           host: AtomicFile.hostToken()))
    }

    /// `host` with its 16 boot-id digits replaced by others.
    static func otherBoot(_ host: String) -> String {
        String(host.dropLast(16)) + (host.hasSuffix("0123456789abcdef") ? "fedcba9876543210" : "0123456789abcdef")
    }

    /// The host token ends with `_b` and 16 hex digits of the kernel's boot id (read here
    /// without the library: on Linux the file, on macOS the sysctl), and is at most 95 bytes.
    @Test func hostTokenCarriesTheBootID() throws {
        let host = AtomicFile.hostToken()
        #if os(Linux)
        let boot = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8).filter { $0.isHexDigit }.lowercased()
        #expect(host.hasSuffix("_b" + boot.prefix(16)), "\(host)")
        #expect(host.contains("_ns"), "\(host)")
        #else
        #expect(host.dropLast(16).hasSuffix("_b") && host.suffix(16).allSatisfy { $0.isHexDigit }, "\(host)")
        #endif
        #expect(host.utf8.count <= 95 && host == AtomicFile.hostToken())
    }

    /// Directory fsync: a file system that does not support it (EINVAL, ENOTSUP) is ignored;
    /// a real error (EIO) is not.
    @Test func directorySyncErrorsAreClassified() {
        #expect(OutputGroup.directorySyncUnsupported(EINVAL) && OutputGroup.directorySyncUnsupported(ENOTSUP))
        #expect(!OutputGroup.directorySyncUnsupported(EIO) && !OutputGroup.directorySyncUnsupported(ENOSPC))
    }

    /// The temporary's name carries the writer: host (with its boot id), process id and the
    /// random suffix parse back; names of other shapes are not temporaries; a long or
    /// non-ASCII file name is cut at 100 UTF-8 bytes on a character boundary, so the name stays
    /// within 255 bytes even with the longest host token and process id.
    @Test func temporaryNamesCarryTheWriter() throws {
        let host = AtomicFile.hostToken()
        #expect(!host.isEmpty && host.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 < 128 && isalnum(Int32($0)) != 0) }, "\(host)")
        // The longest token: a 64-byte host name, a 10-digit namespace inode, the boot id.
        let longest = String(repeating: "h", count: 64) + "_ns4026531836_b0123456789abcdef"
        for token in [host, Self.otherBoot(host), longest] {
            for name in ["out.json", "a.tmp-b", "x.tmp-h-1-2", String(repeating: "é", count: 200), String(repeating: "n", count: 255)] {
                let temporary = AtomicFile.temporaryName(for: name, host: token, process: 2_147_483_646, random: .max)
                let writer = try #require(AtomicFile.writer(ofTemporary: temporary), "\(temporary)")
                #expect(writer.host == token && writer.process == 2_147_483_646)
                #expect(temporary.utf8.count <= 255 && temporary.hasPrefix("." + String(name.prefix(50))) && temporary.hasSuffix("-ffffffffffffffff"))
            }
        }
        for other in ["out.json", ".out.json", ".out.json.tmp-", ".out.json.tmp-h-1", ".out.json.tmp-h-1-2-3", ".out.json.tmp-h.x-1-2",
                      ".out.json.tmp-h-0-2", ".out.json.tmp-h-1-xyz", ".tmp-h-1-2", "out.json.tmp-h-1-2", ".out.json.tmp-h--2"] {
            #expect(AtomicFile.writer(ofTemporary: other) == nil, "\(other)")
        }
    }

    /// Many writers of one file at once (threads of one process: one host and one process id,
    /// told apart only by the random suffix), while others clean the folder: every write
    /// succeeds, the file is one of the writes whole, and no temporary is left.
    @Test func concurrentWritersOfOneFileAllSucceed() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/file.json"
            let failures = LockedCount()
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                for k in 0..<25 {
                    do { try AtomicFile.write("writer \(i) write \(k)\n", to: path) } catch { failures.add() }
                    if k % 5 == 0 { AtomicFile.removeStaleTemporaries(in: dir) }
                }
            }
            #expect(failures.value == 0)
            let text = String(decoding: try readFileBytes(path), as: UTF8.self)
            #expect(text.hasPrefix("writer ") && text.hasSuffix(" write 24\n") && text.split(separator: "\n").count == 1)
            #expect(listing(dir) == ["file.json"])
        }
    }

    /// A full disk (a 64 KiB tmpfs) and a read-only file system fail with one line and leave the
    /// destination as it was and no temporary. Needs mount (root with CAP_SYS_ADMIN, not an
    /// unprivileged container): shown as skipped where it cannot mount. The CLI test
    /// `aWriteOverTheFileSizeLimitLeavesNothing` (`ulimit -f`, no privilege) checks the
    /// write-time failure on every machine.
    @Test(.enabled(if: canMountTmpfs(), "mounting a tmpfs needs root with CAP_SYS_ADMIN"))
    func aFullDiskOrReadOnlyFileSystemLeavesNoPartialFile() throws {
        #if os(Linux)
        try withTemporaryDirectory { dir in
            let disk = dir + "/disk"
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
            try #require(runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]) == 0)
            defer { _ = runTool("/bin/umount", [disk]) }
            try AtomicFile.write("kept", to: disk + "/out.bin")
            expectFileError("disk full") { try AtomicFile.write([UInt8](repeating: 7, count: 256 * 1024), to: disk + "/out.bin") }
            #expect(listing(disk) == ["out.bin"])
            #expect(String(decoding: try readFileBytes(disk + "/out.bin"), as: UTF8.self) == "kept")
            #expect(runTool("/bin/mount", ["-o", "remount,ro", disk]) == 0)
            expectFileError("read-only file system") { try AtomicFile.write("new", to: disk + "/out.bin") }
            expectFileError("read-only file system") { try AtomicFile.checkWritable(disk + "/other.bin") }
            #expect(listing(disk) == ["out.bin"])
        }
        #endif
    }

    /// An unwritable folder (chmod 555) refuses the write with one line and keeps the old file.
    /// Root ignores the mode bits: shown as skipped there.
    @Test(.enabled(if: geteuid() != 0, "root ignores a folder's mode bits"))
    func anUnwritableFolderLeavesNoPartialFile() throws {
        try withTemporaryDirectory { dir in
            let disk = dir + "/disk"
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
            try AtomicFile.write("kept", to: disk + "/out.bin")
            #expect(chmod(disk, 0o555) == 0)
            defer { _ = chmod(disk, 0o755) }
            expectFileError("permission denied") { try AtomicFile.write("new", to: disk + "/out.bin") }
            #expect(listing(disk) == ["out.bin"])
            #expect(String(decoding: try readFileBytes(disk + "/out.bin"), as: UTF8.self) == "kept")
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

/// A counter shared by the threads of a test.
private final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// Runs a system tool quietly; its exit status, or -1 when it cannot start.
private func runTool(_ tool: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}

/// True when this process can mount a tmpfs (Linux, root with CAP_SYS_ADMIN): tried once on a
/// fresh folder, unmounted at once.
private func canMountTmpfs() -> Bool {
    #if os(Linux)
    guard geteuid() == 0 else { return false }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inductive-mount-probe-\(UUID().uuidString)").path
    guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)) != nil else { return false }
    defer { rmdir(dir) }
    guard runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", dir]) == 0 else { return false }
    return runTool("/bin/umount", [dir]) == 0
    #else
    return false
    #endif
}

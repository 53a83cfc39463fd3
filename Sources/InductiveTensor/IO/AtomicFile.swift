#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes files atomically: the bytes go to a temporary file in the same directory,
/// `.NAME.tmp-HOST-PID-RANDOM` (this host, this process, 64 random bits from the system's
/// CSPRNG), are flushed to disk (fsync) and the temporary file is renamed over the
/// destination. A failure (full disk, missing or unwritable directory, no permission) throws a
/// one-line `FileError` and leaves no partial file.
///
/// Several writers of one file at once (threads, processes, hosts sharing a folder: a
/// Kubernetes replacement pod while the old one terminates, a Slurm requeue, a sweep shard run
/// twice) each write their own temporary and the last rename wins.
///
/// Destinations that are not regular files are never replaced: character devices
/// (`/dev/null`, a terminal) and FIFOs are written directly, `/dev/stdout`, `/dev/stderr` and
/// `/dev/fd/N` go to the process's own descriptor, a symbolic link to a regular file replaces
/// the file it points to, and directories, block devices and sockets are refused.
///
/// Temporaries left behind by a killed process are removed by the next write into the same
/// directory, but only when certainly dead (`isCertainlyDead`): written on this host (same
/// host name, process-id namespace and kernel boot id) by a process that no longer exists.
/// Another host's temporaries are never removed (a process id means nothing across hosts),
/// and a restarted container, a requeued job in a new container or a rebooted machine counts
/// as another host, so a killed run's temporaries stay there: remove them by hand once no
/// writer runs, e.g. `find DIR -name '.*.tmp-*' -mmin +60 -delete`.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        var group = OutputGroup()
        group.add(bytes, to: path)
        try group.commit()
    }

    /// Writes UTF-8 text to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Checks, before any work, that `path` can be written: its directory exists and takes a
    /// new file (a probe file is created and removed), or it is a writable device or FIFO.
    /// Throws a one-line `FileError` otherwise.
    public static func checkWritable(_ path: String) throws {
        try checkWritable(Destination(path), path: path)
    }

    /// `checkWritable(_:)` for a destination already resolved.
    static func checkWritable(_ destination: Destination, path: String) throws {
        switch destination {
        case .descriptor(let fd):
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, flags & O_ACCMODE != O_RDONLY else {
                throw FileError(path: path, reason: "descriptor \(fd) is not open for writing")
            }
        case .special(let target):
            guard access(target, W_OK) == 0 else { throw FileError(path: path, action: "cannot be written", errno: errno) }
        case .regular(let target):
            let (probe, fd, failure) = createTemporary(for: target)
            guard fd >= 0 else { throw FileError(path: path, action: "cannot create a file there", errno: failure) }
            close(fd)
            unlink(probe)
        }
    }

    /// Removes the temporaries of this naming pattern in `directory` that are certainly dead
    /// (`isCertainlyDead`: this host, writer process gone); a write killed by SIGKILL or a
    /// power cut leaves one behind. Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let host = hostToken()
        var removed: [String] = []
        for name in names where isCertainlyDead(temporary: name, host: host) {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if unlink(path) == 0 { removed.append(name) }
        }
        return removed
    }

    /// True when `name` is a temporary of this pattern written on `host` (a `hostToken()`) by
    /// another process that no longer exists (`kill(pid, 0)` answers ESRCH; EPERM means alive
    /// but someone else's). False for every other name, for this process's own temporaries
    /// (another thread may be writing), for another host's (its process ids mean nothing
    /// here) and whenever `host` has no boot id (`_bnone`). Cost: one system call.
    public static func isCertainlyDead(temporary name: String, host: String) -> Bool {
        guard !host.hasSuffix("_b" + unknownBoot), let writer = writer(ofTemporary: name), writer.host == host,
              writer.process != getpid() else { return false }
        return kill(writer.process, 0) != 0 && errno == ESRCH
    }

    /// The writer (host token and process id) in a temporary's name `.NAME.tmp-HOST-PID-RANDOM`,
    /// or nil for other names (including the older `.NAME.tmp-PID-NANOSECONDS`, whose host is
    /// unknown: never removed).
    public static func writer(ofTemporary name: String) -> (host: String, process: pid_t)? {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
              marker.lowerBound > name.index(after: name.startIndex) else { return nil }
        let parts = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].utf8.allSatisfy(isHostCharacter),
              !parts[1].isEmpty, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let pid = pid_t(parts[1]), pid > 0,
              !parts[2].isEmpty, UInt64(parts[2], radix: 16) != nil else { return nil }
        return (String(parts[0]), pid)
    }

    /// The temporary's name for the destination file name `name` (its first 100 UTF-8 bytes,
    /// so that a long name stays within the 255-byte limit), written on `host` by `process`.
    public static func temporaryName(for name: String, host: String, process: pid_t, random: UInt64) -> String {
        var kept = "", bytes = 0
        for scalar in name.unicodeScalars {
            bytes += String(scalar).utf8.count
            if bytes > 100 { break }
            kept.unicodeScalars.append(scalar)
        }
        return "." + kept + ".tmp-\(host)-\(process)-" + String(random, radix: 16)
    }

    /// This host in temporary names: the host name with every character other than ASCII
    /// letters, digits and `_` replaced by `_` (at most 64), then, on Linux, `_ns` and the
    /// process-id namespace (two containers with one host name but separate process ids are
    /// two hosts here), then `_b` and the first 16 hex digits of the kernel's boot id
    /// (Linux `/proc/sys/kernel/random/boot_id`, macOS `kern.bootsessionuuid`: random per
    /// boot, so machines with one host name, which also share the initial namespace's fixed
    /// inode, are told apart), or `_bnone` when it cannot be read (then `isCertainlyDead`
    /// never answers true: nothing is removed). At most 64 + 13 + 18 = 95 bytes. Read on
    /// every call (a host may be renamed).
    public static func hostToken() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let raw = gethostname(&buffer, buffer.count - 1) == 0 ? String(cString: buffer) : ""
        var token = String(decoding: raw.utf8.prefix(64).map { isHostCharacter($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        if token.isEmpty { token = "host" }
        #if os(Linux)
        var link = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/self/ns/pid", &link, link.count - 1)
        if count > 0 {
            let digits = String(cString: link).utf8.filter { $0 >= 48 && $0 <= 57 }.prefix(10)
            if !digits.isEmpty { token += "_ns" + String(decoding: digits, as: UTF8.self) }
        }
        #endif
        return token + "_b" + (bootID() ?? unknownBoot)
    }

    /// The boot-id part of a host token that could not read its boot id.
    static let unknownBoot = "none"

    /// The first 16 hex digits (lowercase) of the kernel's boot id, or nil.
    static func bootID() -> String? {
        var text = ""
        #if os(Linux)
        guard let data = FileManager.default.contents(atPath: "/proc/sys/kernel/random/boot_id") else { return nil }
        text = String(decoding: data, as: UTF8.self)
        #elseif os(macOS)
        var size = 0
        guard sysctlbyname("kern.bootsessionuuid", nil, &size, nil, 0) == 0, size > 0 else { return nil }
        var value = [CChar](repeating: 0, count: size + 1)
        guard sysctlbyname("kern.bootsessionuuid", &value, &size, nil, 0) == 0 else { return nil }
        text = String(cString: value)
        #endif
        let hex = text.lowercased().utf8.filter { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
        guard hex.count >= 16 else { return nil }
        return String(decoding: hex.prefix(16), as: UTF8.self)
    }

    private static func isHostCharacter(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_")
    }

    /// Creates a fresh temporary beside `target` (O_EXCL; a new random suffix if the name is
    /// taken). Returns its path and descriptor, or fd -1 and the errno of the failure.
    static func createTemporary(for target: String) -> (path: String, fd: Int32, failure: Int32) {
        let url = URL(fileURLWithPath: target)
        let directory = url.deletingLastPathComponent().path, name = url.lastPathComponent, host = hostToken()
        var generator = SystemRandomNumberGenerator()
        var path = "", failure = EEXIST
        for _ in 0..<4 {
            path = directory + "/" + temporaryName(for: name, host: host, process: getpid(), random: generator.next())
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 { return (path, fd, 0) }
            failure = errno
            if failure != EEXIST { break }
        }
        return (path, -1, failure)
    }

    /// Where bytes for a path go.
    enum Destination: Equatable {
        /// An open descriptor of this process (`/dev/stdout`, `/dev/fd/N`): written in place.
        case descriptor(Int32)
        /// A character device or FIFO: opened and written directly.
        case special(String)
        /// A regular file (existing or new; symbolic links resolved): temporary, then rename.
        case regular(String)

        init(_ path: String) throws {
            guard !path.isEmpty else { throw FileError(path: path, reason: "empty file name") }
            for (prefix, fd) in [("/dev/stdout", Int32(1)), ("/dev/stderr", Int32(2))] where path == prefix {
                self = .descriptor(fd)
                return
            }
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                if let fd = Int32(path.dropFirst(prefix.count)), fd >= 0 {
                    self = .descriptor(fd)
                    return
                }
            }
            var info = stat()
            if stat(path, &info) == 0 {
                switch info.st_mode & S_IFMT {
                case S_IFREG:
                    var link = stat()
                    if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK,
                       let resolved = realpath(path, nil) {
                        defer { free(resolved) }
                        self = .regular(String(cString: resolved))
                    } else {
                        self = .regular(URL(fileURLWithPath: path).standardized.path)
                    }
                case S_IFDIR: throw FileError(path: path, reason: "is a directory, not a file")
                case S_IFCHR, S_IFIFO: self = .special(path)
                case S_IFBLK: throw FileError(path: path, reason: "is a block device: refusing to write there")
                default: throw FileError(path: path, reason: "is a socket or other special file: refusing to write there")
                }
                return
            }
            let failure = errno
            var link = stat()
            if lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK {
                throw FileError(path: path, reason: "is a symbolic link to a missing file")
            }
            guard failure == ENOENT else { throw FileError(path: path, action: "cannot be written", errno: failure) }
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw FileError(path: path, reason: "directory \(directory) does not exist")
            }
            self = .regular(URL(fileURLWithPath: path).standardized.path)
        }
    }
}

/// Several output files written as one: all or none. `commit()` first removes the certainly
/// dead temporaries of each destination's directory (`AtomicFile.removeStaleTemporaries`),
/// writes every regular file to a fresh temporary beside it (`.NAME.tmp-HOST-PID-RANDOM`) and
/// flushes it (a full disk or a missing or unwritable directory fails here, removing the
/// temporaries and leaving every destination untouched), then writes devices and FIFOs
/// directly, then renames the temporaries into place and flushes the directories.
///
/// ```swift
/// var outputs = OutputGroup()
/// outputs.add(csvText, to: "out/history.csv")
/// outputs.add(NPY.encode(weights), to: "out/model.npy")
/// try outputs.commit()
/// ```
public struct OutputGroup: Sendable {
    private var outputs: [(path: String, bytes: [UInt8])] = []

    public init() {}

    /// The destinations, in the order added.
    public var paths: [String] { outputs.map(\.path) }

    /// Adds a file to write.
    public mutating func add(_ bytes: [UInt8], to path: String) { outputs.append((path, bytes)) }

    /// Adds a UTF-8 text file to write.
    public mutating func add(_ text: String, to path: String) { add(Array(text.utf8), to: path) }

    /// Checks every destination, as `AtomicFile.checkWritable`, and that none is named twice.
    public func check() throws {
        try OutputGroup.check(paths)
    }

    /// Checks before any work that every path can be written and that no file is named twice.
    public static func check(_ paths: [String]) throws {
        for (path, destination) in zip(paths, try destinations(paths)) {
            try AtomicFile.checkWritable(destination, path: path)
        }
    }

    /// Each path resolved once; a regular file named twice (also through another spelling or
    /// a symbolic link) is refused.
    private static func destinations(_ paths: [String]) throws -> [AtomicFile.Destination] {
        var destinations: [AtomicFile.Destination] = []
        for path in paths {
            let destination = try AtomicFile.Destination(path)
            if case .regular = destination, destinations.contains(destination) {
                throw FileError(path: path, reason: "named twice among the outputs")
            }
            destinations.append(destination)
        }
        return destinations
    }

    /// Writes every file, or none of the regular files (see the type's description).
    public func commit() throws {
        let destinations = try OutputGroup.destinations(paths)
        var staged: [(temporary: String, target: String, path: String)] = []
        func discard() { for s in staged { unlink(s.temporary) } }
        var cleaned: Set<String> = []
        for ((path, bytes), destination) in zip(outputs, destinations) {
            guard case .regular(let target) = destination else { continue }
            let directory = URL(fileURLWithPath: target).deletingLastPathComponent().path
            if cleaned.insert(directory).inserted { AtomicFile.removeStaleTemporaries(in: directory) }
            let (temporary, fd, code) = AtomicFile.createTemporary(for: target)
            if fd < 0 {
                discard()
                throw FileError(path: path, action: "cannot create a file there", errno: code)
            }
            staged.append((temporary, target, path))
            var failure = OutputGroup.writeAll(bytes, to: fd)
            if failure == nil && fsync(fd) != 0 { failure = errno }
            if close(fd) != 0 && failure == nil { failure = errno }
            if let failure {
                discard()
                throw FileError(path: path, action: "write failed", errno: failure)
            }
        }
        for ((path, bytes), destination) in zip(outputs, destinations) {
            let failure: Int32?
            switch destination {
            case .regular: continue
            case .descriptor(let fd):
                failure = OutputGroup.writeAll(bytes, to: fd)
            case .special(let target):
                // No O_CREAT and no rename: the device or FIFO itself receives the bytes.
                let fd = open(target, O_WRONLY)
                if fd < 0 {
                    failure = errno
                } else {
                    let written = OutputGroup.writeAll(bytes, to: fd)
                    let closed = close(fd) == 0 ? nil : errno
                    failure = written ?? closed
                }
            }
            if let failure {
                discard()
                throw FileError(path: path, action: "write failed", errno: failure)
            }
        }
        for (i, s) in staged.enumerated() where rename(s.temporary, s.target) != 0 {
            let code = errno
            for rest in staged[i...] { unlink(rest.temporary) }
            let placed = staged[..<i].map(\.path)
            throw FileError(path: s.path, action: placed.isEmpty ? "cannot be replaced"
                            : "cannot be replaced (\(placed.joined(separator: ", ")) already written)", errno: code)
        }
        // The renames themselves reach the disk with the directory. Some file systems refuse
        // fsync on a directory (EINVAL, ENOTSUP): ignored, the files are complete either way.
        // A real I/O error (EIO) leaves the renames' durability unknown and throws.
        for directory in Set(staged.map { URL(fileURLWithPath: $0.target).deletingLastPathComponent().path }).sorted() {
            let fd = open(directory, O_RDONLY | O_DIRECTORY)
            guard fd >= 0 else { continue }
            let failure = fsync(fd) == 0 ? nil : errno
            close(fd)
            if let failure, !OutputGroup.directorySyncUnsupported(failure) {
                throw FileError(path: directory, action: "written, but flushing the directory failed", errno: failure)
            }
        }
    }

    /// True for the errno values of a file system that does not support fsync on a
    /// directory (ignored); false for real errors such as EIO.
    package static func directorySyncUnsupported(_ code: Int32) -> Bool {
        code == EINVAL || code == ENOTSUP || code == EOPNOTSUPP
    }

    /// Writes all bytes to `fd`; the errno of a failure, or nil.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }
}

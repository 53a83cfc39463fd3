#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A problem with a file a user gave: missing, unreadable, malformed, or unwritable.
/// The description is one line that names the file and what is wrong with it.
public struct FileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's path as given.
    public let path: String
    /// What is wrong, in a few words (e.g. "truncated: header promises 800 bytes, 12 present").
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Reads a whole file, with errors that say whether it is missing, a directory or unreadable.
public func readFileBytes(_ path: String) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw FileError(path: path, reason: "no such file")
    }
    if isDirectory.boolValue { throw FileError(path: path, reason: "is a directory, not a file") }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FileError(path: path, reason: "cannot be read (permission denied?)")
    }
    return [UInt8](data)
}

/// Writes files atomically: the bytes go to a temporary file in the same directory, are
/// flushed to disk, and the temporary file is renamed over the destination. A failure
/// (full disk, missing directory, no permission) throws and leaves no partial file.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(path: path, reason: "directory \(directory) does not exist")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(DispatchTime.now().uptimeNanoseconds)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if fd < 0 { throw FileError(path: path, reason: "cannot create a file here: \(String(cString: strerror(errno)))") }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno == ENOSPC ? "disk full" : String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw FileError(path: path, reason: "write failed: \(failure)")
        }
    }

    /// Writes UTF-8 text to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }
}

/// The bytes as a UTF-8 string, or nil when they are not valid UTF-8 (available on every
/// supported platform, unlike `String(validating:as:)`).
func decodeUTF8(_ bytes: [UInt8]) -> String? {
    let text = String(decoding: bytes, as: UTF8.self)
    return text.utf8.elementsEqual(bytes) ? text : nil
}

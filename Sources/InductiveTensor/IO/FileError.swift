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

extension FileError {
    /// A one-line error for a failed system call: `action` (e.g. "cannot create a file here")
    /// followed by the system's wording for `code` ("disk full" for ENOSPC).
    public init(path: String, action: String, errno code: Int32) {
        self.init(path: path, reason: "\(action): \(FileError.wording(errno: code))")
    }

    /// One line for any error a file operation threw: a `FileError` stays as it is, and
    /// Foundation's errors (whose descriptions are multi-line dumps such as
    /// `Error Domain=NSCocoaErrorDomain Code=642 ... UserInfo={...}`) become the action and
    /// the problem in words.
    public init(path: String, action: String, error: Error) {
        if let fileError = error as? FileError {
            self = fileError
            return
        }
        self.init(path: path, reason: "\(action): \(FileError.wording(error))")
    }

    static func wording(errno code: Int32) -> String {
        switch code {
        case ENOSPC: return "disk full"
        case EROFS: return "read-only file system"
        case EACCES, EPERM: return "permission denied"
        case ENOENT: return "no such file or directory"
        case ENOTDIR: return "a part of the path is not a directory"
        case EISDIR: return "is a directory"
        case EDQUOT: return "disk quota exceeded"
        case EFBIG: return "file too large"
        default: return String(cString: strerror(code))
        }
    }

    /// The problem of a Foundation error in a few words.
    static func wording(_ error: Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return wording(errno: Int32(nsError.code)) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return wording(errno: Int32(underlying.code))
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: nsError.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "disk full"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            case .fileWriteFileExists: return "a file is in the way"
            case .fileReadCorruptFile: return "corrupt file"
            case .fileReadTooLarge: return "too large"
            default: return "file system error \(nsError.code)"
            }
        }
        // Anything else: its first line only.
        let text = String(describing: error)
        return String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? Substring(text))
    }
}

/// The most bytes read from a pipe or device (`--data /dev/stdin`, a FIFO), whose size is
/// not known in advance: 1 GiB, so that `/dev/zero` cannot exhaust memory.
let maximumStreamBytes = 1 << 30

/// Reads a whole file, with one-line errors that say whether it is missing, a directory or
/// unreadable. Pipes and devices are read to their end, at most 1 GiB.
public func readFileBytes(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
        let code = errno
        if code == ENOENT { throw FileError(path: path, reason: "no such file") }
        throw FileError(path: path, action: "cannot be read", errno: code)
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileError(path: path, action: "cannot be read", errno: errno) }
    if info.st_mode & S_IFMT == S_IFDIR { throw FileError(path: path, reason: "is a directory, not a file") }
    let regular = info.st_mode & S_IFMT == S_IFREG
    var bytes: [UInt8] = []
    if regular { bytes.reserveCapacity(Int(info.st_size)) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw FileError(path: path, action: "cannot be read", errno: errno)
        }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
        if !regular && bytes.count > maximumStreamBytes {
            throw FileError(path: path, reason: "more than \(maximumStreamBytes) bytes from a pipe or device")
        }
    }
    return bytes
}

/// The bytes as a UTF-8 string, or nil when they are not valid UTF-8 (available on every
/// supported platform, unlike `String(validating:as:)`).
func decodeUTF8(_ bytes: [UInt8]) -> String? {
    let text = String(decoding: bytes, as: UTF8.self)
    return text.utf8.elementsEqual(bytes) ? text : nil
}

import Foundation

/// Runs `body` with the path of a fresh, empty directory under the system's temporary
/// directory (`FileManager.default.temporaryDirectory`) and removes the directory with
/// everything in it when `body` returns or throws.
///
/// The directory's name is `prefix` and a UUID, so tests running in parallel never share
/// one. The path has no trailing slash.
public func withTemporaryDirectory<Value>(
    prefix: String = "inductive-test", _ body: (String) throws -> Value
) throws -> Value {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

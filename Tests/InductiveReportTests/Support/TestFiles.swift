import Foundation

/// A fresh empty directory for one test.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "inductive-report-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

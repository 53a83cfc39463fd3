import Foundation
import Inductive

// The commands' output files: checked before any work, written as one group (all or none).
// The writing itself (temporaries, renames, devices and FIFOs, stale temporaries) is
// `OutputGroup` and `AtomicFile` in InductiveTensor.

/// Checks before any work that every given output can be written and none is named twice.
func checkOutputs(_ paths: [String?]) throws {
    try OutputGroup.check(paths.compactMap { $0 })
}

/// Checks before any work that an output folder can be made or written: an existing
/// directory must take new files; a missing one needs a writable nearest existing ancestor.
func checkOutputDirectory(_ path: String) throws {
    var ancestor = URL(fileURLWithPath: path).standardized
    var isDirectory: ObjCBool = false
    while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
        let parent = ancestor.deletingLastPathComponent()
        if parent.path == ancestor.path { break }
        ancestor = parent
    }
    guard isDirectory.boolValue else {
        throw FileError(path: path, reason: ancestor.path == URL(fileURLWithPath: path).standardized.path
                        ? "exists and is not a directory" : "\(ancestor.path) is not a directory")
    }
    do {
        try AtomicFile.checkWritable(ancestor.appendingPathComponent("probe").path)
    } catch let e as FileError {
        let problem = e.reason.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? e.reason
        throw FileError(path: path, reason: "cannot write in \(ancestor.path): \(problem)")
    }
}

/// Writes the files into `directory` (created when missing) as one group: all or none. A
/// directory this call created is removed again when the writes fail.
func writeOutputGroup(_ files: [(name: String, bytes: [UInt8])], into directory: String) throws {
    var created: [String] = []
    var url = URL(fileURLWithPath: directory).standardized
    while !FileManager.default.fileExists(atPath: url.path) {
        created.insert(url.path, at: 0)
        let parent = url.deletingLastPathComponent()
        if parent.path == url.path { break }
        url = parent
    }
    for folder in created where mkdir(folder, 0o755) != 0 && errno != EEXIST {
        let code = errno
        for made in created.reversed() { rmdir(made) }
        throw FileError(path: directory, action: "cannot create the directory", errno: code)
    }
    var group = OutputGroup()
    for file in files { group.add(file.bytes, to: directory + "/" + file.name) }
    do {
        try group.commit()
    } catch {
        for made in created.reversed() { rmdir(made) }
        throw error
    }
}

/// Writes the files (full paths) as one group: all or none.
func writeOutputGroup(_ files: [(path: String, bytes: [UInt8])]) throws {
    var group = OutputGroup()
    for file in files { group.add(file.bytes, to: file.path) }
    try group.commit()
}

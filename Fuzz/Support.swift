import Foundation

// Shared by every fuzz target (compiled together with one target file by scripts/fuzz).

/// Writes `seeds` as files into the folder named by INDUCTIVE_FUZZ_SEEDS (scripts/fuzz sets
/// it to the corpus folder), so that the seed corpus comes from the library's own encoders
/// and nothing binary is committed.
func writeSeeds(_ seeds: [(name: String, bytes: [UInt8])]) {
    guard let folder = ProcessInfo.processInfo.environment["INDUCTIVE_FUZZ_SEEDS"] else { return }
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for seed in seeds {
        _ = FileManager.default.createFile(atPath: folder + "/" + seed.name, contents: Data(seed.bytes))
    }
}

/// The fuzz input as an array.
func bytes(_ start: UnsafeRawPointer, _ count: Int) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: start, count: count))
}

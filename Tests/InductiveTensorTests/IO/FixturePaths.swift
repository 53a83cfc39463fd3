import Foundation

/// Path of a committed fixture (made once by scripts/make_fixtures.py with NumPy).
func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
}

/// The names in a directory (to check that failed writes leave nothing behind).
func listing(_ directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
}

import Foundation
import InductiveTensor

/// Writes an experiment's files into the output folder as one group (all or none, see
/// `OutputGroup`): `OUT/ID/result.json`, `OUT/ID/<figure>.svg` and `OUT/ID/<figure>.csv`.
public enum ReportFiles {
    /// Creates `OUT/ID/` when missing and writes the entry's figures (SVG and CSV) and,
    /// when given, `result` as `result.json`. Returns the folder's path.
    @discardableResult
    public static func writeExperiment(_ entry: ReportEntry, result: JSONValue?, to outputDirectory: String) throws -> String {
        let directory = outputDirectory + "/" + entry.directoryName
        try createDirectory(directory)
        var group = OutputGroup()
        for figure in entry.figures { add(figure, in: directory, to: &group) }
        if let result { group.add(result.rendered(), to: directory + "/result.json") }
        try group.commit()
        return directory
    }

    /// Writes `<stem>.svg` and `<stem>.csv` for the figure into an existing folder.
    public static func writeFigure(_ figure: Figure, in directory: String) throws {
        var group = OutputGroup()
        add(figure, in: directory, to: &group)
        try group.commit()
    }

    static func add(_ figure: Figure, in directory: String, to group: inout OutputGroup) {
        group.add(figure.svg(standalone: true), to: directory + "/" + figure.fileStem + ".svg")
        group.add(figure.data.csv, to: directory + "/" + figure.fileStem + ".csv")
    }

    /// Creates a folder and its parents; a file in the way is a `FileError`.
    public static func createDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw FileError(path: path, reason: "exists and is not a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: path, action: "cannot create the directory", error: error)
        }
    }
}

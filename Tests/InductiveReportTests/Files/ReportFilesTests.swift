import Foundation
import InductiveReport
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ReportFilesTests {
    @Test func writesTheExperimentFolder() throws {
        try withTemporaryDirectory { directory in
            let out = directory + "/nested/out"
            let entry = SampleReport.widthConvergence
            let folder = try ReportFiles.writeExperiment(entry, result: entry.json, to: out)
            #expect(folder == out + "/ntk.width-convergence")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(names == ["error-vs-width.csv", "error-vs-width.svg", "kernel.csv", "kernel.svg", "result.json"])
            #expect(try String(contentsOfFile: folder + "/kernel.svg", encoding: .utf8) == entry.figures[1].svg())
        }
    }

    @Test func aFileInTheWayIsAClearError() throws {
        try withTemporaryDirectory { directory in
            try AtomicFile.write("x", to: directory + "/blocked")
            #expect(throws: FileError(path: directory + "/blocked", reason: "exists and is not a directory")) {
                try ReportFiles.createDirectory(directory + "/blocked")
            }
            #expect(throws: FileError.self) {
                try ReportFiles.writeExperiment(SampleReport.widthConvergence, result: nil, to: directory + "/blocked")
            }
        }
    }
}

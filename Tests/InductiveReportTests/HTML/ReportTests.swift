import Foundation
import InductiveReport
import Testing

@Suite struct ReportTests {
    @Test func writesTheSampleReport() throws {
        let directory = temporaryDirectory()
        try SampleReport.write(to: directory)
        if let sample = ProcessInfo.processInfo.environment["INDUCTIVE_REPORT_SAMPLE_DIR"] {
            try ReportFiles.createDirectory(sample)
            try SampleReport.write(to: sample)
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/index.html"))
    }
}

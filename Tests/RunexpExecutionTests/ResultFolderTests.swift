import Foundation
import Testing
@testable import RunexpExecution

@Suite struct ResultFolderTests {
    @Test func writesFilesAndPointsLatestAtTheNewestFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = ResultFolder(root: directory.path, experimentName: "exp")
        let first = try folder.write(files: [("a.csv", "x\n"), ("plots/p.svg", "<svg/>")], name: "2026-01-01T00-00-00Z_nogit")
        let second = try folder.write(files: [("a.csv", "y\n")], name: "2026-01-01T00-00-00Z_nogit")
        #expect(first.hasSuffix("exp/2026-01-01T00-00-00Z_nogit"))
        #expect(second.hasSuffix("exp/2026-01-01T00-00-00Z_nogit-2"))
        #expect(try String(contentsOfFile: first + "/plots/p.svg", encoding: .utf8) == "<svg/>")
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: directory.file("exp/latest"))
        #expect(latest == "2026-01-01T00-00-00Z_nogit-2")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.file("exp")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func folderNameIsUTCTimeAndCommit() {
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        let git = GitState(commit: "0123456789abcdef", branch: "main", dirty: true)
        #expect(ResultFolder.folderName(started: date, git: git) == "2026-11-30T00-53-20Z_0123456-dirty")
        #expect(GitState(commit: nil, branch: nil, dirty: false).folderTag == "nogit")
    }

    @Test(arguments: [(0.5, "0.500000"), (-0.0000004, "0.000000"), (-1.25, "-1.250000"), (2, "2.000000"),
                      (Double.nan, "nan"), (-Double.infinity, "-inf"), (0.1234567, "0.123457")])
    func fixedFormatIsExact(value: Double, text: String) {
        #expect(FixedFormat.string(value) == text)
    }
}

import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpReport
import RunexpTestSupport

/// `runexp report DIR` run as a user runs it: the built binary, its output, exit code and files.
@Suite struct ReportCommandTests {
    static func runexp(_ arguments: [String]) throws -> ChildProcess.Output {
        #expect(FileManager.default.isExecutableFile(atPath: RunexpBinary.path), "runexp is not built at \(RunexpBinary.path)")
        return try RunexpBinary.run(arguments, timeout: 300)
    }

    /// Every file under `folder` with its bytes.
    static func snapshot(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder + "/" + name) { files[name] = data }
        }
        return files
    }

    @Test func reportDrawsThePlotsAndThePageIntoTheFolder() throws {
        let folder = try ResultFolderReaderTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try Self.runexp(["report", folder])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == "Report: \(folder)/report.html\n")
        #expect(output.stderr.isEmpty)
        let expected = ReportFiles.render(results: try ReportFixtures.synthetic(), provenanceJSON: ReportFixtures.provenanceJSON)
        for file in expected {
            let written = try String(contentsOfFile: folder + "/" + file.name, encoding: .utf8)
            #expect(written == file.text, "\(file.name)")
        }
        let first = Self.snapshot(folder)
        #expect(try Self.runexp(["report", folder]).status == 0)
        #expect(Self.snapshot(folder) == first, "a second report changed the folder")
    }

    @Test func aFolderMissingAFileExitsOneWithOneLineAndIsLeftAlone() throws {
        let folder = try ResultFolderReaderTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.removeItem(atPath: folder + "/runs.csv")
        let before = Self.snapshot(folder)
        let output = try Self.runexp(["report", folder])
        #expect(output.status == 1)
        #expect(output.stderr == "\(folder): error: not a complete result folder: runs.csv is missing\n")
        #expect(output.stdout.isEmpty)
        #expect(Self.snapshot(folder) == before)
    }

    /// A report that cannot be written names the file and the system's cause, and exits 3.
    @Test func aReportThatCannotBeWrittenNamesTheFileAndTheCause() throws {
        let folder = try ResultFolderReaderTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try? FileManager.default.removeItem(atPath: folder + "/plots")
        try "not a folder".write(toFile: folder + "/plots", atomically: true, encoding: .utf8)
        let output = try Self.runexp(["report", folder])
        #expect(output.status == 3)
        #expect(output.stderr.hasPrefix("\(folder): error: cannot write the report: '\(folder)/plots/"), "\(output.stderr)")
        #expect(output.stderr.hasSuffix(".svg': Not a directory\n"), "\(output.stderr)")
    }

    @Test func aFolderThatIsNoResultFolderExitsOne() throws {
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = try Self.runexp(["report", folder])
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("\(folder): error: not a result folder"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let missing = try Self.runexp(["report", folder + "/nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "\(folder)/nope: error: no such folder\n")
    }

    @Test func reportWithoutAFolderIsAUsageError() throws {
        let output = try Self.runexp(["report"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("Error:"))
    }
}

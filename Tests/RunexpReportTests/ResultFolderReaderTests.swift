import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpReport

@Suite struct ResultFolderReaderTests {
    /// A result folder of the synthetic results under a new temporary folder.
    static func folder() throws -> String {
        let folder = try ReportFixtures.temporaryFolder()
        try ReportFixtures.write(ReportFixtures.folderFiles(try ReportFixtures.synthetic()), to: folder)
        return folder
    }

    @Test func readsPlanRunsCurvesAndProvenance() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let contents = try ResultFolderReader.read(folder)
        let original = try ReportFixtures.synthetic()
        #expect(contents.folder == folder)
        #expect(contents.results.records.count == original.records.count)
        #expect(contents.results.classes == ["B", "M"])
        #expect(contents.results.records[2].diverged && contents.results.records[2].validation == nil)
        #expect(contents.results.records[5].curve.count == 3)
        #expect(contents.results.ranked.first?.cell == original.ranked.first?.cell)
        #expect(contents.provenanceJSON == ReportFixtures.provenanceJSON)
    }

    @Test func provenanceNamesTheKernelWhenTheFolderRecordsIt() throws {
        let with = try #require(ReportProvenance(json: #"{"kernel": "avx2-fma", "kernel_instructions": "avx512f"}"#))
        #expect(with.rows.map(\.label) == ["kernel"])
        #expect(with.rows.first?.value == "avx2-fma, products on avx512f")
        let older = try #require(ReportProvenance(json: #"{"kernel": "simd8"}"#))
        #expect(older.rows.first?.value == "simd8")
        #expect(try #require(ReportProvenance(json: "{}")).rows.isEmpty)
    }

    @Test func anExperimentFolderStandsForItsLatestResultFolder() throws {
        let root = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReportFixtures.write(ReportFixtures.folderFiles(try ReportFixtures.synthetic()), to: root + "/2026-11-30T12-00-00Z_abc1234")
        try FileManager.default.createSymbolicLink(atPath: root + "/latest", withDestinationPath: "2026-11-30T12-00-00Z_abc1234")
        #expect(try ResultFolderReader.read(root).folder == root + "/latest")
    }

    /// (case, change to the folder, expected message after `<folder>`).
    static let problems: [(String, @Sendable (String) throws -> Void, String)] = [
        ("missing folder", { try FileManager.default.removeItem(atPath: $0) }, ": error: no such folder"),
        ("empty folder", { folder in
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) { try FileManager.default.removeItem(atPath: folder + "/" + name) }
        }, ": error: not a result folder: it has none of plan.json, runs.csv, curves.csv, summary.json, provenance.json"),
        ("missing curves", { try FileManager.default.removeItem(atPath: $0 + "/curves.csv") },
         ": error: not a complete result folder: curves.csv is missing"),
        ("missing two", { folder in
            try FileManager.default.removeItem(atPath: folder + "/summary.json")
            try FileManager.default.removeItem(atPath: folder + "/provenance.json")
        }, ": error: not a complete result folder: summary.json, provenance.json are missing"),
        ("bad plan", { try "{\"name\": 1}\n".write(toFile: $0 + "/plan.json", atomically: true, encoding: .utf8) },
         "/plan.json: error: is not a runexp plan (the resolved plan a run writes)"),
        ("short row", { folder in
            var lines = try String(contentsOfFile: folder + "/runs.csv", encoding: .utf8).split(separator: "\n").map(String.init)
            lines[2] = "1,0"
            try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        }, "/runs.csv:3:3: error: expected 23 fields as in the header, found 2"),
        ("missing metric column", { folder in
            let text = try String(contentsOfFile: folder + "/runs.csv", encoding: .utf8)
            try text.replacingOccurrences(of: ",val_accuracy,", with: ",val_acc,").write(toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        }, "/runs.csv:1:1: error: no column 'val_accuracy'"),
        ("no classes", { try "{}\n".write(toFile: $0 + "/summary.json", atomically: true, encoding: .utf8) },
         "/summary.json: error: has no 'classes' list of class labels"),
    ]

    @Test(arguments: 0..<problems.count)
    func aBrokenFolderGivesOneLineNamingWhatIsWrong(index: Int) throws {
        let (name, change, message) = Self.problems[index]
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try change(folder)
        do {
            _ = try ResultFolderReader.read(folder)
            Issue.record("\(name): read without an error")
        } catch let error as ResultFolderReadError {
            #expect(error.description == folder + message, "\(name)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func theWriterReplacesFilesAtomicallyAndLeavesNoTemporaryFile() throws {
        let folder = try ReportFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ReportWriter.write([("plots/a.svg", "old\n"), ("report.html", "old\n")], into: folder)
        try ReportWriter.write([("plots/a.svg", "new\n"), ("report.html", "new\n")], into: folder)
        #expect(try String(contentsOfFile: folder + "/plots/a.svg", encoding: .utf8) == "new\n")
        #expect(try String(contentsOfFile: folder + "/report.html", encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["plots", "report.html"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/plots") == ["a.svg"])
    }
}

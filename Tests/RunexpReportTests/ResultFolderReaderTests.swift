import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpPlan
@testable import RunexpReport
import RunexpTestSupport

@Suite struct ResultFolderReaderTests {
    /// A result folder of the synthetic results under a new temporary folder.
    static func folder() throws -> String {
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
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
        let root = try TemporaryDirectory(prefix: "runexp-report-").path
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
        ("run given twice", { folder in
            try edit(folder + "/runs.csv") { lines in lines.insert(lines[2], at: 3) }
        }, "/runs.csv:4:1: error: run 1 is given twice (first at line 3)"),
        ("run of another repetition", { folder in
            try edit(folder + "/runs.csv") { lines in lines[2] = field(6, of: lines[2], "2") }
        }, "/runs.csv:3:1: error: run 1 says cell 0, repetition 2, fold 0; this plan numbers run 1 cell 0, repetition 1, fold 0"
            + " (runs.csv and curves.csv together)"),
        ("seed of another plan", { folder in
            try edit(folder + "/runs.csv") { lines in lines[2] = field(8, of: lines[2], "7") }
        }, "/runs.csv:3:1: error: run 1 has seed 7; this plan derives seed \(syntheticSeed(of: 1)) for it (the line is from another plan or seed) (runs.csv and curves.csv together)"),
        ("seed that is no number", { folder in
            try edit(folder + "/runs.csv") { lines in lines[2] = field(8, of: lines[2], "-1") }
        }, "/runs.csv:3:32: error: '-1' in column 'seed' is not a seed (a whole number 0...18446744073709551615)"),
        ("curve epochs out of order", { folder in
            try edit(folder + "/curves.csv") { lines in lines.swapAt(1, 2) }
        }, "/runs.csv:2:1: error: run 0: curve point 1 is numbered epoch 2 (runs.csv and curves.csv together)"),
        ("curve of a run not in runs.csv", { folder in
            try edit(folder + "/curves.csv") { lines in lines.append(field(0, of: lines[1], "99")) }
        }, "/curves.csv:72:1: error: run 99 is not in runs.csv"),
        ("more epochs than the cell trains", { folder in
            try edit(folder + "/runs.csv") { lines in lines[2] = field(9, of: lines[2], "4") }
        }, "/runs.csv:3:1: error: run 1 ran 4 epochs; its cell trains 0...3 (runs.csv and curves.csv together)"),
        ("accuracy above 1", { folder in
            try edit(folder + "/runs.csv") { lines in lines[2] = column("val_accuracy", of: lines, row: 2, "1.5") }
        }, "/runs.csv:3:1: error: run 1, validation accuracy is 1.5; it is a fraction from 0 to 1 (runs.csv and curves.csv together)"),
        ("test loss nan", { folder in
            try edit(folder + "/runs.csv") { lines in lines[2] = column("test_loss", of: lines, row: 2, "nan") }
        }, "/runs.csv:3:1: error: run 1, test loss is nan; a loss is a finite number ≥ 0 (runs.csv and curves.csv together)"),
        ("negative roc_auc", { folder in
            try edit(folder + "/runs.csv") { lines in lines[2] = column("test_roc_auc", of: lines, row: 2, "-0.5") }
        }, "/runs.csv:3:1: error: run 1, test roc_auc is -0.5; it is a fraction from 0 to 1 (runs.csv and curves.csv together)"),
        ("curve loss of -inf", { folder in
            try edit(folder + "/curves.csv") { lines in lines[1] = column("train_loss", of: lines, row: 1, "-inf") }
        }, "/runs.csv:2:1: error: run 0, epoch 1: train_loss is -inf; a loss is a finite number ≥ 0 (runs.csv and curves.csv together)"),
        ("curves.csv of 3 GB (sparse)", { folder in
            #expect(truncate(folder + "/curves.csv", 3_000_000_000) == 0)
        }, "/curves.csv: error: is 3000000000 bytes, more than a folder of its plan.json holds (at most \(syntheticLimits()?.curvesBytes ?? 0))"),
        ("runs.csv of 3 GB (sparse)", { folder in
            #expect(truncate(folder + "/runs.csv", 3_000_000_000) == 0)
        }, "/runs.csv: error: is 3000000000 bytes, more than a folder of its plan.json holds (at most \(syntheticLimits()?.runsBytes ?? 0))"),
        ("runs.csv with more cells than its plan's runs", { folder in
            try String(repeating: ",", count: 2_000).appending("\n").write(toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        }, "/runs.csv:1:\((syntheticLimits()?.runsCells.cells ?? 0) + 1): error: the file has more than \(syntheticLimits()?.runsCells.cells ?? 0) "
            + "cells (rows × columns); at most \(syntheticLimits()?.runsCells.cells ?? 0) (a row per run of plan.json)"),
        ("predictions of another cell", { folder in
            try edit(folder + "/predictions.csv") { lines in lines[1] = field(0, of: lines[1], "0123456789abcdef") }
        }, "/predictions.csv:2:1: error: '0123456789abcdef' is not the best cell (\(syntheticBestID()))"),
        ("predictions of a run of another cell", { folder in
            try edit(folder + "/predictions.csv") { lines in lines[1] = field(1, of: lines[1], "0") }
        }, "/predictions.csv:2:18: error: run 0 (repetition 0, fold 0) is not a run of the best cell"),
        ("predictions of the validation part", { folder in
            try edit(folder + "/predictions.csv") { lines in lines[1] = field(4, of: lines[1], "val") }
        }, "/predictions.csv:2:25: error: the part is 'val'; this split predicts test"),
        ("a prediction of no class", { folder in
            try edit(folder + "/predictions.csv") { lines in lines[1] = field(7, of: lines[1], "X") }
        }, "/predictions.csv:2:34: error: 'X' is not a class of summary.json"),
        ("a prediction row of 0", { folder in
            try edit(folder + "/predictions.csv") { lines in lines[1] = field(5, of: lines[1], "0") }
        }, "/predictions.csv:2:30: error: '0' is not a row number ≥ 1"),
        ("a probability above 1", { folder in
            try edit(folder + "/predictions.csv") { lines in lines[1] = field(9, of: lines[1], "1.5") }
        }, "/predictions.csv:2:45: error: '1.5' is not a probability from 0 to 1"),
        ("runs.csv is a FIFO", { folder in
            try FileManager.default.removeItem(atPath: folder + "/runs.csv")
            #expect(mkfifo(folder + "/runs.csv", 0o644) == 0)
        }, "/runs.csv: error: is not a regular file"),
    ]

    /// The seed the synthetic plan derives for run `index` (0 if the fixture fails, which other tests report).
    static func syntheticSeed(of index: Int) -> UInt64 {
        guard let plan = try? ReportFixtures.synthetic().plan, let run = plan.runs.first(where: { $0.index == index }) else { return 0 }
        return RunSeed.of(run, in: plan)
    }

    /// The id of the synthetic results' best cell ("" if the fixture fails, which other tests report).
    static func syntheticBestID() -> String {
        guard let results = try? ReportFixtures.synthetic(), let best = results.ranked.first else { return "" }
        return results.plan.cells[best.cell].id
    }

    /// The synthetic plan's file limits (zero when the fixture fails, which other tests report).
    static func syntheticLimits() -> ResultFolderReader.FileLimits? {
        (try? ReportFixtures.synthetic().plan).map(ResultFolderReader.FileLimits.init)
    }

    /// `lines[row]` with its field in the column the header (lines[0]) names `name` set to `value`.
    static func column(_ name: String, of lines: [String], row: Int, _ value: String) -> String {
        let header = lines[0].split(separator: ",").map(String.init)
        guard let position = header.firstIndex(of: name) else { return "no column \(name)" }
        return field(position, of: lines[row], value)
    }

    /// Rewrites the lines of `path` (its first line is lines[0]).
    static func edit(_ path: String, _ change: (inout [String]) -> Void) throws {
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        change(&lines)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `line` with its comma-separated field at `position` replaced by `value`.
    static func field(_ position: Int, of line: String, _ value: String) -> String {
        var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[position] = value
        return fields.joined(separator: ",")
    }

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
        let folder = try TemporaryDirectory(prefix: "runexp-report-").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ReportWriter.write([("plots/a.svg", "old\n"), ("report.html", "old\n")], into: folder)
        try ReportWriter.write([("plots/a.svg", "new\n"), ("report.html", "new\n")], into: folder)
        #expect(try String(contentsOfFile: folder + "/plots/a.svg", encoding: .utf8) == "new\n")
        #expect(try String(contentsOfFile: folder + "/report.html", encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["plots", "report.html"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/plots") == ["a.svg"])
    }
}

/// A halving folder whose plan.json or runs.csv was damaged: one line naming what is wrong, and
/// never a rung schedule that does not end (a factor of 1 would grow no rung).
@Suite struct HalvingFolderReaderTests {
    static func folder() throws -> String {
        let folder = try TemporaryDirectory(prefix: "runexp-halving-folder-").path
        try ReportFixtures.write(ReportFixtures.folderFiles(try ReportFixtures.halving()), to: folder)
        return folder
    }

    static func message(_ folder: String) -> String? {
        do {
            _ = try ResultFolderReader.read(folder)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aFolderOfAHalvingSearchReadsBack() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ResultFolderReader.read(folder).results
        #expect(results.cells.map(\.stoppedAtEpoch) == ReportFiles.asStored(try ReportFixtures.halving()).cells.map(\.stoppedAtEpoch))
    }

    @Test(arguments: [("\"factor\" : 2", "\"factor\" : 1", "search strategy factor 1, min_epochs 1; factor 2...1000000, min_epochs ≥ 1"),
                      ("\"minEpochs\" : 1", "\"minEpochs\" : 0", "search strategy factor 2, min_epochs 0; factor 2...1000000, min_epochs ≥ 1"),
                      ("\"minEpochs\" : 1", "\"minEpochs\" : 3",
                       "a halving strategy needs one training.epochs for every cell, above min_epochs 3")])
    func aDamagedStrategyIsRefused(from: String, to: String, problem: String) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = try String(contentsOfFile: folder + "/plan.json", encoding: .utf8)
        #expect(plan.contains(from))
        try plan.replacingOccurrences(of: from, with: to).write(toFile: folder + "/plan.json", atomically: true, encoding: .utf8)
        let message = try #require(Self.message(folder))
        #expect(message.contains(problem), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func aRungOutsideThePlanIsRefused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ResultFolderReaderTests.edit(folder + "/runs.csv") { lines in lines[1] = ResultFolderReaderTests.column("rung", of: lines, row: 1, "7") }
        #expect(Self.message(folder) == folder + "/runs.csv:2:168: error: '7' in column 'rung' is not a rung of this plan (0...2)")
    }
}

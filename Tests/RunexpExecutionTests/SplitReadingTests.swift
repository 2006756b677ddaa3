import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
import RunexpKernel
@testable import RunexpPlan
import RunexpTestSupport

/// A file read in parts on two threads (``SplitReading``) loads exactly as read in one pass: the
/// same features, labels, targets, digest and warnings, or the same errors at the same lines,
/// whatever falls across a part's start (quoted line feeds, bad cells, new labels, wrong field counts).
@Suite struct SplitReadingTests {
    /// Parts as small as the file allows (a record or so each, at most ``SplitReading/maximumParts``), and a few larger ones.
    static let parted = [SplitReading(splitBytes: 0, minimumCores: 1, partBytes: 1), SplitReading(splitBytes: 0, minimumCores: 1, partBytes: 2_000)]
    static let whole = SplitReading(splitBytes: .max)

    enum Outcome: Equatable {
        case loaded(Loaded)
        case refused(String)
    }

    struct Loaded: Equatable {
        var features: [UInt32], labels: [Int32], classes: [String], targets: [UInt64], sha256: String, warnings: [String]
    }

    static func load(_ csv: String, data: String, task: TaskKind, reader: SplitReading, in directory: TemporaryDirectory) -> Outcome {
        do {
            try directory.write("data.csv", csv)
            let plan = try PlanParser.parse(contentsOf: try directory.write("exp.yaml", """
                name: split
                \(task == .regression ? "task: regression\n" : "")\(data)
                model:
                  - dense: {units: \(task == .regression ? "1, activation: linear" : "classes, activation: softmax")}
                training: {epochs: 1, optimizer: sgd\(task == .regression ? ", loss: mse" : "")}
                \(task == .regression ? "search: {objective: {metric: val_rmse, goal: minimize}}\n" : "")
                """))
            let loaded = try DataLoader.load(plan.data, task: task, experimentFile: directory.file("exp.yaml"), reader: reader)
            return .loaded(Loaded(features: loaded.features.map { $0.bitPattern }, labels: loaded.labels, classes: loaded.classes,
                                   targets: loaded.targets.map { $0.bitPattern }, sha256: loaded.sha256, warnings: loaded.warnings))
        } catch let error as DiagnosticError {
            return .refused(error.diagnostics.map(\.description).joined(separator: "\n"))
        } catch {
            return .refused("\(error)")
        }
    }

    static func compare(_ csv: String, data: String = "data: {file: data.csv, target: label, missing: mean}", task: TaskKind = .classification,
                        in directory: TemporaryDirectory) {
        let one = load(csv, data: data, task: task, reader: whole, in: directory)
        for reader in parted {
            let inParts = load(csv, data: data, task: task, reader: reader, in: directory)
            #expect(one == inParts, "parts of \(reader.partBytes) bytes: \(csv.prefix(300).debugDescription)")
        }
    }

    /// Rows of numbers, some empty or odd, labels drawn from a few (one spelled two ways).
    static func table(_ rng: inout SplitMix64, rows: Int) -> String {
        let cells = ["1.5", "-2", "", "3e2", " 4 ", "0.001", "x", "\"5\"", "\"6\n\"", "7,8", "1e999"]
        let labels = ["a", "b", "c", "é", "e\u{301}", ""]
        var lines = ["f1,f2,label"]
        for _ in 0..<rows {
            func cell() -> String { rng.next() % 6 == 0 ? cells[Int(rng.next() % UInt64(cells.count))] : String(Int(rng.next() % 1000)) }
            let label = rng.next() % 10 == 0 ? labels[Int(rng.next() % UInt64(labels.count))] : (rng.next() % 2 == 0 ? "a" : "b")
            lines.append("\(cell()),\(cell()),\(label)")
        }
        return lines.joined(separator: rng.next() % 3 == 0 ? "\r\n" : "\n") + "\n"
    }

    @Test func randomTablesLoadAlikeInOnePassOrInParts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var rng = SplitMix64(seed: 75025)
        for _ in 0..<150 {
            Self.compare(Self.table(&rng, rows: 1 + Int(rng.next() % 40)), in: directory)
        }
    }

    @Test func plainTablesAreJoinedAndEqualTheOnePassReading() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var lines = ["f1,f2,label"]
        for row in 0..<500 { lines.append("\(row % 7).5,\(row % 11 == 0 ? "" : String(row)),\(row % 3 == 0 ? "yes" : row % 3 == 1 ? "no" : "maybe")") }
        let csv = lines.joined(separator: "\n") + "\n"
        Self.compare(csv, in: directory)
        // Labels first seen in a later part, and the row-id warning's line.
        Self.compare(csv + "1,2,late\n", data: "data: {file: data.csv, target: label, missing: median}", in: directory)
        let regression = csv.replacingOccurrences(of: "yes", with: "1.5").replacingOccurrences(of: "no", with: "2").replacingOccurrences(of: "maybe", with: "-3")
        Self.compare(regression, data: "data: {file: data.csv, target: label, missing: mean}", task: .regression, in: directory)
        // A bad cell, a quoted line feed and a short record in a later part.
        for tail in ["1,x,yes\n", "\"1\n\",2,no\n", "1,2\n", "1,2,\n", "1e999,2,no\n"] {
            Self.compare(csv + tail + csv.dropFirst(12), in: directory)
        }
        Self.compare(regression + "1,2,\n", data: "data: {file: data.csv, target: label, missing: mean}", task: .regression, in: directory)
    }

    /// A plain table is read in as many parts as its size asks for and joined, rows in file order;
    /// a table with a quoted field after the first part is read on in one pass.
    @Test func plainTablesAreReadInPartsAndJoined() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows = 500
        var lines = ["f1,f2,label"]
        for row in 0..<rows { lines.append("\(row).5,\(-row),\(row % 2 == 0 ? "even" : "odd")") }
        let csv = lines.joined(separator: "\n") + "\n"
        let plan = try PlanParser.parse(contentsOf: try directory.write("exp.yaml", """
            name: parts
            data: {file: data.csv, target: label}
            model:
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: sgd}
            """))
        func read(_ text: String, partBytes: Int) throws -> (features: [Float], parts: Int) {
            let path = try directory.write("data.csv", text)
            let stream = try DataLoader.open(path, keyPath: "data.file", keyLocation: SourceLocation(file: "exp.yaml", line: 1, column: 1),
                                             delimiter: 0x2C)
            var reading = RecordReading(header: stream.header, featureColumns: [0, 1], targetIndex: 2, data: plan.data, task: .classification,
                                        expectedRows: rows + 1)
            let read = try SplitReading(splitBytes: 0, minimumCores: 1, partBytes: partBytes)
                .read(stream, path: path, what: "data file", delimiter: 0x2C, into: &reading)
            #expect(read.rows == reading.rows)
            return (reading.finish().features, read.parts)
        }
        let expected = (0..<rows).flatMap { [Float($0) + 0.5, Float(-$0)] }
        let bytes = csv.utf8.count
        // Parts start at line starts, so a part is up to a line longer than asked for.
        for (partBytes, parts) in [(1, (SplitReading.maximumParts - 1)...SplitReading.maximumParts), (bytes / 4 + 1, 3...4), (bytes, 1...1)] {
            let (features, read) = try read(csv, partBytes: partBytes)
            #expect(parts.contains(read), "parts of \(partBytes) bytes: \(read)")
            #expect(features == expected, "parts of \(partBytes) bytes")
        }
        let quoted = csv + "\"1\",2,even\n"
        let (features, onePass) = try read(quoted, partBytes: 1)
        #expect(onePass == 1)
        #expect(features == expected + [1, 2])
        // Each part writes its rows from the row its start's line feeds allow for: blank lines,
        // and a header of two lines, leave gaps that are closed when the parts are joined.
        let blank = lines.enumerated().map { $0.offset % 17 == 5 ? $0.element + "\n" : $0.offset % 23 == 7 ? $0.element + "\n  \r" : $0.element }
        let twoLineHeader = "\"f\n1\"" + csv.dropFirst(2)
        for text in [blank.joined(separator: "\n") + "\n", twoLineHeader] {
            for partBytes in [1, 2_000] {
                let (joined, parts) = try read(text, partBytes: partBytes)
                #expect(parts > 1, "parts of \(partBytes) bytes")
                #expect(joined == expected, "parts of \(partBytes) bytes: \(text.prefix(60).debugDescription)")
            }
        }
    }

    /// A test file read in parts after the data file: its rows follow the data file's, as in one pass.
    @Test func aTestFileReadInPartsFollowsTheDataFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var rng = SplitMix64(seed: 610)
        func file(_ rows: Int) -> String {
            (["f1,f2,label"] + (0..<rows).map { _ in "\(rng.next() % 1000).25,\(Int(rng.next() % 99) - 50),\(rng.next() % 2 == 0 ? "a" : "b")" })
                .joined(separator: "\n") + "\n"
        }
        try directory.write("test.csv", file(300))
        let data = "data: {file: data.csv, test_file: test.csv, target: label}"
        let text = file(400)
        let one = Self.load(text, data: data, task: .classification, reader: Self.whole, in: directory)
        guard case .loaded(let loaded) = one else {
            Issue.record("\(one)")
            return
        }
        #expect(loaded.features.count == 700 * 2)
        for reader in Self.parted {
            #expect(Self.load(text, data: data, task: .classification, reader: reader, in: directory) == one, "parts of \(reader.partBytes) bytes")
        }
    }
}

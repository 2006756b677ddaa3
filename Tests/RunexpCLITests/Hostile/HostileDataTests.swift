import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Data files and networks a hostile or careless user gives an experiment that parses: run as the
/// user would (`runexp run`, under the harness' memory limit), each is refused with exit 1 and a
/// message naming the file (line and column) or the YAML key, in well under the time limit, without
/// a result folder and without echoing a huge field back.
@Suite struct HostileDataTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Replaces `exp/data.csv` (and may change the experiment) in the workspace.
        var setUp: @Sendable (_ directory: String) throws -> Void
        var experiment: String = CLITests.experiment
        var messages: [String]
        var testDescription: String { name }
    }

    static func csv(_ text: String) -> @Sendable (String) throws -> Void {
        { directory in try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/exp/data.csv")) }
    }

    /// `columns` feature columns named c0, c1, … and a label, with `rows` rows of ones.
    static func wide(columns: Int, rows: Int) -> String {
        let row = String(repeating: "1,", count: columns)
        return (0..<columns).map { "c\($0)," }.joined() + "label\n"
            + (0..<rows).map { row + ($0 % 2 == 0 ? "M" : "B") + "\n" }.joined()
    }

    static let cases: [Case] = [
        Case(name: "two dense layers of 10^6 units", setUp: { _ in },
             experiment: Hostile.experiment(replacing: "  - dense: {units: $units, activation: relu}\n",
                                            with: "  - dense: {units: 1000000, activation: relu}\n  - dense: {units: 1000000, activation: relu}\n"
                                                + "  - dense: {units: $units, activation: relu}\n"),
             messages: ["exp/x.yaml:8:5: error: model: the network of cell 0 (units=2) has 1000006000008 trainable parameters (and 1 more cell); "
                        + "at most 50000000 (ResourceLimits.parameters)"]),
        Case(name: "header of 10^5 columns, every one a typo away", setUp: csv(wide(columns: 100_000, rows: 4)),
             experiment: Hostile.experiment(replacing: "target: label", with: "target: lable"),
             messages: ["error: data.target: no column 'lable' in exp/data.csv; did you mean 'label'?", "c39, … (100001 in all)"]),
        Case(name: "header of 10^5 duplicate columns", setUp: csv(String(repeating: "x,", count: 100_000) + "label\n1,M\n"),
             messages: ["exp/data.csv:1:3: error: duplicate column name 'x' (also column 1)", "(and 99979 more problems in the header)"]),
        Case(name: "10 MB numeric field", setUp: csv("a,b,label\n" + String(repeating: "9", count: 10 << 20) + "x,1,M\n2,3,B\n"),
             messages: ["exp/data.csv:2:1: error: '999999", "… (10485761 bytes)' in feature column 'a' is not a finite number"]),
        Case(name: "NUL inside a number", setUp: csv("a,b,label\n1\u{0}garbage,1,M\n2,3,B\n"),
             messages: ["exp/data.csv:2:2: error: the data file holds a NUL byte; a CSV file is text"]),
        Case(name: "k-fold with a fold left empty by the test split",
             setUp: csv("a,b,label\n0.1,0.2,B\n0.3,0.4,M\n0.5,0.6,B\n0.7,0.8,M\n0.9,1.0,B\n1.1,1.2,M\n"),
             experiment: Hostile.experiment(replacing: "split: {test: 0.2, validation: 0.25}", with: "split: {test: 0.6, folds: 3}")
                .replacingOccurrences(of: "batch_size: 8", with: "batch_size: 1"),
             messages: ["error: data.split.folds: fold 3 of 3 has no validation rows: the test split leaves 2 rows for the folds; "
                        + "use at most 2 folds, or a smaller test fraction"]),
        Case(name: "one label in two Unicode forms", setUp: csv("a,b,label\n1,2,\u{E9}\n3,4,e\u{301}\n5,6,x\n"),
             messages: ["exp/data.csv:3:5: error: label 'e\u{301}' (U+0065 U+0301) is the label '\u{E9}' of line 2 (U+00E9) "
                        + "written with other Unicode code points; write each class's label with the same characters"]),
        Case(name: "old Mac line ends (CR only)", setUp: csv("a,b,label\r1,2,M\r3,4,B\r"),
             messages: ["exp/data.csv:1:1: error: the lines end in a bare carriage return (CR, old Mac line ends); runexp reads LF or CRLF",
                        "1 | a,b,label\u{240D}1,2,M\u{240D}3,4,B"]),
        Case(name: "terminal escape in a label", setUp: csv("a,b,label\n1,2,\u{1B}[31mM\n3,4,B\n5,6,B\n"),
             experiment: Hostile.experiment(replacing: "target: label", with: "target: label\n  positive: X"),
             messages: ["valid labels: \\u{1B}[31mM, B"]),
        Case(name: "a feature beyond Float", setUp: csv("a,b,label\n5.8e38,1,M\n2,3,B\n"),
             messages: ["exp/data.csv:2:1: error: '5.8e38' in feature column 'a' is beyond the 32-bit float range (±3.4e38) features train in; "
                        + "rescale the column"]),
        Case(name: "hex number", setUp: csv("a,b,label\n0x10,1,M\n2,3,B\n"),
             messages: ["exp/data.csv:2:1: error: '0x10' in feature column 'a' is not a finite number"]),
        Case(name: "invalid UTF-8", setUp: { directory in
            try Data([0x61, 0x2C, 0x62, 0x2C, 0x6C, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: directory + "/exp/data.csv"))
        }, messages: ["exp/data.csv:2:1: error: the data file is not UTF-8 text"]),
        Case(name: "data file is a FIFO", setUp: { directory in
            try FileManager.default.removeItem(atPath: directory + "/exp/data.csv")
            #expect(mkfifo(directory + "/exp/data.csv", 0o644) == 0)
        }, messages: ["exp/x.yaml:3:9: error: data.file: data file 'exp/data.csv' is not a regular file (a FIFO, socket or device)"]),
        Case(name: "data file is a folder", setUp: { directory in
            try FileManager.default.removeItem(atPath: directory + "/exp/data.csv")
            try FileManager.default.createDirectory(atPath: directory + "/exp/data.csv", withIntermediateDirectories: false)
        }, messages: ["exp/x.yaml:3:9: error: data.file: data file 'exp/data.csv' is a directory, not a file"]),
        Case(name: "data file of 1 TB (sparse)", setUp: { directory in
            let handle = try #require(FileHandle(forWritingAtPath: directory + "/exp/data.csv"))
            try handle.truncate(atOffset: 1 << 40)
            try handle.close()
        }, messages: ["data file 'exp/data.csv' has 1099511627776 bytes; at most 268435456 (ResourceLimits.dataBytes)"]),
        Case(name: "10^5 columns and 10^6 blank lines", setUp: csv(wide(columns: 100_000, rows: 0) + String(repeating: "\n", count: 1_000_000)),
             messages: ["exp/data.csv:2:1: error: the data file has a header but no data rows"]),
        Case(name: "more folds than the smallest class has rows", setUp: { _ in },
             experiment: Hostile.experiment(replacing: "split: {test: 0.2, validation: 0.25}", with: "split: {test: 0.2, folds: 1000}"),
             messages: ["exp/x.yaml:5:29: error: data.split.folds: class 'B' has 30 rows, fewer than the 1000 folds"]),
        Case(name: "one class only", setUp: csv("a,b,label\n1,2,M\n3,4,M\n"),
             messages: ["error: data.target: column 'label' has only one class ('M')"]),
        Case(name: "header only", setUp: csv("a,b,label\n"), messages: ["exp/data.csv:2:1: error: the data file has a header but no data rows"]),
        Case(name: "empty file", setUp: csv(""), messages: ["exp/data.csv:1:1: error: the CSV file is empty"]),
        Case(name: "quote never closed", setUp: csv("a,b,label\n1,\"2,M\n"), messages: ["exp/data.csv:2:3: error: a quoted field is never closed"]),
    ]

    @Test(arguments: cases)
    func dataIsRefused(_ hostile: Case) throws {
        let directory = try Hostile.workspace(experiments: ["x": hostile.experiment])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try hostile.setUp(directory)
        let outcome = try Hostile.run(["run", "exp/x.yaml"], in: directory)
        Hostile.expectRefusal(hostile.name, outcome, messages: hostile.messages, resultsUnder: directory + "/results",
                              maxStderrBytes: 16 * 1024)
    }

    /// Labels `1`, `01` and `+1` are three classes in one order, whatever the row order: two runs of
    /// files that differ only in row order list the classes alike.
    @Test func labelsOfOneValueKeepOneClassOrder() throws {
        var orders: [String] = []
        for labels in [["1", "01", "+1"], ["+1", "1", "01"]] {
            let csv = "a,b,label\n" + (0..<60).map { "\(Double($0 % 7) / 7),\(Double($0 % 5) / 5),\(labels[$0 % 3])" }.joined(separator: "\n") + "\n"
            let directory = try Hostile.workspace(csv: csv, experiments: ["x": CLITests.experiment])
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let outcome = try Hostile.run(["run", "exp/x.yaml", "--quiet", "--out", "results"], in: directory)
            #expect(outcome.exit == 0, "\(outcome.stderr.prefix(2000))")
            Hostile.record("labels 1, 01, +1", outcome)
            let files = Hostile.resultFolders(under: directory + "/results")
            let path = try #require(files.first { $0.hasSuffix("/summary.json") }, "\(files)")
            let summary = try String(contentsOfFile: directory + "/results/" + path, encoding: .utf8)
            let start = try #require(summary.range(of: "\"classes\""))
            orders.append(String(summary[start.lowerBound...].prefix { $0 != "]" }))
        }
        #expect(orders.count == 2 && orders[0] == orders[1], "\(orders)")
        #expect(orders.first?.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
                == "\"classes\":[\"+1\",\"01\",\"1\"", "\(orders)")
    }

    /// 10,000 repetitions × 50 folds of a small table: checked and estimated in seconds, in bounded
    /// memory (each run makes its own part of the data when it starts).
    @Test func manyRepetitionsAndFoldsAreCheckedInBoundedMemory() throws {
        let experiment = Hostile.experiment(replacing: "split: {test: 0.2, validation: 0.25}", with: "split: {test: 0.2, folds: 20}")
            .replacingOccurrences(of: "repetitions: 2", with: "repetitions: 10000")
            .replacingOccurrences(of: "units: [2, 4]", with: "units: [2]")
        let directory = try Hostile.workspace(experiments: ["x": experiment])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for command in ["validate", "plan"] {
            let outcome = try Hostile.run([command, "exp/x.yaml"], in: directory)
            Hostile.record("\(command), 10^4 repetitions x 20 folds", outcome)
            #expect(outcome.exit == 0, "\(command): \(outcome.stderr.prefix(2000))")
            #expect(outcome.seconds < Hostile.timeLimit * 2, "\(command): took \(outcome.seconds) s")
            if let peak = outcome.peakMB { #expect(peak < 500, "\(command): peak \(peak) MB") }
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpTestSupport

@Suite struct DataLoaderTests {
    func plan(_ directory: TemporaryDirectory, data: String = "data: {file: data.csv, target: label}") throws -> Plan {
        let yaml = """
            name: loader
            \(data)
            model:
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: sgd}

            """
        let file = try directory.write("exp.yaml", yaml)
        return try PlanParser.parse(contentsOf: file)
    }

    func loadError(_ csv: String, data: String = "data: {file: data.csv, target: label}") throws -> [String] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", csv)
        let plan = try plan(directory, data: data)
        let error = #expect(throws: DiagnosticError.self) {
            try DataLoader.load(plan.data, task: .classification, experimentFile: directory.file("exp.yaml"))
        }
        return error?.diagnostics.map { $0.description.replacingOccurrences(of: directory.path + "/", with: "") } ?? []
    }

    @Test func loadsFeaturesLabelsAndClasses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", "id,a,label,b\n1,0.5,10,2\n2,1.5,9,3\n3,2.5,10,4\n")
        let plan = try plan(directory, data: "data: {file: data.csv, target: label, exclude: [id]}")
        let data = try DataLoader.load(plan.data, task: .classification, experimentFile: "exp.yaml")
        #expect(data.featureNames == ["a", "b"])
        #expect(data.features == [0.5, 2, 1.5, 3, 2.5, 4])
        #expect(data.classes == ["9", "10"])  // integer labels sort numerically
        #expect(data.labels == [1, 0, 1])
        #expect(data.positiveClass == 1)
        #expect(data.sha256.count == 64)
    }

    @Test func nonNumericCellIsReportedAtItsLineAndColumn() throws {
        let errors = try loadError("a,b,label\n1,2,x\n3,abc,y\n")
        #expect(errors == ["data.csv:3:3: error: feature column 'b' holds text in 1 of 2 rows ('abc'), not numbers; "
                           + "declare it a category under data.columns — b: categorical — or list it under data.exclude"])
    }

    @Test func emptyCellIsReported() throws {
        let errors = try loadError("a,b,label\n1,,x\n3,4,y\n")
        #expect(errors == ["data.csv:2:3: error: feature column 'b' has 1 empty cell of 2; say how to fill them: missing: median under data "
                           + "(every numeric column), or b: {missing: median} under data.columns (add indicator: true for a 0/1 'was empty' input); "
                           + "or list it under data.exclude"])
    }

    @Test func missingTargetColumnPointsAtTheYAMLKey() throws {
        let errors = try loadError("a,b,diagnosis\n1,2,x\n", data: "data: {file: data.csv, target: diagnosys}")
        #expect(errors == ["exp.yaml:2:32: error: data.target: no column 'diagnosys' in data.csv; did you mean 'diagnosis'? valid columns: a, b, diagnosis"])
    }

    @Test func missingDataFileIsReported() throws {
        let errors = try loadError("", data: "data: {file: nowhere.csv, target: label}")
        #expect(errors == ["exp.yaml:2:14: error: data.file: data file 'nowhere.csv' no such file; the path is relative to the experiment file"])
    }

    @Test func excludeNamingAnAbsentColumn() throws {
        let errors = try loadError("a,label\n1,x\n2,y\n", data: "data: {file: data.csv, target: label, exclude: [idd]}")
        #expect(errors == ["exp.yaml:2:49: error: data.exclude[0]: no column 'idd' in data.csv; valid columns: a, label"])
    }

    @Test func singleClassIsRefused() throws {
        let errors = try loadError("a,label\n1,x\n2,x\n")
        #expect(errors == ["exp.yaml:2:32: error: data.target: column 'label' has only one class ('x'); classification needs at least two"])
    }

    @Test func positiveMustBeALabel() throws {
        let errors = try loadError("a,label\n1,M\n2,B\n", data: "data: {file: data.csv, target: label, positive: m}")
        #expect(errors == ["exp.yaml:2:49: error: data.positive: 'm' is not a label of column 'label'; did you mean 'M'? valid labels: B, M"])
    }

    /// `1`, `01` and `+1` are three classes of one value: ordered by value, then by text, whatever
    /// the order of the rows or how a set hashes them.
    @Test func labelsOfOneValueHaveOneOrder() throws {
        #expect(DataLoader.sortedClasses(["+1", "01", "1", "-3", "10"]) == ["-3", "+1", "01", "1", "10"])
        #expect(DataLoader.sortedClasses(["b", "a", "B", "é", "10", "9"]) == ["10", "9", "B", "a", "b", "é"])
        for rows in [["1", "01", "+1"], ["+1", "1", "01"], ["01", "+1", "1"]] {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try directory.write("data.csv", "a,label\n" + rows.enumerated().map { "\($0),\($1)" }.joined(separator: "\n") + "\n")
            let data = try DataLoader.load(try plan(directory).data, task: .classification, experimentFile: "exp.yaml")
            #expect(data.classes == ["+1", "01", "1"])
        }
    }

    @Test func onlyPlainDecimalsAreFeatures() throws {
        let errors = try loadError("a,label\n0x10,x\n1,y\ninf,x\n")
        #expect(errors == ["data.csv:2:1: error: '0x10' in feature column 'a' is not a finite number; features must be numbers; list non-numeric columns under data.exclude",
                           "data.csv:4:1: error: 'inf' in feature column 'a' is not a finite number; features must be numbers; list non-numeric columns under data.exclude"])
    }

    @Test func aNULByteIsRefusedWhereItIs() throws {
        let errors = try loadError("a,label\n1\u{0}garbage,x\n2,y\n")
        #expect(errors == ["data.csv:2:2: error: the data file holds a NUL byte; a CSV file is text; is this the file you meant? export the table as CSV text"])
    }

    @Test func aLongCellIsQuotedShort() throws {
        let errors = try loadError("a,label\n" + String(repeating: "9", count: 100_000) + "x,x\n2,y\n")
        #expect(errors == ["data.csv:2:1: error: '" + String(repeating: "9", count: 60) + "… (100001 bytes)' in feature column 'a' is not a finite number; "
                           + "features must be numbers; list non-numeric columns under data.exclude"])
    }

    @Test func aFIFOIsRefusedWithoutBeingOpened() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkfifo(directory.file("data.csv"), 0o644) == 0)
        let plan = try plan(directory)
        let error = #expect(throws: DiagnosticError.self) { try DataLoader.load(plan.data, task: .classification, experimentFile: directory.file("exp.yaml")) }
        #expect(error?.diagnostics.map(\.message) == ["data file '\(directory.file("data.csv"))' is not a regular file (a FIFO, socket or device)"])
    }

    @Test func aHeaderOfManyColumnsIsOnePass() throws {
        // 10^5 columns, every one a duplicate: 20 located, the rest counted.
        let errors = try loadError(String(repeating: "x,", count: 100_000) + "label\n")
        #expect(errors.count == 20)
        #expect(errors.first == "data.csv:1:3: error: duplicate column name 'x' (also column 1)")
        #expect(errors.last?.hasSuffix("(and 99979 more problems in the header)") == true)
        // A target typo in a wide header lists 40 columns and counts the rest.
        let wide = try loadError((0..<100_000).map { "c\($0)" }.joined(separator: ",") + ",label\n" + String(repeating: "1,", count: 100_000) + "x\n",
                                 data: "data: {file: data.csv, target: lable}")
        #expect(wide.count == 1)
        #expect(wide.first?.hasSuffix("c38, c39, … (100001 in all)") == true)
    }

    @Test func blankLinesCannotInflateTheReservation() throws {
        // 10^5 columns and 10^6 blank lines would ask for 10^11 spans if blank lines counted.
        let errors = try loadError((0..<100_000).map { "c\($0)" }.joined(separator: ",") + ",label\n" + String(repeating: "\n", count: 1_000_000))
        #expect(errors == ["data.csv:2:1: error: the data file has a header but no data rows"])
    }

    @Test func moreCellsThanTheLimitAreRefusedWhileScanning() throws {
        let row = String(repeating: "1,", count: 999) + "x\n"
        let errors = try loadError((0..<999).map { "c\($0)" }.joined(separator: ",") + ",label\n" + String(repeating: row, count: ResourceLimits.dataCells / 1_000 + 1))
        #expect(errors.count == 1)
        #expect(errors.first?.contains("error: the data has more than 25000000 cells (rows × columns); at most 25000000 (ResourceLimits.dataCells)") == true)
    }

    @Test func normalizesDisplayedPaths() {
        #expect(PathNormalizer.normalize("experiments/../Data/x.csv") == "Data/x.csv")
        #expect(PathNormalizer.normalize("./a/./b.csv") == "a/b.csv")
        #expect(PathNormalizer.normalize("../x.csv") == "../x.csv")
        #expect(PathNormalizer.normalize("/a/b/../c") == "/a/c")
    }
}

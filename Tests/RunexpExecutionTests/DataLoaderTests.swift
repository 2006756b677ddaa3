import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpPlan

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
            try DataLoader.load(plan.data, experimentFile: directory.file("exp.yaml"))
        }
        return error?.diagnostics.map { $0.description.replacingOccurrences(of: directory.path + "/", with: "") } ?? []
    }

    @Test func loadsFeaturesLabelsAndClasses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", "id,a,label,b\n1,0.5,10,2\n2,1.5,9,3\n3,2.5,10,4\n")
        let plan = try plan(directory, data: "data: {file: data.csv, target: label, exclude: [id]}")
        let data = try DataLoader.load(plan.data, experimentFile: "exp.yaml")
        #expect(data.featureNames == ["a", "b"])
        #expect(data.features == [0.5, 2, 1.5, 3, 2.5, 4])
        #expect(data.classes == ["9", "10"])  // integer labels sort numerically
        #expect(data.labels == [1, 0, 1])
        #expect(data.positiveClass == 1)
        #expect(data.sha256.count == 64)
    }

    @Test func nonNumericCellIsReportedAtItsLineAndColumn() throws {
        let errors = try loadError("a,b,label\n1,2,x\n3,abc,y\n")
        #expect(errors == ["data.csv:3:3: error: 'abc' in feature column 'b' is not a finite number; features must be numbers; list non-numeric columns under data.exclude"])
    }

    @Test func emptyCellIsReported() throws {
        let errors = try loadError("a,b,label\n1,,x\n3,4,y\n")
        #expect(errors == ["data.csv:2:3: error: empty cell in feature column 'b'; features must be numbers; list non-numeric columns under data.exclude"])
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

    @Test func normalizesDisplayedPaths() {
        #expect(PathNormalizer.normalize("experiments/../Data/x.csv") == "Data/x.csv")
        #expect(PathNormalizer.normalize("./a/./b.csv") == "a/b.csv")
        #expect(PathNormalizer.normalize("../x.csv") == "../x.csv")
        #expect(PathNormalizer.normalize("/a/b/../c") == "/a/c")
    }
}

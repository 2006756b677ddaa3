import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpPlan
@testable import RunexpResults
import RunexpTestSupport

/// The target column of a regression, and a classification target that is really a regression's.
@Suite struct RegressionDataTests {
    static let regression = """
        name: reg
        task: regression
        data: {file: data.csv, target: y}
        model:
          - dense: {units: 4, activation: relu}
          - dense: {units: 1, activation: linear}
        training: {epochs: 3, batch_size: 4, optimizer: adam}
        search: {repetitions: 2}

        """

    static let classification = """
        name: cls
        data: {file: data.csv, target: y}
        model:
          - dense: {units: classes, activation: softmax}
        training: {epochs: 1, optimizer: sgd}

        """

    /// Loads `csv` for `yaml`; the diagnostics (paths relative to the folder) when refused.
    static func load(_ csv: String, _ yaml: String) throws -> Result<LabeledData, DiagnosticError> {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", csv)
        let plan = try PlanParser.parse(contentsOf: try directory.write("exp.yaml", yaml))
        do {
            return .success(try DataLoader.load(plan.data, task: plan.task, experimentFile: directory.file("exp.yaml")))
        } catch let error as DiagnosticError {
            let relative = error.diagnostics.map { diagnostic in
                var copy = diagnostic
                copy.location.file = diagnostic.location.file.replacingOccurrences(of: directory.path + "/", with: "")
                return copy
            }
            return .failure(DiagnosticError(relative))
        }
    }

    static func messages(_ csv: String, _ yaml: String) throws -> [String] {
        guard case .failure(let error) = try load(csv, yaml) else {
            Issue.record("expected a refusal")
            return []
        }
        return error.diagnostics.map(\.description)
    }

    @Test func aRegressionTargetLoadsAsNumbers() throws {
        let data = try Self.load("a,y\n1,1.5\n2,-3e2\n3,7\n", Self.regression).get()
        #expect(data.isRegression && data.classes.isEmpty && data.labels.isEmpty)
        #expect(data.targets == [1.5, -300, 7])
        #expect(data.kernelClassCount == 1 && data.strata == [0, 0, 0])
    }

    @Test func aMissingOrNonNumericTargetIsRefusedAtItsCell() throws {
        #expect(try Self.messages("a,y\n1,\n2,3\n3,abc\n4,inf\n", Self.regression) == [
            "data.csv:2:3: error: empty target in target column 'y'; "
                + "fill or drop the rows without a target, or set task: classification for a column of labels",
            "data.csv:4:3: error: 'abc' in target column 'y' is not a finite number; a regression target is a number in every row; "
                + "fill or drop the rows without a target, or set task: classification for a column of labels",
            "data.csv:5:3: error: 'inf' in target column 'y' is not a finite number; a regression target is a number in every row; "
                + "fill or drop the rows without a target, or set task: classification for a column of labels",
        ])
        #expect(try Self.messages("a,y\n1,1e39\n2,3\n", Self.regression) == [
            "data.csv:2:3: error: '1e39' in target column 'y' is beyond the 32-bit float range (±3.4e38) the net trains in; "
                + "rescale the column (divide it by a power of ten)",
        ])
    }

    @Test func aConstantTargetIsRefused() throws {
        #expect(try Self.messages("a,y\n1,5\n2,5\n3,5.0\n", Self.regression) == [
            "exp.yaml:3:32: error: data.target: column 'y' is 5.0 in every row; there is nothing to predict",
        ])
    }

    /// The issue's trap: scikit-learn's diabetes target read as classes (a 214-class classifier).
    @Test func aClassificationOfMeasurementsIsRefusedWithTheRegressionHint() throws {
        let hint = "set task: regression (with loss: mse and a last layer - dense: {units: 1, activation: linear}), "
            + "or name a column of class labels as data.target"
        #expect(try Self.messages("a,y\n1,0\n2,1\n3,1.5\n", Self.classification) == [
            "data.csv:4:3: error: '1.5' in target column 'y' is not a whole number: the column holds measurements, not class labels; \(hint)",
        ])
        let many = (0..<50).map { "\($0),\($0 * 7 % 43)" }.joined(separator: "\n")
        #expect(try Self.messages("a,y\n" + many + "\n", Self.classification) == [
            "exp.yaml:2:32: error: data.target: column 'y' has 43 distinct numbers in 50 rows: as classes most would have fewer than 5 rows; "
                + "it looks like a regression target; \(hint)",
        ])
        let diabetes = try Self.messages(try String(contentsOfFile: RepositoryFiles.path("Data/diabetes.csv"), encoding: .utf8),
                                         Self.classification.replacingOccurrences(of: "target: y", with: "target: progression"))
        #expect(diabetes.count == 1 && diabetes[0].contains("has 214 distinct numbers in 442 rows"))
    }

    /// Integer codes of a real classification (few values, many rows each) and text labels load.
    @Test func integerClassCodesAndTextLabelsStillLoad() throws {
        let digits = (0..<200).map { "\($0),\($0 % 30)" }.joined(separator: "\n")
        #expect(try Self.load("a,y\n" + digits + "\n", Self.classification).get().classes.count == 30)
        let names = (0..<60).map { "\($0),c\($0)" }.joined(separator: "\n")
        #expect(try Self.load("a,y\n" + names + "\n", Self.classification).get().classes.count == 60)
    }

    /// A regression run standardizes its target on its own training rows and reports metrics in
    /// the target's units; the split is random, not stratified, and every repetition draws its own.
    @Test func runsTrainOnTheStandardizedTargetAndMeasureInItsUnits() throws {
        let rows = (0..<40).map { i in "\(i),\(Double(i) * 10 + 1000)" }.joined(separator: "\n")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", "a,y\n" + rows + "\n")
        let plan = try PlanParser.parse(contentsOf: try directory.write("exp.yaml", Self.regression))
        let experiment = try PreparedExperiment.prepare(plan, experimentFile: directory.file("exp.yaml"))
        let part = experiment.part(for: plan.runs[0])
        let trainTargets = part.partition.train.map { 1000 + 10 * Double($0) }
        let mean = trainTargets.reduce(0, +) / Double(trainTargets.count)
        #expect(abs(part.targetScale.offset - mean) < 1e-9)
        #expect(abs(part.train.targets.reduce(0) { $0 + Double($1) }) < 1e-3)  // centred
        #expect(part.train.labels.isEmpty && part.train.targets.count == part.train.rows)
        let record = RunExecutor(experiment: experiment).execute(plan.runs[0])
        let rmse = try #require(record.validation?.value(.rmse))
        // Predictions near the mean are off by tens of units of y (not by fractions of a deviation).
        #expect(rmse > 1 && rmse < 400)
        #expect(Set(record.validation?.kinds ?? []) == [.loss, .rmse, .mae, .r2])
        #expect(record.curve.allSatisfy { $0.trainAccuracy == nil && $0.validationAccuracy == nil && $0.validationLoss != nil })
        #expect(experiment.part(for: plan.runs[1]).partition != part.partition)
        let again = RunExecutor(experiment: experiment).execute(plan.runs[0])
        #expect(RunJournal.line(again) == RunJournal.line(record))
    }
}

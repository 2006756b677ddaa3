import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
import RunexpTestSupport

/// A tiny experiment from file to result files.
@Suite struct EndToEndTests {
    func prepared(_ directory: TemporaryDirectory, rows: Int = 80, experiment: String = SyntheticData.experiment) throws -> PreparedExperiment {
        try directory.write("data.csv", SyntheticData.csv(rows: rows))
        let file = try directory.write("exp.yaml", experiment)
        return try PreparedExperiment.prepare(try PlanParser.parse(contentsOf: file), experimentFile: file)
    }

    func files(_ experiment: PreparedExperiment, jobs: Int) async -> [String: String] {
        let records = await ExperimentRunner.run(experiment, jobs: jobs)
        let results = ExperimentResults(plan: experiment.plan, classes: experiment.data.classes, records: records)
        return Dictionary(uniqueKeysWithValues: ExperimentRunner.files(results, experimentText: "x", planJSON: ResultTables.planJSON(experiment.plan)).map { ($0.name, $0.text) })
    }

    @Test func tinyExperimentRunsEveryRunAndLearns() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try prepared(directory)
        let records = await ExperimentRunner.run(experiment, jobs: 2)
        #expect(records.count == 8)
        #expect(records.map(\.run.index) == Array(0..<8))
        let results = ExperimentResults(plan: experiment.plan, classes: experiment.data.classes, records: records)
        let best = try #require(results.ranked.first?.objective(experiment.plan).mean)
        #expect(best >= 0.9)  // the first feature separates the classes
        #expect(records.allSatisfy { $0.curve.count == 5 && $0.test != nil && $0.validation != nil })
        #expect(Set(records.map(\.seed)).count == 8)
    }

    /// Every activation a hidden layer can have, named in the file as an axis, learns the
    /// synthetic task (a gradient that was wrong in sign or scale would not).
    @Test func everyHiddenActivationLearns() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hidden = ActivationName.allCases.filter { $0 != .softmax }.map(\.rawValue)
        let experiment = try prepared(directory, experiment: SyntheticData.experiment
            .replacingOccurrences(of: "units: 8, activation: relu", with: "units: 8, activation: $activation")
            .replacingOccurrences(of: "dropout: [0, 0.2]", with: "dropout: [0]\n    activation: [\(hidden.joined(separator: ", "))]")
            .replacingOccurrences(of: "lr: [0.05, 0.2]", with: "lr: [0.2]")
            .replacingOccurrences(of: "epochs: 5", with: "epochs: 20"))
        let records = await ExperimentRunner.run(experiment, jobs: 2)
        let results = ExperimentResults(plan: experiment.plan, classes: experiment.data.classes, records: records)
        #expect(results.cells.count == hidden.count)
        for cell in results.cells {
            let accuracy = try #require(cell.objective(experiment.plan).mean)
            #expect(accuracy >= 0.85, "\(experiment.plan.cells[cell.cell])")
        }
    }

    /// Every optimizer, with weight decay, a warmed-up cosine schedule and gradient clipping, named
    /// in the file as an axis, learns the synthetic task.
    @Test func everyOptimizerLearns() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try prepared(directory, experiment: SyntheticData.experiment
            .replacingOccurrences(of: "optimizer: {name: sgd, learning_rate: $lr}",
                                  with: "optimizer: {name: $opt, learning_rate: $lr, weight_decay: 0.001}\n  schedule: {name: cosine, warmup_epochs: 2}\n  clip_norm: 5")
            .replacingOccurrences(of: "dropout: [0, 0.2]", with: "dropout: [0]\n    opt: [sgd, adam, adamw, rmsprop]")
            .replacingOccurrences(of: "lr: [0.05, 0.2]", with: "lr: [0.05]")
            .replacingOccurrences(of: "epochs: 5", with: "epochs: 20"))
        let records = await ExperimentRunner.run(experiment, jobs: 2)
        let results = ExperimentResults(plan: experiment.plan, classes: experiment.data.classes, records: records)
        #expect(results.cells.count == 4)
        for cell in results.cells {
            #expect(try #require(cell.objective(experiment.plan).mean) >= 0.85, "\(experiment.plan.cells[cell.cell])")
        }
    }

    /// A batch norm and a layer norm after the hidden layer (each in or out by an axis) learn the
    /// synthetic task, and a run with a batch norm is the same bits for one and two jobs.
    @Test func normLayersLearnAndStayDeterministic() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try prepared(directory, experiment: SyntheticData.experiment
            .replacingOccurrences(of: "  - dense: {units: 8, activation: relu}\n",
                                  with: "  - dense: {units: 8, activation: gelu}\n  - repeat: {times: $bn, layers: [batch_norm: {momentum: 0.9}]}\n"
                                    + "  - repeat: {times: $ln, layers: [layer_norm: {}]}\n")
            .replacingOccurrences(of: "dropout: [0, 0.2]", with: "dropout: [0.2]\n    bn: [0, 1]\n    ln: [0, 1]")
            .replacingOccurrences(of: "optimizer: {name: sgd, learning_rate: $lr}", with: "optimizer: {name: adam, learning_rate: $lr}")
            .replacingOccurrences(of: "lr: [0.05, 0.2]", with: "lr: [0.01]")
            .replacingOccurrences(of: "epochs: 5", with: "epochs: 20"))
        #expect(experiment.plan.cells.map(\.model.count) == [3, 4, 4, 5])
        let records = await ExperimentRunner.run(experiment, jobs: 2)
        let results = ExperimentResults(plan: experiment.plan, classes: experiment.data.classes, records: records)
        for cell in results.cells {
            #expect(try #require(cell.objective(experiment.plan).mean) >= 0.85, "\(experiment.plan.cells[cell.cell])")
        }
        #expect(await files(experiment, jobs: 1) == files(experiment, jobs: 2))
    }

    @Test func outputIsByteIdenticalForOneAndTwoJobs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try prepared(directory)
        let one = await files(experiment, jobs: 1)
        let two = await files(experiment, jobs: 2)
        let again = await files(experiment, jobs: 2)
        #expect(one == two)
        #expect(two == again)
        #expect(one["runs.csv"]?.split(separator: "\n").count == 9)
    }

    @Test func seedsDependOnRunIdentityNotOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try prepared(directory)
        let executor = RunExecutor(experiment: experiment)
        let runs = experiment.plan.runs
        #expect(executor.seed(for: runs[3]) == executor.seed(for: runs[3]))
        #expect(Set(runs.map(executor.seed(for:))).count == runs.count)
        #expect(executor.execute(runs[5]) == executor.execute(runs[5]))
    }

    @Test func divergedRunsAreMarkedAndRankLast() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try prepared(directory, experiment: SyntheticData.experiment
            .replacingOccurrences(of: "lr: [0.05, 0.2]", with: "lr: [0.05, 1000000]")
            .replacingOccurrences(of: "units: 8, activation: relu", with: "units: 8, activation: linear"))
        let records = await ExperimentRunner.run(experiment, jobs: 2)
        let diverged = records.filter(\.diverged)
        #expect(!diverged.isEmpty)
        #expect(diverged.allSatisfy { $0.validation == nil && $0.test == nil })
        let results = ExperimentResults(plan: experiment.plan, classes: experiment.data.classes, records: records)
        let failing = results.cells.filter { $0.diverged > 0 }.map(\.rank)
        let clean = results.cells.filter { $0.diverged == 0 }.map(\.rank)
        #expect(failing.min()! > clean.max()!)
        #expect(ResultTables.runsCSV(results).contains(",true,,"))
    }

    @Test func kFoldRunsEveryFold() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let experiment = try prepared(directory, experiment: SyntheticData.experiment
            .replacingOccurrences(of: "split: {test: 0.2, validation: 0.25}", with: "split: {folds: 3}"))
        #expect(experiment.plan.runCount == 24)
        let records = await ExperimentRunner.run(experiment, jobs: 2)
        #expect(records.map(\.run.fold).prefix(3) == [0, 1, 2])
        #expect(records.allSatisfy { $0.test == nil && $0.validation != nil })
    }

    @Test func batchLargerThanTrainingRowsIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: DiagnosticError.self) {
            try prepared(directory, rows: 20, experiment: SyntheticData.experiment.replacingOccurrences(of: "batch_size: 8", with: "batch_size: 64"))
        }
        #expect(error?.diagnostics.map(\.message) == ["batch size 64 is larger than the 12 training rows"])
    }

    @Test func classWithFewerRowsThanFoldsIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("data.csv", "a,label\n1,x\n2,x\n3,x\n4,x\n5,y\n6,y\n")
        let file = try directory.write("exp.yaml", SyntheticData.experiment
            .replacingOccurrences(of: "split: {test: 0.2, validation: 0.25}", with: "split: {folds: 3}")
            .replacingOccurrences(of: "batch_size: 8", with: "batch_size: 2"))
        let error = #expect(throws: DiagnosticError.self) {
            try PreparedExperiment.prepare(try PlanParser.parse(contentsOf: file), experimentFile: file)
        }
        #expect(error?.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message); \($0.help ?? "")" }
            == ["6:18: class 'y' has 2 rows, fewer than the 3 folds; use at most 2 folds, or more data"])
    }

    @Test func lastLayerWidthMustMatchTheClasses() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: DiagnosticError.self) {
            try prepared(directory, experiment: SyntheticData.experiment
                .replacingOccurrences(of: "{units: classes, activation: softmax}", with: "{units: 3, activation: softmax}"))
        }
        #expect(error?.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
            == ["10:5: the last layer has 3 units but the data has 2 classes"])
    }
}


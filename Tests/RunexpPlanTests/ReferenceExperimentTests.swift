import Foundation
import Testing
@testable import RunexpPlan

/// The reference experiment, experiments/wisconsin.yaml, resolves to the classic Keras grid.
@Suite struct ReferenceExperimentTests {
    let plan: Plan

    init() throws {
        let path = Fixtures.repositoryRoot.appendingPathComponent("experiments/wisconsin.yaml").path
        plan = try PlanParser.parse(contentsOf: path)
    }

    @Test func gridHas216CellsAnd648Runs() {
        #expect(plan.cells.count == 216)
        #expect(plan.repetitions == 3)
        #expect(plan.runCount == 648)
        #expect(plan.runs.count == 648)
        #expect(plan.axes.map(\.name) == ["units", "activation", "dropout", "batch_size", "learning_rate"])
        #expect(plan.axes[2].values == [.int(0), .double(0.3), .double(0.6)])
    }

    @Test func firstAxisVariesSlowest() {
        #expect(plan.cells[0].values.map(\.value.description) == ["1", "linear", "0", "4", "0.01"])
        #expect(plan.cells[1].values.map(\.value.description) == ["1", "linear", "0", "4", "0.1"])
        #expect(plan.cells[215].values.map(\.value.description) == ["64", "relu", "0.6", "32", "1"])
    }

    @Test func cellsResolveModelAndTraining() throws {
        let cell = try #require(plan.cells.first { $0.value(of: "units") == .int(32) && $0.value(of: "dropout") == .double(0.3)
            && $0.value(of: "activation") == .string("relu") && $0.value(of: "batch_size") == .int(16)
            && $0.value(of: "learning_rate") == .double(0.1) })
        #expect(cell.model == [.dropout(rate: 0.3), .dense(units: .count(32), activation: .relu), .dense(units: .classes, activation: .softmax)])
        #expect(cell.training.epochs == 25)
        #expect(cell.training.batchSize == 16)
        #expect(cell.training.optimizer == .sgd(learningRate: 0.1))
        #expect(cell.training.loss == .categoricalCrossentropy)
        #expect(cell.training.classWeight == .balanced)
        #expect(cell.training.earlyStopping == nil)
    }

    @Test func dataSplitObjectiveAndReport() {
        #expect(plan.name == "wisconsin")
        #expect(plan.seed == 42)
        #expect(plan.data.target == "diagnosis")
        #expect(plan.data.positive == "M")
        #expect(plan.data.path.hasSuffix("experiments/../Data/wisconsin.csv"))
        #expect(plan.data.split == SplitPlan(test: 0.2, validation: 0.2, folds: nil, stratify: true))
        #expect(plan.objective == Objective(metric: MetricName(split: .val, kind: .accuracy), goal: .maximize))
        #expect(plan.report.heatmaps == [Heatmap(x: "batch_size", y: "dropout", aggregate: .mean)])
    }

    @Test func cellIDsAreUniqueAndSurviveAddingAnAxisValue() throws {
        #expect(Set(plan.cells.map(\.id)).count == 216)
        let path = Fixtures.repositoryRoot.appendingPathComponent("experiments/wisconsin.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "units: [1, 32, 64]", with: "units: [1, 16, 32, 64]")
        let bigger = try PlanParser.parse(yaml: text, file: "w.yaml", directory: "experiments")
        #expect(bigger.cells.count == 288)
        let ids = Set(bigger.cells.map(\.id))
        #expect(plan.cells.allSatisfy { ids.contains($0.id) })
    }
}

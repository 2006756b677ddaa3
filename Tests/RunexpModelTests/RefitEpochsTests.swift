import Testing
@testable import RunexpModel
import RunexpPlan
import RunexpResults

/// The epochs a refit trains: the cell's own without early stopping; with it, the mean over the
/// cell's converged runs of the epoch they kept.
@Suite struct RefitEpochsTests {
    static func results(restoreBestWeights: Bool, earlyStopping: Bool = true) throws -> ExperimentResults {
        let stopping = earlyStopping ? ", early_stopping: {monitor: val_loss, patience: 2, restore_best_weights: \(restoreBestWeights)}" : ""
        let plan = try PlanParser.parse(yaml: """
            name: epochs
            data: {file: data.csv, target: label, split: {validation: 0.2}}
            model: [{dense: {units: classes, activation: softmax}}]
            training: {epochs: 9, optimizer: adam\(stopping)}
            search: {repetitions: 3}
            """, file: "exp.yaml", directory: "/tmp")
        func record(_ repetition: Int, losses: [Double], diverged: Bool = false) -> RunRecord {
            RunRecord(run: RunID(index: repetition, cell: 0, repetition: repetition, fold: 0), seed: 1, epochsRun: losses.count,
                      diverged: diverged, validation: nil, test: nil,
                      curve: losses.enumerated().map {
                          CurvePoint(epoch: $0.offset + 1, trainLoss: 1, trainAccuracy: 0.5, validationLoss: $0.element, validationAccuracy: 0.5)
                      })
        }
        return ExperimentResults(plan: plan, classes: ["a", "b"], records: [
            record(0, losses: [0.5, 0.3, 0.4, 0.45]),                  // best epoch 2 of 4
            record(1, losses: [0.6, 0.5, 0.2, 0.25, 0.3]),             // best epoch 3 of 5
            record(2, losses: [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3], diverged: true),
        ])
    }

    @Test func theMeanEpochTheConvergedRunsKept() throws {
        // Restored best weights: (2 + 3) / 2 = 2.5, rounded to 3; else the epochs run, (4 + 5) / 2 = 4.5 → 5.
        #expect(ModelFitter.epochs(of: 0, in: try Self.results(restoreBestWeights: true)) == 3)
        #expect(ModelFitter.epochs(of: 0, in: try Self.results(restoreBestWeights: false)) == 5)
        #expect(ModelFitter.epochs(of: 0, in: try Self.results(restoreBestWeights: false, earlyStopping: false)) == 9)
    }
}

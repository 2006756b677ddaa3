import Foundation
import RunexpTestSupport
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
@testable import RunexpReport

@Suite struct TerminalTests {
    /// A two-cell plan whose second cell is better.
    static func results() throws -> ExperimentResults {
        let yaml = """
            name: table
            data: {file: d.csv, target: y}
            model:
              - dense: {units: $units}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 1, optimizer: sgd}
            search:
              grid: {units: [4, 16]}
              repetitions: 2

            """
        let plan = try PlanParser.parse(yaml: yaml, file: "t.yaml", directory: "")
        func record(_ index: Int, cell: Int, repetition: Int, accuracy: Double) -> RunRecord {
            RunRecord(run: RunID(index: index, cell: cell, repetition: repetition, fold: 0), seed: 1, epochsRun: 1, diverged: false,
                      validation: PartMetrics(loss: 0.5, accuracy: accuracy, precision: nil, recall: nil, f1: nil, rocAUC: nil),
                      test: nil, curve: [])
        }
        return ExperimentResults(plan: plan, classes: ["a", "b", "c"], records: [
            record(0, cell: 0, repetition: 0, accuracy: 0.5), record(1, cell: 0, repetition: 1, accuracy: 0.7),
            record(2, cell: 1, repetition: 0, accuracy: 0.9), record(3, cell: 1, repetition: 1, accuracy: 0.9),
        ])
    }

    @Test func bestCellsTableIsAlignedAndRanked() throws {
        let table = BestCellsTable.render(try Self.results())
        #expect(table == """
            rank  units  val_accuracy (mean ± sd)  n  diverged
               1  16              0.9000 ± 0.0000  2         0
               2  4               0.6000 ± 0.1414  2         0

            """)
    }

    @Test func progressLineShowsRateETAAndBest() {
        let progress = ExperimentRunner.Progress(done: 50, total: 200, elapsed: 2, bestObjective: 0.97)
        #expect(ProgressLine.render(progress, metric: "val_accuracy", width: 10)
            == "[##--------] 50/200 runs  25.0 runs/s  2.0s elapsed  ETA 6.0s  best val_accuracy 0.9700")
        var reusing = progress
        reusing.reused = 40
        #expect(ProgressLine.render(reusing, metric: "val_accuracy", width: 10)
            == "[##--------] 50/200 runs  (40 from the cache)  25.0 runs/s  2.0s elapsed  ETA 6.0s  best val_accuracy 0.9700")
        // A halving search: the bar and the ETA follow epochs (100 of 400 planned, 80 trained here
        // in 2 s: 300 left take 7.5 s), and the line names the rung.
        var halving = progress
        halving.rungs = RunProgress.Rungs(rung: 1, count: 3, epochsDone: 100, epochsPlanned: 400, epochsTrained: 80)
        #expect(ProgressLine.render(halving, metric: "val_accuracy", width: 10)
            == "[##--------] rung 2/3  50/200 runs  25.0 runs/s  2.0s elapsed  ETA 7.5s  best val_accuracy 0.9700")
        #expect(ProgressLine.duration(187) == "3m07s")
        #expect(ProgressLine.duration(3725) == "1h02m")
    }

    /// Folders of two splits of one plan are shown, and said to be two splits (no merge takes both).
    @Test func statusSaysWhenShardsComeFromDifferentSplits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["shard-1-of-2", "shard-2-of-3"] {
            try FileManager.default.createDirectory(atPath: directory.file(name), withIntermediateDirectories: true)
        }
        let status = ShardStatus.read(directory.path)
        #expect(status.splits == [2, 3])
        let text = ShardStatusTable.render(status)
        #expect(text.contains("These folders split the run in different ways (2 shards, 3 shards)"), "\(text)")
        #expect(!text.contains("All shards done") && !text.contains("To finish"), "\(text)")
    }
}

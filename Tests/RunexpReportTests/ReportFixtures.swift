import Foundation
import Testing
@testable import RunexpExecution
@testable import RunexpResults
@testable import RunexpPlan
@testable import RunexpReport

/// Synthetic results with known numbers, and access to the golden files under `Fixtures/`.
enum ReportFixtures {
    /// A 2 × 2 × 2 grid (units, dropout, batch_size), 3 repetitions, two classes: val_accuracy is
    /// 0.80 + 0.05 at batch size 32 − 0.06 × dropout + 0.01 at 16 units + a repetition offset;
    /// run 2 (cell 0, repetition 2) diverged. Three epochs of curves per run.
    static func synthetic(heatmaps: String = "report:\n  heatmaps:\n    - {x: batch_size, y: dropout}\n") throws -> ExperimentResults {
        let yaml = """
            name: synthetic
            description: A made-up grid whose numbers are known
            seed: 3
            data:
              file: d.csv
              target: y
              split: {test: 0.2, validation: 0.2}
            model:
              - dropout: $dropout
              - dense: {units: $units, activation: relu}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 3, batch_size: $batch_size, optimizer: sgd}
            search:
              grid:
                units: [4, 16]
                dropout: [0, 0.5]
                batch_size: [8, 32]
              repetitions: 3
            \(heatmaps)
            """
        let plan = try PlanParser.parse(yaml: yaml, file: "synthetic.yaml", directory: "")
        var records: [RunRecord] = []
        for run in plan.runs {
            let cell = plan.cells[run.cell]
            let units = cell.value(of: "units")?.number ?? 0
            let dropout = cell.value(of: "dropout")?.number ?? 0
            let batch = cell.value(of: "batch_size")?.number ?? 0
            let offset = [-0.01, 0.0, 0.012][run.repetition]
            let batchGain: Double = batch == 32 ? 0.05 : 0
            let unitsGain: Double = units == 16 ? 0.01 : 0
            let accuracy: Double = 0.80 + batchGain - 0.06 * dropout + unitsGain + offset
            let diverged = run.index == 2
            func part(_ shift: Double) -> PartMetrics {
                PartMetrics(loss: 1 - accuracy + shift, accuracy: accuracy - shift, precision: accuracy, recall: accuracy - 0.02,
                            f1: accuracy - 0.01, rocAUC: min(1, accuracy + 0.05))
            }
            let curve = (1...3).map { (epoch: Int) -> CurvePoint in
                let e = Double(epoch)
                let trainLoss: Double = 0.9 / e + 0.01 * Double(run.repetition)
                let validationLoss: Double = 1.0 / e + dropout / 10
                return CurvePoint(epoch: epoch, trainLoss: trainLoss, trainAccuracy: 0.6 + 0.1 * e,
                                  validationLoss: validationLoss, validationAccuracy: 0.55 + 0.1 * e)
            }
            records.append(RunRecord(run: run, seed: RunSeed.of(run, in: plan), epochsRun: diverged ? 1 : 3, diverged: diverged,
                                     validation: diverged ? nil : part(0), test: diverged ? nil : part(0.01),
                                     curve: diverged ? Array(curve.prefix(1)) : curve))
        }
        // The best cell's runs predicted 12 test rows each: rows 0–6 are B, 7–11 M; run r misses rows r and 7 + r.
        let best = try #require(ExperimentResults(plan: plan, classes: ["B", "M"], records: records).ranked.first?.cell)
        let rows = records.filter { $0.run.cell == best && !$0.diverged }.flatMap { record in
            (0..<12).map { row -> Predictions.Row in
                let actual = row < 7 ? 0 : 1
                let missed = row == record.run.repetition || row == 7 + record.run.repetition
                let predicted = missed ? 1 - actual : actual
                return Predictions.Row(run: record.run, row: row * 3, actual: .label(actual), predicted: .label(predicted),
                                       probabilities: predicted == 0 ? [0.75, 0.25] : [0.375, 0.625])
            }
        }
        return ExperimentResults(plan: plan, classes: ["B", "M"], records: records, predictions: Predictions(cell: best, part: .test, rows: rows))
    }

    /// A random search: 10 samples of a log-uniform learning rate and a uniform dropout, crossed with
    /// two widths, 2 repetitions, no heatmap asked for. val_accuracy peaks at a learning rate of
    /// 0.01 and falls with dropout; width does nothing; the runs differ by ±0.004.
    static func random() throws -> ExperimentResults {
        let yaml = """
            name: random
            description: A random search whose numbers are known
            seed: 9
            data: {file: d.csv, target: y, split: {validation: 0.2}}
            model:
              - dropout: $dropout
              - dense: {units: $units, activation: relu}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 2, batch_size: 16, optimizer: {name: adam, learning_rate: $learning_rate}}
            search:
              grid:
                units: [16, 64]
                learning_rate: {log_uniform: [0.0001, 0.1]}
                dropout: {uniform: [0, 0.5]}
              random: {samples: 10}
              repetitions: 2

            """
        let plan = try PlanParser.parse(yaml: yaml, file: "random.yaml", directory: "")
        let records = plan.runs.map { run -> RunRecord in
            let cell = plan.cells[run.cell]
            let rate = cell.value(of: "learning_rate")?.number ?? 0.01
            let dropout = cell.value(of: "dropout")?.number ?? 0
            let distance = log10(rate) + 2
            let accuracy = 0.97 - 0.03 * distance * distance - 0.05 * dropout + (run.repetition == 0 ? 0.004 : -0.004)
            let part = PartMetrics(loss: 1 - accuracy, accuracy: accuracy, precision: accuracy, recall: accuracy, f1: accuracy, rocAUC: nil)
            let curve = (1...2).map { CurvePoint(epoch: $0, trainLoss: 1 / Double($0), trainAccuracy: 0.8, validationLoss: 1.2 / Double($0),
                                                 validationAccuracy: 0.75) }
            return RunRecord(run: run, seed: RunSeed.of(run, in: plan), epochsRun: 2, diverged: false, validation: part, test: nil,
                             curve: curve)
        }
        return ExperimentResults(plan: plan, classes: ["a", "b", "c"], records: records)
    }

    /// ``synthetic(heatmaps:)``'s grid under `halving: {min_epochs: 1, factor: 2}` (rungs at 1, 2
    /// and 3 epochs: 8 → 4 → 2 cells): a run's objective at rung r is its final val_accuracy less
    /// 0.04 per rung still to come; the cells go on as ``CellStatistics/rungOrder(_:values:plan:)``
    /// ranks them, and a stopped run keeps the epochs and curve of its last rung.
    static func halving() throws -> ExperimentResults {
        let full = try synthetic(heatmaps: "")
        var plan = full.plan
        plan.strategy = SearchStrategy(kind: .halving, minEpochs: 1, factor: 2)
        let schedule = try #require(RungSchedule(plan))
        let perCell = plan.repetitions
        var records = full.records
        var cells = Array(plan.cells.indices)
        for rung in schedule.epochs.indices {
            let last = schedule.epochs.count - 1
            for cell in cells {
                for offset in 0..<perCell {
                    let index = cell * perCell + offset
                    let value = records[index].validation?.value(.accuracy).map { $0 - 0.04 * Double(last - rung) }
                    records[index].rungs = (records[index].rungs ?? []) + [value]
                }
            }
            guard rung < last else { break }
            let values = cells.map { cell in (0..<perCell).map { records[cell * perCell + $0].rungs?[rung] ?? nil } }
            let going = Set(CellStatistics.rungOrder(cells, values: values, plan: plan).prefix(schedule.strategy.survivors(of: cells.count)))
            for cell in cells where !going.contains(cell) {
                for offset in 0..<perCell {
                    let index = cell * perCell + offset
                    let epochs = min(records[index].epochsRun, schedule.epochs[rung])
                    records[index].epochsRun = epochs
                    records[index].curve = Array(records[index].curve.prefix(epochs))
                }
            }
            cells = cells.filter(going.contains)
        }
        return ExperimentResults(plan: plan, classes: full.classes, records: records)
    }

    /// A regression: units [4, 8] × 2 repetitions, val_rmse is 3 at 4 units and 2 at 8 (plus the
    /// repetition); the best cell predicted 20 test rows of y = 10 + 2·row with known errors.
    static func regression() throws -> ExperimentResults {
        let yaml = """
            name: regression
            task: regression
            seed: 5
            data:
              file: d.csv
              target: price
              split: {test: 0.2, validation: 0.2}
            model:
              - dense: {units: $units, activation: relu}
              - dense: {units: 1, activation: linear}
            training: {epochs: 2, optimizer: adam}
            search:
              grid:
                units: [4, 8]
              repetitions: 2

            """
        let plan = try PlanParser.parse(yaml: yaml, file: "regression.yaml", directory: "")
        let records = plan.runs.map { run -> RunRecord in
            let rmse = (plan.cells[run.cell].value(of: "units")?.number == 8 ? 2.0 : 3.0) + 0.25 * Double(run.repetition)
            func part(_ shift: Double) -> PartMetrics {
                PartMetrics([.loss: rmse * rmse / 100 + shift, .rmse: rmse + shift, .mae: rmse * 0.8 + shift, .r2: 0.9 - rmse / 10 - shift])
            }
            let curve = (1...2).map { epoch in
                CurvePoint(epoch: epoch, trainLoss: 1 / Double(epoch), trainAccuracy: nil, validationLoss: 1.2 / Double(epoch), validationAccuracy: nil,
                           validationRMSE: rmse + 2 / Double(epoch))
            }
            return RunRecord(run: run, seed: RunSeed.of(run, in: plan), epochsRun: 2, diverged: false,
                             validation: part(0), test: part(0.5), curve: curve)
        }
        let best = try #require(ExperimentResults(plan: plan, classes: [], records: records).ranked.first?.cell)
        let rows = records.filter { $0.run.cell == best }.flatMap { record in
            (0..<20).map { row -> Predictions.Row in
                let actual = 10 + 2 * Double(row)
                let error = Double((row * 7 + record.run.repetition * 3) % 9 - 4) / 2
                return Predictions.Row(run: record.run, row: row, actual: .number(actual), predicted: .number(actual + error))
            }
        }
        return ExperimentResults(plan: plan, classes: [], records: records, predictions: Predictions(cell: best, part: .test, rows: rows))
    }

    /// A provenance.json as a run writes it, with fixed values.
    static let provenanceJSON = """
        {
          "command_line" : ["runexp", "experiments/synthetic.yaml"],
          "cores" : 2,
          "cpu" : "Test CPU",
          "data_sha256" : {"Data/d.csv" : "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
          "experiment_file" : "experiments/synthetic.yaml",
          "experiment_sha256" : "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
          "finished" : "2026-11-30T12:00:03Z",
          "git" : {"branch" : "main", "commit" : "c54e0cb913b8998e0d0922bc091468d5a1f50b95", "dirty" : false},
          "host" : "testhost",
          "jobs" : 2,
          "os" : "Test OS",
          "resumed_runs" : 0,
          "runexp_version" : "0.1.0",
          "started" : "2026-11-30T12:00:00Z",
          "swift_version" : "6.3",
          "wall_seconds" : 3.25
        }

        """

    /// The result folder files of `results` as a run writes them (ResultTables), with `provenanceJSON`.
    static func folderFiles(_ results: ExperimentResults) -> [(name: String, text: String)] {
        [("experiment.yaml", "name: synthetic\n"), ("plan.json", ResultTables.planJSON(results.plan))]
            + ExperimentRunner.tables(results) + [("provenance.json", provenanceJSON)]
    }

    /// `Tests/RunexpReportTests/Fixtures/`, found from this source file (the test target declares no resources).
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Writes `files` under `folder`, creating subfolders.
    static func write(_ files: [(name: String, text: String)], to folder: String) throws {
        for file in files {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(file.name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.text.write(to: url, atomically: true, encoding: .utf8)
        }
    }
}

extension ReportFixtures {
    /// A random-search-like grid: 12 log-spaced learning rates (a continuous axis) × two
    /// activations, 2 repetitions, one heatmap with `aggregate: max`; the two largest rates diverge
    /// with tanh. val_accuracy peaks at a learning rate of 0.01.
    static func continuous() throws -> ExperimentResults {
        let rates = (0..<12).map { index in ScalarSyntax.format(pow(10, -4 + Double(index) * 3 / 11)) }
        let yaml = """
            name: continuous
            description: A continuous axis & a max heatmap <check escaping>
            data: {file: d.csv, target: y, split: {validation: 0.25}}
            model:
              - dense: {units: 8, activation: $activation}
              - dense: {units: classes, activation: softmax}
            training: {epochs: 2, optimizer: {name: adam, learning_rate: $learning_rate}, early_stopping: {monitor: val_loss, patience: 1}}
            search:
              grid:
                learning_rate: [\(rates.joined(separator: ", "))]
                activation: [relu, tanh]
              repetitions: 2
              objective: {metric: val_loss}
            report:
              heatmaps:
                - {x: activation, y: learning_rate, aggregate: max}

            """
        let plan = try PlanParser.parse(yaml: yaml, file: "continuous.yaml", directory: "")
        let records = plan.runs.map { run -> RunRecord in
            let cell = plan.cells[run.cell]
            let rate = cell.value(of: "learning_rate")?.number ?? 1
            let tanh = cell.value(of: "activation")?.description == "tanh"
            let distance = log10(rate) + 2
            let activationCost: Double = tanh ? 0.02 : 0
            let loss: Double = 0.1 + 0.05 * distance * distance + activationCost + 0.01 * Double(run.repetition)
            let diverged = tanh && rate > 0.05
            let curve = (1...(run.repetition == 0 ? 2 : 1)).map { (epoch: Int) -> CurvePoint in
                let e = Double(epoch)
                return CurvePoint(epoch: epoch, trainLoss: loss * 1.5 / e, trainAccuracy: 0.7, validationLoss: loss * 1.2 / e,
                                  validationAccuracy: 0.7)
            }
            return RunRecord(run: run, seed: RunSeed.of(run, in: plan), epochsRun: curve.count, diverged: diverged,
                             validation: diverged ? nil : PartMetrics(loss: loss, accuracy: 1 - loss, precision: 1 - loss, recall: 0.98 - loss,
                                                                      f1: 0.99 - loss, rocAUC: nil),
                             test: nil, curve: curve)
        }
        return ExperimentResults(plan: plan, classes: ["a", "b", "c"], records: records)
    }
}

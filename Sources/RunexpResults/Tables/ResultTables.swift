import Foundation
import RunexpPlan

/// The text of each deterministic result file: same results, same bytes.
///
/// Numbers have six decimals, rows follow plan order, lines end in LF, JSON keys are sorted.
public enum ResultTables {
    /// `runs.csv`: a row per cell × repetition × fold.
    public static func runsCSV(_ results: ExperimentResults) -> String {
        let plan = results.plan
        let rungEpochs = plan.rungEpochs
        var writer = CSVWriter(header: ["run", "cell", "cell_id"] + plan.axes.map(\.name)
            + ["repetition", "fold", "seed", "epochs_run", "diverged"] + results.metrics.map(\.description)
            + rungColumns(plan))
        let axisTexts = plan.cells.map(plan.axisTexts(of:))
        for record in results.records {
            let cell = plan.cells[record.run.cell]
            writer.appendRow { row in
                row.integer(record.run.index)
                row.integer(cell.index)
                row.text(cell.id)
                for text in axisTexts[record.run.cell] { row.text(text) }
                row.integer(record.run.repetition)
                row.integer(record.run.fold)
                row.integer(record.seed)
                row.integer(record.epochsRun)
                row.text(record.diverged ? "true" : "false")
                for metric in results.metrics { row.fixed(record.value(metric)) }
                if let rungEpochs {
                    let rungs = record.rungs ?? []
                    row.integer(rungs.count - 1)
                    for rung in rungEpochs.indices { row.fixed(rung < rungs.count ? rungs[rung] : nil) }
                }
            }
        }
        return writer.text
    }

    /// runs.csv's columns under a halving strategy: the last rung a run reached, then the objective at
    /// each rung's epoch (`val_accuracy_epoch_3`, …), empty where the run was not ranked.
    public static func rungColumns(_ plan: Plan) -> [String] {
        guard let rungEpochs = plan.rungEpochs else { return [] }
        return ["rung"] + rungEpochs.map { "\(plan.objective.metric)_epoch_\($0)" }
    }

    /// `cells.csv`: a row per cell with n, diverged, mean, sd and 95% CI of each metric, the rank,
    /// and whether the cell is statistically tied with the best.
    public static func cellsCSV(_ results: ExperimentResults) -> String {
        let plan = results.plan
        let metricColumns = results.metrics.flatMap { ["\($0)_mean", "\($0)_sd", "\($0)_ci_low", "\($0)_ci_high"] }
        let halving = plan.strategy != nil
        var writer = CSVWriter(header: ["cell", "cell_id"] + plan.axes.map(\.name) + ["runs", "n", "diverged"] + metricColumns
            + ["rank", "tied_with_best"] + (halving ? ["stopped_at_epoch"] : []))
        for summary in results.cells {
            let cell = plan.cells[summary.cell]
            let objective = summary.objective(plan)
            writer.appendRow { row in
                row.integer(cell.index)
                row.text(cell.id)
                for text in plan.axisTexts(of: cell) { row.text(text) }
                row.integer(summary.runs)
                row.integer(objective.n)
                row.integer(summary.diverged)
                for metric in results.metrics {
                    let statistics = summary.metrics[metric]
                    row.fixed(statistics?.mean)
                    row.fixed(statistics?.sd)
                    row.fixed(statistics?.ciLow)
                    row.fixed(statistics?.ciHigh)
                }
                row.integer(summary.rank)
                row.text(summary.tiedWithBest ? "true" : "false")
                if halving { summary.stoppedAtEpoch.map { row.integer($0) } ?? row.text("") }
            }
        }
        return writer.text
    }

    /// The columns of curves.csv: loss, and accuracy for classification; a regression measures the
    /// validation RMSE (in the target's units) per epoch instead.
    public static func curveColumns(_ task: TaskKind) -> [String] {
        switch task {
        case .classification: ["run", "cell_id", "repetition", "fold", "epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy"]
        case .regression: ["run", "cell_id", "repetition", "fold", "epoch", "train_loss", "val_loss", "val_rmse"]
        }
    }

    /// `curves.csv`: per run and epoch, training and validation loss and accuracy (long format).
    public static func curvesCSV(_ results: ExperimentResults) -> String {
        let plan = results.plan
        let classifies = plan.task == .classification
        var writer = CSVWriter(header: curveColumns(plan.task))
        for record in results.records {
            let id = plan.cells[record.run.cell].id
            for point in record.curve {
                writer.appendRow { row in
                    row.integer(record.run.index)
                    row.text(id)
                    row.integer(record.run.repetition)
                    row.integer(record.run.fold)
                    row.integer(point.epoch)
                    row.fixed(point.trainLoss)
                    if classifies { row.fixed(point.trainAccuracy) }
                    row.fixed(point.validationLoss)
                    if classifies { row.fixed(point.validationAccuracy) } else { row.fixed(point.validationRMSE) }
                }
            }
        }
        return writer.text
    }

    /// `plan.json`: the resolved plan.
    public static func planJSON(_ plan: Plan) -> String {
        guard let text = try? plan.prettyJSON() else { return "{}\n" }
        return text + "\n"
    }

    /// `summary.json`: the objective, the best cell with its configuration and metrics, counts.
    public static func summaryJSON(_ results: ExperimentResults) -> String {
        json(summary(results))
    }

    static func summary(_ results: ExperimentResults) -> Summary {
        let plan = results.plan
        let best = results.ranked.first
        return Summary(
            experiment: plan.name,
            objective: plan.objective,
            best: best.map { summary in
                let cell = plan.cells[summary.cell]
                return Summary.Best(
                    cell: cell.index, cellID: cell.id, rank: summary.rank,
                    values: Dictionary(uniqueKeysWithValues: cell.values.map { ($0.axis, $0.value) }),
                    runs: summary.runs, diverged: summary.diverged,
                    metrics: Dictionary(uniqueKeysWithValues: results.metrics.map { metric in
                        let statistics = summary.metrics[metric]
                        return (metric.description, Summary.Statistic(mean: FixedFormat.rounded(statistics?.mean),
                                                                     sd: FixedFormat.rounded(statistics?.sd),
                                                                     ciLow: FixedFormat.rounded(statistics?.ciLow),
                                                                     ciHigh: FixedFormat.rounded(statistics?.ciHigh),
                                                                     n: statistics?.n ?? 0))
                    }))
            },
            tiedWithBest: results.ranked.filter(\.tiedWithBest).map { plan.cells[$0.cell].id },
            counts: Summary.Counts(cells: plan.cells.count, runs: results.records.count,
                                   diverged: results.divergedCount, repetitions: plan.repetitions,
                                   folds: plan.foldsPerRepetition),
            classes: results.classes)
    }

    /// Pretty JSON with sorted keys and a final newline, as `JSONEncoder` writes it (``PrettyJSON``).
    public static func json(_ value: some Encodable) -> String {
        guard let text = try? PrettyJSON.encode(value) else { return "{}\n" }
        return text + "\n"
    }

    struct Summary: Encodable {
        var experiment: String
        var objective: Objective
        var best: Best?
        /// Ids of the cells tied with the best, in rank order.
        var tiedWithBest: [String]
        var counts: Counts

        enum CodingKeys: String, CodingKey {
            case experiment, objective, best, tiedWithBest = "tied_with_best", counts, classes
        }
        var classes: [String]

        struct Best: Encodable {
            var cell: Int
            var cellID: String
            var rank: Int
            var values: [String: AxisValue]
            var runs: Int
            var diverged: Int
            var metrics: [String: Statistic]

            enum CodingKeys: String, CodingKey {
                case cell, cellID = "cell_id", rank, values, runs, diverged, metrics
            }
        }

        struct Statistic: Encodable {
            var mean: Double?
            var sd: Double?
            var ciLow: Double?
            var ciHigh: Double?
            var n: Int

            enum CodingKeys: String, CodingKey {
                case mean, sd, ciLow = "ci_low", ciHigh = "ci_high", n
            }
        }

        struct Counts: Encodable {
            var cells: Int
            var runs: Int
            var diverged: Int
            var repetitions: Int
            var folds: Int
        }
    }
}

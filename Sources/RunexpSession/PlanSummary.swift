import RunexpExecution
import RunexpResults
import RunexpPlan
import RunexpReport

/// The text of `runexp plan`: data, axes, and the size of the work.
public enum PlanSummary {
    /// Axes with their values, then cells, runs and SGD steps (at most: early stopping may cut them).
    public static func render(_ experiment: PreparedExperiment, estimate: CostEstimator.Estimate? = nil, jobs: Int = 1) -> String {
        let plan = experiment.plan
        let data = experiment.data
        var text = "\(plan.name): \(plan.description)\n"
        let inputs = data.inputNames
        let features = inputs.count == data.featureNames.count ? "\(inputs.count) features"
            : "\(data.featureNames.count) feature columns (\(inputs.count) inputs)"
        let rowCounts = data.testRows.map { "\($0.lowerBound) rows + \($0.count) test rows (\(PathNormalizer.normalize(plan.data.testPath ?? "")))" }
            ?? "\(data.rows) rows"
        text += "data: \(PathNormalizer.normalize(plan.data.path)), \(rowCounts), \(features), "
        if data.isRegression {
            let low = data.targets.min() ?? 0, high = data.targets.max() ?? 0
            let mean = data.targets.reduce(0, +) / Double(max(data.targets.count, 1))
            text += "regression target \(plan.data.target) from \(FixedFormat.string(low, digits: 4)) to \(FixedFormat.string(high, digits: 4)) "
                + "(mean \(FixedFormat.string(mean, digits: 4)))"
            text += plan.data.standardizeTarget == true ? ", standardized on each run's training rows\n" : "\n"
        } else {
            text += "\(data.classes.count) classes (\(zip(data.classes, data.classCounts).map { "\($0) \($1)" }.joined(separator: ", ")))\n"
        }
        let shown = inputs.prefix(listedValues).joined(separator: ", ")
        text += "inputs: \(shown)\(inputs.count > listedValues ? ", … (\(inputs.count) inputs)" : "")\n"
        let part = experiment.sizes[0]
        text += "split: \(part.train) train, \(part.validation) validation, \(part.test) test rows"
        if let folds = plan.data.split.folds { text += " (\(folds) folds)" }
        text += "\n\naxes:\n"
        // An axis of 10^5 sampled values is listed by its first ones and its count, not on one line.
        let rows = [["axis", "values"]] + plan.axes.map { axis in
            let shown = axis.values.prefix(listedValues).map(\.description).joined(separator: ", ")
            return [axis.name, axis.values.count > listedValues ? shown + ", … (\(axis.values.count) values)" : shown]
        }
        text += TextTable.render(rows)
        if let first = plan.cells.first {
            let values = zip(plan.axes, plan.axisTexts(of: first)).map { "\($0.name)=\($1)" }.joined(separator: ", ")
            text += "\n" + (plan.cells.count > 1 ? "first cell (\(values)):\n" : "")
            text += "model: \(first.modelDescription)\n"
            text += "optimizer: \(first.training.optimizerDescription)\n"
            text += "training: \(first.training.summary)\n"
        }
        text += "\ncells: \(plan.cells.count)\n"
        text += "runs: \(plan.runCount) (\(plan.cells.count) cells × \(plan.repetitions) repetition\(plan.repetitions == 1 ? "" : "s")"
        if let folds = plan.data.split.folds { text += " × \(folds) folds" }
        text += ")\n"
        let schedule = RungSchedule(plan)
        text += "steps: \(trainingSteps(experiment).map(String.init) ?? "more than \(Int.max)") optimizer steps at most"
            + (schedule == nil ? "\n" : " for the full grid\n")
        if let schedule { text += rungs(schedule, plan: plan) }
        text += "objective: \(plan.objective.goal.rawValue) \(plan.objective.metric)\n"
        if let estimate {
            let seconds = estimate.seconds < 60 ? FixedFormat.string(estimate.seconds, digits: 2) + "s" : ProgressLine.duration(estimate.seconds)
            text += "estimated wall time: \(seconds) with --jobs \(jobs)"
            text += " (from \(estimate.sampledRuns) sample runs timed on this machine)\n"
        }
        return text
    }

    /// The rung schedule and its epoch budget against the full grid's, e.g.
    /// `halving: rungs at 3, 9, 25 epochs; cells 216 → 72 → 24` and `epochs: 4392 of the full grid's 16200 (27.1%)`.
    static func rungs(_ schedule: RungSchedule, plan: Plan) -> String {
        let strategy = schedule.strategy
        var text = "\(strategy.kind.rawValue): rungs at \(schedule.epochs.map(String.init).joined(separator: ", ")) epochs, "
            + "the best 1/\(strategy.factor) of the cells go on after each"
        if schedule.brackets.count == 1, let bracket = schedule.brackets.first, bracket.firstRung == 0 {
            text += "; cells \(schedule.counts(of: bracket).map(String.init).joined(separator: " → "))\n"
        } else {
            text += "\n"
            for bracket in schedule.brackets {
                text += "  bracket from epoch \(schedule.epochs[bracket.firstRung]): cells "
                    + schedule.counts(of: bracket).map(String.init).joined(separator: " → ") + "\n"
            }
        }
        let perCell = plan.repetitions * plan.foldsPerRepetition
        let planned = schedule.plannedCellEpochs * perCell
        let full = plan.curvePoints ?? 0
        let share = full > 0 ? " (" + FixedFormat.string(100 * Double(planned) / Double(full), digits: 1) + "%)" : ""
        text += "epochs: \(planned) of the full grid's \(full)\(share), when no run diverges or stops early\n"
        return text
    }

    /// Values of an axis `plan` lists before it gives their count.
    public static let listedValues = 20

    /// Optimizer steps of every run: epochs × ⌈training rows / batch size⌉, summed; nil when the sum
    /// is beyond `Int` (a million runs of a million epochs can be).
    public static func trainingSteps(_ experiment: PreparedExperiment) -> Int? {
        let plan = experiment.plan
        var steps = 0
        for run in plan.runs {
            let training = plan.cells[run.cell].training
            let rows = experiment.sizes(for: run).train
            let perEpoch = rows / training.batchSize + (rows % training.batchSize == 0 ? 0 : 1)
            let (runSteps, overflowMultiplying) = training.epochs.multipliedReportingOverflow(by: perEpoch)
            let (sum, overflowAdding) = steps.addingReportingOverflow(runSteps)
            if overflowMultiplying || overflowAdding { return nil }
            steps = sum
        }
        return steps
    }
}

import RunexpResults
import RunexpPlan

/// The objective's value of every run, the input of every plot and of the variance shares.
///
/// A run contributes a value when it converged and the value is finite; diverged runs have none
/// and are counted per cell instead, since every mean in the report is over converged runs.
public struct ObjectiveData: Sendable {
    /// The experiment's plan.
    public let plan: Plan
    /// The objective's metric and goal.
    public let objective: Objective
    /// Per cell (plan order): the objective of its converged runs, in run order.
    public let valuesByCell: [[Double]]
    /// Per cell: runs without a value (diverged, or a non-finite metric).
    public let failedByCell: [Int]
    /// Runs that converged but have no value: the metric is undefined there (ROC AUC of a part
    /// that holds one class). Counted in ``failedByCell`` too.
    public let undefinedRuns: Int
    /// Per cell: 1-based rank (``CellSummary/rank``).
    public let rankByCell: [Int]
    /// Under a halving strategy, the epochs of the first rung, where the values are taken: there
    /// every cell (of Hyperband's first bracket) trained the same epochs, whereas the runs' final
    /// values are of the epochs each cell reached. Nil without a strategy.
    public let rungEpochs: Int?

    /// Extracts the objective from `results`: each run's final value, or under a halving strategy
    /// its value at the first rung (the runs of cells that did not train that rung left out).
    public init(_ results: ExperimentResults) {
        plan = results.plan
        objective = results.plan.objective
        var values = [[Double]](repeating: [], count: plan.cells.count)
        var failed = [Int](repeating: 0, count: plan.cells.count)
        var undefined = 0
        let schedule = RungSchedule(plan)
        rungEpochs = schedule?.epochs.first
        let firstRung = Set(schedule?.brackets.first { $0.firstRung == 0 }?.cells ?? [])
        for record in results.records {
            if schedule != nil {
                guard firstRung.contains(record.run.cell) else { continue }
                if let value = record.rungs?.first ?? nil, value.isFinite {
                    values[record.run.cell].append(value)
                } else {
                    failed[record.run.cell] += 1
                }
                continue
            }
            if let value = record.value(objective.metric), value.isFinite {
                values[record.run.cell].append(value)
            } else {
                failed[record.run.cell] += 1
                if !record.diverged, record.value(objective.metric) == nil { undefined += 1 }
            }
        }
        undefinedRuns = undefined
        valuesByCell = values
        failedByCell = failed
        var ranks = [Int](repeating: Int.max, count: plan.cells.count)
        for summary in results.cells { ranks[summary.cell] = summary.rank }
        rankByCell = ranks
    }

    /// Per cell: the mean of its converged runs, nil without one.
    public var meanByCell: [Double?] {
        valuesByCell.map { $0.isEmpty ? nil : $0.reduce(0, +) / Double($0.count) }
    }

    /// Converged runs in all.
    public var convergedRuns: Int { valuesByCell.reduce(0) { $0 + $1.count } }
    /// Runs without a value in all.
    public var failedRuns: Int { failedByCell.reduce(0, +) }

    /// True when `a` is better than `b` under the objective's goal.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        objective.goal == .maximize ? a > b : a < b
    }
}

import RunexpPlan

/// Mean, sample standard deviation and 95% confidence interval of one metric over a cell's
/// converged runs.
public struct MetricStatistics: Sendable, Equatable, Codable {
    /// The values, in plan order of their runs.
    public var values: [Double]
    /// Runs with a value.
    public var n: Int { values.count }
    public var mean: Double?
    /// Sample standard deviation (n − 1); nil below two values.
    public var sd: Double?
    /// Half-width of the 95% Student-t confidence interval of the mean; nil below two values.
    public var ci95: Double?

    /// Statistics of `values`.
    public init(_ values: [Double]) {
        self.values = values
        guard !values.isEmpty else { return }
        let (mean, variance) = StudentT.meanAndVariance(values)
        self.mean = mean
        if values.count > 1 {
            sd = variance.squareRoot()
            ci95 = StudentT.confidenceHalfWidth(sd: variance.squareRoot(), n: values.count)
        }
    }

    /// Lower end of the 95% confidence interval.
    public var ciLow: Double? { ci95.flatMap { half in mean.map { $0 - half } } }
    /// Upper end of the 95% confidence interval.
    public var ciHigh: Double? { ci95.flatMap { half in mean.map { $0 + half } } }
}

/// One cell's runs summarized.
public struct CellSummary: Sendable, Equatable {
    public var cell: Int
    /// Runs of the cell.
    public var runs: Int
    /// Runs that diverged; they have no metrics and count as failures.
    public var diverged: Int
    /// Statistics of every metric the experiment measures, in ``ResultMetrics/all`` order.
    public var metrics: [MetricName: MetricStatistics]
    /// 1-based rank by the objective: cells with diverged runs rank after all others, and under a
    /// halving strategy cells stopped at an earlier rung after every cell that went further.
    public var rank: Int
    /// Under a halving strategy, the epochs of the rung where the cell was stopped; nil when it
    /// reached the last rung (or the plan has no strategy).
    public var stoppedAtEpoch: Int? = nil
    /// The objective does not differ significantly from the best cell's (Welch t-test,
    /// α = 0.05); always true for the best cell, false for cells with diverged runs and for cells
    /// stopped at an earlier rung (their values are of fewer epochs).
    public var tiedWithBest: Bool = false

    /// The objective's statistics.
    public func objective(_ plan: Plan) -> MetricStatistics {
        metrics[plan.objective.metric] ?? MetricStatistics([])
    }
}

/// Groups run records by cell and ranks the cells.
public enum CellStatistics {
    /// One summary per cell in plan order, ranked by `plan.objective`.
    public static func summarize(_ plan: Plan, records: [RunRecord], metrics: [MetricName]) -> [CellSummary] {
        let rungEpochs = plan.rungEpochs
        var byCell = [[RunRecord]](repeating: [], count: plan.cells.count)
        for record in records { byCell[record.run.cell].append(record) }
        var summaries = byCell.enumerated().map { cell, runs in
            var statistics: [MetricName: MetricStatistics] = [:]
            for metric in metrics {
                statistics[metric] = MetricStatistics(runs.compactMap { $0.value(metric) }.filter(\.isFinite))
            }
            var summary = CellSummary(cell: cell, runs: runs.count, diverged: runs.filter(\.diverged).count,
                                      metrics: statistics, rank: 0)
            if let rungEpochs, let reached = runs.compactMap(\.lastRung).max(), reached < rungEpochs.count - 1 {
                summary.stoppedAtEpoch = rungEpochs[reached]
            }
            return summary
        }
        let keys = summaries.map { rankKey($0, plan) }
        let order = summaries.indices.sorted { keys[$0] < keys[$1] }
        for (position, index) in order.enumerated() { summaries[index].rank = position + 1 }
        if let best = order.first {
            let bestValues = summaries[best].objective(plan).values
            for index in summaries.indices {
                // Without a value (every run diverged) the first cell is no best: nothing is tied with it.
                summaries[index].tiedWithBest = (index == best && !bestValues.isEmpty) || isTied(summaries[index], with: bestValues, plan)
            }
        }
        return summaries
    }

    /// Whether `summary` is statistically indistinguishable from the best cell's values.
    private static func isTied(_ summary: CellSummary, with best: [Double], _ plan: Plan) -> Bool {
        let values = summary.objective(plan).values
        guard summary.diverged == 0, summary.stoppedAtEpoch == nil, !values.isEmpty, !best.isEmpty else { return false }
        if let welch = StudentT.welch(best, values) { return !welch.isSignificant() }
        // One value on a side: no test is possible, so only an equal mean counts as a tie.
        return StudentT.meanAndVariance(values).0 == StudentT.meanAndVariance(best).0
    }

    /// Sort key: cells stopped at an earlier rung last (the earlier, the later), then failures,
    /// then the objective's mean in the goal's direction, then plan order.
    ///
    /// The mean is that of the runs' values as runs.csv prints them (six decimals), compared as
    /// cells.csv prints it: cells whose means differ only below that (the same accuracies summed in
    /// another order differ in the last bit) are tied and rank in plan order, so the ranks agree
    /// with the printed table and with a report redrawn from runs.csv, whose values are rounded
    /// already (the mean of exact values could round the other way).
    static func rankKey(_ summary: CellSummary, _ plan: Plan) -> RankKey {
        rankKey(cell: summary.cell, values: summary.objective(plan).values, failed: summary.diverged > 0, stoppedAt: summary.stoppedAtEpoch, plan)
    }

    static func rankKey(cell: Int, values: [Double], failed: Bool, stoppedAt epoch: Int?, _ plan: Plan) -> RankKey {
        let mean = MetricStatistics(values.compactMap { FixedFormat.rounded($0) }).mean
        let rounded = mean.flatMap { FixedFormat.rounded($0) }
        let score = rounded.map { plan.objective.goal == .maximize ? -$0 : $0 } ?? .infinity
        return RankKey(stopped: epoch.map { -$0 } ?? Int.min, failed: failed || rounded == nil ? 1 : 0, score: score, cell: cell)
    }

    /// `cells` best first by their runs' objective at one rung (`values[i]` for `cells[i]`, nil for
    /// a run without a value): the order ``summarize(_:records:metrics:)`` ranks by, a cell with a
    /// run without a value counting as failed.
    public static func rungOrder(_ cells: [Int], values: [[Double?]], plan: Plan) -> [Int] {
        let keys = zip(cells, values).map { cell, values in
            let finite = values.compactMap { $0 }.filter(\.isFinite)
            return rankKey(cell: cell, values: finite, failed: finite.count < values.count, stoppedAt: nil, plan)
        }
        return cells.indices.sorted { keys[$0] < keys[$1] }.map { cells[$0] }
    }

    struct RankKey: Comparable {
        var stopped: Int
        var failed: Int
        var score: Double
        var cell: Int

        static func < (lhs: RankKey, rhs: RankKey) -> Bool {
            (lhs.stopped, lhs.failed, lhs.score, lhs.cell) < (rhs.stopped, rhs.failed, rhs.score, rhs.cell)
        }
    }
}

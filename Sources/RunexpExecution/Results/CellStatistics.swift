import RunexpPlan

/// Mean and sample standard deviation of one metric over a cell's converged runs.
public struct MetricStatistics: Sendable, Equatable, Codable {
    /// Runs with a value.
    public var n: Int
    public var mean: Double?
    /// Sample standard deviation (n − 1); nil below two values.
    public var sd: Double?

    /// Statistics of `values`.
    public init(_ values: [Double]) {
        n = values.count
        guard !values.isEmpty else { return }
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        if values.count > 1 {
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            sd = (squares / Double(values.count - 1)).squareRoot()
        }
    }
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
    /// 1-based rank by the objective: cells with diverged runs rank after all others.
    public var rank: Int

    /// The objective's statistics.
    public func objective(_ plan: Plan) -> MetricStatistics {
        metrics[plan.objective.metric] ?? MetricStatistics([])
    }
}

/// Groups run records by cell and ranks the cells.
public enum CellStatistics {
    /// One summary per cell in plan order, ranked by `plan.objective`.
    public static func summarize(_ plan: Plan, records: [RunRecord], metrics: [MetricName]) -> [CellSummary] {
        var byCell = [[RunRecord]](repeating: [], count: plan.cells.count)
        for record in records { byCell[record.run.cell].append(record) }
        var summaries = byCell.enumerated().map { cell, runs in
            var statistics: [MetricName: MetricStatistics] = [:]
            for metric in metrics {
                statistics[metric] = MetricStatistics(runs.compactMap { $0.value(metric) }.filter(\.isFinite))
            }
            return CellSummary(cell: cell, runs: runs.count, diverged: runs.filter(\.diverged).count,
                               metrics: statistics, rank: 0)
        }
        let order = summaries.indices.sorted { a, b in
            rankKey(summaries[a], plan) < rankKey(summaries[b], plan)
        }
        for (position, index) in order.enumerated() { summaries[index].rank = position + 1 }
        return summaries
    }

    /// Sort key: failures last, then the objective's mean in the goal's direction, then plan order.
    private static func rankKey(_ summary: CellSummary, _ plan: Plan) -> RankKey {
        let mean = summary.objective(plan).mean
        let score = mean.map { plan.objective.goal == .maximize ? -$0 : $0 } ?? .infinity
        return RankKey(failed: summary.diverged > 0 || mean == nil ? 1 : 0, score: score, cell: summary.cell)
    }

    private struct RankKey: Comparable {
        var failed: Int
        var score: Double
        var cell: Int

        static func < (lhs: RankKey, rhs: RankKey) -> Bool {
            (lhs.failed, lhs.score, lhs.cell) < (rhs.failed, rhs.score, rhs.cell)
        }
    }
}

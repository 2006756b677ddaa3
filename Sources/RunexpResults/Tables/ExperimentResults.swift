import RunexpPlan

/// Everything a finished experiment produced: the plan, the data facts, every run and cell.
public struct ExperimentResults: Sendable {
    public let plan: Plan
    /// Class labels in class order.
    public let classes: [String]
    /// Metrics measured, in column order.
    public let metrics: [MetricName]
    /// One record per run, in plan order.
    public let records: [RunRecord]
    /// One summary per cell, in plan order.
    public let cells: [CellSummary]
    /// What the best cell's runs predicted (nil when not made: a merged folder, an older folder).
    public let predictions: Predictions?

    /// Summarizes `records` (which must be in plan order).
    public init(plan: Plan, classes: [String], records: [RunRecord], predictions: Predictions? = nil) {
        self.plan = plan
        self.classes = classes
        self.metrics = ResultMetrics.all(plan: plan, classCount: classes.count)
        self.records = records
        self.cells = CellStatistics.summarize(plan, records: records, metrics: metrics)
        self.predictions = predictions
    }

    /// These results with `predictions`, the cells as summarized already.
    public func with(predictions: Predictions?) -> ExperimentResults {
        ExperimentResults(plan: plan, classes: classes, metrics: metrics, records: records, cells: cells, predictions: predictions)
    }

    private init(plan: Plan, classes: [String], metrics: [MetricName], records: [RunRecord], cells: [CellSummary], predictions: Predictions?) {
        self.plan = plan
        self.classes = classes
        self.metrics = metrics
        self.records = records
        self.cells = cells
        self.predictions = predictions
    }

    /// Cells sorted by rank, best first.
    public var ranked: [CellSummary] {
        cells.sorted { $0.rank < $1.rank }
    }

    /// Runs that diverged.
    public var divergedCount: Int { records.filter(\.diverged).count }
}

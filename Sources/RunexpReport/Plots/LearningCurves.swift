import RunexpResults
import RunexpPlan

/// The learning curves of the best cells: training and validation loss per epoch, and accuracy
/// (classification) or validation RMSE (regression), averaged over each cell's runs (repetitions × folds).
///
/// Only converged runs count. Runs stopped early are shorter: epoch e averages the runs that
/// reached it. Cells come in rank order, skipping cells without a converged run.
public struct LearningCurves: Sendable {
    /// One cell's mean curves.
    public struct Curve: Sendable {
        /// Index into the plan's cells.
        public let cell: Int
        /// 1-based rank.
        public let rank: Int
        /// `axis = value` for every axis the cell has, in plan order (continuous values to 3 significant digits).
        public let configuration: [String]
        /// (epoch, mean training loss), epochs ascending.
        public let train: [(epoch: Int, loss: Double)]
        /// (epoch, mean validation loss); empty without a validation part.
        public let validation: [(epoch: Int, loss: Double)]
        /// (epoch, mean training value) of ``LearningCurves/metric``; empty when not measured in training.
        public let metricTrain: [(epoch: Int, loss: Double)]
        /// (epoch, mean validation value) of ``LearningCurves/metric``; empty without a validation part.
        public let metricValidation: [(epoch: Int, loss: Double)]
        /// Converged runs averaged.
        public let runs: Int
    }

    /// At most `count` curves, best rank first.
    public let curves: [Curve]
    /// The metric measured every epoch besides the loss: accuracy (classification) or the
    /// validation RMSE in the target's units (regression); nil when no run has a value of it.
    public let metric: String?

    /// The curves of the `count` best cells of `results`.
    public init(_ results: ExperimentResults, count: Int = 5) {
        let plan = results.plan
        var runsByCell = [[RunRecord]](repeating: [], count: plan.cells.count)
        for record in results.records where !record.diverged && !record.curve.isEmpty {
            runsByCell[record.run.cell].append(record)
        }
        let levels = plan.axes.map { AxisLevels(plan, axis: $0.name) }
        var curves: [Curve] = []
        for summary in results.ranked where !runsByCell[summary.cell].isEmpty {
            let runs = runsByCell[summary.cell]
            let cell = plan.cells[summary.cell]
            let configuration = levels.compactMap { axis -> String? in
                guard cell.value(of: axis.axis) != nil else { return nil }
                return "\(axis.axis) = \(axis.displayLabels[axis.levelOfCell[summary.cell]])"
            }
            let classifies = plan.task == .classification
            curves.append(Curve(
                cell: summary.cell, rank: summary.rank,
                configuration: configuration,
                train: Self.mean(runs) { $0.trainLoss }, validation: Self.mean(runs) { $0.validationLoss },
                metricTrain: classifies ? Self.mean(runs) { $0.trainAccuracy } : [],
                metricValidation: Self.mean(runs) { classifies ? $0.validationAccuracy : $0.validationRMSE },
                runs: runs.count))
            if curves.count == count { break }
        }
        self.curves = curves
        let measured = curves.contains { !$0.metricTrain.isEmpty || !$0.metricValidation.isEmpty }
        self.metric = measured ? (plan.task == .classification ? "accuracy" : "rmse") : nil
    }

    /// Per epoch, the mean of `value` over the runs with a finite value at that epoch.
    private static func mean(_ runs: [RunRecord], _ value: (CurvePoint) -> Double?) -> [(epoch: Int, loss: Double)] {
        // Curve points are numbered 1, 2, … (RunRecordCheck holds every folder to it): arrays by
        // epoch, not a dictionary, so a curve of 10^6 epochs costs 10^6 additions.
        let longest = runs.reduce(0) { max($0, $1.curve.count) }
        var sums = [Double](repeating: 0, count: longest)
        var counts = [Int](repeating: 0, count: longest)
        for run in runs {
            for point in run.curve where point.epoch >= 1 && point.epoch <= longest {
                guard let v = value(point), v.isFinite else { continue }
                sums[point.epoch - 1] += v
                counts[point.epoch - 1] += 1
            }
        }
        return (0..<longest).compactMap { counts[$0] == 0 ? nil : ($0 + 1, sums[$0] / Double(counts[$0])) }
    }
}

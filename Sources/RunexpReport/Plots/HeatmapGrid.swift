import RunexpResults
import RunexpPlan

/// The numbers behind one heatmap: a square per pair of values of two axes.
///
/// With `aggregate: mean` a square holds the mean and sd of the objective over the converged runs
/// of every cell with those two values, that is averaged over the other axes. With
/// `aggregate: max` it holds the best cell of the square (best rank, which follows the
/// objective's goal, so for a minimized loss it is the lowest mean) with that cell's mean and sd
/// over its runs.
public struct HeatmapGrid: Sendable {
    /// One square.
    public struct Square: Sendable {
        /// Level indices along x (column) and y (row).
        public let x: Int
        public let y: Int
        /// The aggregated objective; nil when no run of the square converged or no cell has the pair.
        public let value: Double?
        /// Standard deviation of the runs behind `value`; nil below two runs.
        public let sd: Double?
        /// Converged runs behind `value`.
        public let runs: Int
        /// Diverged runs among the square's cells (every cell, also for `max`).
        public let failed: Int
        /// Cells with this pair of values.
        public let cells: Int
    }

    /// What was asked for.
    public let heatmap: Heatmap
    /// Columns.
    public let xLevels: AxisLevels
    /// Rows, the first at the top.
    public let yLevels: AxisLevels
    /// Row-major squares: row y, column x at `y * xLevels.count + x`.
    public let squares: [Square]
    /// The objective.
    public let objective: Objective
    /// The plan's other axes, which each square averages over.
    public let otherAxes: [String]

    /// Aggregates `data` for `heatmap`.
    public init(_ data: ObjectiveData, heatmap: Heatmap) {
        self.heatmap = heatmap
        objective = data.objective
        otherAxes = data.plan.axes.map(\.name).filter { $0 != heatmap.x && $0 != heatmap.y }
        let xLevels = AxisLevels(data.plan, axis: heatmap.x)
        let yLevels = AxisLevels(data.plan, axis: heatmap.y)
        self.xLevels = xLevels
        self.yLevels = yLevels
        var cellsBySquare = [[Int]](repeating: [], count: xLevels.count * yLevels.count)
        for cell in data.plan.cells.indices {
            cellsBySquare[yLevels.levelOfCell[cell] * xLevels.count + xLevels.levelOfCell[cell]].append(cell)
        }
        squares = cellsBySquare.enumerated().map { index, cells in
            let failed = cells.reduce(0) { $0 + data.failedByCell[$1] }
            let values: [Double]
            switch heatmap.aggregate {
            case .mean:
                values = cells.flatMap { data.valuesByCell[$0] }
            case .max:
                let best = cells.filter { !data.valuesByCell[$0].isEmpty }.min { data.rankByCell[$0] < data.rankByCell[$1] }
                values = best.map { data.valuesByCell[$0] } ?? []
            }
            let statistics = MetricStatistics(values)
            return Square(x: index % xLevels.count, y: index / xLevels.count, value: statistics.mean, sd: statistics.sd,
                          runs: values.count, failed: failed, cells: cells.count)
        }
    }

    /// The best square's value under the objective's goal.
    public var bestValue: Double? {
        let values = squares.compactMap(\.value)
        return objective.goal == .maximize ? values.max() : values.min()
    }

    /// `heatmap-<x>-<y>.svg`, with `-max` for `aggregate: max`; characters outside
    /// `[A-Za-z0-9_.-]` become `_`.
    public var fileName: String {
        "heatmap-\(Self.safe(heatmap.x))-\(Self.safe(heatmap.y))\(heatmap.aggregate == .max ? "-max" : "").svg"
    }

    /// `name` with every character outside `[A-Za-z0-9_.-]` as `_`, for a file name.
    static func safe(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) ? $0 : "_" })
    }
}

import RunexpResults
import RunexpPlan

/// The terminal's closing table: the best cells by the objective, mean ± sd, aligned.
public enum BestCellsTable {
    /// Up to `limit` best cells as an aligned text table with a header line.
    public static func render(_ results: ExperimentResults, limit: Int = 10) -> String {
        let plan = results.plan
        let metric = plan.objective.metric
        var rows: [[String]] = [["rank"] + plan.axes.map(\.name) + ["\(metric) (mean ± sd)", "n", "diverged"]]
        for summary in results.ranked.prefix(limit) {
            let cell = plan.cells[summary.cell]
            let statistics = summary.objective(plan)
            let value = statistics.mean.map { mean in
                FixedFormat.string(mean, digits: 4) + " ± " + FixedFormat.string(statistics.sd ?? 0, digits: 4)
            } ?? "—"
            rows.append([String(summary.rank)] + plan.axisTexts(of: cell)
                + [value, String(statistics.n), String(summary.diverged)])
        }
        let columns = rows[0].count
        return TextTable.render(rows, rightAligned: [0, columns - 3, columns - 2, columns - 1])
    }
}

/// Aligns rows of cells into columns separated by two spaces.
public enum TextTable {
    /// `rows[0]` is the header; columns in `rightAligned` are padded on the left.
    public static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = Substring(self)
        while result.last == " " { result = result.dropLast() }
        return String(result)
    }
}

import Foundation
import RunexpResults
import RunexpPlan

/// Renders a ``ResultDiff`` as terminal text, a Markdown table for a pull request, or JSON.
public enum DiffRenderer {
    /// Aligned text: plan changes, the cells that changed, counts, and the summary line.
    public static func text(_ diff: ResultDiff, showAll: Bool = false) -> String {
        var text = "runexp diff: \(diff.experiment), \(diff.metric) (\(diff.goal.rawValue))\n"
        text += "  A: \(diff.folderA)\n  B: \(diff.folderB)\n\n"
        text += planSection(diff, bullet: "  - ")
        let shown = diff.common.filter { showAll || $0.verdict == .better || $0.verdict == .worse }
        text += "\ncells in both: \(diff.common.count) (\(identical(diff))\(diff.count(.better)) better, \(diff.count(.worse)) worse, "
        text += "\(diff.count(.withinNoise)) within noise, \(diff.count(.untested)) untested)\n"
        if !shown.isEmpty {
            var rows = [["cell", "A", "B", "Δ", "95% CI", "verdict"]]
            for cell in shown {
                rows.append([cell.values.joined(separator: " "), number(cell.meanA), number(cell.meanB), signed(cell.delta),
                             interval(cell), cell.verdict.rawValue])
            }
            text += TextTable.render(rows, rightAligned: [1, 2, 3])
        }
        text += listing("only in A", diff.onlyA, showAll: showAll)
        text += listing("only in B", diff.onlyB, showAll: showAll)
        text += "\n" + summary(diff) + "\n"
        return text
    }

    /// Rows of the Markdown cell table at the most: every significant cell, then the largest |Δ| of
    /// the rest up to this many, then a line that counts the cells left out.
    public static let markdownRows = 20

    /// `N identical, ` when some cells' runs are the same bits on both sides (else nothing: folders
    /// made before the run cache read as before).
    static func identical(_ diff: ResultDiff) -> String {
        let count = diff.count(.identical)
        return count > 0 ? "\(count) identical, " : ""
    }

    /// A Markdown section fit for a pull-request comment.
    ///
    /// The cell table is always there when any cell is in both folders: the cells whose change is
    /// significant (better, worse) first, in plan order, then the others by |Δ|, largest first, up to
    /// ``markdownRows`` rows; a line counts the rest. The usual pull request (an axis edited, nothing
    /// significant) still shows what moved most. Cells of one side only follow as lists.
    public static func markdown(_ diff: ResultDiff) -> String {
        var text = "### runexp diff: `\(cell: diff.experiment)`, \(diff.metric) (\(diff.goal.rawValue))\n\n"
        text += "**\(cell: summary(diff))**\n\n"
        text += "#### Plan\n\n" + (diff.planChanges.isEmpty ? "No plan changes.\n" : planSection(diff, bullet: "- "))
        text += "\n#### Cells\n\n"
        text += "\(diff.common.count) in both: \(identical(diff))\(diff.count(.better)) better, \(diff.count(.worse)) worse, "
        text += "\(diff.count(.withinNoise)) within noise, \(diff.count(.untested)) untested; "
        text += "\(diff.onlyA.count) only in A, \(diff.onlyB.count) only in B.\n\n"
        let rows = markdownCells(diff)
        if !rows.isEmpty {
            text += "| cell | A | B | Δ | 95% CI | verdict |\n|---|---:|---:|---:|---|---|\n"
            for cell in rows {
                text += "| \(cell: cell.values.joined(separator: " ")) | \(number(cell.meanA)) | \(number(cell.meanB)) | \(signed(cell.delta)) | \(interval(cell)) | \(cell.verdict.rawValue) |\n"
            }
            if rows.count < diff.common.count {
                text += "\n\(diff.common.count - rows.count) more cells in both, none significant, are not shown (`--format json` lists every cell).\n"
            }
        }
        for (title, cells) in [("Only in A", diff.onlyA), ("Only in B", diff.onlyB)] where !cells.isEmpty {
            text += "\n\(title): \(cells.count) cells\n\n"
            text += cells.prefix(10).map { "- \(cell: $0.values.joined(separator: " ")): \(number($0.mean))\n" }.joined()
            if cells.count > 10 { text += "- … and \(cells.count - 10) more\n" }
        }
        return text
    }

    /// The cells of the Markdown table, in order (see ``markdown(_:)``).
    static func markdownCells(_ diff: ResultDiff) -> [ResultDiff.CellDelta] {
        let significant = diff.common.filter { $0.verdict == .better || $0.verdict == .worse }
        let room = max(0, markdownRows - significant.count)
        // Stable: equal |Δ| keep plan order; a cell without Δ goes last.
        let others = diff.common.enumerated().filter { $0.element.verdict != .better && $0.element.verdict != .worse }
            .sorted { left, right in
                let a = left.element.delta.map(abs) ?? -1, b = right.element.delta.map(abs) ?? -1
                return a != b ? a > b : left.offset < right.offset
            }
            .prefix(room).map(\.element)
        return significant + others
    }

    /// Machine-readable JSON with sorted keys.
    public static func json(_ diff: ResultDiff) -> String {
        struct Cell: Encodable {
            var id: String
            var values: [String]
            var meanA: Double?, meanB: Double?, delta: Double?, ciLow: Double?, ciHigh: Double?, p: Double?
            var verdict: String
            enum CodingKeys: String, CodingKey {
                case id, values, meanA = "mean_a", meanB = "mean_b", delta, ciLow = "ci_low", ciHigh = "ci_high", p, verdict
            }
        }
        struct Best: Encodable {
            var id: String
            var values: [String]
            var mean: Double?
        }
        struct Document: Encodable {
            var experiment: String, metric: String, goal: String, a: String, b: String
            var planChanges: [String]
            var cells: [Cell]
            var onlyA: [Best], onlyB: [Best]
            var bestA: Best?, bestB: Best?
            var bestVerdict: String
            var bestDelta: Double?
            var regression: Bool
            enum CodingKeys: String, CodingKey {
                case experiment, metric, goal, a, b, planChanges = "plan_changes", cells, onlyA = "only_a", onlyB = "only_b"
                case bestA = "best_a", bestB = "best_b", bestVerdict = "best_verdict", bestDelta = "best_delta", regression
            }
        }
        func round(_ value: Double?) -> Double? { FixedFormat.rounded(value) }
        func best(_ value: ResultDiff.Best?) -> Best? { value.map { Best(id: $0.id, values: $0.values, mean: round($0.mean)) } }
        let document = Document(
            experiment: diff.experiment, metric: diff.metric.description, goal: diff.goal.rawValue, a: diff.folderA, b: diff.folderB,
            planChanges: diff.planChanges,
            cells: diff.common.map { cell in
                Cell(id: cell.id, values: cell.values, meanA: round(cell.meanA), meanB: round(cell.meanB), delta: round(cell.delta),
                     ciLow: round(cell.delta.flatMap { d in cell.halfWidth.map { d - $0 } }),
                     ciHigh: round(cell.delta.flatMap { d in cell.halfWidth.map { d + $0 } }), p: round(cell.p),
                     verdict: cell.verdict.rawValue)
            },
            onlyA: diff.onlyA.compactMap(best), onlyB: diff.onlyB.compactMap(best), bestA: best(diff.bestA), bestB: best(diff.bestB),
            bestVerdict: diff.bestVerdict.rawValue, bestDelta: round(diff.bestDelta), regression: diff.isRegression)
        return ResultTables.json(document)
    }

    /// `best val_accuracy 0.9780 (units=32 ...) → 0.9817 (units=64 ...): Δ +0.0037 ± 0.0120, within noise`.
    public static func summary(_ diff: ResultDiff) -> String {
        func side(_ best: ResultDiff.Best?) -> String {
            guard let best else { return "none" }
            return "\(number(best.mean)) (\(best.values.joined(separator: " ")))"
        }
        var text = "best \(diff.metric) \(side(diff.bestA)) → \(side(diff.bestB))"
        if let delta = diff.bestDelta {
            text += ": Δ \(signed(delta))"
            if let half = diff.bestHalfWidth { text += " ± \(FixedFormat.string(half, digits: 4))" }
        }
        return text + ", \(diff.bestVerdict.rawValue)"
    }

    /// Cells of one side only: the first ten (all with `showAll`), then a count of the rest.
    private static func listing(_ title: String, _ cells: [ResultDiff.Best], showAll: Bool) -> String {
        guard !cells.isEmpty else { return "" }
        let shown = showAll ? cells : Array(cells.prefix(10))
        var text = "\n\(title): \(cells.count) cells\n"
        text += shown.map { "  \($0.values.joined(separator: " "))  \(number($0.mean))\n" }.joined()
        if shown.count < cells.count { text += "  ... and \(cells.count - shown.count) more (--all lists them)\n" }
        return text
    }

    private static func planSection(_ diff: ResultDiff, bullet: String) -> String {
        guard !diff.planChanges.isEmpty else { return "plan: unchanged\n" }
        return "plan changes:\n" + diff.planChanges.map { bullet + $0 + "\n" }.joined()
    }

    private static func number(_ value: Double?) -> String {
        value.map { FixedFormat.string($0, digits: 4) } ?? "—"
    }

    private static func signed(_ value: Double?) -> String {
        guard let value else { return "—" }
        let text = FixedFormat.string(value, digits: 4)
        return text.hasPrefix("-") ? text : "+" + text
    }

    private static func interval(_ cell: ResultDiff.CellDelta) -> String {
        guard let delta = cell.delta, let half = cell.halfWidth else { return "—" }
        return "[\(FixedFormat.string(delta - half, digits: 4)), \(FixedFormat.string(delta + half, digits: 4))]"
    }
}

extension String.StringInterpolation {
    /// Text for a Markdown table cell or inline code: `|` escaped, line breaks as spaces, backticks
    /// dropped, so an axis value cannot break the table a pull-request comment shows.
    mutating func appendInterpolation(cell text: String) {
        var escaped = ""
        for character in text {
            switch character {
            case "|": escaped += "\\|"
            case "\n", "\r", "\r\n": escaped += " "
            case "`": break
            default: escaped.append(character)
            }
        }
        appendLiteral(escaped)
    }
}

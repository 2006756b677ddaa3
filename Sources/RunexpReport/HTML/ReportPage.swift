import RunexpResults
import RunexpPlan

/// `report.html`: one self-contained page about a result folder.
///
/// Everything is inline: CSS in a `<style>` element and the plots as inline SVG, so the page
/// opens offline from any folder and needs no script. A Content-Security-Policy meta tag forbids
/// every fetch, so a page that tried to load anything would show it as a console error. The page
/// is deterministic text except for what provenance.json says (commit, times, host).
public enum ReportPage {
    /// A drawn plot and the file it is also saved as (relative to the result folder).
    public struct Plot: Sendable {
        /// e.g. `plots/effects.svg`.
        public var file: String
        /// The SVG text, as in the file.
        public var svg: String

        /// A plot saved as `file`.
        public init(file: String, svg: String) {
            self.file = file
            self.svg = svg
        }
    }

    /// The page for `results`.
    public static func html(results: ExperimentResults, analysis: EffectAnalysis, heatmaps: [Plot], effects: Plot, parallel: Plot? = nil,
                            curves: Plot?, predictions: Plot? = nil, rungs: Plot? = nil, provenance: ReportProvenance?) -> String {
        let plan = results.plan
        let objective = plan.objective
        var page = HTMLBuilder()
        page.raw("<!DOCTYPE html>")
        page.raw("<html lang=\"en\">")
        page.raw("<head>")
        page.raw("<meta charset=\"utf-8\">")
        page.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        page.raw("<title>\(Markup.escape(plan.name)): runexp report</title>")
        page.raw("<style>\n\(stylesheet)</style>")
        page.raw("</head>")
        page.raw("<body>")
        page.raw("<header>")
        page.element("h1", plan.name)
        if !plan.description.isEmpty { page.element("p", plan.description, class: "lead") }
        page.raw("<p class=\"facts\">" + facts(results, analysis: analysis).map { Markup.escape($0) }.joined(separator: " · ") + "</p>")
        page.raw("</header>")

        page.raw("<section id=\"provenance\">")
        page.element("h2", "Provenance")
        if let provenance {
            page.table(header: nil, rows: provenance.rows.map { [$0.label, $0.value] }, headerColumn: true, class: "keyvalue")
        } else {
            page.element("p", "provenance.json could not be read.")
        }
        page.raw("</section>")

        page.raw("<section id=\"data\">")
        page.element("h2", "Data")
        page.table(header: nil, rows: dataRows(plan), headerColumn: true, class: "keyvalue")
        page.raw("</section>")

        page.raw("<section id=\"best\">")
        page.element("h2", "Best cells")
        page.element("p", "Ranked by the mean \(objective.metric) over each cell's converged runs (\(objective.goal.rawValue)). "
            + "CI: 95% Student-t interval of the mean. Tied: not significantly different from the best cell "
            + "(Welch's t-test, α = 0.05). Cells with a diverged run rank last."
            + (plan.strategy == nil ? "" : " Cells stopped at an earlier rung rank after every cell that went further (the earlier, the lower), "
                + "measured at the epoch they stopped; none of them counts as tied."))
        page.table(header: bestHeader(results), rows: bestRows(results), class: "numbers")
        let range = objective.metric.kind.range
        if results.ranked.prefix(bestRowCount).contains(where: { leaves($0.objective(plan), range) }) {
            page.element("p", clippedNote, class: "note")
        }
        if let best = results.ranked.first {
            page.raw("<div class=\"columns\">")
            page.raw("<div>")
            page.element("h3", "Configuration of the best cell (rank 1)")
            page.table(header: nil, rows: configuration(plan.cells[best.cell], plan: plan), headerColumn: true, class: "keyvalue")
            page.raw("</div>")
            page.raw("<div>")
            page.element("h3", "All metrics of the best cell")
            page.table(header: ["metric", "mean ± sd", "95% CI", "n"], rows: results.metrics.map { metric in
                let statistics = best.metrics[metric] ?? MetricStatistics([])
                return [metric.description, meanSD(statistics), interval(statistics, metric.kind.range), String(statistics.n)]
            }, class: "numbers")
            if results.metrics.contains(where: { leaves(best.metrics[$0] ?? MetricStatistics([]), $0.kind.range) }) {
                page.element("p", clippedNote, class: "note")
            }
            page.raw("</div>")
            page.raw("</div>")
        }
        page.raw("</section>")

        if let rungs, let schedule = RungSchedule(plan) {
            page.raw("<section id=\"rungs\">")
            page.element("h2", "Rungs")
            page.element("p", rungsText(results, schedule: schedule))
            page.figure(rungs)
            page.raw("</section>")
        }

        if let predictions {
            page.raw("<section id=\"predictions\">")
            page.element("h2", plan.task == .classification ? "Confusion matrix of the best cell" : "Predictions of the best cell")
            page.element("p", "The best cell's runs trained again (training is deterministic: each equals its journaled run) "
                + "and asked for the \(results.predictions?.part == .val ? "validation" : "test") rows; \(ResultFiles.predictions) holds every prediction.")
            page.figure(predictions)
            page.raw("</section>")
        }

        page.raw("<section id=\"heatmaps\">")
        page.element("h2", "Heatmaps")
        if plan.report.heatmaps.isEmpty && !heatmaps.isEmpty {
            page.element("p", "The experiment file asks for no heatmap (report.heatmaps), so this one crosses the two axes with the largest share of the variance.")
        }
        if heatmaps.isEmpty { page.element("p", "No heatmap: it needs two axes with at most \(AxisLevels.continuousThreshold) values each.") }
        for plot in heatmaps { page.figure(plot) }
        page.raw("</section>")

        if let parallel {
            page.raw("<section id=\"parallel\">")
            page.element("h2", "Every cell at once")
            page.element("p", "Parallel coordinates: each line is a cell, through the values of its axes to its mean \(objective.metric). "
                + "Where the bright lines gather on an axis, that value goes with the best cells; where they spread, the axis matters little.")
            page.figure(parallel)
            page.raw("</section>")
        }

        page.raw("<section id=\"effects\">")
        page.element("h2", "Effect of each axis")
        page.element("p", analysis.headline, class: "headline")
        if let epochs = analysis.data.rungEpochs {
            page.element("p", "The rungs stopped cells after different epochs, so the heatmaps and the effects below take each run's "
                + "\(plan.objective.metric) at the first rung (\(epochs) epoch\(epochs == 1 ? "" : "s")), where every cell"
                + (plan.strategy?.kind == .hyperband ? " of the first bracket" : "") + " trained alike.")
        }
        if let note = analysis.divergenceNote { page.element("p", note) }
        page.table(header: ["", "share of variance", "", "best value (mean)", "worst value (mean)", "diverged runs by value"],
                   rows: varianceRows(analysis), class: "numbers shares", rawColumns: [2])
        if analysis.method == .oneWay {
            page.element("p", "Share of variance: the part of the total sum of squares of \(objective.metric) over the converged runs "
                + "that each axis' main effect explains (one-way, other axes averaged; a continuous axis by a quadratic fit in its value). "
                + "Noise: differences between the runs of one cell. The rest: interactions between axes.", class: "note")
        } else {
            page.element("p", "Share of variance: the part of the total sum of squares of \(objective.metric) over the converged runs "
                + "that each axis explains. \(analysis.methodNote) Noise: differences between the runs of one cell. "
                + "The rest: what the axes explain together, and interactions.", class: "note")
        }
        page.figure(effects)
        page.raw("</section>")

        page.raw("<section id=\"curves\">")
        page.element("h2", "Learning curves")
        if let curves { page.figure(curves) } else { page.element("p", "No learning curves were recorded.") }
        page.raw("</section>")

        page.raw("<footer>")
        let files = [ResultFiles.experiment, ResultFiles.plan, ResultFiles.runs, ResultFiles.cells, ResultFiles.curves,
                     ResultFiles.summary, ResultFiles.provenance] + (predictions == nil ? [] : [ResultFiles.predictions])
        page.raw("<p>Files: " + files.map { "<a href=\"\($0)\">\($0)</a>" }.joined(separator: " · ") + ". Drawn by runexp.</p>")
        page.raw("</footer>")
        page.raw("</body>")
        page.raw("</html>")
        return page.text
    }

    // MARK: - Parts

    private static func facts(_ results: ExperimentResults, analysis: EffectAnalysis) -> [String] {
        let plan = results.plan
        var facts = ["objective: \(plan.objective.goal.rawValue) \(plan.objective.metric)",
                     "\(plan.cells.count) cells", "\(results.records.count) runs"]
        var per = "\(plan.repetitions) repetition\(plan.repetitions == 1 ? "" : "s")"
        if let folds = plan.data.split.folds { per += " × \(folds) folds" }
        facts.append(per)
        if results.divergedCount > 0 { facts.append("\(results.divergedCount) diverged") }
        facts.append("seed \(plan.seed)")
        return facts
    }

    /// The data and how each run prepares it (every statistic from its own training rows).
    static func dataRows(_ plan: Plan) -> [[String]] {
        let data = plan.data
        var rows: [[String]] = [["file", data.file]]
        if let testFile = data.testFile { rows.append(["test file", testFile + " (every run's test part)"]) }
        rows.append(["task", plan.task == .regression
            ? "regression of \(data.target)" + (data.standardizeTarget == true ? " (standardized on each run's training rows)" : "")
            : "classification of \(data.target)" + (data.positive.map { ", positive class \($0)" } ?? "")])
        if !data.exclude.isEmpty { rows.append(["excluded", data.exclude.joined(separator: ", ")]) }
        if data.delimiter != "," { rows.append(["delimiter", data.delimiter == "\t" ? "tab" : data.delimiter]) }
        var split: [String] = []
        if let test = data.split.test { split.append("test \(ScalarSyntax.format(test))") }
        if let validation = data.split.validation { split.append("validation \(ScalarSyntax.format(validation))") }
        if let folds = data.split.folds { split.append("\(folds) folds") }
        split.append(data.split.stratify ? "stratified" : (data.split.shuffle ? "random" : "in file order"))
        rows.append(["split", split.joined(separator: ", ")])
        var preparation = [data.standardize ? "numeric inputs z-scored on each run's training rows" : "inputs as they are"]
        if data.missing != .error { preparation.append("empty numbers filled with the training rows' \(data.missing)") }
        rows.append(["preparation", preparation.joined(separator: "; ")])
        for column in data.columns {
            var text = column.kind == .categorical ? "categorical, one-hot over the training rows' categories" : "numeric"
            if let missing = column.missing { text += ", empty cells: \(missing)" }
            if column.indicator { text += ", with a was-empty input" }
            rows.append([column.name, text])
        }
        return rows
    }

    /// What the rungs did: their epochs, the cells each trained, and the epochs trained against the full grid's.
    static func rungsText(_ results: ExperimentResults, schedule: RungSchedule) -> String {
        let plan = results.plan
        let strategy = schedule.strategy
        let reached = schedule.epochs.indices.map(schedule.cellsTraining(rung:))
        let trained = results.records.reduce(0) { $0 + $1.epochsRun }
        let full = plan.curvePoints ?? 0
        let share = full > 0 ? " (" + FixedFormat.string(100 * Double(trained) / Double(full), digits: 1) + "%)" : ""
        return (strategy.kind == .halving ? "Successive halving" : "Hyperband, \(schedule.brackets.count) brackets")
            + " over epochs: rungs at \(schedule.epochs.map(String.init).joined(separator: ", ")) epochs trained "
            + reached.map(String.init).joined(separator: " → ") + " cells; after each rung the best 1/\(strategy.factor) of the cells "
            + "by mean \(plan.objective.metric) went on from their weights. "
            + "The runs trained \(trained) epochs; the full grid would have trained up to \(full)\(share)."
    }

    private static func bestHeader(_ results: ExperimentResults) -> [String] {
        let plan = results.plan
        var header = ["rank"] + plan.axes.map(\.name) + ["\(plan.objective.metric) mean ± sd", "95% CI"]
        if let test = testCounterpart(results) { header.append("\(test) mean") }
        return header + ["n", "diverged", "tied"]
    }

    /// Rows of the best-cells table.
    static let bestRowCount = 10

    private static func bestRows(_ results: ExperimentResults, limit: Int = bestRowCount) -> [[String]] {
        let plan = results.plan
        let test = testCounterpart(results)
        return results.ranked.prefix(limit).map { summary in
            let statistics = summary.objective(plan)
            var row = [String(summary.rank)] + plan.axisTexts(of: plan.cells[summary.cell]).map { $0.isEmpty ? "—" : $0 }
            row += [meanSD(statistics), interval(statistics, plan.objective.metric.kind.range)]
            if let test { row.append(summary.metrics[test]?.mean.map { FixedFormat.string($0, digits: 4) } ?? "—") }
            row += [String(statistics.n), String(summary.diverged), summary.tiedWithBest ? "yes" : ""]
            return row
        }
    }

    /// `test_accuracy` for a `val_accuracy` objective when the experiment measures it.
    private static func testCounterpart(_ results: ExperimentResults) -> MetricName? {
        let metric = results.plan.objective.metric
        guard metric.split == .val else { return nil }
        let test = MetricName(split: .test, kind: metric.kind)
        return results.metrics.contains(test) ? test : nil
    }

    private static func configuration(_ cell: Cell, plan: Plan) -> [[String]] {
        var rows: [[String]] = [["cell id", cell.id]]
        rows += cell.values.map { [$0.axis, $0.value.description] }
        rows.append(["model", cell.modelDescription])
        rows.append(["optimizer", cell.training.optimizerDescription])
        rows.append(["training", cell.training.summary])
        let training = cell.training
        let weights: String
        switch training.classWeight {
        case .none: weights = "none"
        case .balanced: weights = "balanced"
        case .explicit(let map): weights = map.keys.sorted().map { "\($0): \(ScalarSyntax.format(map[$0]!))" }.joined(separator: ", ")
        }
        rows.append(["class weight", weights])
        if let stopping = training.earlyStopping {
            rows.append(["early stopping", "monitor \(stopping.monitor.rawValue), patience \(stopping.patience), "
                + "min delta \(ScalarSyntax.format(stopping.minDelta))"
                + (stopping.restoreBestWeights ? ", restores the best weights" : "")])
        }
        let split = plan.data.split
        var parts: [String] = []
        if let test = split.test { parts.append("test \(ScalarSyntax.format(test))") }
        if let validation = split.validation { parts.append("validation \(ScalarSyntax.format(validation))") }
        if let folds = split.folds { parts.append("\(folds)-fold cross-validation") }
        if split.stratify { parts.append("stratified") }
        if !split.shuffle { parts.append("in file order") }
        rows.append(["data", "\(plan.data.file), target \(plan.data.target)"
            + (plan.data.standardize ? ", standardized" : "") + "; split: " + parts.joined(separator: ", ")])
        return rows
    }

    private static func varianceRows(_ analysis: EffectAnalysis) -> [[String]] {
        var rows: [[String]] = analysis.byShare.map { effect in
            let best = analysis.bestLevel(of: effect), worst = analysis.worstLevel(of: effect)
            let failed = effect.perLevel.reduce(0) { $0 + $1.failed }
            let failures = effect.levels.isContinuous
                ? (failed > 0 ? String(failed) : "")
                : effect.perLevel.filter { $0.failed > 0 }.map { "\($0.label): \($0.failed)" }.joined(separator: ", ")
            return [effect.axis, EffectAnalysis.percent(effect.share), bar(effect.share),
                    effect.levels.isContinuous ? "(continuous)" : levelText(best),
                    effect.levels.isContinuous ? "" : levelText(worst), failures]
        }
        rows.append(["noise (between runs of a cell)", EffectAnalysis.percent(analysis.withinShare), bar(analysis.withinShare), "", "", ""])
        rows.append(["the rest (interactions)", EffectAnalysis.percent(analysis.restShare), bar(analysis.restShare), "", "", ""])
        return rows
    }

    private static func levelText(_ level: AxisEffect.Level?) -> String {
        guard let level, let mean = level.statistics.mean else { return "—" }
        return "\(level.label) (\(FixedFormat.string(mean, digits: 4)))"
    }

    private static func bar(_ share: Double?) -> String {
        let width = FixedFormat.string(min(1, max(0, share ?? 0)) * 100, digits: 1)
        return "<span class=\"bar\" style=\"width: \(width)%\"></span>"
    }

    private static func meanSD(_ statistics: MetricStatistics) -> String {
        guard let mean = statistics.mean else { return "—" }
        return FixedFormat.string(mean, digits: 4) + " ± " + (statistics.sd.map { FixedFormat.string($0, digits: 4) } ?? "—")
    }

    /// `[0.9412, 0.9871]`; an end past the metric's range shows the range's edge and a mark
    /// (`[0.9412, 1▲]`), the stored interval staying whole (``clippedNote``).
    private static func interval(_ statistics: MetricStatistics, _ range: MetricRange) -> String {
        guard let low = statistics.ciLow, let high = statistics.ciHigh else { return "—" }
        let bottom = range.clamped(low), top = range.clamped(high)
        return "[" + FixedFormat.string(bottom, digits: 4) + (bottom != low ? "▼" : "") + ", "
            + FixedFormat.string(top, digits: 4) + (top != high ? "▲" : "") + "]"
    }

    /// Whether `statistics`' interval leaves `range`.
    private static func leaves(_ statistics: MetricStatistics, _ range: MetricRange) -> Bool {
        [statistics.ciLow, statistics.ciHigh].contains { end in end.map { range.clamped($0) != $0 } ?? false }
    }

    static let clippedNote = "▲ ▼: the interval leaves the metric's range and is shown to its edge; cells.csv keeps the whole interval."

    static let stylesheet = """
        :root { color-scheme: light; }
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1a1a1a;
          background: #ffffff; max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
        h1 { font-size: 28px; margin: 0 0 4px; }
        h2 { font-size: 21px; margin: 36px 0 8px; padding-top: 12px; border-top: 1px solid #dddddd; }
        h3 { font-size: 16px; margin: 20px 0 6px; }
        .lead { font-size: 17px; margin: 0 0 6px; color: #333333; }
        .facts { color: #555555; margin: 0; }
        .headline { font-size: 16px; font-weight: 600; }
        .note { color: #555555; font-size: 13px; }
        table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13.5px; }
        th, td { padding: 3px 8px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
        .columns { display: flex; flex-wrap: wrap; gap: 0 40px; align-items: flex-start; }
        .columns > div { flex: 1 1 420px; min-width: 0; }
        thead th { border-bottom: 2px solid #bbbbbb; white-space: nowrap; }
        table.numbers td { font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.keyvalue th { color: #555555; font-weight: normal; white-space: nowrap; }
        table.keyvalue td { word-break: break-all; }
        tbody tr:nth-child(even) { background: #f7f7f7; }
        table.shares td:nth-child(3) { width: 220px; }
        .bar { display: inline-block; height: 10px; background: #3b528b; vertical-align: middle; }
        figure { margin: 16px 0; overflow-x: auto; }
        figure svg { max-width: 100%; height: auto; }
        figcaption { font-size: 13px; color: #555555; }
        footer { margin-top: 40px; color: #555555; font-size: 13px; }
        a { color: #2c5d8f; }

        """
}

/// Accumulates HTML lines; every text goes through ``Markup/escape(_:)`` unless added raw.
struct HTMLBuilder {
    private(set) var lines: [String] = []

    /// The page, ending in a newline.
    var text: String { lines.joined(separator: "\n") + "\n" }

    /// Adds markup as is.
    mutating func raw(_ markup: String) {
        lines.append(markup)
    }

    /// `<tag class="…">escaped text</tag>`.
    mutating func element(_ tag: String, _ text: String, class name: String? = nil) {
        let attribute = name.map { " class=\"\($0)\"" } ?? ""
        lines.append("<\(tag)\(attribute)>\(Markup.escape(text))</\(tag)>")
    }

    /// A table; `headerColumn` makes each row's first cell a `th`; columns in `rawColumns` are markup.
    mutating func table(header: [String]?, rows: [[String]], headerColumn: Bool = false, class name: String,
                        rawColumns: Set<Int> = []) {
        lines.append("<table class=\"\(name)\">")
        if let header {
            lines.append("<thead><tr>" + header.map { "<th>\(Markup.escape($0))</th>" }.joined() + "</tr></thead>")
        }
        lines.append("<tbody>")
        for row in rows {
            let cells = row.enumerated().map { index, cell -> String in
                let content = rawColumns.contains(index) ? cell : Markup.escape(cell)
                let tag = headerColumn && index == 0 ? "th" : "td"
                return "<\(tag)>\(content)</\(tag)>"
            }
            lines.append("<tr>" + cells.joined() + "</tr>")
        }
        lines.append("</tbody>")
        lines.append("</table>")
    }

    /// The plot's SVG inline, with a caption linking its file.
    mutating func figure(_ plot: ReportPage.Plot) {
        lines.append("<figure>")
        lines.append(plot.svg.hasSuffix("\n") ? String(plot.svg.dropLast()) : plot.svg)
        lines.append("<figcaption><a href=\"\(Markup.escape(plot.file))\">\(Markup.escape(plot.file))</a></figcaption>")
        lines.append("</figure>")
    }
}

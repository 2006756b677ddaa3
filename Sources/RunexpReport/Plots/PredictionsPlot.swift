import Foundation
import RunexpResults
import RunexpPlan

/// The best cell's predictions (``Predictions``) as SVG: a confusion matrix for a classification,
/// predicted against actual values with their residuals for a regression.
public enum PredictionsPlot {
    /// The file the plot is saved as.
    public static let file = "plots/predictions.svg"

    /// The plot of `results.predictions`, nil without predictions.
    public static func plot(_ results: ExperimentResults) -> ReportPage.Plot? {
        guard let predictions = results.predictions, !predictions.rows.isEmpty else { return nil }
        let cell = results.plan.cells.indices.contains(predictions.cell) ? results.plan.axisTexts(of: results.plan.cells[predictions.cell]) : []
        let values = zip(results.plan.axes.map(\.name), cell).map { "\($0)=\($1)" }.joined(separator: " ")
        let part = predictions.part == .test ? "test" : "validation"
        let runs = Set(predictions.rows.map(\.run.index)).count
        let subtitle = "Best cell\(values.isEmpty ? "" : " (\(values))"): its \(runs) run\(runs == 1 ? "" : "s") on the \(part) rows, \(predictions.rows.count) predictions."
        let svg = switch results.plan.task {
        case .classification: confusion(predictions, classes: results.classes, subtitle: subtitle)
        case .regression: scatter(predictions, target: results.plan.data.target, subtitle: subtitle)
        }
        return ReportPage.Plot(file: file, svg: svg)
    }

    /// Counts of (actual, predicted) pairs over the runs; each row coloured by its share of the
    /// actual class, so a good classifier reads as a bright diagonal whatever the class sizes.
    static func confusion(_ predictions: Predictions, classes: [String], subtitle: String) -> String {
        let count = classes.count
        let counts = predictions.confusion(classCount: count)
        let annotated = count <= 12
        let square = annotated ? max(44, min(72, 560 / Double(max(count, 1)))) : max(6, 560 / Double(max(count, 1)))
        let labels = classes.map { SVGDocument.fit($0, width: 160, size: 12) }
        let labelWidth = labels.map { SVGDocument.textWidth($0, size: 12) }.max() ?? 0
        let left = 56 + labelWidth, top = 96.0
        let side = square * Double(count)
        let title = "Confusion matrix of the best cell"
        let note = "Rows: actual class; columns: predicted (argmax). Colour: the share of the actual class's rows; numbers: rows over all runs."
        let width = max(left + side + 40, 40 + SVGDocument.textWidth(subtitle, size: 12), 40 + SVGDocument.textWidth(note, size: 11))
        let height = top + side + (annotated ? 60 : 40)
        var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        svg.text(note, x: 20, y: 68, size: 11, fill: "#444444")
        for actual in 0..<count {
            let total = counts[actual].reduce(0, +)
            for predicted in 0..<count {
                let share = total > 0 ? Double(counts[actual][predicted]) / Double(total) : 0
                let x = left + Double(predicted) * square, y = top + Double(actual) * square
                svg.rect(x: x, y: y, width: square, height: square, fill: total > 0 ? Viridis.color(share) : "#eeeeee", stroke: "#ffffff")
                if annotated {
                    let ink = total > 0 ? Viridis.textColor(on: share) : "#555555"
                    svg.text(String(counts[actual][predicted]), x: x + square / 2, y: y + square / 2 + 5, size: 13, anchor: .middle,
                             bold: actual == predicted, fill: ink)
                }
            }
        }
        if annotated {
            for (index, label) in labels.enumerated() {
                svg.text(label, x: left - 8, y: top + (Double(index) + 0.5) * square + 4, size: 12, anchor: .end)
                svg.text(label, x: left + (Double(index) + 0.5) * square, y: top + side + 18, size: 12, anchor: .middle)
            }
        }
        svg.text("predicted", x: left + side / 2, y: top + side + (annotated ? 40 : 20), size: 13, anchor: .middle, bold: true)
        svg.text("actual", x: 22, y: top + side / 2, size: 13, anchor: .middle, bold: true, rotation: -90)
        return svg.text
    }

    /// At most this many points are drawn (evenly through the rows, in order); the rest only
    /// widen the axes.
    static let drawnPoints = 4_000

    /// Predicted against actual (the diagonal is perfect), and the residuals against the prediction.
    static func scatter(_ predictions: Predictions, target: String, subtitle: String) -> String {
        var pairs: [(actual: Double, predicted: Double)] = []
        for row in predictions.rows {
            if case .number(let actual) = row.actual, case .number(let predicted) = row.predicted { pairs.append((actual, predicted)) }
        }
        let all = pairs.flatMap { [$0.actual, $0.predicted] }
        let (low, high) = PlotScale.paddedDomain(low: all.min() ?? 0, high: all.max() ?? 1)
        let residuals = pairs.map { $0.actual - $0.predicted }
        let spread = max(residuals.map(abs).max() ?? 1, 1e-12)
        let panel = 320.0, top = 96.0, left = 76.0, gap = 96.0
        let title = "Predicted against actual \(target), best cell"
        let note = "Left: each dot a row as one run predicted it; on the diagonal the prediction is exact. Right: residual (actual − predicted)."
        let width = max(left + 2 * panel + gap + 30, 40 + SVGDocument.textWidth(subtitle, size: 12), 40 + SVGDocument.textWidth(note, size: 11))
        let height = top + panel + 56
        var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        svg.text(note, x: 20, y: 68, size: 11, fill: "#444444")

        let x = PlotScale(low: low, high: high, from: left, to: left + panel)
        let y = PlotScale(low: low, high: high, from: top + panel, to: top)
        let rightLeft = left + panel + gap
        let rx = PlotScale(low: low, high: high, from: rightLeft, to: rightLeft + panel)
        let ry = PlotScale(low: -spread * 1.08, high: spread * 1.08, from: top + panel, to: top)
        for (frame, _) in [(left, 0), (rightLeft, 1)] {
            svg.rect(x: frame, y: top, width: panel, height: panel, fill: "#fafafa", stroke: "#bbbbbb")
        }
        let ticks = x.ticks(count: 5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for tick in ticks {
            let label = PlotScale.label(tick, step: step)
            svg.line(x1: x(tick), y1: top + panel, x2: x(tick), y2: top + panel + 4, stroke: "#444444")
            svg.text(label, x: x(tick), y: top + panel + 17, size: 11, anchor: .middle)
            svg.line(x1: left - 4, y1: y(tick), x2: left, y2: y(tick), stroke: "#444444")
            svg.text(label, x: left - 7, y: y(tick) + 4, size: 11, anchor: .end)
            svg.line(x1: rx(tick), y1: top + panel, x2: rx(tick), y2: top + panel + 4, stroke: "#444444")
            svg.text(label, x: rx(tick), y: top + panel + 17, size: 11, anchor: .middle)
        }
        let residualTicks = ry.ticks(count: 5)
        let residualStep = residualTicks.count > 1 ? residualTicks[1] - residualTicks[0] : 1
        for tick in residualTicks {
            svg.line(x1: rightLeft - 4, y1: ry(tick), x2: rightLeft, y2: ry(tick), stroke: "#444444")
            svg.text(PlotScale.label(tick, step: residualStep), x: rightLeft - 7, y: ry(tick) + 4, size: 11, anchor: .end)
        }
        svg.line(x1: x(low), y1: y(low), x2: x(high), y2: y(high), stroke: "#888888", dash: "4 3")
        svg.line(x1: rightLeft, y1: ry(0), x2: rightLeft + panel, y2: ry(0), stroke: "#888888", dash: "4 3")
        let stride = max(1, (pairs.count + drawnPoints - 1) / drawnPoints)
        for index in Swift.stride(from: 0, to: pairs.count, by: stride) {
            let pair = pairs[index]
            svg.circle(cx: x(pair.actual), cy: y(pair.predicted), r: 2.5, fill: Viridis.color(0.3), opacity: 0.55)
            svg.circle(cx: rx(pair.predicted), cy: ry(pair.actual - pair.predicted), r: 2.5, fill: Viridis.color(0.3), opacity: 0.55)
        }
        svg.text("actual \(target)", x: left + panel / 2, y: top + panel + 40, size: 13, anchor: .middle, bold: true)
        svg.text("predicted", x: 22, y: top + panel / 2, size: 13, anchor: .middle, bold: true, rotation: -90)
        svg.text("predicted \(target)", x: rightLeft + panel / 2, y: top + panel + 40, size: 13, anchor: .middle, bold: true)
        svg.text("residual", x: rightLeft - 52, y: top + panel / 2, size: 13, anchor: .middle, bold: true, rotation: -90)
        return svg.text
    }
}

import Foundation
import RunexpResults
import RunexpPlan

/// The search as parallel coordinates: a vertical axis per search axis (plan order) and a last one
/// for the objective; each cell with a converged run is a line through its values to its mean
/// objective, coloured by its rank (viridis, the best yellow: by rank rather than by value, so a few
/// far-off cells do not leave every other line the same colour). Categorical axes hold their values as
/// ordered ticks, continuous ones their numeric (or log10) scale. The best cells (rank 1 to
/// ``highlighted``) are drawn last, thicker and labelled with their rank; at most ``drawnCells``
/// cells are drawn, the best ones.
public enum ParallelCoordinatesPlot {
    /// The file the plot is saved as.
    public static let file = "plots/parallel.svg"
    static let highlighted = 5
    static let drawnCells = 2_000
    static let spacing = 150.0
    static let plotHeight = 340.0

    /// The plot of `data`, nil without an axis or a converged run.
    public static func plot(_ data: ObjectiveData) -> ReportPage.Plot? {
        let plan = data.plan
        let levels = plan.axes.map { AxisLevels(plan, axis: $0.name) }
        let means = data.meanByCell
        let values = means.compactMap { $0 }
        guard !levels.isEmpty, let low = values.min(), let high = values.max() else { return nil }
        let metric = data.objective.metric.description
        // The best cells by rank, at most drawnCells of them; drawn from the worst up.
        let ranked = plan.cells.indices.filter { means[$0] != nil }.sorted { (data.rankByCell[$0], $0) < (data.rankByCell[$1], $1) }
        let drawn = Array(ranked.prefix(drawnCells))
        var colour: [Int: String] = [:]
        for (position, cell) in ranked.enumerated() {
            colour[cell] = Viridis.color(ranked.count > 1 ? 1 - Double(position) / Double(ranked.count - 1) : 1)
        }
        let title = "Parallel coordinates: every cell with a converged run, by \(metric)"
        let subtitle = "Each line a cell through its axis values to its mean \(metric) (last axis); colour by rank, brighter is better. "
            + "Thick, with their rank: the \(min(highlighted, drawn.count)) best."
        let failed = plan.cells.count - ranked.count
        var note = failed > 0 ? "\(failed) cell\(failed == 1 ? "" : "s") without a converged run are left out." : ""
        if ranked.count > drawn.count { note += (note.isEmpty ? "" : " ") + "The \(drawn.count) best of \(ranked.count) cells are drawn." }
        let columnLabels = levels.map(\.axis) + [metric]
        let left = 60.0, top = note.isEmpty ? 96.0 : 110.0
        let width = max(left + Double(levels.count) * spacing + 120, 20 + SVGDocument.textWidth(subtitle, size: 12) + 20)
        let height = top + plotHeight + 40
        var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        if !note.isEmpty { svg.text(note, x: 20, y: 66, size: 11, fill: "#444444") }
        func column(_ index: Int) -> Double { left + Double(index) * spacing }
        let scales = levels.map { LevelScale($0, from: top + plotHeight, to: top) }
        let range = data.objective.metric.kind.range
        var (objectiveLow, objectiveHigh) = PlotScale.paddedDomain(low: low, high: high)
        objectiveLow = min(low, range.clamped(objectiveLow))
        objectiveHigh = max(high, range.clamped(objectiveHigh))
        let objective = PlotScale(low: objectiveLow, high: objectiveHigh, from: top + plotHeight, to: top)
        let bestFirst = Set(drawn.prefix(highlighted))
        for cell in drawn.reversed() where !bestFirst.contains(cell) { line(cell, width: 1, opacity: 0.55) }
        for cell in drawn.prefix(highlighted).reversed() { line(cell, width: 3, opacity: 1) }
        func line(_ cell: Int, width: Double, opacity: Double) {
            guard let mean = means[cell] else { return }
            var points = scales.enumerated().map { index, scale in (x: column(index), y: scale.position(scale.levels.levelOfCell[cell])) }
            points.append((column(levels.count), objective(mean)))
            svg.polyline(points, stroke: colour[cell] ?? "#888888", width: width, opacity: opacity)
        }
        for (index, label) in columnLabels.enumerated() {
            let x = column(index)
            svg.line(x1: x, y1: top, x2: x, y2: top + plotHeight, stroke: "#555555", width: 1.5)
            svg.text(SVGDocument.fit(label, width: spacing - 12, size: 12), x: x, y: top - 14, size: 12, anchor: .middle, bold: true)
        }
        for (index, scale) in scales.enumerated() {
            for tick in scale.ticks() {
                svg.line(x1: column(index) - 4, y1: tick.position, x2: column(index), y2: tick.position, stroke: "#444444")
                svg.text(SVGDocument.fit(tick.label, width: spacing / 2, size: 10), x: column(index) - 7, y: tick.position + 4, size: 10,
                         anchor: .end)
            }
        }
        let ticks = objective.ticks(count: 5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let objectiveColumn = column(levels.count)
        for tick in ticks {
            svg.line(x1: objectiveColumn, y1: objective(tick), x2: objectiveColumn + 4, y2: objective(tick), stroke: "#444444")
            svg.text(PlotScale.label(tick, step: step), x: objectiveColumn + 7, y: objective(tick) + 4, size: 10)
        }
        // The best cells' ranks beside their ends, pushed apart where their means are close.
        var previous = -Double.infinity
        let labels = drawn.prefix(highlighted).enumerated().compactMap { rank, cell in means[cell].map { (rank: rank + 1, y: objective($0)) } }
        var placed: [(rank: Int, y: Double)] = []
        for label in labels.sorted(by: { ($0.y, $0.rank) < ($1.y, $1.rank) }) {
            previous = max(label.y, previous + 12)
            placed.append((label.rank, previous))
        }
        // A stack pushed past the bottom moves up as a whole.
        let overflow = max(0, (placed.last?.y ?? 0) - (top + plotHeight))
        for label in placed {
            svg.text("#\(label.rank)", x: objectiveColumn + 48, y: label.y - overflow + 4, size: 10, bold: true, fill: "#222222")
        }
        return ReportPage.Plot(file: file, svg: svg.text)
    }
}

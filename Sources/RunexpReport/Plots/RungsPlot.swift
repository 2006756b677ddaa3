import RunexpResults
import RunexpPlan

/// A halving search's rungs as SVG: the objective of each cell (the mean over its runs) at every
/// rung it reached, one line per cell. Cells that went on to the last rung are coloured by their
/// final rank (viridis, the best yellow and drawn last, on top), cells stopped early are grey; the
/// rungs are evenly spaced across, labelled with their epochs and how many cells trained them.
public enum RungsPlot {
    /// The file the plot is saved as.
    public static let file = "plots/rungs.svg"
    /// At most this many cells are drawn, the best by rank; the note says so.
    static let drawnCells = 2_000

    /// A cell's line: its mean objective at each rung (nil where it has none).
    struct Line {
        var cell: Int
        var means: [Double?]
        var reachedLast: Bool
        var rank: Int
    }

    /// The plot of `results`, nil without a halving strategy or a value to draw.
    public static func plot(_ results: ExperimentResults) -> ReportPage.Plot? {
        let plan = results.plan
        guard let schedule = RungSchedule(plan) else { return nil }
        let epochs = schedule.epochs
        let lines = lines(results, rungs: epochs.count)
        let values = lines.flatMap { $0.means.compactMap { $0 } }
        guard let low = values.min(), let high = values.max() else { return nil }
        // The axis spans the cells that went past their first rung (where the choices are close);
        // cells stopped below it are drawn on its edge, and the note counts them.
        let wentOn = lines.filter { $0.means.compactMap { $0 }.count > 1 }.flatMap { $0.means.compactMap { $0 } }
        let better = plan.objective.goal == .maximize
        let edge = better ? (wentOn.min() ?? low) : (wentOn.max() ?? high)
        let (domainLow, domainHigh) = PlotScale.paddedDomain(low: better ? edge : low, high: better ? high : edge)
        let clipped = lines.filter { $0.means.contains { $0.map { $0 < domainLow || $0 > domainHigh } ?? false } }.count
        let trained = epochs.indices.map(schedule.cellsTraining(rung:))
        let kind = plan.strategy?.kind.rawValue ?? "halving"
        let title = "Rungs of the \(kind) search: \(plan.objective.metric) per cell"
        let subtitle = "Each line a cell: the mean over its runs at each rung it trained. Coloured: the \(lines.filter(\.reachedLast).count) cells "
            + "that reached the last rung, by rank (best yellow, on top); grey: cells stopped early."
        var notes: [String] = []
        if clipped > 0 {
            let (side, edge) = better ? ("below", "bottom") : ("above", "top")
            notes.append("\(clipped) cell\(clipped == 1 ? " has a value" : "s have values") \(side) the axis, drawn on its \(edge) edge (▲).")
        }
        if lines.count > drawnCells { notes.append("The \(drawnCells) best of \(lines.count) cells are drawn.") }
        let note = notes.isEmpty ? nil : notes.joined(separator: " ")
        let left = 76.0, top = note == nil ? 74.0 : 92.0, plotHeight = 300.0
        let width = max(620, 40 + SVGDocument.textWidth(subtitle, size: 12)).rounded(.up)
        let plotWidth = width - left - 60
        let height = top + plotHeight + 56
        var svg = SVGDocument(width: width, height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        if let note { svg.text(note, x: 20, y: 68, size: 11, fill: "#444444") }
        let y = PlotScale(low: domainLow, high: domainHigh, from: top + plotHeight, to: top)
        func x(_ rung: Int) -> Double { left + (epochs.count > 1 ? Double(rung) / Double(epochs.count - 1) : 0.5) * plotWidth }
        svg.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "#fafafa", stroke: "#bbbbbb")
        let ticks = y.ticks(count: 5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for tick in ticks {
            svg.line(x1: left - 4, y1: y(tick), x2: left + plotWidth, y2: y(tick), stroke: "#e4e4e4")
            svg.text(PlotScale.label(tick, step: step), x: left - 7, y: y(tick) + 4, size: 11, anchor: .end)
        }
        for rung in epochs.indices {
            svg.line(x1: x(rung), y1: top, x2: x(rung), y2: top + plotHeight, stroke: "#d0d0d0")
            let label = "\(epochs[rung]) epoch\(epochs[rung] == 1 ? "" : "s")"
            svg.text(label, x: x(rung), y: top + plotHeight + 18, size: 11, anchor: .middle, bold: true)
            svg.text("\(trained[rung]) cell\(trained[rung] == 1 ? "" : "s")", x: x(rung), y: top + plotHeight + 33, size: 11,
                     anchor: .middle, fill: "#444444")
        }
        svg.text(plan.objective.metric.description, x: 22, y: top + plotHeight / 2, size: 13, anchor: .middle, bold: true, rotation: -90)
        // Grey first, then the finalists from the worst to the best, so the best is on top.
        // Past drawnCells lines, the best by rank (every finalist ranks before every stopped cell).
        let shown = lines.count <= drawnCells ? lines : lines.filter { $0.rank <= drawnCells }
        let finalists = shown.filter(\.reachedLast).sorted { $0.rank > $1.rank }
        let count = max(1, finalists.count - 1)
        for line in shown where !line.reachedLast { draw(line, color: "#c4c4c4", width: 1, x: x, y: y, into: &svg) }
        for (position, line) in finalists.enumerated() {
            draw(line, color: Viridis.color(Double(position) / Double(count)), width: position == finalists.count - 1 ? 3 : 1.5,
                 x: x, y: y, into: &svg)
        }
        return ReportPage.Plot(file: file, svg: svg.text)
    }

    /// Each cell's mean objective at each rung its runs reached (finite values only), in plan order.
    static func lines(_ results: ExperimentResults, rungs: Int) -> [Line] {
        var sums = [[Double]](repeating: [], count: results.plan.cells.count)
        var counts = [[Int]](repeating: [], count: results.plan.cells.count)
        for record in results.records {
            guard let values = record.rungs else { continue }
            let cell = record.run.cell
            while sums[cell].count < values.count {
                sums[cell].append(0)
                counts[cell].append(0)
            }
            for (rung, value) in values.enumerated() {
                guard let value, value.isFinite else { continue }
                sums[cell][rung] += value
                counts[cell][rung] += 1
            }
        }
        return results.cells.map { summary in
            let cell = summary.cell
            let means = zip(sums[cell], counts[cell]).map { sum, count in count > 0 ? sum / Double(count) : nil }
            return Line(cell: cell, means: means, reachedLast: sums[cell].count == rungs, rank: summary.rank)
        }
    }

    /// A cell's line; a value outside the axis sits on its edge as a small triangle.
    private static func draw(_ line: Line, color: String, width: Double, x: (Int) -> Double, y: PlotScale, into svg: inout SVGDocument) {
        let points = line.means.enumerated().compactMap { rung, mean in
            mean.map { (x: x(rung), y: y(min(max($0, y.low), y.high)), clipped: $0 < y.low || $0 > y.high) }
        }
        if points.count > 1 { svg.polyline(points.map { (x: $0.x, y: $0.y) }, stroke: color, width: width) }
        for point in points {
            if point.clipped {
                svg.text("▲", x: point.x, y: point.y + 4, size: 9, anchor: .middle, fill: color)
            } else {
                svg.circle(cx: point.x, cy: point.y, r: width + 1, fill: color)
            }
        }
    }
}

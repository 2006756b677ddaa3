import Foundation
import RunexpResults
import RunexpPlan

/// Two axes of which one at least is continuous, drawn as what they are: a dot per cell at its two
/// values (numeric, or log10 for a log axis), coloured by the cell's mean objective (viridis,
/// brighter is better), the best cell outlined. Cells without a converged run are hollow grey. A
/// heatmap of drawn values would be a square per sample, most of them empty.
public enum ScatterPlot {
    static let side = 420.0
    /// At most this many cells are drawn, the best; the note says so.
    static let drawnCells = 5_000

    /// `plots/scatter-<x>-<y>.svg` for a heatmap's two axes.
    static func fileName(_ heatmap: Heatmap) -> String {
        "plots/" + HeatmapGrid.safe("scatter-\(heatmap.x)-\(heatmap.y)") + ".svg"
    }

    /// The SVG text of `data` over axes `x` (across) and `y` (up).
    static func svg(_ data: ObjectiveData, x xLevels: AxisLevels, y yLevels: AxisLevels) -> String {
        let metric = data.objective.metric.description
        let means = data.meanByCell
        let values = means.compactMap { $0 }
        let low = values.min() ?? 0, high = values.max() ?? 1
        let maximize = data.objective.goal == .maximize
        func t(_ value: Double) -> Double {
            let u = high > low ? (value - low) / (high - low) : 0.5
            return maximize ? u : 1 - u
        }
        let title = "\(metric): \(xLevels.axis) × \(yLevels.axis)"
        let subtitle = "Each dot a cell at its two values, coloured by its mean \(metric) over its converged runs (brighter is better); "
            + "outlined: the best cell."
        let note = "Hollow grey: every run of the cell diverged."
            + (xLevels.isLogarithmic || yLevels.isLogarithmic ? " Log axes for values drawn log-uniform." : "")
            + (data.plan.cells.count > drawnCells ? " The \(drawnCells) best of \(data.plan.cells.count) cells are drawn." : "")
        let yTicks = LevelScale(yLevels, from: 0, to: 1).ticks()
        let left = 50 + (yTicks.map { SVGDocument.textWidth($0.label, size: 11) }.max() ?? 0), top = 84.0
        let barLeft = left + side + 36
        let width = max(barLeft + 90, 20 + SVGDocument.textWidth(subtitle, size: 12) + 20)
        let height = top + side + 60
        var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        svg.text(note, x: 20, y: 66, size: 11, fill: "#444444")
        let x = LevelScale(xLevels, from: left, to: left + side)
        let y = LevelScale(yLevels, from: top + side, to: top)
        svg.rect(x: left, y: top, width: side, height: side, fill: "#fafafa", stroke: "#bbbbbb")
        for tick in x.ticks() {
            svg.line(x1: tick.position, y1: top + side, x2: tick.position, y2: top + side + 4, stroke: "#444444")
            svg.text(SVGDocument.fit(tick.label, width: 90, size: 11), x: tick.position, y: top + side + 17, size: 11, anchor: .middle)
        }
        for tick in y.ticks() {
            svg.line(x1: left - 4, y1: tick.position, x2: left, y2: tick.position, stroke: "#444444")
            svg.text(SVGDocument.fit(tick.label, width: 90, size: 11), x: left - 7, y: tick.position + 4, size: 11, anchor: .end)
        }
        svg.text(xLevels.axis, x: left + side / 2, y: top + side + 40, size: 13, anchor: .middle, bold: true)
        svg.text(yLevels.axis, x: 18, y: top + side / 2, size: 13, anchor: .middle, bold: true, rotation: -90)

        // Categorical positions are shared by many cells: a small fixed offset per cell keeps them apart.
        func jitter(_ cell: Int, _ levels: AxisLevels) -> Double {
            levels.isContinuous ? 0 : (Double((cell * 7919) % 17) / 16 - 0.5) * min(24, side / Double(max(1, levels.count)) * 0.6)
        }
        let cells = data.plan.cells.indices
        let best = cells.filter { means[$0] != nil }.min { data.rankByCell[$0] < data.rankByCell[$1] }
        // Grey first, then from the worst to the best, so the best is on top.
        let order = cells.sorted { a, b in
            switch (means[a], means[b]) {
            case (nil, nil): return a < b
            case (nil, _): return true
            case (_, nil): return false
            case (let va?, let vb?): return (t(va), b) < (t(vb), a)
            }
        }
        // Past drawnCells, the best cells by rank (and no cell without a value).
        let drawn = cells.count <= drawnCells ? order
            : order.filter { means[$0] != nil && data.rankByCell[$0] <= drawnCells }
        for cell in drawn {
            let cx = x.position(xLevels.levelOfCell[cell]) + jitter(cell, xLevels)
            let cy = y.position(yLevels.levelOfCell[cell]) + jitter(cell + 1, yLevels)
            if let mean = means[cell] {
                svg.circle(cx: cx, cy: cy, r: 6, fill: Viridis.color(t(mean)), stroke: cell == best ? "#000000" : "#ffffff")
            } else {
                svg.circle(cx: cx, cy: cy, r: 5, fill: "none", stroke: "#aaaaaa")
            }
        }
        if let best {
            let cx = x.position(xLevels.levelOfCell[best]) + jitter(best, xLevels)
            let cy = y.position(yLevels.levelOfCell[best]) + jitter(best + 1, yLevels)
            svg.circle(cx: cx, cy: cy, r: 9, fill: "none", stroke: "#000000")
        }
        let ticks = high > low ? PlotScale.niceTicks(low: low, high: high, count: 5) : [low]
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        Viridis.drawScale(into: &svg, left: barLeft, top: top, height: side, ticks: ticks.map { (t($0), PlotScale.label($0, step: step)) })
        return svg.text
    }
}

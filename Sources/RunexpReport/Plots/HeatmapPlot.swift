import Foundation
import RunexpResults
import RunexpPlan

/// Draws a ``HeatmapGrid`` as SVG: coloured squares annotated with mean ± sd, labelled axes, a
/// title and a colour scale.
///
/// Colours come from ``Viridis``, oriented so that brighter is better (yellow marks the best
/// squares whether the objective is maximized or minimized; the legend's numbers say which way
/// the values run). The best square is outlined. Squares with no converged run are light grey and
/// say why. Up to 8 × 10 squares carry text; larger grids are drawn as colour only.
public enum HeatmapPlot {
    /// The SVG text of `grid`.
    public static func svg(_ grid: HeatmapGrid) -> String {
        let columns = grid.xLevels.count, rows = grid.yLevels.count
        let annotated = columns <= 8 && rows <= 10
        let squareWidth = annotated ? 112.0 : max(24, min(64, 800 / Double(max(1, columns))))
        let squareHeight = annotated ? 64.0 : max(18, min(40, 480 / Double(max(1, rows))))
        let values = grid.squares.compactMap(\.value)
        let low = values.min() ?? 0, high = values.max() ?? 1
        let decimals = Self.decimals(range: high - low)
        let maximize = grid.objective.goal == .maximize
        func t(_ value: Double) -> Double {
            let u = high > low ? (value - low) / (high - low) : 0.5
            return maximize ? u : 1 - u
        }

        let xLabels = grid.xLevels.displayLabels.map { SVGDocument.fit($0, width: 200, size: 12) }
        let yLabels = grid.yLevels.displayLabels.map { SVGDocument.fit($0, width: 200, size: 12) }
        let yLabelWidth = yLabels.map { SVGDocument.textWidth($0, size: 12) }.max() ?? 0
        let gridLeft = 44 + yLabelWidth
        let gridTop = 88.0
        let gridWidth = Double(columns) * squareWidth, gridHeight = Double(rows) * squareHeight
        let gridRight = gridLeft + gridWidth, gridBottom = gridTop + gridHeight
        let xLabelWidth = xLabels.map { SVGDocument.textWidth($0, size: 12) }.max() ?? 0
        let rotateX = xLabelWidth > squareWidth - 6
        let xLabelsDepth = rotateX ? xLabelWidth * 0.71 + 16 : 20

        let barLeft = gridRight + 32, barTop = gridTop, barHeight = max(gridHeight, 160), barWidth = 16.0
        let ticks = high > low ? PlotScale.niceTicks(low: low, high: high, count: 5) : [low]
        let tickStep = ticks.count > 1 ? ticks[1] - ticks[0] : 0
        let tickLabels = ticks.map { tickStep > 0 ? PlotScale.label($0, step: tickStep) : FixedFormat.string($0, digits: decimals) }
        let tickWidth = tickLabels.map { SVGDocument.textWidth($0, size: 11) }.max() ?? 0
        let metric = grid.objective.metric.description
        let legendTitleX = barLeft + barWidth + 12 + tickWidth + 18

        let title = "\(metric): \(grid.heatmap.x) × \(grid.heatmap.y)"
        let others = grid.otherAxes
        let subtitle: String
        let legend: String
        switch grid.heatmap.aggregate {
        case .mean:
            subtitle = others.isEmpty
                ? "Each square: mean ± sd of the converged runs with those two values."
                : "Each square: mean ± sd of the converged runs with those two values, averaged over \(EffectAnalysis.list(others))."
            legend = "mean \(metric)"
        case .max:
            subtitle = "Each square: its best cell (by rank), that cell's mean ± sd over its converged runs."
            legend = "best cell's \(metric)"
        }
        let note = (annotated ? "n: converged runs; diverged runs are left out." : "Grey: no converged run; diverged runs are left out.")
            + " Outlined: the best square. Brighter is better (\(grid.objective.goal.rawValue) \(metric))."
        let width = max(legendTitleX + 12, 20 + SVGDocument.textWidth(subtitle, size: 12) + 20,
                        20 + SVGDocument.textWidth(note, size: 11) + 20)
        let height = max(gridBottom + xLabelsDepth + 36, barTop + barHeight + 16)

        var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        svg.text(note, x: 20, y: 68, size: 11, fill: "#444444")

        let best = grid.bestValue
        var bestSquare: HeatmapGrid.Square?
        for square in grid.squares {
            let x = gridLeft + Double(square.x) * squareWidth, y = gridTop + Double(square.y) * squareHeight
            let centerX = x + squareWidth / 2, centerY = y + squareHeight / 2
            guard let value = square.value else {
                svg.rect(x: x, y: y, width: squareWidth, height: squareHeight, fill: "#eeeeee", stroke: "#ffffff")
                if annotated {
                    let reason = square.cells == 0 ? "no cells" : "all \(square.failed) diverged"
                    svg.text(reason, x: centerX, y: centerY + 4, size: 11, anchor: .middle, fill: "#555555")
                }
                continue
            }
            if value == best && bestSquare == nil { bestSquare = square }
            let position = t(value)
            svg.rect(x: x, y: y, width: squareWidth, height: squareHeight, fill: Viridis.color(position), stroke: "#ffffff")
            guard annotated else { continue }
            let ink = Viridis.textColor(on: position)
            svg.text(FixedFormat.string(value, digits: decimals), x: centerX, y: centerY - 8, size: 14, anchor: .middle,
                     bold: true, fill: ink)
            let spread = square.sd.map { "± " + FixedFormat.string($0, digits: decimals) } ?? "± —"
            svg.text(spread, x: centerX, y: centerY + 8, size: 11, anchor: .middle, fill: ink)
            let count = "n=\(square.runs)" + (square.failed > 0 ? ", \(square.failed) diverged" : "")
            svg.text(count, x: centerX, y: centerY + 23, size: 10, anchor: .middle, fill: ink)
        }
        if let square = bestSquare {
            svg.rect(x: gridLeft + Double(square.x) * squareWidth + 1.5, y: gridTop + Double(square.y) * squareHeight + 1.5,
                     width: squareWidth - 3, height: squareHeight - 3, fill: "none", stroke: "#000000", strokeWidth: 3)
        }

        for (index, label) in yLabels.enumerated() {
            svg.text(label, x: gridLeft - 8, y: gridTop + (Double(index) + 0.5) * squareHeight + 4, size: 12, anchor: .end)
        }
        for (index, label) in xLabels.enumerated() {
            let x = gridLeft + (Double(index) + 0.5) * squareWidth
            if rotateX {
                svg.text(label, x: x + 4, y: gridBottom + 12, size: 12, anchor: .end, rotation: -45)
            } else {
                svg.text(label, x: x, y: gridBottom + 18, size: 12, anchor: .middle)
            }
        }
        svg.text(grid.heatmap.x, x: gridLeft + gridWidth / 2, y: gridBottom + xLabelsDepth + 20, size: 13, anchor: .middle, bold: true)
        svg.text(grid.heatmap.y, x: 22, y: gridTop + gridHeight / 2, size: 13, anchor: .middle, bold: true, rotation: -90)

        Viridis.drawScale(into: &svg, left: barLeft, top: barTop, height: barHeight,
                          ticks: zip(ticks, tickLabels).map { (t($0), $1) })
        svg.text(legend, x: legendTitleX, y: barTop + barHeight / 2, size: 12, anchor: .middle, rotation: 90)
        return svg.text
    }

    /// Decimals that show differences within `range`: two more than its first significant digit,
    /// between 1 and 6 (4 for a zero range).
    static func decimals(range: Double) -> Int {
        guard range > 0, range.isFinite else { return 4 }
        return min(6, max(1, Int(ceil(-log10(range))) + 2))
    }
}

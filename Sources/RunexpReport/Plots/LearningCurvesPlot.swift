import RunexpResults

/// Draws ``LearningCurves`` as small multiples in one SVG: a panel per cell, training solid and
/// validation dashed, every panel of a row on the same axes. The first row is the loss; a second
/// row, when the runs measured it, the metric of every epoch (accuracy, or a regression's RMSE).
///
/// The two lines differ in dash as well as colour, so they read in grey. The loss axis starts at
/// 0; the epoch axis runs from 1 to the longest run. Each panel lists the cell's axis values under it.
public enum LearningCurvesPlot {
    static let plotWidth = 190.0
    static let plotHeight = 150.0
    static let gap = 30.0
    static let trainColor = "#440154"
    static let validationColor = "#21918c"

    /// One row of panels: which series of each curve it draws, and its axis label.
    struct Row {
        var label: String
        var series: (LearningCurves.Curve) -> (train: [(epoch: Int, loss: Double)], validation: [(epoch: Int, loss: Double)])
        /// Fractions keep the axis at most 1.
        var fraction: Bool
    }

    /// The SVG text for `curves`; nil when there is no curve to draw.
    public static func svg(_ curves: LearningCurves, metricLabel: String = "loss") -> String? {
        let panels = curves.curves
        guard !panels.isEmpty else { return nil }
        var rows = [Row(label: metricLabel, series: { ($0.train, $0.validation) }, fraction: false)]
        if let metric = curves.metric {
            rows.append(Row(label: metric, series: { ($0.metricTrain, $0.metricValidation) }, fraction: metric == "accuracy"))
        }
        let allPoints = panels.flatMap { panel in rows.flatMap { row in row.series(panel).train + row.series(panel).validation } }
        let lastEpoch = max(2, allPoints.map(\.epoch).max() ?? 2)
        let labelWidths = rows.map { row in axis(row, panels).labels.map { SVGDocument.textWidth($0, size: 11) }.max() ?? 0 }
        let left = 40 + (labelWidths.max() ?? 0)
        let configurationLines = panels.map(\.configuration.count).max() ?? 0
        let top = 84.0
        let rowHeight = 24 + plotHeight + 44
        let title = "Learning curves of the best \(panels.count == 1 ? "cell" : "\(panels.count) cells")"
        let measured = rows.count > 1 ? " and \(rows[1].label)" : ""
        let subtitle = "Mean \(metricLabel)\(measured) per epoch over each cell's converged runs; training solid, validation dashed."
        let width = max(left + Double(panels.count) * (plotWidth + gap), 20 + SVGDocument.textWidth(subtitle, size: 12) + 20)
        let height = top + Double(rows.count) * rowHeight + Double(configurationLines) * 15 + 12

        var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        svg.line(x1: 20, y1: 66, x2: 48, y2: 66, stroke: trainColor, width: 2)
        svg.text("training", x: 54, y: 70, size: 11)
        svg.line(x1: 150, y1: 66, x2: 178, y2: 66, stroke: validationColor, width: 2, dash: "6 4")
        svg.text("validation", x: 184, y: 70, size: 11)

        for (rowIndex, row) in rows.enumerated() {
            draw(row, panels: panels, into: &svg, top: top + Double(rowIndex) * rowHeight, left: left, lastEpoch: lastEpoch)
        }
        let configurationTop = top + Double(rows.count) * rowHeight - 44 + 56
        for (index, panel) in panels.enumerated() {
            for (line, text) in panel.configuration.enumerated() {
                svg.text(SVGDocument.fit(text, width: plotWidth + gap - 6, size: 11), x: left + Double(index) * (plotWidth + gap),
                         y: configurationTop + Double(line) * 15, size: 11)
            }
        }
        return svg.text
    }

    /// The top of `row`'s axis (0 at the bottom) and its tick values and labels.
    static func axis(_ row: Row, _ panels: [LearningCurves.Curve]) -> (top: Double, ticks: [Double], labels: [String]) {
        let highest = panels.flatMap { row.series($0).train + row.series($0).validation }.map(\.loss).max() ?? 1
        var yTop = PlotScale.paddedDomain(low: 0, high: max(highest, 1e-6), padding: 0.04).high
        if row.fraction { yTop = min(yTop, 1) }
        let ticks = PlotScale.niceTicks(low: 0, high: yTop, count: 4)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        return (yTop, ticks, ticks.map { PlotScale.label($0, step: step) })
    }

    /// One row of panels whose plots start at `top` + 24.
    static func draw(_ row: Row, panels: [LearningCurves.Curve], into svg: inout SVGDocument, top: Double, left: Double, lastEpoch: Int) {
        let (yTop, yTicks, yLabels) = axis(row, panels)
        let xStep = max(1, PlotScale.niceStep(Double(lastEpoch - 1) / 4))
        let xTicks = Array(stride(from: (1 / xStep).rounded(.up) * xStep, through: Double(lastEpoch), by: xStep))
        for (index, panel) in panels.enumerated() {
            let panelLeft = left + Double(index) * (plotWidth + gap)
            let panelTop = top + 24
            let x = PlotScale(low: 1, high: Double(lastEpoch), from: panelLeft, to: panelLeft + plotWidth)
            let y = PlotScale(low: 0, high: yTop, from: panelTop + plotHeight, to: panelTop)
            svg.text("rank \(panel.rank)", x: panelLeft, y: panelTop - 10, size: 13, bold: true)
            svg.text("\(panel.runs) run\(panel.runs == 1 ? "" : "s")", x: panelLeft + plotWidth, y: panelTop - 10, size: 11,
                     anchor: .end, fill: "#444444")
            svg.rect(x: panelLeft, y: panelTop, width: plotWidth, height: plotHeight, fill: "#fafafa", stroke: "#cccccc")
            for (tick, label) in zip(yTicks, yLabels) {
                svg.line(x1: panelLeft, y1: y(tick), x2: panelLeft + plotWidth, y2: y(tick), stroke: "#e4e4e4")
                if index == 0 { svg.text(label, x: panelLeft - 7, y: y(tick) + 4, size: 11, anchor: .end) }
            }
            for tick in xTicks {
                svg.line(x1: x(tick), y1: panelTop + plotHeight, x2: x(tick), y2: panelTop + plotHeight + 4, stroke: "#444444")
                svg.text(PlotScale.label(tick, step: xStep), x: x(tick), y: panelTop + plotHeight + 17, size: 11, anchor: .middle)
            }
            svg.text("epoch", x: panelLeft + plotWidth / 2, y: panelTop + plotHeight + 34, size: 11, anchor: .middle, fill: "#444444")
            let (train, validation) = row.series(panel)
            let buckets = Int(plotWidth)
            svg.polyline(decimated(train, buckets: buckets).map { (x(Double($0.epoch)), y($0.loss)) }, stroke: trainColor, width: 2)
            svg.polyline(decimated(validation, buckets: buckets).map { (x(Double($0.epoch)), y($0.loss)) },
                         stroke: validationColor, width: 2, dash: "6 4")
            if train.count == 1, let point = train.first {
                svg.circle(cx: x(Double(point.epoch)), cy: y(point.loss), r: 3, fill: trainColor)
            }
            if validation.count == 1, let point = validation.first {
                svg.circle(cx: x(Double(point.epoch)), cy: y(point.loss), r: 3, fill: validationColor)
            }
        }
        svg.text(row.label, x: 18, y: top + 24 + plotHeight / 2, size: 12, anchor: .middle, rotation: -90)
    }

    /// `points` when they are at most two per bucket; else, in `buckets` runs of consecutive
    /// points, the lowest and the highest of each in epoch order. A panel is `plotWidth` pixels
    /// wide, so a curve of 10^6 epochs draws the same line (every spike kept) from ≤ 2 points a pixel.
    static func decimated(_ points: [(epoch: Int, loss: Double)], buckets: Int) -> [(epoch: Int, loss: Double)] {
        guard buckets > 0, points.count > 2 * buckets else { return points }
        var kept: [(epoch: Int, loss: Double)] = []
        kept.reserveCapacity(2 * buckets)
        for bucket in 0..<buckets {
            let range = (bucket * points.count / buckets)..<((bucket + 1) * points.count / buckets)
            guard var low = range.first else { continue }
            var high = low
            for index in range {
                if points[index].loss < points[low].loss { low = index }
                if points[index].loss > points[high].loss { high = index }
            }
            kept.append(points[min(low, high)])
            if low != high { kept.append(points[max(low, high)]) }
        }
        return kept
    }
}

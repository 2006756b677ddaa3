import Foundation
import RunexpResults
import RunexpPlan

/// Draws the main effect of every axis as small multiples in one SVG: the objective's mean and
/// 95% confidence interval at each value, every panel on the same vertical scale.
///
/// Panels run largest variance share first (the share is in each panel's title). A categorical
/// axis has its values evenly spaced in file order, joined by a thin line; a value of one or two
/// runs shows the runs as dots instead of an interval (at n = 2 Student's t makes it 13 times the
/// spread). A continuous axis (``AxisLevels/isContinuous``) is a slice plot: one dot per run on a
/// numeric (or log10) scale, with the fitted quadratic drawn through them. Under each categorical
/// value, the number of its runs that diverged (and are left out of the mean), when there are any.
/// An interval past the metric's range (an accuracy above 1) is drawn to the range's edge and
/// marked, and a note says so; the stored numbers stay whole.
public enum EffectsPlot {
    static let plotWidth = 180.0
    static let plotHeight = 170.0
    static let gap = 40.0
    static let ink = "#3b528b"
    static let warning = "#a0430a"

    /// The SVG text for `analysis`.
    public static func svg(_ analysis: EffectAnalysis) -> String {
        let effects = analysis.byShare
        let metric = analysis.data.objective.metric.description
        let count = max(1, effects.count)
        let perRow = Int(ceil(Double(count) / ceil(Double(count) / 5)))
        let rowCount = (count + perRow - 1) / perRow

        var low = Double.infinity, high = -Double.infinity
        for effect in effects {
            for level in effect.perLevel {
                guard let mean = level.statistics.mean else { continue }
                let shown = effect.levels.isContinuous || level.statistics.n < minimumIntervalRuns
                    ? level.statistics.values : [level.statistics.ciLow ?? mean, level.statistics.ciHigh ?? mean]
                for value in shown {
                    low = min(low, value)
                    high = max(high, value)
                }
            }
        }
        let range = analysis.data.objective.metric.kind.range
        if low > high { (low, high) = (0, 1) }
        low = range.clamped(low)
        high = range.clamped(high)
        var domain = PlotScale.paddedDomain(low: low, high: high)
        domain = (min(domain.low, low), max(domain.high, high))
        if let lowest = range.lowest, low >= lowest { domain.low = max(domain.low, lowest) }
        if let highest = range.highest, high <= highest { domain.high = min(domain.high, highest) }
        let ticks = PlotScale.niceTicks(low: domain.low, high: domain.high, count: 5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let tickLabels = ticks.map { PlotScale.label($0, step: step) }
        let left = 40 + (tickLabels.map { SVGDocument.textWidth($0, size: 11) }.max() ?? 0)

        let labelDepth = effects.map(Self.labelDepth).max() ?? 20
        let rowHeight = 30 + plotHeight + labelDepth + 24
        let top = 78.0
        let title = "Effect of each axis on \(metric)"
        let subtitle = "Mean and 95% CI of the converged runs at each value, averaged over the other axes; the same scale in every panel."
        var note = analysis.method == .oneWay
            ? "Panels by share of the variance (main-effect ANOVA); the most influential axis first."
            : "Panels by share of the variance (all axes fitted together: they were not crossed in a full grid); the most influential axis first."
        if effects.contains(where: \.levels.isContinuous) { note += " A continuous axis shows every run (dots) and the fitted curve." }
        let clipped = effects.reduce(0) { count, effect in
            effect.levels.isContinuous ? count : count + effect.perLevel.filter { level in
                level.statistics.n >= minimumIntervalRuns && [level.statistics.ciLow, level.statistics.ciHigh].contains { end in
                    end.map { $0 < domain.low || $0 > domain.high } ?? false
                }
            }.count
        }
        let few = effects.contains { effect in
            !effect.levels.isContinuous && effect.perLevel.contains { $0.statistics.n > 0 && $0.statistics.n < minimumIntervalRuns }
        }
        if clipped > 0 {
            note += " \(clipped) interval\(clipped == 1 ? " leaves" : "s leave") \(metric)'s range (\(range.phrase)): drawn to its edge (▲ ▼);"
                + " cells.csv keeps the whole interval."
        }
        if few { note += " Values of 1 or 2 runs show the runs (dots), not an interval." }
        let width = max(left + Double(perRow) * (plotWidth + gap), 20 + SVGDocument.textWidth(subtitle, size: 12) + 20,
                        20 + SVGDocument.textWidth(note, size: 11) + 20)
        let height = top + Double(rowCount) * rowHeight

        var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up), title: title)
        svg.text(title, x: 20, y: 28, size: 16, bold: true)
        svg.text(subtitle, x: 20, y: 50, size: 12, fill: "#444444")
        svg.text(note, x: 20, y: 66, size: 11, fill: "#444444")

        for (index, effect) in effects.enumerated() {
            let row = index / perRow, column = index % perRow
            let panelLeft = left + Double(column) * (plotWidth + gap)
            let panelTop = top + Double(row) * rowHeight + 30
            let y = PlotScale(low: domain.low, high: domain.high, from: panelTop + plotHeight, to: panelTop)
            svg.text(effect.axis, x: panelLeft, y: panelTop - 14, size: 13, bold: true)
            svg.text("share " + EffectAnalysis.percent(effect.share), x: panelLeft + plotWidth, y: panelTop - 14, size: 11,
                     anchor: .end, fill: "#444444")
            svg.rect(x: panelLeft, y: panelTop, width: plotWidth, height: plotHeight, fill: "#fafafa", stroke: "#cccccc")
            for (tick, label) in zip(ticks, tickLabels) {
                svg.line(x1: panelLeft, y1: y(tick), x2: panelLeft + plotWidth, y2: y(tick), stroke: "#e4e4e4")
                if column == 0 {
                    svg.line(x1: panelLeft - 4, y1: y(tick), x2: panelLeft, y2: y(tick), stroke: "#444444")
                    svg.text(label, x: panelLeft - 7, y: y(tick) + 4, size: 11, anchor: .end)
                }
            }
            if column == 0 {
                svg.text(metric, x: 18, y: panelTop + plotHeight / 2, size: 12, anchor: .middle, rotation: -90)
            }
            if effect.levels.isContinuous {
                drawContinuous(effect, into: &svg, left: panelLeft, top: panelTop, y: y)
            } else {
                drawCategorical(effect, into: &svg, left: panelLeft, top: panelTop, y: y)
            }
        }
        return svg.text
    }

    private static func drawCategorical(_ effect: AxisEffect, into svg: inout SVGDocument, left: Double, top: Double,
                                        y: PlotScale) {
        let slot = plotWidth / Double(max(1, effect.perLevel.count))
        let rotate = rotatesLabels(effect)
        var points: [(x: Double, y: Double)] = []
        for (index, level) in effect.perLevel.enumerated() {
            let x = left + (Double(index) + 0.5) * slot
            svg.line(x1: x, y1: top + plotHeight, x2: x, y2: top + plotHeight + 4, stroke: "#444444")
            let label = SVGDocument.fit(level.label, width: 140, size: 11)
            if rotate {
                svg.text(label, x: x + 4, y: top + plotHeight + 14, size: 11, anchor: .end, rotation: -40)
            } else {
                svg.text(label, x: x, y: top + plotHeight + 17, size: 11, anchor: .middle)
            }
            if level.failed > 0 {
                let depth = rotate ? labelDepth(effect) - 6 : 31
                svg.text("\(level.failed) div.", x: x, y: top + plotHeight + depth, size: 10, anchor: .middle, fill: warning)
            }
            guard let mean = level.statistics.mean else { continue }
            points.append((x, y(mean)))
            if level.statistics.n < minimumIntervalRuns {
                for value in level.statistics.values { svg.circle(cx: x + 8, cy: y(value), r: 2.5, fill: ink, opacity: 0.6) }
            } else {
                drawInterval(level, at: x, into: &svg, y: y)
            }
        }
        svg.polyline(points, stroke: ink, width: 1)
        for point in points { svg.circle(cx: point.x, cy: point.y, r: 4, fill: ink) }
    }

    private static func drawContinuous(_ effect: AxisEffect, into svg: inout SVGDocument, left: Double, top: Double,
                                       y: PlotScale) {
        let numbers = effect.levels.numbers.compactMap { $0 }
        guard let lowest = numbers.min(), let highest = numbers.max() else { return }
        let logarithmic = effect.levels.isLogarithmic
        var low = lowest, high = highest
        if logarithmic {
            let pad = pow(high / low, 0.05)
            low /= pad
            high *= pad
        } else {
            let pad = (high - low) * 0.05
            low -= pad
            high += pad
        }
        let x = PlotScale(low: low, high: high, from: left, to: left + plotWidth, logarithmic: logarithmic)
        let ticks = x.ticks(count: 4)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 0
        for tick in ticks {
            svg.line(x1: x(tick), y1: top + plotHeight, x2: x(tick), y2: top + plotHeight + 4, stroke: "#444444")
            let label = logarithmic ? PlotScale.logLabel(tick) : PlotScale.label(tick, step: step)
            svg.text(label, x: x(tick), y: top + plotHeight + 17, size: 11, anchor: .middle)
        }
        let failed = effect.perLevel.reduce(0) { $0 + $1.failed }
        if failed > 0 {
            svg.text("\(failed) runs diverged", x: left + plotWidth / 2, y: top + plotHeight + 31, size: 10, anchor: .middle,
                     fill: warning)
        }
        if let fit = effect.fit {
            let samples = 60
            let curve = (0...samples).map { index -> (x: Double, y: Double) in
                let fraction = Double(index) / Double(samples)
                let value = logarithmic ? lowest * pow(highest / lowest, fraction) : lowest + (highest - lowest) * fraction
                return (x(value), y(fit(value)))
            }.filter { $0.y >= top - 1 && $0.y <= top + plotHeight + 1 }
            svg.polyline(curve, stroke: "#21918c", width: 2)
        }
        // A slice: every run at its axis value (evenly through them past drawnRuns).
        let runs = effect.perLevel.flatMap { level in level.number.map { number in level.statistics.values.map { (number, $0) } } ?? [] }
        let stride = max(1, (runs.count + drawnRuns - 1) / drawnRuns)
        for (number, value) in Swift.stride(from: 0, to: runs.count, by: stride).map({ runs[$0] }) {
            svg.circle(cx: x(number), cy: y(value), r: 2.5, fill: ink, opacity: 0.6)
        }
    }

    /// At most this many runs are drawn in a slice; the rest only widen the axes.
    static let drawnRuns = 4_000

    /// Fewer runs than this show the runs instead of an interval.
    static let minimumIntervalRuns = 3

    /// The interval with a cap at each end; an end past the plot (the metric's range) is drawn at
    /// its edge with a triangle instead of a cap.
    private static func drawInterval(_ level: AxisEffect.Level, at x: Double, into svg: inout SVGDocument, y: PlotScale) {
        guard let lowEnd = level.statistics.ciLow, let highEnd = level.statistics.ciHigh else { return }
        let bottom = max(lowEnd, y.low), top = min(highEnd, y.high)
        svg.line(x1: x, y1: y(bottom), x2: x, y2: y(top), stroke: ink, width: 1.5)
        if lowEnd < y.low {
            svg.text("▼", x: x, y: y(bottom) + 4, size: 9, anchor: .middle, fill: warning)
        } else {
            svg.line(x1: x - 5, y1: y(lowEnd), x2: x + 5, y2: y(lowEnd), stroke: ink, width: 1.5)
        }
        if highEnd > y.high {
            svg.text("▲", x: x, y: y(top) + 4, size: 9, anchor: .middle, fill: warning)
        } else {
            svg.line(x1: x - 5, y1: y(highEnd), x2: x + 5, y2: y(highEnd), stroke: ink, width: 1.5)
        }
    }

    private static func rotatesLabels(_ effect: AxisEffect) -> Bool {
        guard !effect.levels.isContinuous else { return false }
        let slot = plotWidth / Double(max(1, effect.perLevel.count))
        return effect.perLevel.contains { SVGDocument.textWidth(SVGDocument.fit($0.label, width: 140, size: 11), size: 11) > slot - 6 }
    }

    /// Room under a panel for its value labels and divergence counts.
    private static func labelDepth(_ effect: AxisEffect) -> Double {
        guard rotatesLabels(effect) else { return 36 }
        let widest = effect.perLevel.map { SVGDocument.textWidth(SVGDocument.fit($0.label, width: 140, size: 11), size: 11) }.max() ?? 0
        return widest * 0.65 + 30
    }
}

import Foundation
import RunexpResults

/// Where an axis' values sit along a plot's axis: a continuous axis on its numeric (or log10)
/// scale, padded by 5 %; other axes as evenly spaced slots in level order. Ticks read low to high
/// either way (continuous levels are sorted, ``AxisLevels``).
struct LevelScale {
    let levels: AxisLevels
    let from: Double
    let to: Double
    /// The numeric scale of a continuous axis.
    private let scale: PlotScale?

    init(_ levels: AxisLevels, from: Double, to: Double) {
        self.levels = levels
        self.from = from
        self.to = to
        let numbers = levels.numbers.compactMap { $0 }
        if levels.isContinuous, var low = numbers.min(), var high = numbers.max() {
            if levels.isLogarithmic {
                let pad = high > low ? pow(high / low, 0.05) : 2
                low /= pad
                high *= pad
            } else {
                let pad = high > low ? (high - low) * 0.05 : max(abs(low) * 0.1, 1)
                low -= pad
                high += pad
            }
            scale = PlotScale(low: low, high: high, from: from, to: to, logarithmic: levels.isLogarithmic)
        } else {
            scale = nil
        }
    }

    /// The position of level `level`.
    func position(_ level: Int) -> Double {
        if let scale, let number = levels.numbers[level] { return scale(number) }
        return from + (Double(level) + 0.5) / Double(max(1, levels.count)) * (to - from)
    }

    /// Tick positions and labels: round numbers on a continuous axis, every level otherwise (at
    /// most `most`, evenly picked, first and last kept).
    func ticks(most: Int = 12) -> [(position: Double, label: String)] {
        if let scale {
            let values = scale.ticks(count: 4)
            let step = values.count > 1 ? values[1] - values[0] : 0
            return values.map { (scale($0), levels.isLogarithmic ? PlotScale.logLabel($0) : PlotScale.label($0, step: step)) }
        }
        let count = levels.count
        guard count > 0 else { return [] }
        let shown = count <= most ? Array(0..<count)
            : Array(Set((0..<most).map { $0 * (count - 1) / (most - 1) })).sorted()
        return shown.map { (position($0), levels.displayLabels[$0]) }
    }
}

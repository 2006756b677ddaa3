import Foundation
import RunexpResults
import RunexpPlan

/// The values one axis takes across the cells, as the plots group and label them.
///
/// Values are grouped by their result-file text (`0.3`, `relu`), in the axis' file order; values
/// that only `include:` cells bring in follow in cell order, and a cell without the axis falls
/// in a last level labelled `none`. An axis is drawn as *continuous* when every value is a number
/// and either a random search drew it from `uniform` or `log_uniform`, or there are more than
/// ``continuousThreshold`` of them; a continuous axis' levels are sorted by value. Its scale is
/// logarithmic when it was drawn from `log_uniform`, or when every value is positive and they span
/// at least a factor of 100.
public struct AxisLevels: Sendable, Equatable {
    /// More numeric values than this make an axis continuous.
    public static let continuousThreshold = 10

    /// The axis name.
    public let axis: String
    /// Level labels in order: the values' result-file text.
    public let labels: [String]
    /// Labels as plots print them: a continuous axis' numbers to 3 significant digits
    /// (`0.000187`), other labels as they are.
    public let displayLabels: [String]
    /// The numeric value of each level, nil for text and for `none`.
    public let numbers: [Double?]
    /// The level of each cell, by cell index.
    public let levelOfCell: [Int]
    /// Plotted on a numeric scale rather than as evenly spaced categories.
    public let isContinuous: Bool
    /// A continuous axis on a log10 scale.
    public let isLogarithmic: Bool

    /// The levels of `axis` in `plan`.
    public init(_ plan: Plan, axis: String) {
        self.axis = axis
        var labels: [String] = []
        var numbers: [Double?] = []
        var index: [String: Int] = [:]
        func add(_ label: String, _ number: Double?) {
            guard index[label] == nil else { return }
            index[label] = labels.count
            labels.append(label)
            numbers.append(number)
        }
        let declared = plan.axes.first { $0.name == axis }
        for value in declared?.values ?? [] { add(value.description, value.number) }
        for cell in plan.cells {
            if let value = cell.value(of: axis) { add(value.description, value.number) }
        }
        let hasNone = plan.cells.contains { $0.value(of: axis) == nil }
        if hasNone { add(Self.noneLabel, nil) }
        let values = numbers.compactMap { $0 }
        let drawnOnAScale = declared?.distribution == "uniform" || declared?.distribution == "log_uniform"
        isContinuous = !hasNone && !values.isEmpty && values.count == numbers.count
            && (drawnOnAScale || values.count > Self.continuousThreshold)
        if isContinuous, let low = values.min(), let high = values.max(), low > 0 {
            isLogarithmic = declared?.distribution == "log_uniform" || high / low >= 100
        } else {
            isLogarithmic = false
        }
        if isContinuous {
            // Drawn values come in sample order: sorted, ticks and levels read low to high.
            let order = labels.indices.sorted { (numbers[$0] ?? 0, $0) < (numbers[$1] ?? 0, $1) }
            labels = order.map { labels[$0] }
            numbers = order.map { numbers[$0] }
            for (position, label) in labels.enumerated() { index[label] = position }
        }
        levelOfCell = plan.cells.map { cell in index[cell.value(of: axis)?.description ?? Self.noneLabel] ?? 0 }
        self.labels = labels
        self.numbers = numbers
        displayLabels = isContinuous ? numbers.map { Self.significant($0 ?? 0) } : labels
    }

    /// `value` rounded to `digits` significant digits, in fixed notation without trailing zeros:
    /// `0.000187`, `0.1`, `12.3`, `1250`.
    public static func significant(_ value: Double, digits: Int = 3) -> String {
        guard value != 0, value.isFinite else { return FixedFormat.string(value, digits: 0) }
        let magnitude = Int(floor(log10(abs(value))))
        var text = FixedFormat.string(value, digits: min(12, max(0, digits - 1 - magnitude)))
        if text.utf8.contains(UInt8(ascii: ".")) {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// The label of cells that do not have the axis.
    public static let noneLabel = "none"

    /// Number of levels.
    public var count: Int { labels.count }
}

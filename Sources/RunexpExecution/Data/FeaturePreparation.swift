import RunexpKernel
import RunexpPlan

/// How a feature column of the file is read and turned into the network's inputs.
public enum FeatureKind: Sendable, Equatable, Codable {
    /// Numbers; an empty cell (NaN in ``LabeledData/features``) is filled by `missing`, and with
    /// `indicator` a 0/1 input says it was empty.
    case numeric(missing: MissingPolicy, indicator: Bool)
    /// Labels, stored as their index into `categories` (sorted; "" is the empty cell's category),
    /// one-hot encoded over the categories of each run's training rows.
    case categorical(categories: [String], missing: MissingPolicy)

    /// A categorical column's empty-cell category when it gets no input: its cells are filled
    /// (`most_frequent`) or refused (`error`); only `missing: category` keeps it as an input.
    public var droppedCategory: Int? {
        guard case .categorical(let categories, let missing) = self, missing != .category else { return nil }
        return categories.firstIndex(of: "")
    }

    /// Per input the column becomes, whether standardization z-scores it: the number, not its
    /// 0/1 indicator, nor a one-hot input.
    var standardizedInputs: [Bool] {
        switch self {
        case .numeric(_, let indicator): indicator ? [true, false] : [true]
        case .categorical(let categories, _): [Bool](repeating: false, count: categories.count - (droppedCategory == nil ? 0 : 1))
        }
    }

    /// The inputs the column becomes, named after it: `Age`, `Age (missing)`, `Sex=female`, `Sex=male`.
    func inputNames(_ name: String) -> [String] {
        switch self {
        case .numeric(_, let indicator):
            indicator ? [name, "\(name) (missing)"] : [name]
        case .categorical(let categories, _):
            categories.indices.filter { $0 != droppedCategory }.map { "\(name)=\(categories[$0].isEmpty ? "(missing)" : categories[$0])" }
        }
    }
}

/// One run's data preparation, fitted on its training rows only and applied to every part: empty
/// numbers filled (mean, median, most frequent or a constant of the training rows), categories
/// one-hot encoded (a category the training rows lack maps to all zeros), and numeric inputs
/// z-scored on the training rows (one-hot and indicator inputs stay 0/1).
struct FeaturePreparation {
    let width: Int
    /// Each feature column's kind and name, in the file's order.
    private let kinds: [FeatureKind]
    private let names: [String]
    private let fills: [Float]
    private let seen: [[Bool]]
    /// Each column's ``FeatureKind/droppedCategory``, found once rather than per row.
    private let dropped: [Int?]
    private let scaler: Standardizer
    /// Every column a number without an indicator: the inputs are the columns, filled and standardized.
    private let isOneInputPerColumn: Bool

    init(_ data: LabeledData, trainRows: [Int], standardize: Bool) {
        let columns = data.featureKinds.count
        var fills = [Float](repeating: 0, count: columns)
        var seen = [[Bool]](repeating: [], count: columns)
        for (column, kind) in data.featureKinds.enumerated() {
            switch kind {
            case .numeric(.error, _):
                // Every cell is a number: nothing to fill.
                continue
            case .numeric(let missing, _):
                fills[column] = Self.fill(missing, trainRows.map { data.features[$0 * columns + column] }.filter { !$0.isNaN })
            case .categorical(let categories, _):
                var flags = [Bool](repeating: false, count: categories.count)
                var counts = [Int](repeating: 0, count: categories.count)
                for row in trainRows {
                    let value = Int(data.features[row * columns + column])
                    flags[value] = true
                    counts[value] += 1
                }
                if let empty = kind.droppedCategory {
                    // An empty cell takes the training rows' most frequent other category (the first
                    // on ties); with none it stays empty, which has no input.
                    var best: Int?
                    for code in counts.indices where code != empty && counts[code] > 0 {
                        if best.map({ counts[code] > counts[$0] }) ?? true { best = code }
                    }
                    fills[column] = Float(best ?? empty)
                    flags[empty] = false
                }
                seen[column] = flags
            }
        }
        self.kinds = data.featureKinds
        self.names = data.featureNames
        self.fills = fills
        self.seen = seen
        self.dropped = data.featureKinds.map(\.droppedCategory)
        self.width = data.inputWidth
        isOneInputPerColumn = Self.isOneInputPerColumn(data.featureKinds)
        let width = data.inputWidth
        var scaler = Standardizer(width: width)
        if standardize {
            let (kinds, dropped) = (self.kinds, self.dropped)
            scaler = Standardizer(width: width, rows: trainRows.count) { position, row in
                row.update(repeating: 0, count: width)
                data.features.withUnsafeBufferPointer { raw in
                    Self.encode(raw, row: trainRows[position], kinds: kinds, into: row, fills: fills, seen: seen, dropped: dropped)
                }
            }.keeping(columns: data.numericInputs)
        }
        self.scaler = scaler
    }

    /// The preparation `parameters` describe (as ``parameters`` wrote them).
    init(_ parameters: DataPreparation) {
        kinds = parameters.columns.map(\.kind)
        names = parameters.columns.map(\.name)
        fills = parameters.columns.map(\.fill)
        seen = parameters.columns.map(\.seen)
        dropped = kinds.map(\.droppedCategory)
        width = LabeledData.inputWidth(kinds)
        isOneInputPerColumn = Self.isOneInputPerColumn(kinds)
        scaler = Standardizer(means: parameters.means, deviations: parameters.deviations)
    }

    /// What was fitted, as numbers a model keeps.
    var parameters: DataPreparation {
        DataPreparation(columns: kinds.indices.map {
            DataPreparation.Column(name: names[$0], kind: kinds[$0], fill: fills[$0], seen: seen[$0])
        }, means: scaler.means, deviations: scaler.deviations)
    }

    private static func isOneInputPerColumn(_ kinds: [FeatureKind]) -> Bool {
        kinds.allSatisfy { kind in
            if case .numeric(_, indicator: false) = kind { return true }
            return false
        }
    }

    /// `rows` of the data as the network's inputs, row-major: encoded, then standardized in place.
    func inputs(_ data: LabeledData, rows: [Int]) -> [Float] {
        data.features.withUnsafeBufferPointer { inputs(raw: $0, rows: rows) }
    }

    /// `rows` of `raw` (rows × feature columns, encoded as ``LabeledData/features``: numbers, NaN for
    /// an empty cell, a category's index) as the network's inputs, row-major.
    func inputs(raw: UnsafeBufferPointer<Float>, rows: [Int]) -> [Float] {
        var out = [Float](repeating: 0, count: rows.count * width)
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for (position, row) in rows.enumerated() {
                Self.encode(raw, row: row, kinds: kinds, into: base + position * width, fills: fills, seen: seen, dropped: dropped)
            }
        }
        scaler.transform(&out, width: width)
        return out
    }

    /// `rows` of the data as a view the kernel reads through (each value filled and standardized
    /// as ``inputs(_:rows:)`` computes it), when every column is a number that becomes one input;
    /// nil when an encoding widens the row (categories, indicators).
    func view(rows: [Int]) -> SampleView? {
        guard isOneInputPerColumn else { return nil }
        return SampleView(rows: rows, fills: fills, means: scaler.means, deviations: scaler.deviations)
    }

    /// The value an empty cell takes, from the training rows' values (0 when they have none).
    static func fill(_ missing: MissingPolicy, _ values: [Float]) -> Float {
        guard !values.isEmpty else {
            if case .constant(let value) = missing { return Float(value) }
            return 0
        }
        switch missing {
        case .error, .category: return 0
        case .constant(let value): return Float(value)
        case .mean: return Float(values.reduce(0.0) { $0 + Double($1) } / Double(values.count))
        case .median:
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : Float((Double(sorted[middle - 1]) + Double(sorted[middle])) / 2)
        case .mostFrequent:
            var counts: [Float: Int] = [:]
            for value in values { counts[value, default: 0] += 1 }
            // The most frequent value, the smallest on ties: no dependence on hashing order.
            return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key ?? 0
        }
    }

    /// Writes row `row` of `raw` as the network's inputs at `out` (``width`` values, zeros where
    /// no one-hot input is set: `out` comes zeroed). A category index outside the column's
    /// categories (a label the model never saw) sets no input.
    private static func encode(_ raw: UnsafeBufferPointer<Float>, row: Int, kinds: [FeatureKind], into out: UnsafeMutablePointer<Float>,
                               fills: [Float], seen: [[Bool]], dropped: [Int?]) {
        let columns = kinds.count
        var input = 0
        for (column, kind) in kinds.enumerated() {
            let value = raw[row * columns + column]
            switch kind {
            case .numeric(_, let indicator):
                out[input] = value.isNaN ? fills[column] : value
                input += 1
                if indicator {
                    out[input] = value.isNaN ? 1 : 0
                    input += 1
                }
            case .categorical(let categories, _):
                // Inputs: one per category but the dropped empty one, whose cells take the fill.
                let empty = dropped[column]
                if let offset = DataPreparation.oneHotInput(category: value.isFinite ? Int(value) : -1, empty: empty,
                                                            fill: fills[column], seen: seen[column]) {
                    out[input + offset] = 1
                }
                input += categories.count - (empty == nil ? 0 : 1)
            }
        }
    }
}

extension Standardizer {
    /// This standardizer on `columns` only; every other column passes through (mean 0, deviation 1).
    func keeping(columns: [Bool]) -> Standardizer {
        var means = self.means, deviations = self.deviations
        for column in means.indices where !(columns.indices.contains(column) && columns[column]) {
            means[column] = 0
            deviations[column] = 1
        }
        return Standardizer(means: means, deviations: deviations)
    }
}

/// A fitted data preparation as numbers (``FeaturePreparation``'s): each feature column's kind, the
/// value an empty cell takes, which categories the training rows had; the inputs' means and
/// deviations. A model keeps it to prepare new rows exactly as its training rows were.
public struct DataPreparation: Sendable, Codable, Equatable {
    public struct Column: Sendable, Codable, Equatable {
        public var name: String
        public var kind: FeatureKind
        /// A number column's fill, or a categorical column's category index for its empty cells.
        public var fill: Float
        /// Per category (categorical columns): whether the training rows had it.
        public var seen: [Bool]
    }

    public var columns: [Column]
    public var means: [Float]
    public var deviations: [Float]

    /// Inputs per row after encoding.
    public var width: Int { LabeledData.inputWidth(columns.map(\.kind)) }

    /// The inputs' names (``FeatureKind/inputNames(_:)``).
    public var inputNames: [String] { columns.flatMap { $0.kind.inputNames($0.name) } }

    /// The input, counted from a categorical column's first, that category `code` sets, or nil.
    /// An empty cell whose category is dropped (`empty`) takes its `fill` (the training rows' most
    /// frequent category); a category the training rows lacked (`seen`), or none of the column's,
    /// sets no input. The one rule of one-hot encoding: runs and `model.onnx` both follow it.
    @inline(__always)
    public static func oneHotInput(category code: Int, empty: Int?, fill: Float, seen: [Bool]) -> Int? {
        let target = code == empty ? Int(fill) : code
        guard target != empty, seen.indices.contains(target), seen[target] else { return nil }
        return empty.map { target > $0 ? target - 1 : target } ?? target
    }

    /// Rows of `raw` (rows × columns, encoded as ``LabeledData/features``) as the network's inputs.
    public func inputs(raw: [Float], rows: Int) -> [Float] {
        raw.withUnsafeBufferPointer { FeaturePreparation(self).inputs(raw: $0, rows: Array(0..<rows)) }
    }
}

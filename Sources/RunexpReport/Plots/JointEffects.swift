import Foundation
import RunexpPlan

/// The axes' shares estimated together, for designs whose axes are not orthogonal (random search,
/// `include`, `exclude`): a weighted least-squares regression of the cells' mean objective on every
/// axis at once, each axis' share being what the fit loses when that axis is left out.
///
/// A categorical axis enters as indicators of its values (the first value the reference), a
/// continuous one as its standardized (log) value and, when the cells are many enough, its square.
/// Each cell weighs its converged runs, so the explained sums of squares are those of the runs. An
/// axis whose columns the other axes' columns predict almost exactly (R² ≥ ``confoundedR2``: drawn
/// together, or collinear) has no share of its own: the design cannot tell it from them.
struct JointEffects {
    /// R² of an axis' column on the other axes' columns from which the two cannot be separated.
    static let confoundedR2 = 0.99
    /// The regression's work (cells × columns² × (axes + 1)) above which the joint fit is not tried.
    static let workLimit = 2e9

    /// Per axis (plan order): its explained sum of squares, nil when it cannot be separated.
    let sumsOfSquares: [Double?]
    /// Per axis: the axis it cannot be separated from (the one predicting its columns best).
    let confoundedWith: [String?]
    /// Why there is no joint fit (too few cells, too much work); nil when there is one.
    let unavailable: String?
    /// Continuous axes entered with their square (else as a line: too few cells for it).
    let quadratic: Bool

    /// The joint fit of `data`'s cell means on the axes `levels` (plan order).
    init(_ data: ObjectiveData, levels: [AxisLevels]) {
        var weights: [Double] = [], means: [Double] = [], cells: [Int] = []
        for (cell, mean) in data.meanByCell.enumerated() {
            guard let mean else { continue }
            weights.append(Double(data.valuesByCell[cell].count))
            means.append(mean)
            cells.append(cell)
        }
        let count = levels.count
        func columns(_ levels: AxisLevels, quadratic: Bool) -> [[Double]] {
            let levelOfRow = cells.map { levels.levelOfCell[$0] }
            guard levels.isContinuous else {
                let present = Set(levelOfRow).sorted()
                return present.dropFirst().map { level in levelOfRow.map { $0 == level ? 1 : 0 } }
            }
            let raw = levelOfRow.map { level -> Double in
                let value = levels.numbers[level] ?? 0
                return levels.isLogarithmic ? log10(value) : value
            }
            let mean = raw.reduce(0, +) / Double(max(1, raw.count))
            let spread = (raw.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, raw.count))).squareRoot()
            let z = raw.map { spread > 0 ? ($0 - mean) / spread : 0 }
            return quadratic ? [z, z.map { $0 * $0 }] : [z]
        }
        // Columns are counted before any is made: a categorical axis of many values would make a
        // column per value of every cell. The square of a continuous axis only when the cells are
        // three times the columns.
        let categories = levels.map { axis in axis.isContinuous ? 0 : Set(cells.map { axis.levelOfCell[$0] }).count - 1 }
        let quadraticColumns = 1 + zip(levels, categories).reduce(0) { $0 + ($1.0.isContinuous ? 2 : $1.1) }
        let squares = cells.count >= 3 * quadraticColumns
        quadratic = squares
        let parameters = 1 + zip(levels, categories).reduce(0) { $0 + ($1.0.isContinuous ? (squares ? 2 : 1) : $1.1) }
        let work = Double(cells.count) * Double(parameters) * Double(parameters) * Double(count + 1)
        guard cells.count > parameters else {
            sumsOfSquares = [Double?](repeating: nil, count: count)
            confoundedWith = [String?](repeating: nil, count: count)
            unavailable = "\(cells.count) cells with a value are too few to separate \(count) axes (\(parameters) terms) jointly"
            return
        }
        guard work <= Self.workLimit else {
            sumsOfSquares = [Double?](repeating: nil, count: count)
            confoundedWith = [String?](repeating: nil, count: count)
            unavailable = "\(cells.count) cells × \(parameters) terms are too many for the joint fit"
            return
        }
        let byAxis = levels.map { columns($0, quadratic: squares) }
        let regression = WeightedRegression(weights: weights, target: means)
        let full = regression.explained(by: regression.basis(byAxis.flatMap { $0 }))
        var shares: [Double?] = []
        var partners: [String?] = []
        for axis in 0..<count {
            let others = regression.basis(byAxis.enumerated().filter { $0.offset != axis }.flatMap(\.element))
            let separable = byAxis[axis].allSatisfy { regression.rSquared(of: $0, on: others) < Self.confoundedR2 }
            if separable {
                shares.append(max(0, full - regression.explained(by: others)))
                partners.append(nil)
            } else {
                shares.append(nil)
                // The axis that alone predicts this one's columns best.
                let fits = (0..<count).filter { $0 != axis }.map { other -> (r2: Double, axis: Int) in
                    let basis = regression.basis(byAxis[other])
                    return (byAxis[axis].map { regression.rSquared(of: $0, on: basis) }.max() ?? 0, other)
                }
                let partner = fits.max { ($0.r2, -$0.axis) < ($1.r2, -$1.axis) }
                partners.append(partner.map { levels[$0.axis].axis })
            }
        }
        sumsOfSquares = shares
        confoundedWith = partners
        unavailable = nil
    }
}

/// Weighted least squares by modified Gram–Schmidt: the explained sum of squares of `target` by a
/// set of columns (with an intercept), a column dependent on the ones before it dropped.
struct WeightedRegression {
    let weights: [Double]
    let target: [Double]

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for index in weights.indices { sum += weights[index] * a[index] * b[index] }
        return sum
    }

    /// An orthonormal basis (weighted) of the intercept and `columns`, the intercept first.
    func basis(_ columns: [[Double]]) -> [[Double]] {
        let total = weights.reduce(0, +)
        guard total > 0 else { return [] }
        var basis = [[Double](repeating: 1 / total.squareRoot(), count: weights.count)]
        for column in columns {
            var v = column
            let before = dot(v, v)
            for q in basis {
                let projection = dot(v, q)
                for index in v.indices { v[index] -= projection * q[index] }
            }
            let norm = dot(v, v)
            guard norm > 1e-10 * max(before, 1e-300) else { continue }
            let scale = 1 / norm.squareRoot()
            basis.append(v.map { $0 * scale })
        }
        return basis
    }

    /// Σ w (ŷ − ȳ)² of the fit of `target` on a ``basis(_:)``.
    func explained(by basis: [[Double]]) -> Double {
        basis.dropFirst().reduce(0) { sum, q in
            let projection = dot(target, q)
            return sum + projection * projection
        }
    }

    /// R² (weighted) of `column` on a ``basis(_:)``; 1 for a constant column.
    func rSquared(of column: [Double], on basis: [[Double]]) -> Double {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 1 }
        let mean = dot(column, [Double](repeating: 1, count: weights.count)) / total
        let centered = column.map { $0 - mean }
        let variation = dot(centered, centered)
        guard variation > 1e-12 else { return 1 }
        var residual = centered
        for q in basis {
            let projection = dot(residual, q)
            for index in residual.indices { residual[index] -= projection * q[index] }
        }
        return 1 - dot(residual, residual) / variation
    }
}

import Foundation

/// A least-squares curve y = a + b·z + c·z², z the standardized axis value (its log10 on a log
/// axis): the main effect of a continuous axis.
///
/// Standardizing z keeps the 3 × 3 normal equations well conditioned. With only two distinct
/// values the quadratic term is dropped (a line), with one the fit is the mean.
public struct QuadraticFit: Sendable, Equatable {
    /// a, b, c.
    public let coefficients: [Double]
    let center: Double
    let scale: Double
    let logarithmic: Bool

    /// Fits `points` (x, y); nil for no points.
    public init?(_ points: [(x: Double, y: Double)], logarithmic: Bool) {
        guard !points.isEmpty else { return nil }
        self.logarithmic = logarithmic
        let us = points.map { logarithmic ? log10($0.x) : $0.x }
        let center = us.reduce(0, +) / Double(us.count)
        let variance = us.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(us.count)
        self.center = center
        self.scale = variance > 0 ? variance.squareRoot() : 1
        let zs = us.map { ($0 - center) / (variance > 0 ? variance.squareRoot() : 1) }
        let distinct = Set(zs).count
        let terms = min(3, distinct)
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: terms + 1), count: terms)
        for (z, point) in zip(zs, points) {
            let powers = (0..<terms).map { pow(z, Double($0)) }
            for row in 0..<terms {
                for column in 0..<terms { matrix[row][column] += powers[row] * powers[column] }
                matrix[row][terms] += powers[row] * point.y
            }
        }
        var solution = Self.solve(matrix) ?? []
        if solution.isEmpty { solution = [points.map(\.y).reduce(0, +) / Double(points.count)] }
        while solution.count < 3 { solution.append(0) }
        coefficients = solution
    }

    /// The fitted value at axis value `x`.
    public func callAsFunction(_ x: Double) -> Double {
        let z = ((logarithmic ? log10(x) : x) - center) / scale
        return coefficients[0] + coefficients[1] * z + coefficients[2] * z * z
    }

    /// Gaussian elimination with partial pivoting on an augmented n × (n+1) matrix; nil when singular.
    static func solve(_ augmented: [[Double]]) -> [Double]? {
        var m = augmented
        let n = m.count
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }),
                  abs(m[pivot][column]) > 1e-12 else { return nil }
            m.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                for k in column...n { m[row][k] -= factor * m[column][k] }
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = m[row][n]
            for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return x
    }
}

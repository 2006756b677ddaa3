/// Z-scores features with means and standard deviations fitted on some rows.
public struct Standardizer: Sendable {
    /// Per-column mean of the fitted rows.
    public let means: [Float]
    /// Per-column population standard deviation; 1 where a column is constant.
    public let deviations: [Float]

    /// Fits on `rows` rows `width` wide that `row` writes one at a time (the `position`-th into
    /// its buffer), accumulating in Double: no matrix of them is made.
    init(width: Int, rows: Int, row: (_ position: Int, _ into: UnsafeMutablePointer<Float>) -> Void) {
        var sum = [Double](repeating: 0, count: width)
        var squares = [Double](repeating: 0, count: width)
        var values = [Float](repeating: 0, count: width)
        values.withUnsafeMutableBufferPointer { buffer in
            guard let values = buffer.baseAddress else { return }
            for position in 0..<rows {
                row(position, values)
                for column in 0..<width {
                    let value = Double(values[column])
                    sum[column] += value
                    squares[column] += value * value
                }
            }
        }
        let count = Double(max(rows, 1))
        var means = [Float](repeating: 0, count: width)
        var deviations = [Float](repeating: 1, count: width)
        for column in 0..<width {
            let mean = sum[column] / count
            let variance = max(0, squares[column] / count - mean * mean)
            means[column] = Float(mean)
            let deviation = variance.squareRoot()
            deviations[column] = deviation > 1e-12 ? Float(deviation) : 1
        }
        self.means = means
        self.deviations = deviations
    }

    /// Given means and deviations.
    init(means: [Float], deviations: [Float]) {
        self.means = means
        self.deviations = deviations
    }

    /// The identity transform.
    public init(width: Int) {
        means = [Float](repeating: 0, count: width)
        deviations = [Float](repeating: 1, count: width)
    }

    /// Transforms `matrix` (row-major, `width` wide) in place.
    func transform(_ matrix: inout [Float], width: Int) {
        matrix.withUnsafeMutableBufferPointer { values in
            for start in stride(from: 0, to: values.count, by: max(width, 1)) {
                for column in 0..<width {
                    values[start + column] = (values[start + column] - means[column]) / deviations[column]
                }
            }
        }
    }
}

/// Rows of float32 features (row-major rows × width) with what the network learns to predict:
/// integer class labels 0..<classCount (classification) or one float target per row (regression).
public struct Samples: Sendable {
    /// The rows' inputs, row-major; with a ``view``, the shared matrix the view reads its rows from.
    public let features: [Float]
    /// Rows of ``features`` read through a per-column transform instead of rows of their own.
    public let view: SampleView?
    public let rows: Int
    public let width: Int
    /// One class label per row; empty for regression samples.
    public let labels: [Int32]
    /// One target value per row; empty for classification samples.
    public let targets: [Float]

    /// Classification samples. Requires `features.count == rows · width` and `labels.count == rows`.
    public init(features: [Float], rows: Int, width: Int, labels: [Int32]) {
        precondition(labels.count == rows, "one label per row")
        self.init(features: features, rows: rows, width: width, labels: labels, targets: [])
    }

    /// Regression samples. Requires `features.count == rows · width` and `targets.count == rows`.
    public init(features: [Float], rows: Int, width: Int, targets: [Float]) {
        precondition(targets.count == rows, "one target per row")
        self.init(features: features, rows: rows, width: width, labels: [], targets: targets)
    }

    /// Samples whose row i is row `view.rows[i]` of `matrix` (`width` wide) through the view's
    /// transform: a run's part of a large table without a copy of it. One label per view row
    /// (classification) or one target (regression), the other empty.
    public init(matrix: [Float], width: Int, view: SampleView, labels: [Int32], targets: [Float]) {
        precondition(width >= 0 && view.fills.count == width && view.means.count == width && view.deviations.count == width,
                     "one fill, mean and deviation per column")
        precondition(view.rows.allSatisfy { $0 >= 0 && ($0 + 1) * width <= matrix.count }, "view rows inside the matrix")
        precondition(labels.count == view.rows.count || targets.count == view.rows.count, "one label or target per row")
        self.features = matrix
        self.view = view
        self.rows = view.rows.count
        self.width = width
        self.labels = labels
        self.targets = targets
    }

    private init(features: [Float], rows: Int, width: Int, labels: [Int32], targets: [Float]) {
        precondition(rows >= 0 && width >= 0, "rows and width must be non-negative")
        precondition(features.count == rows * width, "features must hold rows × width values")
        self.features = features
        self.view = nil
        self.rows = rows
        self.width = width
        self.labels = labels
        self.targets = targets
    }

    /// True for samples with float targets (and no labels), unless there are no rows at all.
    public var isRegression: Bool { labels.count != rows }

    /// The given rows, in the given order (repeats allowed), as new samples.
    public func selecting(rows indices: [Int]) -> Samples {
        var selected = [Float](repeating: 0, count: indices.count * width)
        selected.withUnsafeMutableBufferPointer { out in
            features.withUnsafeBufferPointer { matrix in
                guard let out = out.baseAddress, let matrix = matrix.baseAddress else { return }
                for (position, index) in indices.enumerated() {
                    precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
                    write(row: index, from: matrix, to: out + position * width)
                }
            }
        }
        return Samples(features: selected, rows: indices.count, width: width,
                       labels: labels.isEmpty ? [] : indices.map { labels[$0] },
                       targets: targets.isEmpty ? [] : indices.map { targets[$0] })
    }

    /// Writes row `row`'s `width` inputs at `out`; `matrix` is ``features``' storage.
    @inline(__always)
    func write(row: Int, from matrix: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>) {
        if let view {
            view.write(matrix + view.rows[row] * width, to: out, width: width)
        } else {
            out.update(from: matrix + row * width, count: width)
        }
    }
}

/// Which rows of a shared matrix a ``Samples`` holds, and how a value becomes an input:
/// `((v.isNaN ? fill : v) − mean) / deviation` per column, the float32 operations a run's data
/// preparation performs on a copy, so either way gives the same bits.
public struct SampleView: Sendable {
    /// Row indices into the matrix, in the samples' order.
    public let rows: [Int]
    public let fills: [Float]
    public let means: [Float]
    public let deviations: [Float]

    public init(rows: [Int], fills: [Float], means: [Float], deviations: [Float]) {
        self.rows = rows
        self.fills = fills
        self.means = means
        self.deviations = deviations
    }

    @inline(__always)
    func write(_ source: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>, width: Int) {
        fills.withUnsafeBufferPointer { fills in
            means.withUnsafeBufferPointer { means in
                deviations.withUnsafeBufferPointer { deviations in
                    for column in 0..<width {
                        let value = source[column]
                        out[column] = ((value.isNaN ? fills[column] : value) - means[column]) / deviations[column]
                    }
                }
            }
        }
    }
}

/// Rows of float32 features (row-major rows × width) with what the network learns to predict:
/// integer class labels 0..<classCount (classification) or one float target per row (regression).
public struct Samples: Sendable {
    public let features: [Float]
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

    private init(features: [Float], rows: Int, width: Int, labels: [Int32], targets: [Float]) {
        precondition(rows >= 0 && width >= 0, "rows and width must be non-negative")
        precondition(features.count == rows * width, "features must hold rows × width values")
        self.features = features
        self.rows = rows
        self.width = width
        self.labels = labels
        self.targets = targets
    }

    /// True for samples with float targets (and no labels), unless there are no rows at all.
    public var isRegression: Bool { labels.count != rows }

    /// The given rows, in the given order (repeats allowed), as new samples.
    public func selecting(rows indices: [Int]) -> Samples {
        var selected = [Float]()
        selected.reserveCapacity(indices.count * width)
        for index in indices {
            precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
            selected.append(contentsOf: features[(index * width)..<((index + 1) * width)])
        }
        return Samples(features: selected, rows: indices.count, width: width,
                       labels: labels.isEmpty ? [] : indices.map { labels[$0] },
                       targets: targets.isEmpty ? [] : indices.map { targets[$0] })
    }
}

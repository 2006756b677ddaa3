/// Rows of float32 features (row-major rows × width) with integer class labels 0..<classCount.
public struct Samples: Sendable {
    public let features: [Float]
    public let rows: Int
    public let width: Int
    public let labels: [Int32]

    /// Requires `features.count == rows · width` and `labels.count == rows`.
    public init(features: [Float], rows: Int, width: Int, labels: [Int32]) {
        precondition(rows >= 0 && width >= 0, "rows and width must be non-negative")
        precondition(features.count == rows * width, "features must hold rows × width values")
        precondition(labels.count == rows, "one label per row")
        self.features = features
        self.rows = rows
        self.width = width
        self.labels = labels
    }

    /// The given rows, in the given order (repeats allowed), as new samples.
    public func selecting(rows indices: [Int]) -> Samples {
        var selected = [Float]()
        selected.reserveCapacity(indices.count * width)
        var selectedLabels = [Int32]()
        selectedLabels.reserveCapacity(indices.count)
        for index in indices {
            precondition(index >= 0 && index < rows, "row \(index) outside 0..<\(rows)")
            selected.append(contentsOf: features[(index * width)..<((index + 1) * width)])
            selectedLabels.append(labels[index])
        }
        return Samples(features: selected, rows: indices.count, width: width, labels: selectedLabels)
    }
}

import Foundation

/// Small synthetic data sets with a learnable signal.
enum SyntheticData {
    /// `rows` rows of `features` numeric columns and a label column from `classes`, separable by
    /// the first feature; a deterministic generator, so the file is the same every time.
    static func csv(rows: Int, features: Int = 3, classes: [String] = ["no", "yes"], idColumn: Bool = false) -> String {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var header = (0..<features).map { "f\($0)" } + ["label"]
        if idColumn { header.insert("id", at: 0) }
        var lines = [header.joined(separator: ",")]
        for row in 0..<rows {
            let label = row % classes.count
            var values = (0..<features).map { _ in String(format: "%.4f", next() * 2 - 1) }
            values[0] = String(format: "%.4f", Double(label) * 3 + next())
            var fields = values + [classes[label]]
            if idColumn { fields.insert(String(row + 1), at: 0) }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A small experiment over `data.csv` in the same folder: 2 × 2 cells, 2 repetitions.
    static let experiment = """
        name: tiny
        seed: 3
        data:
          file: data.csv
          target: label
          split: {test: 0.2, validation: 0.25}
        model:
          - dropout: $dropout
          - dense: {units: 8, activation: relu}
          - dense: {units: classes, activation: softmax}
        training:
          epochs: 5
          batch_size: 8
          optimizer: {name: sgd, learning_rate: $lr}
          class_weight: balanced
        search:
          grid:
            dropout: [0, 0.2]
            lr: [0.05, 0.2]
          repetitions: 2

        """
}

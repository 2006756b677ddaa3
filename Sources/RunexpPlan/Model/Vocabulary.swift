/// Activation functions an experiment may name.
public enum ActivationName: String, CaseIterable, Sendable, Codable {
    case linear, relu, tanh, sigmoid, softmax
}

/// Losses an experiment may name.
public enum LossName: String, CaseIterable, Sendable, Codable {
    case categoricalCrossentropy = "categorical_crossentropy"
    case binaryCrossentropy = "binary_crossentropy"
}

/// Optimizers an experiment may name.
public enum OptimizerName: String, CaseIterable, Sendable, Codable {
    case sgd, adam
}

/// Whether the objective is to be made large or small.
public enum Goal: String, CaseIterable, Sendable, Codable {
    case maximize, minimize
}

/// How a heatmap summarizes the runs behind one square.
public enum Aggregate: String, CaseIterable, Sendable, Codable {
    case mean, max
}

/// The part of the data a metric is measured on.
public enum MetricSplit: String, CaseIterable, Sendable, Codable {
    case val, test
}

/// A measured quantity; the binary ones exist only for two classes.
public enum MetricKind: String, CaseIterable, Sendable, Codable {
    case loss, accuracy, precision, recall, f1
    case rocAUC = "roc_auc"

    /// True for metrics that are defined only for two classes.
    public var isBinaryOnly: Bool {
        switch self {
        case .loss, .accuracy: false
        case .precision, .recall, .f1, .rocAUC: true
        }
    }

    /// The natural direction: loss is minimized, everything else maximized.
    public var naturalGoal: Goal { self == .loss ? .minimize : .maximize }
}

/// A metric on a split, named like Keras: `val_accuracy`, `test_roc_auc`.
public struct MetricName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Validation or test.
    public var split: MetricSplit
    /// What is measured.
    public var kind: MetricKind

    /// Creates a metric name.
    public init(split: MetricSplit, kind: MetricKind) {
        self.split = split
        self.kind = kind
    }

    /// Parses `val_accuracy` and the like; nil for anything else.
    public init?(_ text: String) {
        for split in MetricSplit.allCases {
            let prefix = split.rawValue + "_"
            if text.hasPrefix(prefix), let kind = MetricKind(rawValue: String(text.dropFirst(prefix.count))) {
                self.init(split: split, kind: kind)
                return
            }
        }
        return nil
    }

    /// Every valid name, validation metrics first.
    public static var all: [MetricName] {
        MetricSplit.allCases.flatMap { split in MetricKind.allCases.map { MetricName(split: split, kind: $0) } }
    }

    public var description: String { "\(split.rawValue)_\(kind.rawValue)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = MetricName(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown metric \(text)"))
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Metrics early stopping can watch, as Keras names them.
public enum MonitorName: String, CaseIterable, Sendable, Codable {
    case valLoss = "val_loss", valAccuracy = "val_accuracy", loss, accuracy
}

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

/// What an experiment predicts; the metrics it reports follow from it (``MetricKind/tasks``).
public enum Task: String, CaseIterable, Sendable, Codable {
    case binaryClassification = "binary_classification"
    case multiclassClassification = "multiclass_classification"

    /// The task of a target column with `classCount` classes.
    public init(classCount: Int) {
        self = classCount == 2 ? .binaryClassification : .multiclassClassification
    }
}

/// The values a metric can take, which every record read back is checked against.
public enum MetricRange: Sendable {
    /// A loss: any finite number ≥ 0.
    case nonNegative
    /// Accuracy, precision, …: a fraction from 0 to 1.
    case fraction

    public func contains(_ value: Double) -> Bool {
        switch self {
        case .nonNegative: value.isFinite && value >= 0
        case .fraction: value >= 0 && value <= 1
        }
    }
}

/// A measured quantity. Everything the rest of runexp needs to know of one is here: the tasks it
/// is defined for, its range, its natural goal and its key in the journal; adding a metric is a
/// case (the compiler then asks for each) and its computation.
public enum MetricKind: String, CaseIterable, Sendable, Codable {
    case loss, accuracy, precision, recall, f1
    case rocAUC = "roc_auc"

    /// The tasks the metric is defined for (precision, recall, f1 and ROC AUC need a positive class).
    public var tasks: Set<Task> {
        switch self {
        case .loss, .accuracy: [.binaryClassification, .multiclassClassification]
        case .precision, .recall, .f1, .rocAUC: [.binaryClassification]
        }
    }

    /// True for metrics that are defined only for two classes.
    public var isBinaryOnly: Bool { tasks == [.binaryClassification] }

    /// True when a run may lack it on a part of its task: ROC AUC is undefined on a part that holds
    /// one class (a small or unshuffled validation part can), and the part then has no value for it.
    public var mayBeUndefined: Bool {
        switch self {
        case .rocAUC: true
        case .loss, .accuracy, .precision, .recall, .f1: false
        }
    }

    /// The values it can take.
    public var range: MetricRange {
        switch self {
        case .loss: .nonNegative
        case .accuracy, .precision, .recall, .f1, .rocAUC: .fraction
        }
    }

    /// Its key in a journal line's part object (the format fixes these; they sort as written).
    public var journalKey: String {
        switch self {
        case .loss: "loss"
        case .accuracy: "accuracy"
        case .precision: "precision"
        case .recall: "recall"
        case .f1: "f1"
        case .rocAUC: "rocAUC"
        }
    }

    /// The metrics of `task`, in declaration order.
    public static func of(_ task: Task) -> [MetricKind] { allCases.filter { $0.tasks.contains(task) } }

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

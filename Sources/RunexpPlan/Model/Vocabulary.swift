/// Activation functions an experiment may name.
public enum ActivationName: String, CaseIterable, Sendable, Codable {
    case linear, relu, tanh, sigmoid, softmax
    case elu, selu
    case leakyRelu = "leaky_relu"
    case softplus, gelu, silu
}

/// Weight initializers a dense layer may name (Keras' names; glorot_uniform is the default).
public enum InitializerName: String, CaseIterable, Sendable, Codable {
    case glorotUniform = "glorot_uniform"
    case glorotNormal = "glorot_normal"
    case heUniform = "he_uniform"
    case heNormal = "he_normal"
    case lecunNormal = "lecun_normal"
}

/// Losses an experiment may name.
public enum LossName: String, CaseIterable, Sendable, Codable {
    case categoricalCrossentropy = "categorical_crossentropy"
    case binaryCrossentropy = "binary_crossentropy"
    /// Mean squared error.
    case mse
    /// Mean absolute error.
    case mae
    /// Huber's loss: squared within `delta` of the target, linear beyond (`training.loss: {huber: {delta: 1.0}}`).
    case huber

    /// The task the loss trains for.
    public var task: TaskKind {
        switch self {
        case .categoricalCrossentropy, .binaryCrossentropy: .classification
        case .mse, .mae, .huber: .regression
        }
    }

    /// The losses of `task`, in declaration order.
    public static func of(_ task: TaskKind) -> [LossName] { allCases.filter { $0.task == task } }
}

/// What an experiment predicts, as the file's top-level `task:` says: a class (the default) or a number.
public enum TaskKind: String, CaseIterable, Sendable, Codable {
    case classification, regression
}

/// Learning-rate schedules an experiment may name.
public enum ScheduleName: String, CaseIterable, Sendable, Codable {
    case constant, step, exponential, cosine
}

/// Optimizers an experiment may name.
public enum OptimizerName: String, CaseIterable, Sendable, Codable {
    case sgd, adam, adamw, rmsprop
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
    case regression

    /// The classification task of a target column with `classCount` classes.
    public init(classCount: Int) {
        self = classCount == 2 ? .binaryClassification : .multiclassClassification
    }

    /// The task of an experiment of `kind` whose target has `classCount` classes (none for regression).
    public init(_ kind: TaskKind, classCount: Int) {
        switch kind {
        case .classification: self.init(classCount: classCount)
        case .regression: self = .regression
        }
    }

    /// Classification or regression.
    public var kind: TaskKind {
        switch self {
        case .binaryClassification, .multiclassClassification: .classification
        case .regression: .regression
        }
    }

    /// How the task reads in a sentence: "binary classification".
    public var phrase: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// The values a metric can take, which every record read back is checked against.
public enum MetricRange: Sendable {
    /// A loss: any finite number ≥ 0.
    case nonNegative
    /// Accuracy, precision, …: a fraction from 0 to 1.
    case fraction
    /// R²: any finite number up to 1 (below 0 when the model is worse than the mean).
    case atMostOne

    public func contains(_ value: Double) -> Bool {
        switch self {
        case .nonNegative: value.isFinite && value >= 0
        case .fraction: value >= 0 && value <= 1
        case .atMostOne: value.isFinite && value <= 1
        }
    }

    /// The lowest and highest value, as a sentence ends: "between 0 and 1".
    public var phrase: String {
        switch self {
        case .nonNegative: "finite and ≥ 0"
        case .fraction: "between 0 and 1"
        case .atMostOne: "finite and ≤ 1"
        }
    }

    /// The lowest value, nil when there is none.
    public var lowest: Double? {
        switch self {
        case .nonNegative, .fraction: 0
        case .atMostOne: nil
        }
    }

    /// The highest value, nil when there is none.
    public var highest: Double? {
        switch self {
        case .nonNegative: nil
        case .fraction, .atMostOne: 1
        }
    }

    /// `value` moved into the range (a confidence interval's end past 1, say, drawn at 1).
    public func clamped(_ value: Double) -> Double {
        if let lowest, value < lowest { return lowest }
        if let highest, value > highest { return highest }
        return value
    }
}

/// A measured quantity. Everything the rest of runexp needs to know of one is here: the tasks it
/// is defined for, its range, its natural goal and its key in the journal; adding a metric is a
/// case (the compiler then asks for each) and its computation.
public enum MetricKind: String, CaseIterable, Sendable, Codable {
    case loss, accuracy, precision, recall, f1
    case rocAUC = "roc_auc"
    /// Root mean squared error, in the target's units.
    case rmse
    /// Mean absolute error, in the target's units.
    case mae
    /// Coefficient of determination: 1 − residual / total sum of squares about the part's mean.
    case r2

    /// The tasks the metric is defined for. Precision, recall and f1 are the positive class's with
    /// two classes and macro averages over the classes with more; ROC AUC needs a positive class.
    public var tasks: Set<Task> {
        switch self {
        case .loss: [.binaryClassification, .multiclassClassification, .regression]
        case .accuracy, .precision, .recall, .f1: [.binaryClassification, .multiclassClassification]
        case .rocAUC: [.binaryClassification]
        case .rmse, .mae, .r2: [.regression]
        }
    }

    /// True for metrics that are defined only for two classes.
    public var isBinaryOnly: Bool { tasks == [.binaryClassification] }

    /// True when a run may lack it on a part of its task: ROC AUC is undefined on a part that holds
    /// one class (a small or unshuffled validation part can), R² on a part whose targets are all
    /// equal; the part then has no value for it.
    public var mayBeUndefined: Bool {
        switch self {
        case .rocAUC, .r2: true
        case .loss, .accuracy, .precision, .recall, .f1, .rmse, .mae: false
        }
    }

    /// The values it can take.
    public var range: MetricRange {
        switch self {
        case .loss, .rmse, .mae: .nonNegative
        case .accuracy, .precision, .recall, .f1, .rocAUC: .fraction
        case .r2: .atMostOne
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
        case .rmse: "rmse"
        case .mae: "mae"
        case .r2: "r2"
        }
    }

    /// The metrics of `task`, in declaration order.
    public static func of(_ task: Task) -> [MetricKind] { allCases.filter { $0.tasks.contains(task) } }

    /// The natural direction: errors (loss, rmse, mae) are minimized, everything else maximized.
    public var naturalGoal: Goal {
        switch self {
        case .loss, .rmse, .mae: .minimize
        case .accuracy, .precision, .recall, .f1, .rocAUC, .r2: .maximize
        }
    }
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

    /// The tasks the metric is measured for every epoch (accuracy is a classification's).
    public var tasks: Set<TaskKind> {
        switch self {
        case .valLoss, .loss: [.classification, .regression]
        case .valAccuracy, .accuracy: [.classification]
        }
    }
}

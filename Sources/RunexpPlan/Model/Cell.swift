/// One point of the search: axis values and the model and training they resolve to.
public struct Cell: Sendable, Codable, Equatable {
    /// Position in plan order.
    public var index: Int
    /// Stable id from the resolved configuration (16 hex digits of FNV-1a 64 over the canonical
    /// `axis=value` text, axes sorted by name); unchanged when other cells are added or removed.
    public var id: String
    /// Axis values in axis order.
    public var values: [AxisAssignment]
    /// Layers in order.
    public var model: [LayerPlan]
    /// Training settings with defaults filled in.
    public var training: TrainingPlan

    public init(index: Int, id: String, values: [AxisAssignment], model: [LayerPlan], training: TrainingPlan) {
        self.index = index
        self.id = id
        self.values = values
        self.model = model
        self.training = training
    }

    /// The value of axis `name` in this cell.
    public func value(of name: String) -> AxisValue? {
        values.first { $0.axis == name }?.value
    }

    /// The 64-bit hash behind ``id``, used to derive run seeds.
    public var idHash: UInt64 { UInt64(id, radix: 16) ?? 0 }

    /// FNV-1a 64 of the canonical assignment text, as 16 lowercase hex digits.
    public static func stableID(for values: [AxisAssignment]) -> String {
        let canonical = values.sorted { $0.axis < $1.axis }
            .map { "\($0.axis)=\($0.value.canonicalTag)" }
            .joined(separator: "\n")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension AxisValue {
    /// Type-tagged text, so `1` and `"1"` hash apart.
    var canonicalTag: String {
        switch self {
        case .int: "i:\(description)"
        case .double: "d:\(description)"
        case .bool: "b:\(description)"
        case .string: "s:\(description)"
        }
    }
}

/// One axis' value in a cell.
public struct AxisAssignment: Sendable, Codable, Equatable {
    public var axis: String
    public var value: AxisValue

    public init(axis: String, value: AxisValue) {
        self.axis = axis
        self.value = value
    }
}

/// Width of a dense layer: a number, or the number of classes in the data.
public enum UnitsPlan: Sendable, Hashable, Codable, CustomStringConvertible {
    case count(Int)
    case classes

    public var description: String {
        switch self {
        case .count(let count): String(count)
        case .classes: "classes"
        }
    }

    /// The width given the data's class count.
    public func resolved(classes: Int) -> Int {
        switch self {
        case .count(let count): count
        case .classes: classes
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) { self = .count(count) } else { self = .classes }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let count): try container.encode(count)
        case .classes: try container.encode("classes")
        }
    }
}

/// One layer of the model.
public enum LayerPlan: Sendable, Hashable, Codable {
    case dense(units: UnitsPlan, activation: ActivationName)
    case dropout(rate: Double)
}

/// `training:` resolved for one cell.
public struct TrainingPlan: Sendable, Hashable, Codable {
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerPlan
    public var loss: LossName
    public var classWeight: ClassWeightPlan
    public var earlyStopping: EarlyStoppingPlan?

    public init(epochs: Int, batchSize: Int, optimizer: OptimizerPlan, loss: LossName,
                classWeight: ClassWeightPlan, earlyStopping: EarlyStoppingPlan?) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.loss = loss
        self.classWeight = classWeight
        self.earlyStopping = earlyStopping
    }
}

/// An optimizer with every hyperparameter filled in (Keras defaults).
public struct OptimizerPlan: Sendable, Hashable, Codable {
    public var name: OptimizerName
    public var learningRate: Double
    /// SGD only (default 0).
    public var momentum: Double
    /// SGD only (default false).
    public var nesterov: Bool
    /// Adam only (defaults 0.9, 0.999, 1e-7).
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(name: OptimizerName, learningRate: Double, momentum: Double = 0, nesterov: Bool = false,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7) {
        self.name = name
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

/// How samples of each class are weighted in the training loss.
public enum ClassWeightPlan: Sendable, Hashable, Codable {
    /// Every sample weighs 1.
    case none
    /// n / (classes × count of the class), on each run's training rows (scikit-learn's rule).
    case balanced
    /// A weight per label; labels not named weigh 1.
    case explicit([String: Double])
}

/// Stop when a monitored metric stops improving.
public struct EarlyStoppingPlan: Sendable, Hashable, Codable {
    public var monitor: MonitorName
    public var patience: Int
    public var minDelta: Double
    public var restoreBestWeights: Bool

    public init(monitor: MonitorName, patience: Int, minDelta: Double, restoreBestWeights: Bool) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
    }
}

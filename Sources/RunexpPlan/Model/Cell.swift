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
    /// `initializer` nil is glorot_uniform (plan.json then has no key, as before it existed).
    case dense(units: UnitsPlan, activation: ActivationName, initializer: InitializerName? = nil)
    case dropout(rate: Double)
    /// Keras's BatchNormalization (defaults momentum 0.99, epsilon 0.001).
    case batchNorm(momentum: Double, epsilon: Double)
    /// Keras's LayerNormalization (default epsilon 0.001).
    case layerNorm(epsilon: Double)
}

/// `training:` resolved for one cell.
public struct TrainingPlan: Sendable, Hashable, Codable {
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerPlan
    public var loss: LossName
    /// Huber's delta, in the units the net trains on (the standardized target by default); nil for other losses.
    public var huberDelta: Double?
    public var classWeight: ClassWeightPlan
    public var earlyStopping: EarlyStoppingPlan?
    /// The optimizer's `weight_decay`: decoupled for adamw (0.004 unless given), an L2 term of the
    /// gradient for the others; nil when none (plan.json then has no key, as before it existed).
    public var weightDecay: Double?
    /// How the learning rate changes by epoch; nil for a constant one (plan.json then has no key).
    public var schedule: SchedulePlan?
    /// The largest global gradient norm of a step; nil for no clipping.
    public var clipNorm: Double?
    /// A cross-entropy's label smoothing ε; nil for none.
    public var labelSmoothing: Double?

    public init(epochs: Int, batchSize: Int, optimizer: OptimizerPlan, loss: LossName, huberDelta: Double? = nil,
                classWeight: ClassWeightPlan, earlyStopping: EarlyStoppingPlan?, weightDecay: Double? = nil,
                schedule: SchedulePlan? = nil, clipNorm: Double? = nil, labelSmoothing: Double? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.loss = loss
        self.huberDelta = huberDelta
        self.classWeight = classWeight
        self.earlyStopping = earlyStopping
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.clipNorm = clipNorm
        self.labelSmoothing = labelSmoothing
    }
}

/// A learning-rate schedule with its settings filled in: epoch e (0-based) of E trains at lr·factor(e).
public enum SchedulePlan: Sendable, Hashable {
    /// `factor^⌊e / everyEpochs⌋`.
    case step(everyEpochs: Int, factor: Double)
    /// `factor^e`.
    case exponential(factor: Double)
    /// `(e + 1)/w` for the first w epochs, then a cosine from 1 down to `minFactor` at the last epoch.
    case cosine(warmupEpochs: Int, minFactor: Double)

    /// The schedule `name` with its defaults (nil for constant, which is no schedule).
    public static func defaults(_ name: ScheduleName) -> SchedulePlan? {
        switch name {
        case .constant: nil
        case .step: .step(everyEpochs: 10, factor: 0.5)
        case .exponential: .exponential(factor: 0.96)
        case .cosine: .cosine(warmupEpochs: 0, minFactor: 0)
        }
    }

    public var name: ScheduleName {
        switch self {
        case .step: .step
        case .exponential: .exponential
        case .cosine: .cosine
        }
    }

    /// Every number it holds (for checks that look at all of them).
    public var numbers: [Double] {
        switch self {
        case .step(let every, let factor): [Double(every), factor]
        case .exponential(let factor): [factor]
        case .cosine(let warmup, let minimum): [Double(warmup), minimum]
        }
    }
}

extension SchedulePlan: Codable {
    enum CodingKeys: String, CodingKey {
        case name, everyEpochs, factor, warmupEpochs, minFactor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        switch self {
        case .step(let every, let factor):
            try container.encode(every, forKey: .everyEpochs)
            try container.encode(factor, forKey: .factor)
        case .exponential(let factor):
            try container.encode(factor, forKey: .factor)
        case .cosine(let warmup, let minimum):
            try container.encode(warmup, forKey: .warmupEpochs)
            try container.encode(minimum, forKey: .minFactor)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(ScheduleName.self, forKey: .name) {
        case .constant:
            throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: "a constant schedule is written as none")
        case .step:
            self = .step(everyEpochs: try container.decode(Int.self, forKey: .everyEpochs), factor: try container.decode(Double.self, forKey: .factor))
        case .exponential:
            self = .exponential(factor: try container.decode(Double.self, forKey: .factor))
        case .cosine:
            self = .cosine(warmupEpochs: try container.decode(Int.self, forKey: .warmupEpochs),
                           minFactor: try container.decode(Double.self, forKey: .minFactor))
        }
    }
}

/// An optimizer with its own hyperparameters filled in (Keras defaults): SGD cannot hold Adam's
/// betas, and every switch over it is checked by the compiler when an optimizer is added.
public enum OptimizerPlan: Sendable, Hashable {
    case sgd(learningRate: Double, momentum: Double = 0, nesterov: Bool = false)
    case adam(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7)
    /// Adam with decoupled weight decay (``TrainingPlan/weightDecay``).
    case adamw(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7)
    case rmsprop(learningRate: Double, rho: Double = 0.9, momentum: Double = 0, epsilon: Double = 1e-7)

    /// The optimizer with its defaults and Keras' default learning rate (SGD 0.01, the others 0.001).
    public static func defaults(_ name: OptimizerName) -> OptimizerPlan {
        switch name {
        case .sgd: .sgd(learningRate: 0.01)
        case .adam: .adam(learningRate: 0.001)
        case .adamw: .adamw(learningRate: 0.001)
        case .rmsprop: .rmsprop(learningRate: 0.001)
        }
    }

    /// Keras' default weight decay of the optimizer: AdamW's 0.004; none for the others.
    public var defaultWeightDecay: Double? {
        if case .adamw = self { 0.004 } else { nil }
    }

    public var name: OptimizerName {
        switch self {
        case .sgd: .sgd
        case .adam: .adam
        case .adamw: .adamw
        case .rmsprop: .rmsprop
        }
    }

    public var learningRate: Double {
        switch self {
        case .sgd(let learningRate, _, _), .adam(let learningRate, _, _, _), .adamw(let learningRate, _, _, _),
             .rmsprop(let learningRate, _, _, _): learningRate
        }
    }

    /// Every number it holds (for checks that look at all of them).
    public var numbers: [Double] {
        switch self {
        case .sgd(let learningRate, let momentum, _): [learningRate, momentum]
        case .adam(let learningRate, let beta1, let beta2, let epsilon), .adamw(let learningRate, let beta1, let beta2, let epsilon):
            [learningRate, beta1, beta2, epsilon]
        case .rmsprop(let learningRate, let rho, let momentum, let epsilon): [learningRate, rho, momentum, epsilon]
        }
    }
}

extension OptimizerPlan: Codable {
    /// plan.json keeps the flat object of the struct this enum replaced (every key, the other
    /// optimizer's at their defaults), so plan hashes of existing folders are unchanged.
    enum CodingKeys: String, CodingKey {
        case name, learningRate, momentum, nesterov, beta1, beta2, epsilon, rho
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var (momentum, nesterov, beta1, beta2, epsilon) = (0.0, false, 0.9, 0.999, 1e-7)
        switch self {
        case .sgd(_, let m, let n): (momentum, nesterov) = (m, n)
        case .adam(_, let b1, let b2, let e), .adamw(_, let b1, let b2, let e): (beta1, beta2, epsilon) = (b1, b2, e)
        case .rmsprop(_, let rho, let m, let e):
            (momentum, epsilon) = (m, e)
            // Only RMSprop's object has the key: every other optimizer's bytes are as before it existed.
            try container.encode(rho, forKey: .rho)
        }
        try container.encode(beta1, forKey: .beta1)
        try container.encode(beta2, forKey: .beta2)
        try container.encode(epsilon, forKey: .epsilon)
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(momentum, forKey: .momentum)
        try container.encode(name, forKey: .name)
        try container.encode(nesterov, forKey: .nesterov)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(OptimizerName.self, forKey: .name)
        let learningRate = try container.decode(Double.self, forKey: .learningRate)
        let momentum = try container.decode(Double.self, forKey: .momentum)
        let nesterov = try container.decode(Bool.self, forKey: .nesterov)
        let beta1 = try container.decode(Double.self, forKey: .beta1)
        let beta2 = try container.decode(Double.self, forKey: .beta2)
        let epsilon = try container.decode(Double.self, forKey: .epsilon)
        switch name {
        case .sgd:
            guard beta1 == 0.9, beta2 == 0.999, epsilon == 1e-7 else {
                throw DecodingError.dataCorruptedError(forKey: .beta1, in: container, debugDescription: "sgd with Adam's betas or epsilon")
            }
            self = .sgd(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
        case .adam, .adamw:
            guard momentum == 0, !nesterov else {
                throw DecodingError.dataCorruptedError(forKey: .momentum, in: container, debugDescription: "\(name.rawValue) with SGD's momentum")
            }
            self = name == .adam ? .adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
                : .adamw(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
        case .rmsprop:
            guard beta1 == 0.9, beta2 == 0.999, !nesterov else {
                throw DecodingError.dataCorruptedError(forKey: .beta1, in: container, debugDescription: "rmsprop with Adam's betas or Nesterov")
            }
            self = .rmsprop(learningRate: learningRate, rho: try container.decode(Double.self, forKey: .rho), momentum: momentum, epsilon: epsilon)
        }
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

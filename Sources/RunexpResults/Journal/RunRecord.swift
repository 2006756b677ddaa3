import RunexpPlan

/// The metrics of one run on one part of the data (binary metrics are nil for more than two
/// classes). The result folder's own type: its JSON keys are the journal's format, fixed here,
/// whatever the kernel's evaluation calls its fields.
public struct PartMetrics: Sendable, Equatable, Codable {
    public var loss: Double
    public var accuracy: Double
    public var precision: Double?
    public var recall: Double?
    public var f1: Double?
    public var rocAUC: Double?

    enum CodingKeys: String, CodingKey {
        case loss, accuracy, precision, recall, f1, rocAUC
    }

    public init(loss: Double, accuracy: Double, precision: Double?, recall: Double?, f1: Double?, rocAUC: Double?) {
        self.loss = loss
        self.accuracy = accuracy
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.rocAUC = rocAUC
    }

    /// The value of metric `kind`.
    public func value(_ kind: MetricKind) -> Double? {
        switch kind {
        case .loss: loss
        case .accuracy: accuracy
        case .precision: precision
        case .recall: recall
        case .f1: f1
        case .rocAUC: rocAUC
        }
    }
}

/// One epoch of one run's learning curve. The result folder's own type, as ``PartMetrics``.
public struct CurvePoint: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy
    }

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double?, validationAccuracy: Double?) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
    }
}

/// Everything one run produced.
public struct RunRecord: Sendable, Equatable, Codable {
    public var run: RunID
    /// The seed the run's generator started from.
    public var seed: UInt64
    public var epochsRun: Int
    /// Loss or weights became NaN or infinite; the metrics are then nil.
    public var diverged: Bool
    public var validation: PartMetrics?
    public var test: PartMetrics?
    public var curve: [CurvePoint]

    public init(run: RunID, seed: UInt64, epochsRun: Int, diverged: Bool, validation: PartMetrics?, test: PartMetrics?, curve: [CurvePoint]) {
        self.run = run
        self.seed = seed
        self.epochsRun = epochsRun
        self.diverged = diverged
        self.validation = validation
        self.test = test
        self.curve = curve
    }

    /// The value of `metric`, nil when the run diverged or the part does not exist.
    public func value(_ metric: MetricName) -> Double? {
        switch metric.split {
        case .val: validation?.value(metric.kind)
        case .test: test?.value(metric.kind)
        }
    }
}

import RunexpPlan

/// The metrics of one run on one part of the data, by kind: the ones its task has
/// (``MetricKind/tasks``; ``RunRecordCheck`` holds every record to that). The result folder's own
/// type: its JSON keys are the journal's format (``MetricKind/journalKey``), whatever the kernel's
/// evaluation calls its fields.
public struct PartMetrics: Sendable, Equatable, Codable {
    /// Every metric measured.
    public var values: [MetricKind: Double]

    public init(_ values: [MetricKind: Double]) {
        self.values = values
    }

    /// A classification part: loss, accuracy, precision, recall, f1, and for two classes ROC AUC.
    public init(loss: Double, accuracy: Double, precision: Double?, recall: Double?, f1: Double?, rocAUC: Double?) {
        var values: [MetricKind: Double] = [.loss: loss, .accuracy: accuracy]
        values[.precision] = precision
        values[.recall] = recall
        values[.f1] = f1
        values[.rocAUC] = rocAUC
        self.values = values
    }

    /// The value of metric `kind`, nil when this part does not have it.
    public func value(_ kind: MetricKind) -> Double? { values[kind] }

    /// The measured kinds in journal order (their keys sorted).
    public var kinds: [MetricKind] { values.keys.sorted { $0.journalKey < $1.journalKey } }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var values: [MetricKind: Double] = [:]
        for kind in MetricKind.allCases {
            values[kind] = try container.decodeIfPresent(Double.self, forKey: Key(stringValue: kind.journalKey))
        }
        self.values = values
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for kind in kinds {
            try container.encode(values[kind], forKey: Key(stringValue: kind.journalKey))
        }
    }
}

/// One epoch of one run's learning curve. The result folder's own type, as ``PartMetrics``.
public struct CurvePoint: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    public var trainLoss: Double
    /// Nil in a regression task, which measures no accuracy.
    public var trainAccuracy: Double?
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// A regression's validation RMSE in the target's units; nil in a classification.
    public var validationRMSE: Double?

    enum CodingKeys: String, CodingKey {
        case epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, validationRMSE
    }

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double?, validationLoss: Double?, validationAccuracy: Double?,
                validationRMSE: Double? = nil) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.validationRMSE = validationRMSE
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
    /// Under a halving strategy: the objective at each rung up to the last one the run reached, by
    /// rung (nil where the run was not ranked: a Hyperband bracket's earlier rungs, or no value);
    /// nil without a strategy.
    public var rungs: [Double?]?

    public init(run: RunID, seed: UInt64, epochsRun: Int, diverged: Bool, validation: PartMetrics?, test: PartMetrics?, curve: [CurvePoint],
                rungs: [Double?]? = nil) {
        self.run = run
        self.seed = seed
        self.epochsRun = epochsRun
        self.diverged = diverged
        self.validation = validation
        self.test = test
        self.curve = curve
        self.rungs = rungs
    }

    /// The last rung the run reached under a halving strategy.
    public var lastRung: Int? { rungs.map { $0.count - 1 } }

    /// The value of `metric`, nil when the run diverged or the part does not exist.
    public func value(_ metric: MetricName) -> Double? {
        switch metric.split {
        case .val: validation?.value(metric.kind)
        case .test: test?.value(metric.kind)
        }
    }
}

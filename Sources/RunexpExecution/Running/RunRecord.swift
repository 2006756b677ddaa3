import RunexpKernel
import RunexpPlan

/// The metrics of one run on one part of the data: the kernel's evaluation (binary metrics are
/// nil for more than two classes).
public typealias PartMetrics = Evaluation

extension Evaluation {
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

/// One epoch of one run's learning curve, as the kernel records it.
public typealias CurvePoint = EpochRecord

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

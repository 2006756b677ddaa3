/// The per-epoch quantity early stopping watches; raw values are Keras' log keys.
///
/// Loss-like values are minimised, accuracy-like values maximised.
public enum MonitoredMetric: String, Sendable, CaseIterable {
    case valLoss = "val_loss"
    case valAccuracy = "val_accuracy"
    case loss
    case accuracy

    /// Whether larger values are better.
    public var isMaximized: Bool { isAccuracy }

    /// Accuracy is measured for classification only.
    public var isAccuracy: Bool {
        self == .valAccuracy || self == .accuracy
    }

    /// The value in `record`, or nil when it was not measured (validation metrics without validation data).
    public func value(in record: EpochRecord) -> Double? {
        switch self {
        case .valLoss: record.validationLoss
        case .valAccuracy: record.validationAccuracy
        case .loss: record.trainLoss
        case .accuracy: record.trainAccuracy
        }
    }
}

/// Keras 3's `EarlyStopping` callback (mode auto, no baseline, start_from_epoch 0).
///
/// At each epoch end: an epoch improves iff `value − minDelta < best` (minimised) or
/// `value + minDelta > best` (maximised), best starting at ±∞; otherwise a wait counter grows, and
/// training stops once it reaches `patience` (never after the first epoch). With `restoreBestWeights`
/// the parameters at the end of the best epoch are put back when training ends, stopped early or not.
/// Epochs whose monitored value is missing (no validation data) are ignored.
public struct EarlyStopping: Sendable, Hashable {
    public var monitor: MonitoredMetric
    public var patience: Int
    /// Minimum change that counts as improvement; its sign is ignored, like Keras' `abs(min_delta)`.
    public var minDelta: Double
    public var restoreBestWeights: Bool

    /// Keras' defaults: monitor val_loss, patience 0, min_delta 0, no restoring.
    public init(monitor: MonitoredMetric = .valLoss, patience: Int = 0, minDelta: Double = 0, restoreBestWeights: Bool = false) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
    }
}

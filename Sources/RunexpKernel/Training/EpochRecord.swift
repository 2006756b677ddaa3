/// What one epoch measured, as Keras' History would log it.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public let epoch: Int
    /// Batch losses (class-weighted, dropout on) averaged with each batch weighted by its row count.
    public let trainLoss: Double
    /// Fraction of the epoch's training rows whose argmax during their step was the label (dropout
    /// on); nil for a regression loss.
    public let trainAccuracy: Double?
    /// Unweighted mean loss on the validation rows at the end of the epoch (dropout off).
    public let validationLoss: Double?
    /// Argmax accuracy on the validation rows at the end of the epoch; nil for a regression loss.
    public let validationAccuracy: Double?
    /// A regression's root mean squared error on the validation rows at the end of the epoch, in
    /// the target's units (``TrainingSettings/targetScale``), as ``evaluateRegression`` measures it;
    /// nil for a classification.
    public let validationRMSE: Double?

    /// Creates a record from its measurements.
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

/// Everything about one training run except the data, the network and the random stream.
public struct TrainingSettings: Sendable {
    /// Passes over the training rows (0 trains nothing).
    public var epochs: Int
    /// Rows per optimizer step; the last, partial batch of an epoch is kept.
    public var batchSize: Int
    public var optimizer: OptimizerSpec
    public var loss: LossKind
    /// One weight per class, multiplying each sample's loss (Keras `class_weight`); empty or all 1 = unweighted.
    public var classWeights: [Float]
    public var earlyStopping: EarlyStopping?
    /// A regression's target as the net trains on it, `(y − offset) / scale`: each epoch's
    /// validation RMSE is measured after mapping back (``EpochRecord/validationRMSE``).
    public var targetScale: TargetScale
    /// Weight decay around each optimizer step (none by default).
    public var weightDecay: WeightDecay?
    /// How the learning rate changes from epoch to epoch (constant by default).
    public var schedule: LearningRateSchedule = .constant
    /// The largest global norm √(Σ g²) of a step's gradients: larger ones are scaled down to it
    /// before weight decay and the step (no clipping by default).
    public var clipNorm: Double?
    /// Cross-entropy's label smoothing ε in [0, 1): the training loss's targets only (validation
    /// and test losses stay the plain cross-entropy).
    public var labelSmoothing: Double = 0

    /// Settings with unweighted classes and no early stopping unless given.
    public init(
        epochs: Int, batchSize: Int, optimizer: OptimizerSpec, loss: LossKind,
        classWeights: [Float] = [], earlyStopping: EarlyStopping? = nil, targetScale: TargetScale = .identity
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.loss = loss
        self.classWeights = classWeights
        self.earlyStopping = earlyStopping
        self.targetScale = targetScale
    }
}

/// How a regression's targets were standardized: a value v on the training scale means `v · scale + offset`.
public struct TargetScale: Sendable, Equatable {
    public var scale: Double
    public var offset: Double
    /// Targets trained as they are.
    public static let identity = TargetScale(scale: 1, offset: 0)

    public init(scale: Double, offset: Double) {
        self.scale = scale
        self.offset = offset
    }
}

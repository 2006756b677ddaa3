/// The result of ``train(_:on:validation:classCount:settings:rng:)``.
public struct TrainingOutcome: Sendable {
    /// The trained network (best epoch's parameters when early stopping restored them).
    public let network: Network
    /// Completed epochs (equals `history.count`).
    public let epochsRun: Int
    /// A batch loss or a parameter became NaN/±∞; training stopped inside the epoch after `history`.
    public let diverged: Bool
    public let history: [EpochRecord]

    /// Creates an outcome from its parts.
    public init(network: Network, epochsRun: Int, diverged: Bool, history: [EpochRecord]) {
        self.network = network
        self.epochsRun = epochsRun
        self.diverged = diverged
        self.history = history
    }
}

/// Trains a copy of `network`; shuffles the rows every epoch with `rng`, dropout masks drawn from `rng`.
///
/// Per epoch: Fisher–Yates shuffle of the row order (``shuffleIndices(_:rng:)``), then batches of
/// `settings.batchSize` rows in that order (last one partial), each a ``Trainer`` step whose dropout
/// masks are drawn right before it (layer order, row-major, two units per `next()`). After the epoch,
/// validation loss/accuracy (dropout off, unweighted; no accuracy for a regression loss) and early stopping. A non-finite batch loss or
/// parameter stops training at once with `diverged = true`; the partial epoch is not recorded and the
/// returned network is the one at that moment (or the best epoch's, with `restoreBestWeights`).
/// Same inputs and generator state ⇒ bit-identical outcome.
///
/// Requires a valid configuration (``Network/validate(classCount:settings:)``,
/// ``Network/validate(samples:classCount:)`` for both sample sets) and at least one training row.
public func train(
    _ network: Network, on train: Samples, validation: Samples?, classCount: Int,
    settings: TrainingSettings, rng: inout some RandomNumberGenerator
) -> TrainingOutcome {
    dispatchTraining(network, on: train, validation: validation, classCount: classCount, settings: settings,
                     path: .selected, rng: &rng)
}

/// ``train(_:on:validation:classCount:settings:rng:)`` with the products' arithmetic chosen by the caller
/// (tests compare paths).
func train(
    _ network: Network, on train: Samples, validation: Samples?, classCount: Int,
    settings: TrainingSettings, path: KernelCodePath, rng: inout some RandomNumberGenerator
) -> TrainingOutcome {
    dispatchTraining(network, on: train, validation: validation, classCount: classCount, settings: settings,
                     path: path, rng: &rng)
}

/// Routes SplitMix64 to a specialised copy of the loop (no per-draw dynamic dispatch); same draws either way.
private func dispatchTraining<G: RandomNumberGenerator>(
    _ network: Network, on train: Samples, validation: Samples?, classCount: Int,
    settings: TrainingSettings, path: KernelCodePath, rng: inout G
) -> TrainingOutcome {
    if G.self == SplitMix64.self {
        return withUnsafeMutablePointer(to: &rng) { pointer in
            pointer.withMemoryRebound(to: SplitMix64.self, capacity: 1) { splitMix in
                runTraining(network, on: train, validation: validation, classCount: classCount,
                            settings: settings, path: path, rng: &splitMix.pointee)
            }
        }
    }
    return runTraining(network, on: train, validation: validation, classCount: classCount, settings: settings,
                       path: path, rng: &rng)
}

private func runTraining<G: RandomNumberGenerator>(
    _ network: Network, on train: Samples, validation: Samples?, classCount: Int,
    settings: TrainingSettings, path: KernelCodePath, rng: inout G
) -> TrainingOutcome {
    var run = TrainingRun(network, on: train, validation: validation, classCount: classCount, settings: settings, path: path, rng: rng)
    run.run(throughEpoch: settings.epochs)
    rng = run.rng
    return run.outcome
}

/// A training run that can stop after any epoch and go on later, with the same bits as one that
/// never stopped: the network and the optimizer's state, the generator, the epochs' row order, the
/// history and the early-stopping state travel with it. What successive halving needs of a rung's
/// survivors; ``train(_:on:validation:classCount:settings:rng:)`` is this run through to the end.
public struct TrainingRun<G: RandomNumberGenerator> {
    let train: Samples
    let settings: TrainingSettings
    var trainer: Trainer
    var probe: ValidationProbe?
    var monitor: EarlyStoppingMonitor?
    var order: [Int]
    /// One record per finished epoch.
    public private(set) var history: [EpochRecord] = []
    /// A batch loss or a parameter became NaN/±∞: no epoch follows.
    public private(set) var diverged = false
    /// Early stopping ended the run: no epoch follows.
    public private(set) var stopped = false
    /// The generator, as the epochs so far left it.
    public private(set) var rng: G

    /// Prepares to train `network` (nothing is trained until ``run(throughEpoch:)``). Requires a
    /// valid configuration and at least one training row, as ``train(_:on:validation:classCount:settings:rng:)``.
    public init(_ network: Network, on train: Samples, validation: Samples?, classCount: Int, settings: TrainingSettings, rng: G) {
        self.init(network, on: train, validation: validation, classCount: classCount, settings: settings, path: .selected, rng: rng)
    }

    init(_ network: Network, on train: Samples, validation: Samples?, classCount: Int, settings: TrainingSettings,
         path: KernelCodePath, rng: G) {
        do {
            try network.validate(classCount: classCount, settings: settings)
            let regression = settings.loss.isRegression
            try network.validate(samples: train, classCount: classCount, regression: regression)
            if let validation { try network.validate(samples: validation, classCount: classCount, regression: regression) }
            if train.rows == 0 { throw ConfigurationError.noRows }
        } catch {
            preconditionFailure("invalid training configuration: \(error)")
        }
        self.train = train
        self.settings = settings
        self.rng = rng
        trainer = Trainer(network: network, settings: settings, classCount: classCount, batchCapacity: min(settings.batchSize, train.rows),
                          path: path, viewedSamples: train.view != nil)
        probe = validation.map { ValidationProbe(network: network, samples: $0, loss: settings.loss, targetScale: settings.targetScale, path: path) }
        monitor = settings.earlyStopping.map { EarlyStoppingMonitor(rule: $0, parameterCount: network.storage.count) }
        order = Array(0..<train.rows)
        history.reserveCapacity(settings.epochs)
    }

    /// Epochs trained so far.
    public var epochsRun: Int { history.count }

    /// No epoch follows: all of `settings.epochs` ran, or the run diverged or stopped early.
    public var isFinished: Bool { diverged || stopped || history.count >= settings.epochs }

    /// Trains the epochs after ``epochsRun`` up to epoch `end` (1-based, at most `settings.epochs`),
    /// unless the run finishes first.
    public mutating func run(throughEpoch end: Int) {
        let rows = train.rows, batchSize = settings.batchSize
        while !isFinished, history.count < end {
            let epochIndex = history.count
            if settings.schedule != .constant {
                trainer.setLearningRate(Float(settings.optimizer.learningRate * settings.schedule.factor(epoch: epochIndex, of: settings.epochs)))
            }
            shuffleIndices(&order, rng: &rng)
            var lossSum = 0.0
            var correct = 0
            let finished = order.withUnsafeBufferPointer { all in
                var start = 0
                while start < rows {
                    let count = min(batchSize, rows - start)
                    let result = trainer.step(on: train, rows: UnsafeBufferPointer(rebasing: all[start..<(start + count)]), rng: &rng)
                    guard result.finite else { return false }
                    lossSum += Double(result.loss) * Double(count)
                    correct += result.correct
                    start += count
                }
                return true
            }
            guard finished else {
                diverged = true
                return
            }
            let measured = probe?.measure(trainer.network)
            let record = EpochRecord(
                epoch: epochIndex + 1, trainLoss: lossSum / Double(rows),
                trainAccuracy: settings.loss.isRegression ? nil : Double(correct) / Double(rows),
                validationLoss: measured?.loss, validationAccuracy: measured?.accuracy, validationRMSE: measured?.rmse)
            history.append(record)
            if monitor?.observe(record, epochIndex: epochIndex, parameters: trainer.network.storage) == true {
                stopped = true
            }
        }
    }

    /// The run as it stands: the network (the best epoch's weights when early stopping restores
    /// them), its epochs and history.
    public var outcome: TrainingOutcome {
        var result = trainer.network
        if let monitor, monitor.rule.restoreBestWeights, monitor.hasBestParameters {
            result.storage = monitor.bestParameters
        }
        return TrainingOutcome(network: result, epochsRun: history.count, diverged: diverged, history: history)
    }
}

extension TrainingRun: Sendable where G: Sendable {}

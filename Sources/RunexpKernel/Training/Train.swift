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
    do {
        try network.validate(classCount: classCount, settings: settings)
        let regression = settings.loss.isRegression
        try network.validate(samples: train, classCount: classCount, regression: regression)
        if let validation { try network.validate(samples: validation, classCount: classCount, regression: regression) }
        if train.rows == 0 { throw ConfigurationError.noRows }
    } catch {
        preconditionFailure("invalid training configuration: \(error)")
    }
    let rows = train.rows
    let batchSize = settings.batchSize
    var trainer = Trainer(network: network, settings: settings, classCount: classCount, batchCapacity: min(batchSize, rows),
                          path: path, viewedSamples: train.view != nil)
    var probe = validation.map { ValidationProbe(network: network, samples: $0, loss: settings.loss, targetScale: settings.targetScale, path: path) }
    var monitor = settings.earlyStopping.map { EarlyStoppingMonitor(rule: $0, parameterCount: network.storage.count) }
    var order = Array(0..<rows)
    var history: [EpochRecord] = []
    history.reserveCapacity(settings.epochs)
    var diverged = false

    for epochIndex in 0..<settings.epochs {
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
            break
        }
        let measured = probe?.measure(trainer.network)
        let record = EpochRecord(
            epoch: epochIndex + 1, trainLoss: lossSum / Double(rows),
            trainAccuracy: settings.loss.isRegression ? nil : Double(correct) / Double(rows),
            validationLoss: measured?.loss, validationAccuracy: measured?.accuracy, validationRMSE: measured?.rmse)
        history.append(record)
        if monitor?.observe(record, epochIndex: epochIndex, parameters: trainer.network.storage) == true {
            break
        }
    }

    var result = trainer.network
    if let monitor, monitor.rule.restoreBestWeights, monitor.hasBestParameters {
        result.storage = monitor.bestParameters
    }
    return TrainingOutcome(network: result, epochsRun: history.count, diverged: diverged, history: history)
}

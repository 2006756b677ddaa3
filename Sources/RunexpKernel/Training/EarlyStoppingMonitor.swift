/// The running state of an ``EarlyStopping`` rule across epochs (Keras 3's callback logic).
struct EarlyStoppingMonitor: Sendable {
    let rule: EarlyStopping
    private(set) var best: Double
    private(set) var bestEpoch: Int?
    private var wait = 0
    /// Parameters at the end of the best epoch so far (kept only with `restoreBestWeights`).
    private(set) var bestParameters: [Float] = []
    private(set) var hasBestParameters = false

    init(rule: EarlyStopping, parameterCount: Int) {
        self.rule = rule
        self.best = rule.monitor.isMaximized ? -.infinity : .infinity
        if rule.restoreBestWeights {
            bestParameters = [Float](repeating: 0, count: parameterCount)
        }
    }

    /// Feeds the epoch's record (`epochIndex` 0-based) and current parameters; returns whether to stop.
    mutating func observe(_ record: EpochRecord, epochIndex: Int, parameters: [Float]) -> Bool {
        guard let current = rule.monitor.value(in: record) else { return false }
        if rule.restoreBestWeights && !hasBestParameters {
            remember(parameters)
        }
        wait += 1
        let delta = abs(rule.minDelta)
        let improved = rule.monitor.isMaximized ? current - delta > best : current + delta < best
        if improved {
            best = current
            bestEpoch = record.epoch
            if rule.restoreBestWeights { remember(parameters) }
            wait = 0
            return false
        }
        return wait >= rule.patience && epochIndex > 0
    }

    private mutating func remember(_ parameters: [Float]) {
        bestParameters.withUnsafeMutableBufferPointer { destination in
            parameters.withUnsafeBufferPointer { source in
                guard let from = source.baseAddress, let to = destination.baseAddress else { return }
                to.update(from: from, count: source.count)
            }
        }
        hasBestParameters = true
    }
}

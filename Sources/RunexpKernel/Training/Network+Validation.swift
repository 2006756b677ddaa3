extension Network {
    /// Checks that this network, `classCount` and `settings` form a trainable combination.
    ///
    /// The last layer must be dense(classCount, softmax) for categorical cross-entropy,
    /// dense(1, sigmoid) with classCount 2 for binary, and dense(1) neither softmax nor sigmoid with
    /// classCount 1 (one output) and no class weights for a regression loss; dropout rates and batch
    /// norm momentums in [0, 1); norm epsilons finite > 0; weights finite ≥ 0; Huber's delta finite > 0; no accuracy monitor in regression.
    public func validate(classCount: Int, settings: TrainingSettings) throws(ConfigurationError) {
        try Self.validate(layers: layers, classCount: classCount, settings: settings)
    }

    /// ``validate(classCount:settings:)`` for `layers`, before any network is allocated: callers
    /// check every configuration they will train with it, so that none reaches ``Trainer``'s trap.
    public static func validate(layers: [LayerSpec], classCount: Int, settings: TrainingSettings) throws(ConfigurationError) {
        guard settings.loss.isRegression ? classCount == 1 : classCount >= 2 else { throw .invalidClassCount(classCount) }
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .dense(let units, _):
                if units < 1 { throw .invalidUnits(layer: index, units: units) }
            case .dropout(let rate):
                if !(rate >= 0 && rate < 1) { throw .invalidDropoutRate(layer: index, rate: rate) }
            case .batchNorm(let momentum, let epsilon):
                if !(momentum >= 0 && momentum < 1) { throw .invalidNorm(layer: index, reason: "batch norm momentum \(momentum) outside [0, 1)") }
                if !(epsilon.isFinite && epsilon > 0) { throw .invalidNorm(layer: index, reason: "batch norm epsilon \(epsilon) must be finite and > 0") }
            case .layerNorm(let epsilon):
                if !(epsilon.isFinite && epsilon > 0) { throw .invalidNorm(layer: index, reason: "layer norm epsilon \(epsilon) must be finite and > 0") }
            }
        }
        switch settings.loss {
        case .categoricalCrossentropy:
            let expected = LayerSpec.dense(units: classCount, activation: .softmax)
            if layers.last != expected {
                throw .lastLayerMismatch(loss: settings.loss, expected: expected, actual: layers.last)
            }
        case .binaryCrossentropy:
            let expected = LayerSpec.dense(units: 1, activation: .sigmoid)
            if layers.last != expected {
                throw .lastLayerMismatch(loss: settings.loss, expected: expected, actual: layers.last)
            }
            if classCount != 2 { throw .binaryNeedsTwoClasses(classCount: classCount) }
        case .meanSquaredError, .meanAbsoluteError, .huber:
            guard case .dense(units: 1, activation: let activation)? = layers.last, activation != .softmax, activation != .sigmoid else {
                throw .lastLayerMismatch(loss: settings.loss, expected: .dense(units: 1, activation: .linear), actual: layers.last)
            }
            if case .huber(let delta) = settings.loss, !(delta.isFinite && delta > 0) {
                throw .invalidHuberDelta(delta)
            }
            if settings.classWeights.contains(where: { $0 != 1 }) { throw .classWeightCount(expected: 0, actual: settings.classWeights.count) }
            if let monitor = settings.earlyStopping?.monitor, monitor.isAccuracy { throw .accuracyInRegression(monitor) }
        }
        if !settings.classWeights.isEmpty {
            guard settings.classWeights.count == classCount else {
                throw .classWeightCount(expected: classCount, actual: settings.classWeights.count)
            }
            for (index, weight) in settings.classWeights.enumerated() where !(weight.isFinite && weight >= 0) {
                throw .invalidClassWeight(classIndex: index, weight: weight)
            }
        }
        guard settings.batchSize >= 1 else { throw .invalidBatchSize(settings.batchSize) }
        guard settings.epochs >= 0 else { throw .invalidEpochs(settings.epochs) }
        if let stopping = settings.earlyStopping, stopping.patience < 0 {
            throw .invalidPatience(stopping.patience)
        }
        switch settings.optimizer {
        case .sgd(let learningRate, let momentum, _):
            guard learningRate.isFinite, learningRate >= 0 else { throw .invalidOptimizer("learning rate must be finite and ≥ 0") }
            guard momentum.isFinite, momentum >= 0 else { throw .invalidOptimizer("momentum must be finite and ≥ 0") }
        case .adam(let learningRate, let beta1, let beta2, let epsilon):
            guard learningRate.isFinite, learningRate >= 0 else { throw .invalidOptimizer("learning rate must be finite and ≥ 0") }
            guard beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1 else { throw .invalidOptimizer("betas must lie in [0, 1)") }
            guard epsilon.isFinite, epsilon > 0 else { throw .invalidOptimizer("epsilon must be finite and > 0") }
        case .rmsprop(let learningRate, let rho, let momentum, let epsilon):
            guard learningRate.isFinite, learningRate >= 0 else { throw .invalidOptimizer("learning rate must be finite and ≥ 0") }
            guard rho >= 0, rho < 1 else { throw .invalidOptimizer("rho must lie in [0, 1)") }
            guard momentum.isFinite, momentum >= 0 else { throw .invalidOptimizer("momentum must be finite and ≥ 0") }
            guard epsilon.isFinite, epsilon > 0 else { throw .invalidOptimizer("epsilon must be finite and > 0") }
        }
        if let decay = settings.weightDecay, !(decay.rate.isFinite && decay.rate >= 0) {
            throw .invalidOptimizer("weight decay must be finite and ≥ 0")
        }
        if !(settings.labelSmoothing >= 0 && settings.labelSmoothing < 1) {
            throw .invalidOptimizer("label smoothing must lie in [0, 1)")
        }
        if settings.labelSmoothing > 0, settings.loss.isRegression {
            throw .invalidOptimizer("label smoothing applies to cross-entropy only")
        }
        if let clipNorm = settings.clipNorm, !(clipNorm.isFinite && clipNorm > 0) {
            throw .invalidOptimizer("clip norm must be finite and > 0")
        }
        switch settings.schedule {
        case .constant: break
        case .step(let every, let factor):
            guard every >= 1, factor.isFinite, factor > 0 else { throw .invalidOptimizer("a step schedule needs every_epochs ≥ 1 and a factor > 0") }
        case .exponential(let factor):
            guard factor.isFinite, factor > 0 else { throw .invalidOptimizer("an exponential schedule needs a factor > 0") }
        case .cosine(let warmup, let minimum):
            guard warmup >= 0, minimum.isFinite, minimum >= 0, minimum <= 1 else {
                throw .invalidOptimizer("a cosine schedule needs warmup_epochs ≥ 0 and min_factor in [0, 1]")
            }
        }
    }

    /// Checks that `samples` fit this network's input width and have labels in 0..<classCount, or
    /// (`regression`) a finite target per row.
    public func validate(samples: Samples, classCount: Int, regression: Bool = false) throws(ConfigurationError) {
        guard samples.width == inputWidth else { throw .widthMismatch(expected: inputWidth, actual: samples.width) }
        if regression {
            guard samples.targets.count == samples.rows else { throw .missingTargets }
            if let row = samples.targets.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteTarget(row: row) }
            return
        }
        guard samples.labels.count == samples.rows else { throw .missingLabels }
        for (row, label) in samples.labels.enumerated() where label < 0 || Int(label) >= classCount {
            throw .labelOutOfRange(row: row, label: label, classCount: classCount)
        }
    }
}

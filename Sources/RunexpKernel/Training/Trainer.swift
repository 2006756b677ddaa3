/// Optimizer steps on one network with all scratch memory allocated once, at initialisation.
///
/// Each step: gather the batch rows, draw or install dropout masks (layer order, row-major),
/// forward, fused cross-entropy, backward, then one optimizer update of every parameter.
/// ``train(_:on:validation:classCount:settings:rng:)`` drives exactly these steps, so replaying a
/// recorded batch sequence and mask sequence through ``step(batch:keepMasks:)`` reproduces training.
public struct Trainer: Sendable {
    /// The network as of the last step.
    public private(set) var network: Network
    public let settings: TrainingSettings
    public let classCount: Int
    /// Largest batch a step accepts.
    public let batchCapacity: Int
    /// Optimizer updates applied so far.
    public private(set) var stepCount = 0
    /// A step produced a non-finite loss (no update was applied) or non-finite parameters.
    public private(set) var diverged = false

    let layout: ArenaLayout
    var arena: [Float]
    private var rowScratch: [Int]
    private let classWeights: [Float]
    private var optimizer: any ParameterUpdate

    /// Prepares to train `network`; `batchCapacity` defaults to `settings.batchSize`.
    ///
    /// Requires a valid combination (see ``Network/validate(classCount:settings:)``).
    public init(network: Network, settings: TrainingSettings, classCount: Int, batchCapacity: Int? = nil) {
        self.init(network: network, settings: settings, classCount: classCount, batchCapacity: batchCapacity,
                  path: .selected)
    }

    /// As the public initialiser, with the products' arithmetic chosen by the caller (tests compare paths).
    /// `viewedSamples`: the training samples are a ``SampleView``, whose rows every step gathers.
    init(network: Network, settings: TrainingSettings, classCount: Int, batchCapacity: Int?, path: KernelCodePath,
         viewedSamples: Bool = false) {
        do {
            try network.validate(classCount: classCount, settings: settings)
        } catch {
            preconditionFailure("invalid training configuration: \(error)")
        }
        self.network = network
        self.settings = settings
        self.classCount = classCount
        let capacity = max(1, batchCapacity ?? settings.batchSize)
        self.batchCapacity = capacity
        self.layout = ArenaLayout(network: network, capacity: capacity, training: true, path: path, gathering: viewedSamples)
        self.arena = [Float](repeating: 0, count: layout.arenaCount)
        self.rowScratch = Array(0..<capacity)
        self.classWeights = settings.classWeights.isEmpty
            ? [Float](repeating: 1, count: classCount) : settings.classWeights
        self.optimizer = settings.optimizer.makeUpdate(parameterCount: network.parameterCount)
    }

    /// One optimizer step on all rows of `batch` with the given dropout keep flags; returns the batch loss.
    ///
    /// `keepMasks`: one entry per `.dropout` layer in layer order, each batch.rows × that layer's width
    /// (nonzero = kept); entries of rate-0 layers are ignored; nil only without positive-rate dropout.
    /// Loss `Σ_i w[label_i]·ce_i / batch.rows` (float32), measured before the update.
    @discardableResult
    public mutating func step(batch: Samples, keepMasks: [[Float]]? = nil) -> Float {
        precondition(batch.rows >= 1 && batch.rows <= batchCapacity, "batch must have 1...\(batchCapacity) rows")
        checkLabels(batch, rows: 0..<batch.rows)
        let layout = layout
        arena.withUnsafeMutableBufferPointer { a in
            layout.setMasks(arena: a.baseAddress!, rows: batch.rows, keepMasks: keepMasks)
        }
        let indices = rowScratch
        return indices.withUnsafeBufferPointer { rows in
            step(on: batch, rows: UnsafeBufferPointer(rebasing: rows[0..<batch.rows]), update: true).loss
        }
    }

    /// One optimizer step on rows `rows` of `data`, drawing dropout masks from `rng`; returns the batch loss.
    @discardableResult
    public mutating func step(on data: Samples, rows: [Int], rng: inout some RandomNumberGenerator) -> Float {
        precondition(rows.allSatisfy { $0 >= 0 && $0 < data.rows }, "row index out of range")
        checkLabels(data, rows: rows)
        return rows.withUnsafeBufferPointer { step(on: data, rows: $0, rng: &rng).loss }
    }

    /// Loss and parameter gradients of one batch without any update (masks as in ``step(batch:keepMasks:)``).
    mutating func gradients(batch: Samples, keepMasks: [[Float]]?) -> (loss: Float, gradients: [Float]) {
        precondition(batch.rows >= 1 && batch.rows <= batchCapacity, "batch must have 1...\(batchCapacity) rows")
        checkLabels(batch, rows: 0..<batch.rows)
        let layout = layout
        arena.withUnsafeMutableBufferPointer { a in
            layout.setMasks(arena: a.baseAddress!, rows: batch.rows, keepMasks: keepMasks)
        }
        let indices = rowScratch
        let loss = indices.withUnsafeBufferPointer { rows in
            step(on: batch, rows: UnsafeBufferPointer(rebasing: rows[0..<batch.rows]), update: false).loss
        }
        let gradients = Array(arena[layout.parameterGradients..<(layout.parameterGradients + layout.parameterCount)])
        return (loss, gradients)
    }

    /// Traps unless the given rows' labels lie in 0..<classCount (they index the class weights), or
    /// for a regression loss unless every row has a target.
    private func checkLabels(_ data: Samples, rows: some Sequence<Int>) {
        if settings.loss.isRegression {
            precondition(data.targets.count == data.rows, "a regression loss needs one target per row")
            return
        }
        precondition(data.labels.count == data.rows, "a classification loss needs one label per row")
        for row in rows {
            let label = data.labels[row]
            precondition(label >= 0 && Int(label) < classCount, "row \(row): label \(label) outside 0..<\(classCount)")
        }
    }

    /// The training loop's step: masks from `rng`, then ``step(on:rows:update:)``.
    mutating func step(
        on data: Samples, rows: UnsafeBufferPointer<Int>, rng: inout some RandomNumberGenerator
    ) -> StepResult {
        precondition(rows.count >= 1 && rows.count <= batchCapacity, "batch must have 1...\(batchCapacity) rows")
        let layout = layout
        arena.withUnsafeMutableBufferPointer { a in
            layout.drawMasks(arena: a.baseAddress!, rows: rows.count, rng: &rng)
        }
        return step(on: data, rows: rows, update: true)
    }

    /// Gather, forward, loss, backward and (when `update`) the optimizer, with masks already in the arena.
    mutating func step(on data: Samples, rows: UnsafeBufferPointer<Int>, update: Bool) -> StepResult {
        precondition(data.width == network.inputWidth, "samples have width \(data.width), network expects \(network.inputWidth)")
        precondition(data.view == nil || layout.gathersInput, "viewed samples need a trainer that gathers its rows (viewedSamples)")
        let (loss, correct) = Trainer.forwardBackward(
            layout: layout, lossKind: settings.loss, classWeights: classWeights, labelSmoothing: Float(settings.labelSmoothing),
            parameters: &network.storage, arena: &arena, data: data, rows: rows)
        guard update else { return StepResult(loss: loss, correct: correct, finite: loss.isFinite) }
        guard loss.isFinite else {
            diverged = true
            return StepResult(loss: loss, correct: correct, finite: false)
        }
        if let clipNorm = settings.clipNorm {
            Self.clip(&arena, at: layout.parameterGradients, count: layout.parameterCount, to: clipNorm)
        }
        if let weightDecay = settings.weightDecay, weightDecay.rate != 0 {
            Self.decay(&network.storage, count: layout.parameterCount, gradients: &arena, at: layout.parameterGradients, weightDecay,
                       learningRate: optimizer.learningRate)
        }
        let finite = Self.update(&network.storage, count: layout.parameterCount, with: &optimizer, gradients: arena,
                                 at: layout.parameterGradients, path: layout.path)
        Self.updateState(&network.storage, layout: layout, arena: &arena)
        stepCount += 1
        if !finite { diverged = true }
        return StepResult(loss: loss, correct: correct, finite: finite)
    }

    /// One optimizer step on the first `count` (trainable) `parameters` from the gradients at `offset`
    /// in `arena` (the stored properties are passed apart, so that the optimizer's state is updated in place).
    private static func update(_ parameters: inout [Float], count: Int, with optimizer: inout any ParameterUpdate,
                               gradients arena: [Float], at offset: Int, path: KernelCodePath) -> Bool {
        parameters.withUnsafeMutableBufferPointer { w in
            arena.withUnsafeBufferPointer { a in
                optimizer.apply(parameters: w.baseAddress!, gradients: a.baseAddress! + offset, count: count, path: path)
            }
        }
    }

    /// The layers' state after a step (``ArenaLayout/updateState(parameters:arena:)``).
    private static func updateState(_ parameters: inout [Float], layout: ArenaLayout, arena: inout [Float]) {
        guard parameters.count > layout.parameterCount else { return }
        parameters.withUnsafeMutableBufferPointer { w in
            arena.withUnsafeMutableBufferPointer { a in
                layout.updateState(parameters: w.baseAddress!, arena: a.baseAddress!)
            }
        }
    }

    /// Sets the optimizer's step size (a schedule's, each epoch).
    mutating func setLearningRate(_ learningRate: Float) {
        optimizer.learningRate = learningRate
    }

    /// Scales the `count` gradients at `offset` by `limit / norm` when their global norm (summed in
    /// Double, in parameter order) exceeds `limit`.
    private static func clip(_ arena: inout [Float], at offset: Int, count: Int, to limit: Double) {
        arena.withUnsafeMutableBufferPointer { a in
            guard let g = a.baseAddress.map({ $0 + offset }) else { return }
            var squares = 0.0
            for i in 0..<count { squares += Double(g[i]) * Double(g[i]) }
            let norm = squares.squareRoot()
            guard norm > limit else { return }
            let scale = Float(limit / norm)
            for i in 0..<count { g[i] = g[i] * scale }
        }
    }

    /// ``WeightDecay`` before a step, on the first `count` (trainable) parameters: L2 adds `rate·w` to
    /// each gradient; decoupled decay takes `w·(lr·rate)` off each parameter (lr the step's, as scheduled).
    private static func decay(_ parameters: inout [Float], count: Int, gradients arena: inout [Float], at offset: Int,
                              _ weightDecay: WeightDecay, learningRate: Float) {
        parameters.withUnsafeMutableBufferPointer { w in
            arena.withUnsafeMutableBufferPointer { a in
                guard let g = a.baseAddress.map({ $0 + offset }) else { return }
                guard let p = w.baseAddress else { return }
                // Eight lanes at a time (the scalar loops were not vectorized: 10 % of a digits step).
                let vectorEnd = count & ~7
                switch weightDecay {
                case .l2(let rate):
                    let rate = Float(rate), rate8 = SIMD8<Float>(repeating: rate)
                    var i = 0
                    while i < vectorEnd {
                        g.store8(g.load8(i) + rate8 * p.load8(i), i)
                        i += 8
                    }
                    for i in vectorEnd..<count { g[i] = g[i] + rate * p[i] }
                case .decoupled(let rate):
                    let step = learningRate * Float(rate), step8 = SIMD8<Float>(repeating: step)
                    var i = 0
                    while i < vectorEnd {
                        let value = p.load8(i)
                        p.store8(value - value * step8, i)
                        i += 8
                    }
                    for i in vectorEnd..<count { p[i] = p[i] - p[i] * step }
                }
            }
        }
    }

    private static func forwardBackward(
        layout: ArenaLayout, lossKind: LossKind, classWeights: [Float], labelSmoothing: Float,
        parameters: inout [Float], arena: inout [Float], data: Samples, rows: UnsafeBufferPointer<Int>
    ) -> (loss: Float, correct: Int) {
        let count = rows.count
        let width = data.width
        return parameters.withUnsafeMutableBufferPointer { parameterBuffer in
            arena.withUnsafeMutableBufferPointer { arenaBuffer in
                data.features.withUnsafeBufferPointer { featureBuffer in
                    let p = UnsafePointer(parameterBuffer.baseAddress!)
                    let a = arenaBuffer.baseAddress!
                    let features = featureBuffer.baseAddress!
                    if layout.gathersInput {
                        let gathered = a + layout.input
                        for i in 0..<count {
                            data.write(row: rows[i], from: features, to: gathered + i * width)
                        }
                    }
                    layout.prepare(parameters: p, arena: a)
                    layout.forward(parameters: p, arena: a, external: features, rowIndices: rows.baseAddress!, rows: count)
                    let result = lossAndGradient(lossKind, layout: layout, arena: a, data: data, classWeights: classWeights,
                                                 labelSmoothing: labelSmoothing, rows: rows)
                    layout.backward(parameters: p, arena: a, rows: count)
                    return result
                }
            }
        }
    }

    /// The batch loss of the forward pass in the arena, with ∂L/∂z (cross-entropy, through its
    /// softmax or sigmoid) or ∂L/∂y (a regression loss) written for the backward pass, and the
    /// rows whose argmax was their label (none for a regression).
    private static func lossAndGradient(
        _ kind: LossKind, layout: ArenaLayout, arena a: UnsafeMutablePointer<Float>, data: Samples, classWeights: [Float],
        labelSmoothing: Float, rows: UnsafeBufferPointer<Int>
    ) -> (loss: Float, correct: Int) {
        let output = a + layout.output, gradient = a + layout.outputGradient
        let indices = rows.baseAddress!, count = rows.count
        switch kind {
        case .categoricalCrossentropy:
            return data.labels.withUnsafeBufferPointer { labels in
                classWeights.withUnsafeBufferPointer { weights in
                    CrossEntropy.categorical(probabilities: output, classes: layout.outputWidth, labels: labels.baseAddress!, rows: indices,
                                             count: count, classWeights: weights.baseAddress!, gradient: gradient, smoothing: labelSmoothing)
                }
            }
        case .binaryCrossentropy:
            return data.labels.withUnsafeBufferPointer { labels in
                classWeights.withUnsafeBufferPointer { weights in
                    CrossEntropy.binary(probabilities: output, labels: labels.baseAddress!, rows: indices, count: count,
                                        classWeights: weights.baseAddress!, gradient: gradient, smoothing: labelSmoothing)
                }
            }
        case .meanSquaredError, .meanAbsoluteError, .huber:
            let loss = data.targets.withUnsafeBufferPointer { targets in
                RegressionLoss.batch(kind, predictions: output, targets: targets.baseAddress!, rows: indices, count: count, gradient: gradient)
            }
            return (loss, 0)
        }
    }
}

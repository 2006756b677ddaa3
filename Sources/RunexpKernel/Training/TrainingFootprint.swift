/// What one training run of a network will hold in memory, computed from the shapes alone (nothing
/// is allocated), so a budget can refuse a network before a run tries to allocate it.
///
/// Every count is overflow-checked: a shape whose counts do not fit an `Int` has no footprint (nil),
/// which a budget treats as "over any limit".
public struct TrainingFootprint: Sendable, Equatable {
    /// Trainable parameters: for each dense layer, its kernel (inputWidth × units) and bias (units);
    /// for each norm layer, its γ and β (width each).
    public let parameters: Int
    /// Bytes a run holds at its peak, an upper bound: the parameters, their gradients, the
    /// optimizer's state and the best weights kept for early stopping; the training arena of a batch
    /// (``ArenaLayout``'s regions, each rounded up to 16 floats, and the packing scratch); the evaluation
    /// arena and the probabilities of the largest part evaluated.
    public let bytes: Int

    /// The footprint of training `layers` on rows of `inputWidth` features in batches of `batchSize`,
    /// then predicting `evaluationRows` rows at most at once; nil when a count overflows `Int`.
    public init?(inputWidth: Int, layers: [LayerSpec], batchSize: Int, optimizer: OptimizerSpec,
                 restoresBestWeights: Bool, evaluationRows: Int) {
        guard inputWidth > 0, batchSize > 0, evaluationRows >= 0 else { return nil }
        var parameters = 0
        var state = 0
        // Floats of the training arena, and of one inference arena (capacity ≤ 256 rows).
        var training = 0
        var inference = 0
        let inferenceRows = max(1, min(evaluationRows, 256))
        var overflow = false
        func add(_ total: inout Int, _ count: Int) {
            let rounded = count.addingReportingOverflow(15)
            let sum = total.addingReportingOverflow(rounded.partialValue & ~15)
            overflow = overflow || rounded.overflow || sum.overflow || count < 0
            total = sum.partialValue
        }
        func addExactly(_ total: inout Int, _ count: Int) {
            let sum = total.addingReportingOverflow(count)
            overflow = overflow || sum.overflow
            total = sum.partialValue
        }
        func product(_ a: Int, _ b: Int) -> Int {
            let (value, over) = a.multipliedReportingOverflow(by: b)
            overflow = overflow || over
            return value
        }
        var width = inputWidth
        add(&training, product(batchSize, inputWidth))
        var packs = false
        for layer in layers {
            switch layer {
            case .dense(let units, let activation):
                guard units > 0 else { return nil }
                addExactly(&parameters, product(width, units))
                addExactly(&parameters, units)
                add(&training, product(batchSize, units))
                add(&training, product(batchSize, units))
                if activation.needsPreActivation { add(&training, product(batchSize, units)) }
                add(&inference, product(inferenceRows, units))
                if units < 8 {
                    add(&training, product(units, width))
                    add(&training, product(units, width))
                    add(&inference, product(units, width))
                } else if units >= MatrixProducts.packedColumns {
                    packs = true
                }
                width = units
            case .dropout:
                add(&training, product(batchSize, width))
                add(&training, product(batchSize, width))
                add(&training, product(batchSize, width))
            case .batchNorm, .layerNorm:
                // γ and β; a batch norm's moving statistics (kept twice with the best weights).
                addExactly(&parameters, product(2, width))
                if case .batchNorm = layer { addExactly(&state, product(2, width)) }
                // Output, its gradient and x̂; the batch's statistics (per feature or per row).
                add(&training, product(batchSize, width))
                add(&training, product(batchSize, width))
                add(&training, product(batchSize, width))
                add(&training, product(3, width))
                add(&training, batchSize)
                add(&inference, product(inferenceRows, width))
                add(&inference, product(2, width))
            }
        }
        if packs {
            add(&training, MatrixProducts.scratchCount)
            add(&inference, MatrixProducts.scratchCount)
        }
        // Parameters, gradients, the optimizer's moments and the best weights.
        var copies = 2
        switch optimizer {
        case .sgd(_, let momentum, _): copies += momentum != 0 ? 1 : 0
        case .adam: copies += 2
        case .rmsprop(_, _, let momentum, _): copies += momentum != 0 ? 2 : 1
        }
        if restoresBestWeights { copies += 1 }
        var floats = 0
        add(&floats, product(parameters, copies))
        add(&floats, product(state, restoresBestWeights ? 2 : 1))
        add(&floats, training)
        add(&floats, inference)
        // Probabilities of the evaluated rows (two columns for a single sigmoid unit), and a row
        // index (8 bytes) per row for the epoch's shuffled order.
        add(&floats, product(evaluationRows, max(width, 2)))
        add(&floats, product(evaluationRows, 2))
        let bytes = product(floats, MemoryLayout<Float>.stride)
        guard !overflow else { return nil }
        self.parameters = parameters
        self.bytes = bytes
    }
}

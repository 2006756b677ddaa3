/// A sequential network of ``LayerSpec``s with all its parameters in one flat float32 vector.
///
/// ``parameters`` layout: first every trainable value, layer by layer — a dense layer's kernel W
/// (inputWidth × units, row-major, i.e. `W[k][n]` at `k·units + n`) followed by its bias (units); a
/// norm layer's scale γ then offset β (width each) — then, layer by layer, each batch norm's moving
/// mean then moving variance (width each), which training updates but no optimizer step touches.
public struct Network: Sendable {
    /// Where one layer's values lie in ``storage``: a dense layer's kernel and bias, or a norm
    /// layer's γ (at `kernel`) and β (at `bias`); a batch norm's moving mean and variance at `statistics`.
    struct Slot: Sendable {
        let kernel: Int
        let bias: Int
        var statistics: Int?
    }

    /// Features per input row.
    public let inputWidth: Int
    public let layers: [LayerSpec]
    /// Width of each layer's output, one per entry of ``layers``.
    public let layerWidths: [Int]
    /// Where each layer's values lie inside ``parameters`` (nil for dropout layers).
    let slots: [Slot?]
    /// Trainable values: the first ``parameterCount`` of ``storage``.
    public let parameterCount: Int
    var storage: [Float]

    /// Glorot-uniform kernels and zero biases; norm layers start as the identity (γ 1, β 0, moving
    /// mean 0, moving variance 1).
    ///
    /// Each kernel value is `(2u − 1)·limit` with `u = rng.uniformFloat()` and
    /// `limit = √(6/(fanIn + fanOut))` (float32), drawn in layer order, row-major; biases draw nothing.
    /// Requires positive widths and units.
    ///
    /// With `initializers` (one per dense layer, in order), each layer's kernel is drawn by its own
    /// ``WeightInitializer`` instead.
    public init(inputWidth: Int, layers: [LayerSpec], initializers: [WeightInitializer] = [], rng: inout some RandomNumberGenerator) {
        self.init(inputWidth: inputWidth, layers: layers)
        storage.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            var width = inputWidth
            var dense = 0
            for (index, layer) in layers.enumerated() {
                guard case .dense(let units, _) = layer, let slot = slots[index] else { continue }
                let initializer = dense < initializers.count ? initializers[dense] : .glorotUniform
                initializer.fill(base + slot.kernel, count: width * units, fanIn: width, fanOut: units, rng: &rng)
                width = units
                dense += 1
            }
        }
    }

    /// A network with the given flat ``parameters`` (layout as documented on the type).
    public init(inputWidth: Int, layers: [LayerSpec], parameters: [Float]) {
        self.init(inputWidth: inputWidth, layers: layers)
        precondition(parameters.count == storage.count, "expected \(storage.count) parameters, got \(parameters.count)")
        storage = parameters
    }

    private init(inputWidth: Int, layers: [LayerSpec]) {
        precondition(inputWidth > 0, "input width must be positive")
        self.inputWidth = inputWidth
        self.layers = layers
        var width = inputWidth
        var offset = 0
        var slots: [Slot?] = []
        var widths: [Int] = []
        for layer in layers {
            switch layer {
            case .dense(let units, _):
                precondition(units > 0, "dense layers need at least one unit")
                slots.append(Slot(kernel: offset, bias: offset + width * units))
                offset += width * units + units
                width = units
            case .dropout:
                slots.append(nil)
            case .batchNorm, .layerNorm:
                slots.append(Slot(kernel: offset, bias: offset + width))
                offset += 2 * width
            }
            widths.append(width)
        }
        parameterCount = offset
        for (index, layer) in layers.enumerated() {
            guard case .batchNorm = layer else { continue }
            slots[index]?.statistics = offset
            offset += 2 * widths[index]
        }
        var storage = [Float](repeating: 0, count: offset)
        for (index, layer) in layers.enumerated() {
            guard let slot = slots[index] else { continue }
            let width = widths[index]
            switch layer {
            case .batchNorm, .layerNorm:
                storage.replaceSubrange(slot.kernel..<(slot.kernel + width), with: repeatElement(1, count: width))
                if let statistics = slot.statistics {
                    storage.replaceSubrange((statistics + width)..<(statistics + 2 * width), with: repeatElement(1, count: width))
                }
            case .dense, .dropout:
                continue
            }
        }
        self.slots = slots
        self.layerWidths = widths
        self.storage = storage
    }

    /// Every value, flat: the trainable ones, then the batch norms' moving statistics (see the
    /// type's layout note). Setting requires the same count.
    public var parameters: [Float] {
        get { storage }
        set {
            precondition(newValue.count == storage.count, "expected \(storage.count) parameters, got \(newValue.count)")
            storage = newValue
        }
    }

    /// Width of the last layer's output (the input width when there are no dense layers).
    public var outputWidth: Int { layerWidths.last ?? inputWidth }

    /// Columns of ``probabilities(for:)``: 2 for a final single sigmoid unit, else ``outputWidth``.
    public var probabilityColumns: Int { expandsSigmoid ? 2 : outputWidth }

    /// The last layer is dense(1, sigmoid), whose p is reported as [1 − p, p].
    var expandsSigmoid: Bool {
        if case .dense(1, .sigmoid) = layers.last { return true }
        return false
    }

    /// Per dense layer, in order: its kernel and bias (get and set; setting requires matching shapes).
    public var weights: [DenseWeights] {
        get {
            var result: [DenseWeights] = []
            var width = inputWidth
            for (index, layer) in layers.enumerated() {
                guard case .dense(let units, _) = layer, let slot = slots[index] else { continue }
                result.append(DenseWeights(
                    inputWidth: width, units: units,
                    kernel: Array(storage[slot.kernel..<(slot.kernel + width * units)]),
                    bias: Array(storage[slot.bias..<(slot.bias + units)])))
                width = units
            }
            return result
        }
        set {
            var next = newValue.makeIterator()
            var width = inputWidth
            for (index, layer) in layers.enumerated() {
                guard case .dense(let units, _) = layer, let slot = slots[index] else { continue }
                guard let item = next.next() else { preconditionFailure("one DenseWeights per dense layer") }
                precondition(item.inputWidth == width && item.units == units, "weights shape mismatch at layer \(index)")
                storage.replaceSubrange(slot.kernel..<(slot.kernel + width * units), with: item.kernel)
                storage.replaceSubrange(slot.bias..<(slot.bias + units), with: item.bias)
                width = units
            }
            precondition(next.next() == nil, "one DenseWeights per dense layer")
        }
    }

    /// Layer `index`'s values, each a flat array: a dense layer's kernel (inputWidth × units,
    /// row-major) and bias; a norm's γ and β; a batch norm's moving mean and variance after them.
    /// None for dropout.
    public func values(ofLayer index: Int) -> [[Float]] {
        guard layers.indices.contains(index), let slot = slots[index] else { return [] }
        // A dense layer's bias and a norm's β are as wide as the layer's output.
        let width = layerWidths[index]
        var result = [Array(storage[slot.kernel..<slot.bias]), Array(storage[slot.bias..<(slot.bias + width)])]
        if let statistics = slot.statistics {
            result += [Array(storage[statistics..<(statistics + width)]), Array(storage[(statistics + width)..<(statistics + 2 * width)])]
        }
        return result
    }

    /// A network with each layer's values given as ``values(ofLayer:)`` returns them (one list per
    /// layer, empty for dropout); nil when a count does not fit the layers.
    public init?(inputWidth: Int, layers: [LayerSpec], layerValues: [[[Float]]]) {
        guard inputWidth > 0, layerValues.count == layers.count else { return nil }
        // The given arrays' sizes are checked against the shapes before anything is allocated, so
        // shapes read from a file (a unit count of 10¹²) cannot ask for more than was given.
        var width = inputWidth
        for (layer, values) in zip(layers, layerValues) {
            switch layer {
            case .dense(let units, _):
                let (kernel, overflow) = width.multipliedReportingOverflow(by: units)
                guard units >= 1, !overflow, values.count == 2, values[0].count == kernel, values[1].count == units else { return nil }
                width = units
            case .dropout:
                guard values.isEmpty else { return nil }
            case .batchNorm:
                guard values.count == 4, values.allSatisfy({ $0.count == width }) else { return nil }
            case .layerNorm:
                guard values.count == 2, values.allSatisfy({ $0.count == width }) else { return nil }
            }
        }
        self.init(inputWidth: inputWidth, layers: layers)
        for (index, values) in layerValues.enumerated() {
            guard let slot = slots[index] else {
                guard values.isEmpty else { return nil }
                continue
            }
            let width = layerWidths[index]
            var targets = [(slot.kernel, slot.bias - slot.kernel), (slot.bias, width)]
            if let statistics = slot.statistics { targets += [(statistics, width), (statistics + width, width)] }
            guard values.count == targets.count else { return nil }
            for ((start, count), given) in zip(targets, values) {
                guard given.count == count else { return nil }
                storage.replaceSubrange(start..<(start + count), with: given)
            }
        }
    }

    /// Class probabilities, rows × ``probabilityColumns`` row-major (inference: dropout off).
    ///
    /// For a single sigmoid output unit returns [1 − p, p] per row. Each row's values depend only on
    /// that row and the parameters (bit-identical however the rows are grouped).
    public func probabilities(for samples: Samples) -> [Float] {
        probabilities(for: samples, path: .selected)
    }

    /// A regression net's predictions, one per row (inference: dropout off), on the scale its targets had in training.
    public func predictions(for samples: Samples) -> [Float] {
        precondition(outputWidth == 1 && !expandsSigmoid, "predictions come from a net with one output unit that is not sigmoid")
        return probabilities(for: samples, path: .selected)
    }

    /// ``probabilities(for:)`` with the products' arithmetic chosen by the caller (tests compare paths).
    func probabilities(for samples: Samples, path: KernelCodePath) -> [Float] {
        precondition(samples.width == inputWidth, "samples have width \(samples.width), network expects \(inputWidth)")
        let layout = ArenaLayout(network: self, capacity: max(1, min(samples.rows, 256)), training: false, path: path)
        var arena = [Float](repeating: 0, count: layout.arenaCount)
        var output = [Float](repeating: 0, count: samples.rows * probabilityColumns)
        layout.predict(parameters: storage, arena: &arena, samples: samples, into: &output)
        return output
    }

    /// Training-mode loss and ∂loss/∂``parameters`` on one batch, without updating anything.
    ///
    /// Same code path as a ``Trainer`` step: `loss = Σ_i w[label_i]·ce_i / batch.rows` (float32).
    /// `keepMasks`: one entry per `.dropout` layer in layer order, each batch.rows × that layer's width
    /// of keep flags (nonzero = kept, kept values scaled by 1/(1 − rate)); entries of rate-0 layers are
    /// ignored. May be nil only when no dropout layer has a positive rate.
    public func lossAndGradients(
        batch: Samples, classCount: Int, loss: LossKind, classWeights: [Float] = [], keepMasks: [[Float]]? = nil
    ) -> (loss: Float, gradients: [Float]) {
        lossAndGradients(batch: batch, classCount: classCount, loss: loss, classWeights: classWeights,
                         keepMasks: keepMasks, path: .selected)
    }

    /// ``lossAndGradients(batch:classCount:loss:classWeights:keepMasks:)`` with the products' arithmetic
    /// chosen by the caller (tests compare paths).
    func lossAndGradients(
        batch: Samples, classCount: Int, loss: LossKind, classWeights: [Float], keepMasks: [[Float]]?,
        path: KernelCodePath, labelSmoothing: Double = 0
    ) -> (loss: Float, gradients: [Float]) {
        var settings = TrainingSettings(
            epochs: 1, batchSize: max(batch.rows, 1), optimizer: .sgd(learningRate: 0), loss: loss,
            classWeights: classWeights)
        settings.labelSmoothing = labelSmoothing
        var trainer = Trainer(network: self, settings: settings, classCount: classCount, batchCapacity: nil, path: path)
        return trainer.gradients(batch: batch, keepMasks: keepMasks)
    }
}

/// The layout of one network's forward/backward pass for batches of at most `capacity` rows in a flat scratch arena.
///
/// Arena regions (floats, each 16-aligned): gathered inputs (training only), each layer's output
/// and output gradient, dropout masks, a norm's normalized rows and statistics, Wᵀ copies for dense layers with < 8 units, one packing scratch
/// shared by dense layers with ≥ ``MatrixProducts/packedColumns`` units, and the parameter gradient
/// vector (training only, laid out like ``Network/parameters``). Inference plans drop every dropout
/// layer; training plans drop rate-0 dropout layers. Built once per ``Trainer``; no step allocates.
struct ArenaLayout: Sendable {
    /// Offset meaning "the caller's input rows", used by inference plans.
    static let external = -1

    let layers: [Layer]
    let capacity: Int
    let arenaCount: Int
    let inputWidth: Int
    /// Where a training step gathers its batch rows, or ``external`` (inference, or a leading dropout
    /// layer that gathers the rows itself).
    let input: Int
    /// Training steps must copy their batch rows to ``input`` before ``forward``.
    let gathersInput: Bool
    /// The last layer's output (may be ``external`` when the network has no dense layer).
    let output: Int
    let outputWidth: Int
    /// ∂L/∂z of the last (fused) dense layer; −1 in inference plans.
    let outputGradient: Int
    /// The parameter gradient vector (training); −1 in inference plans.
    let parameterGradients: Int
    let parameterCount: Int
    let dropoutCount: Int
    let expandsSigmoid: Bool
    /// The arithmetic of every product (``KernelCodePath/selected`` unless a test picks one).
    let path: KernelCodePath

    /// `gathering`: a training step copies its rows to ``input`` even before a leading dropout layer
    /// (samples read through a ``SampleView`` have no rows of their own to hand it).
    init(network: Network, capacity: Int, training: Bool, path: KernelCodePath = .selected, gathering: Bool = false) {
        precondition(KernelCodePath.isAvailable(path), "kernel code path \(path.rawValue) is not available on this CPU")
        self.path = path
        var arenaCount = 0
        func allocate(_ count: Int) -> Int {
            let offset = arenaCount
            arenaCount += (count + 15) & ~15
            return offset
        }
        self.capacity = capacity
        self.inputWidth = network.inputWidth
        self.parameterCount = network.parameterCount
        self.expandsSigmoid = network.expandsSigmoid
        parameterGradients = training ? allocate(network.parameterCount) : -1
        let firstActive = network.layers.first { layer in
            if case .dropout(let rate) = layer { return rate > 0 }
            return true
        }
        var leadingDropout = false
        if case .dropout = firstActive { leadingDropout = training }
        gathersInput = training && (gathering || !leadingDropout)
        input = gathersInput ? allocate(capacity * network.inputWidth) : ArenaLayout.external

        var layers: [Layer] = []
        var current = input
        var currentGradient: Int? = nil
        var width = network.inputWidth
        var dropoutIndex = 0
        var lastDense: Int? = nil
        for (index, spec) in network.layers.enumerated() {
            switch spec {
            case .dense(let units, let activation):
                let slot = network.slots[index]!
                let output = allocate(capacity * units)
                let outputGradient = training ? allocate(capacity * units) : -1
                let transposed = units < 8
                let preActivation = training && activation.needsPreActivation ? allocate(capacity * units) : nil
                layers.append(.dense(Dense(
                    inputWidth: width, units: units, activation: activation,
                    kernel: slot.kernel, bias: slot.bias, input: current, output: output,
                    inputGradient: training ? currentGradient : nil, outputGradient: outputGradient,
                    transposedKernel: transposed ? allocate(units * width) : nil,
                    transposedKernelGradient: transposed && training ? allocate(units * width) : nil,
                    path: path, preActivation: preActivation)))
                lastDense = layers.count - 1
                current = output
                currentGradient = training ? outputGradient : nil
                width = units
            case .dropout(let rate):
                defer { dropoutIndex += 1 }
                guard training, rate > 0 else { continue }
                let output = allocate(capacity * width)
                let outputGradient = currentGradient != nil ? allocate(capacity * width) : nil
                layers.append(.dropout(Dropout(
                    rate: rate, width: width, input: current, output: output,
                    mask: allocate(capacity * width),
                    inputGradient: currentGradient, outputGradient: outputGradient, maskIndex: dropoutIndex)))
                current = output
                currentGradient = outputGradient
            case .batchNorm(let momentum, let epsilon):
                let slot = network.slots[index]!
                let output = allocate(capacity * width)
                let outputGradient = training ? allocate(capacity * width) : -1
                layers.append(.batchNorm(BatchNorm(
                    momentum: momentum, epsilon: epsilon, width: width, scale: slot.kernel, offset: slot.bias,
                    statistics: slot.statistics!, input: current, output: output,
                    normalized: training ? allocate(capacity * width) : nil,
                    moments: allocate(BatchNorm.momentCount(width: width, training: training)),
                    inputGradient: training ? currentGradient : nil, outputGradient: outputGradient, path: path)))
                current = output
                currentGradient = training ? outputGradient : nil
            case .layerNorm(let epsilon):
                let slot = network.slots[index]!
                let output = allocate(capacity * width)
                let outputGradient = training ? allocate(capacity * width) : -1
                layers.append(.layerNorm(LayerNorm(
                    width: width, epsilon: Float(epsilon), scale: slot.kernel, offset: slot.bias, input: current, output: output,
                    normalized: training ? allocate(capacity * width) : nil, inverse: training ? allocate(capacity) : nil,
                    inputGradient: training ? currentGradient : nil, outputGradient: outputGradient)))
                current = output
                currentGradient = training ? outputGradient : nil
            }
        }
        // Cross-entropy writes ∂L/∂z through its softmax or sigmoid; a regression loss writes ∂L/∂y,
        // which the last layer's own activation (linear, relu, tanh) then backpropagates.
        if training, let lastDense, lastDense == layers.count - 1, case .dense(var dense) = layers[lastDense],
           dense.activation == .softmax || dense.activation == .sigmoid {
            dense.lossFused = true
            layers[lastDense] = .dense(dense)
        }
        // Wide layers share one packing scratch (see ``MatrixProducts``).
        var scratch: Int?
        for index in layers.indices {
            guard case .dense(var dense) = layers[index], dense.transposedKernel == nil,
                  dense.units >= MatrixProducts.packedColumns else { continue }
            if scratch == nil { scratch = allocate(MatrixProducts.scratchCount) }
            dense.scratch = scratch
            layers[index] = .dense(dense)
        }
        self.layers = layers
        self.output = current
        self.outputWidth = width
        self.outputGradient = currentGradient ?? -1
        self.dropoutCount = dropoutIndex
        self.arenaCount = max(arenaCount, 1)
    }

    /// Refreshes derived copies of the parameters (Wᵀ of narrow dense layers).
    func prepare(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>) {
        for layer in layers {
            layer.prepare(parameters: parameters, arena: arena)
        }
    }

    /// Runs every layer forward on `rows` rows.
    ///
    /// `external` supplies the input rows of inference plans; a training layout without ``gathersInput``
    /// reads row `rowIndices[i]` of `external` (the whole feature matrix) for batch row i.
    func forward(
        parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>,
        external: UnsafePointer<Float>, rowIndices: UnsafePointer<Int>?, rows: Int
    ) {
        for layer in layers {
            layer.forward(parameters: parameters, arena: arena, external: external, rowIndices: rowIndices, rows: rows)
        }
    }

    /// Runs every layer backward (last to first), filling the parameter gradient vector.
    func backward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>, rows: Int) {
        let gradients = arena + parameterGradients
        for layer in layers.reversed() {
            layer.backward(parameters: parameters, gradients: gradients, arena: arena, rows: rows)
        }
    }

    /// Folds the last training step's measurements into the layers' state in `parameters` (a batch
    /// norm's moving statistics).
    func updateState(parameters: UnsafeMutablePointer<Float>, arena: UnsafeMutablePointer<Float>) {
        for layer in layers {
            layer.updateState(parameters: parameters, arena: arena)
        }
    }

    /// Draws every dropout mask for `rows` rows: layer order, then row-major within a layer.
    ///
    /// A ``SplitMix64`` is routed to a specialised loop (no per-draw dynamic dispatch); same draws either way.
    func drawMasks<G: RandomNumberGenerator>(arena: UnsafeMutablePointer<Float>, rows: Int, rng: inout G) {
        if G.self == SplitMix64.self {
            withUnsafeMutablePointer(to: &rng) { pointer in
                pointer.withMemoryRebound(to: SplitMix64.self, capacity: 1) { splitMix in
                    for layer in layers {
                        layer.drawMask(arena: arena, rows: rows, splitMix: &splitMix.pointee, path: path)
                    }
                }
            }
            return
        }
        for layer in layers {
            layer.drawMask(arena: arena, rows: rows, generator: &rng)
        }
    }

    /// Installs caller-supplied keep flags, one array per `.dropout` spec (see ``Network/lossAndGradients``).
    func setMasks(arena: UnsafeMutablePointer<Float>, rows: Int, keepMasks: [[Float]]?) {
        for layer in layers {
            layer.setMask(arena: arena, rows: rows, keepMasks: keepMasks, dropoutCount: dropoutCount)
        }
    }

    /// Inference over `rows` rows of `features` in chunks of `capacity`, writing class probabilities.
    ///
    /// `output` receives rows × (2 if the last layer is one sigmoid unit, else ``outputWidth``) values.
    func predict(parameters: [Float], arena: inout [Float], samples: Samples, into output: inout [Float]) {
        let width = inputWidth, outputWidth = outputWidth, expands = expandsSigmoid
        let columns = expands ? 2 : outputWidth
        let rows = samples.rows
        precondition(output.count >= rows * columns && samples.width == width)
        guard rows > 0 else { return }
        let parameters = parameters.isEmpty ? [0] : parameters
        // Viewed rows are written here a chunk at a time; a matrix's rows are read in place.
        var chunk = [Float](repeating: 0, count: samples.view == nil ? 0 : capacity * width)
        parameters.withUnsafeBufferPointer { parameterBuffer in
            arena.withUnsafeMutableBufferPointer { arenaBuffer in
                samples.features.withUnsafeBufferPointer { featureBuffer in
                    output.withUnsafeMutableBufferPointer { outputBuffer in
                      chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                        let p = parameterBuffer.baseAddress!, a = arenaBuffer.baseAddress!
                        prepare(parameters: p, arena: a)
                        var start = 0
                        while start < rows {
                            let count = min(capacity, rows - start)
                            var x = UnsafePointer(featureBuffer.baseAddress! + start * width)
                            if samples.view != nil, let scratch = chunkBuffer.baseAddress {
                                for i in 0..<count { samples.write(row: start + i, from: featureBuffer.baseAddress!, to: scratch + i * width) }
                                x = UnsafePointer(scratch)
                            }
                            forward(parameters: p, arena: a, external: x, rowIndices: nil, rows: count)
                            let y = ArenaLayout.address(self.output, arena: a, external: x)
                            let out = outputBuffer.baseAddress! + start * columns
                            if expands {
                                for i in 0..<count {
                                    out[2 * i] = 1 - y[i]
                                    out[2 * i + 1] = y[i]
                                }
                            } else {
                                out.update(from: y, count: count * outputWidth)
                            }
                            start += count
                        }
                      }
                    }
                }
            }
        }
    }
}

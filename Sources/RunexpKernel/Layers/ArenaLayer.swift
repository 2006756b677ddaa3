/// One layer of a compiled ``ArenaLayout``: what a layer kind does to a batch in the arena. Every
/// step calls each requirement on every layer (a layer without parameters or randomness does
/// nothing in `prepare` or `drawMask`), so no kind is skipped by a filter that names another.
///
/// Adding a layer kind is a ``LayerSpec`` case, a type conforming to this protocol under `Layers/`,
/// its case in ``ArenaLayout/Layer`` and in ``ArenaLayout``'s compiler; the compiler asks for the
/// rest (the forwarding switches below, widths, parameters, footprint, validation).
protocol ArenaLayer: Sendable {
    /// Refreshes what the layer derives from the parameters, once per step before ``forward``.
    func prepare(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>)
    /// Runs the layer on `rows` rows. Its input is in the arena, or at `external` (the caller's
    /// rows in inference; in training the whole feature matrix, batch row i at `rowIndices[i]`).
    func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>,
                 external: UnsafePointer<Float>, rowIndices: UnsafePointer<Int>?, rows: Int)
    /// Runs the layer backward: its parameter gradients into `gradients`, ∂L/∂input into the arena.
    func backward(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                  arena: UnsafeMutablePointer<Float>, rows: Int)
    /// Folds what the training step's forward pass measured into the layer's state in `parameters`
    /// (a batch norm's moving statistics), after the step's update.
    func updateState(parameters: UnsafeMutablePointer<Float>, arena: UnsafeMutablePointer<Float>)
    /// Draws the layer's randomness for a batch of `rows` rows from the kernel's generator.
    func drawMask(arena: UnsafeMutablePointer<Float>, rows: Int, splitMix rng: inout SplitMix64, path: KernelCodePath)
    /// Draws the layer's randomness from any generator (the same draws as from a ``SplitMix64``).
    func drawMask<G: RandomNumberGenerator>(arena: UnsafeMutablePointer<Float>, rows: Int, generator rng: inout G)
    /// Installs caller-given randomness (``Network/lossAndGradients(batch:classCount:loss:classWeights:keepMasks:)``):
    /// `keepMasks` holds one array per `.dropout` spec of the network.
    func setMask(arena: UnsafeMutablePointer<Float>, rows: Int, keepMasks: [[Float]]?, dropoutCount: Int)
}

extension ArenaLayout {
    /// A compiled layer of any kind. An enum rather than `any ArenaLayer`: iterating existentials
    /// retains and releases each layer's box on every call, which cost 170 ns a step (+48 %) on the
    /// reference grid's smallest networks; a switch over value cases costs nothing.
    enum Layer: ArenaLayer {
        case dense(Dense)
        case dropout(Dropout)
        case batchNorm(BatchNorm)
        case layerNorm(LayerNorm)

        func prepare(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>) {
            switch self {
            case .dense(let layer): layer.prepare(parameters: parameters, arena: arena)
            case .dropout(let layer): layer.prepare(parameters: parameters, arena: arena)
            case .batchNorm(let layer): layer.prepare(parameters: parameters, arena: arena)
            case .layerNorm(let layer): layer.prepare(parameters: parameters, arena: arena)
            }
        }

        func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>,
                     external: UnsafePointer<Float>, rowIndices: UnsafePointer<Int>?, rows: Int) {
            switch self {
            case .dense(let layer): layer.forward(parameters: parameters, arena: arena, external: external, rowIndices: rowIndices, rows: rows)
            case .dropout(let layer): layer.forward(parameters: parameters, arena: arena, external: external, rowIndices: rowIndices, rows: rows)
            case .batchNorm(let layer): layer.forward(parameters: parameters, arena: arena, external: external, rowIndices: rowIndices, rows: rows)
            case .layerNorm(let layer): layer.forward(parameters: parameters, arena: arena, external: external, rowIndices: rowIndices, rows: rows)
            }
        }

        func backward(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                      arena: UnsafeMutablePointer<Float>, rows: Int) {
            switch self {
            case .dense(let layer): layer.backward(parameters: parameters, gradients: gradients, arena: arena, rows: rows)
            case .dropout(let layer): layer.backward(parameters: parameters, gradients: gradients, arena: arena, rows: rows)
            case .batchNorm(let layer): layer.backward(parameters: parameters, gradients: gradients, arena: arena, rows: rows)
            case .layerNorm(let layer): layer.backward(parameters: parameters, gradients: gradients, arena: arena, rows: rows)
            }
        }

        func updateState(parameters: UnsafeMutablePointer<Float>, arena: UnsafeMutablePointer<Float>) {
            switch self {
            case .dense(let layer): layer.updateState(parameters: parameters, arena: arena)
            case .dropout(let layer): layer.updateState(parameters: parameters, arena: arena)
            case .batchNorm(let layer): layer.updateState(parameters: parameters, arena: arena)
            case .layerNorm(let layer): layer.updateState(parameters: parameters, arena: arena)
            }
        }

        func drawMask(arena: UnsafeMutablePointer<Float>, rows: Int, splitMix rng: inout SplitMix64, path: KernelCodePath) {
            switch self {
            case .dense(let layer): layer.drawMask(arena: arena, rows: rows, splitMix: &rng, path: path)
            case .dropout(let layer): layer.drawMask(arena: arena, rows: rows, splitMix: &rng, path: path)
            case .batchNorm(let layer): layer.drawMask(arena: arena, rows: rows, splitMix: &rng, path: path)
            case .layerNorm(let layer): layer.drawMask(arena: arena, rows: rows, splitMix: &rng, path: path)
            }
        }

        func drawMask<G: RandomNumberGenerator>(arena: UnsafeMutablePointer<Float>, rows: Int, generator rng: inout G) {
            switch self {
            case .dense(let layer): layer.drawMask(arena: arena, rows: rows, generator: &rng)
            case .dropout(let layer): layer.drawMask(arena: arena, rows: rows, generator: &rng)
            case .batchNorm(let layer): layer.drawMask(arena: arena, rows: rows, generator: &rng)
            case .layerNorm(let layer): layer.drawMask(arena: arena, rows: rows, generator: &rng)
            }
        }

        func setMask(arena: UnsafeMutablePointer<Float>, rows: Int, keepMasks: [[Float]]?, dropoutCount: Int) {
            switch self {
            case .dense(let layer): layer.setMask(arena: arena, rows: rows, keepMasks: keepMasks, dropoutCount: dropoutCount)
            case .dropout(let layer): layer.setMask(arena: arena, rows: rows, keepMasks: keepMasks, dropoutCount: dropoutCount)
            case .batchNorm(let layer): layer.setMask(arena: arena, rows: rows, keepMasks: keepMasks, dropoutCount: dropoutCount)
            case .layerNorm(let layer): layer.setMask(arena: arena, rows: rows, keepMasks: keepMasks, dropoutCount: dropoutCount)
            }
        }
    }

    /// The arena address of `offset`, or the caller's rows for ``ArenaLayout/external``.
    @inline(__always)
    static func address(
        _ offset: Int, arena: UnsafeMutablePointer<Float>, external: UnsafePointer<Float>
    ) -> UnsafePointer<Float> {
        offset == ArenaLayout.external ? external : UnsafePointer(arena + offset)
    }
}

/// A layer that reads its input at `input` (an arena offset, or ``ArenaLayout/external``: the
/// caller's rows) and draws no randomness: its forwarding and mask requirements are these.
protocol PlainLayer: ArenaLayer {
    var input: Int { get }
    func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, rows: Int)
}

extension PlainLayer {
    func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>,
                 external: UnsafePointer<Float>, rowIndices: UnsafePointer<Int>?, rows: Int) {
        forward(parameters: parameters, arena: arena, input: ArenaLayout.address(input, arena: arena, external: external), rows: rows)
    }

    /// Deterministic: nothing to draw.
    func drawMask(arena: UnsafeMutablePointer<Float>, rows: Int, splitMix rng: inout SplitMix64, path: KernelCodePath) {}
    func drawMask<G: RandomNumberGenerator>(arena: UnsafeMutablePointer<Float>, rows: Int, generator rng: inout G) {}
    func setMask(arena: UnsafeMutablePointer<Float>, rows: Int, keepMasks: [[Float]]?, dropoutCount: Int) {}
}

extension Dense: PlainLayer {
    func backward(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                  arena: UnsafeMutablePointer<Float>, rows: Int) {
        backward(parameters: parameters, gradients: gradients, arena: arena, input: UnsafePointer(arena + input), rows: rows)
    }

    /// No state.
    func updateState(parameters: UnsafeMutablePointer<Float>, arena: UnsafeMutablePointer<Float>) {}
}

extension Dropout: ArenaLayer {
    /// No parameters, no state.
    func prepare(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>) {}
    func updateState(parameters: UnsafeMutablePointer<Float>, arena: UnsafeMutablePointer<Float>) {}

    func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>,
                 external: UnsafePointer<Float>, rowIndices: UnsafePointer<Int>?, rows: Int) {
        if input == ArenaLayout.external, let rowIndices {
            forward(arena: arena, features: external, rowIndices: rowIndices, rows: rows)
        } else {
            forward(arena: arena, input: ArenaLayout.address(input, arena: arena, external: external), rows: rows)
        }
    }

    func backward(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                  arena: UnsafeMutablePointer<Float>, rows: Int) {
        backward(arena: arena, rows: rows)
    }

    func drawMask<G: RandomNumberGenerator>(arena: UnsafeMutablePointer<Float>, rows: Int, generator rng: inout G) {
        drawMask(arena: arena, rows: rows, rng: &rng)
    }

    func setMask(arena: UnsafeMutablePointer<Float>, rows: Int, keepMasks: [[Float]]?, dropoutCount: Int) {
        guard let keepMasks else {
            preconditionFailure("keepMasks are required: the network has dropout with a positive rate")
        }
        precondition(keepMasks.count == dropoutCount, "one keep mask per dropout layer (\(dropoutCount))")
        keepMasks[maskIndex].withUnsafeBufferPointer { keep in
            setMask(arena: arena, rows: rows, keep: keep)
        }
    }
}

extension BatchNorm: PlainLayer {}

extension LayerNorm: PlainLayer {
    /// Nothing derived from the parameters, no state.
    func prepare(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>) {}
    func updateState(parameters: UnsafeMutablePointer<Float>, arena: UnsafeMutablePointer<Float>) {}
}

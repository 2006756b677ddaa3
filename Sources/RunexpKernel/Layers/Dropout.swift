import CRunexpKernelAVX2

/// Inverted dropout bound to a ``ArenaLayout``'s arena: `y = x · m` with `m = 1/(1−rate)` where kept, 0 where dropped.
///
/// A unit is kept iff its 24-bit uniform draw `u` satisfies `u ≥ rate` (Keras/TF's rule), computed
/// exactly as `u·2²⁴ ≥ ⌈rate·2²⁴⌉`. The mask (rows × width) holds the multipliers, not 0/1 flags.
/// When ``input`` is ``ArenaLayout/external`` the layer gathers its input rows from the data set itself.
/// Layers with rate 0 are never compiled into a layout, so they draw nothing.
struct Dropout: Sendable {
    let width: Int
    let scale: Float
    let threshold: UInt64
    let input: Int
    let output: Int
    let mask: Int
    let inputGradient: Int?
    let outputGradient: Int?
    /// Position among all `.dropout` specs of the network, for externally supplied masks.
    let maskIndex: Int

    init(rate: Double, width: Int, input: Int, output: Int, mask: Int,
         inputGradient: Int?, outputGradient: Int?, maskIndex: Int) {
        let p = Float(rate)
        self.width = width
        self.scale = p < 1 ? 1 / (1 - p) : 0
        self.threshold = p < 1 ? UInt64((p * 0x1p24).rounded(.up)) : 1 << 24
        self.input = input
        self.output = output
        self.mask = mask
        self.inputGradient = inputGradient
        self.outputGradient = outputGradient
        self.maskIndex = maskIndex
    }

    /// Draws `rows × width` keep decisions, row-major, two units per `rng.next()`.
    ///
    /// Unit 2j uses bits 63…40 of draw j and unit 2j+1 its bits 31…8 (each a 24-bit uniform u·2²⁴);
    /// an odd last unit takes bits 63…40 of a draw of its own.
    func drawMask(arena: UnsafeMutablePointer<Float>, rows: Int, rng: inout some RandomNumberGenerator) {
        let count = rows * width
        // Pass 1 stores the raw 24-bit draws in the mask's own memory; pass 2 turns them into
        // multipliers with vector compares (a per-unit branch on random outcomes mispredicts too often).
        let raw = UnsafeMutableRawPointer(arena + mask).assumingMemoryBound(to: UInt32.self)
        var generator = rng
        var i = 0
        while i + 2 <= count {
            let word = generator.next()
            raw[i] = UInt32(truncatingIfNeeded: word >> 40)
            raw[i + 1] = UInt32(truncatingIfNeeded: word >> 8) & 0xFF_FFFF
            i += 2
        }
        if i < count {
            raw[i] = UInt32(truncatingIfNeeded: generator.next() >> 40)
        }
        rng = generator
        let threshold = UInt32(self.threshold), scaleBits = scale.bitPattern
        let threshold8 = SIMD8<UInt32>(repeating: threshold)
        let scale8 = SIMD8<UInt32>(repeating: scaleBits)
        i = 0
        while i + 8 <= count {
            let draws = UnsafeRawPointer(raw + i).loadUnaligned(as: SIMD8<UInt32>.self)
            let multipliers = SIMD8<UInt32>.zero.replacing(with: scale8, where: draws .>= threshold8)
            UnsafeMutableRawPointer(raw + i).storeBytes(of: multipliers, as: SIMD8<UInt32>.self)
            i += 8
        }
        while i < count {
            raw[i] = raw[i] >= threshold ? scaleBits : 0
            i += 1
        }
    }

    /// ``drawMask(arena:rows:rng:)`` for the kernel's own generator; on the `avx2-fma` path the draws
    /// run four at a time in C (`runexp_avx2_dropout_mask`), with the same integer arithmetic and so
    /// the same mask and generator state bit for bit.
    func drawMask(arena: UnsafeMutablePointer<Float>, rows: Int, splitMix rng: inout SplitMix64, path: KernelCodePath) {
        guard path == .avx2FMA else {
            drawMask(arena: arena, rows: rows, rng: &rng)
            return
        }
        var state = rng.state
        runexp_avx2_dropout_mask(&state, rows * width, UInt32(threshold), scale, arena + mask)
        rng = SplitMix64(seed: state)
    }

    /// Copies given keep flags (nonzero = kept), `rows × width` row-major, into the mask.
    func setMask(arena: UnsafeMutablePointer<Float>, rows: Int, keep: UnsafeBufferPointer<Float>) {
        precondition(keep.count == rows * width, "dropout mask \(maskIndex) needs \(rows * width) entries")
        let m = arena + mask
        for i in 0..<(rows * width) {
            m[i] = keep[i] != 0 ? scale : 0
        }
    }

    /// `y = x ⊙ m`.
    func forward(arena: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, rows: Int) {
        Dropout.multiply(x, arena + mask, into: arena + output, count: rows * width)
    }

    /// `y[i, :] = features[rowIndices[i], :] ⊙ m[i, :]`: the batch gather fused into the first layer.
    func forward(arena: UnsafeMutablePointer<Float>, features: UnsafePointer<Float>, rowIndices: UnsafePointer<Int>, rows: Int) {
        let m = arena + mask, y = arena + output
        for i in 0..<rows {
            Dropout.multiply(features + rowIndices[i] * width, m + i * width, into: y + i * width, count: width)
        }
    }

    /// `∂L/∂x = ∂L/∂y ⊙ m` (skipped when nothing upstream is trainable).
    func backward(arena: UnsafeMutablePointer<Float>, rows: Int) {
        guard let inputGradient, let outputGradient else { return }
        Dropout.multiply(arena + outputGradient, arena + mask, into: arena + inputGradient, count: rows * width)
    }

    private static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int
    ) {
        var i = 0
        while i + 8 <= count {
            out.store8(a.load8(i) * b.load8(i), i)
            i += 8
        }
        while i < count {
            out[i] = a[i] * b[i]
            i += 1
        }
    }
}

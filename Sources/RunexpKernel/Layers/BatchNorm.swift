import CRunexpKernelAVX2

/// Batch normalization over the last axis bound to its slots and a ``ArenaLayout``'s arena, as
/// Keras 3's BatchNormalization computes it.
///
/// Training: for each feature j of the batch's m rows, `μ = Σx/m`, `σ² = Σ(x − μ)²/m` (biased),
/// `x̂ = (x − μ)/√(σ² + ε)`, `y = γ·x̂ + β`; after the step the moving averages take
/// `moving·momentum + batch·(1 − momentum)` (``updateState``). Inference: `y = x·s + (β − mean·s)`
/// with `s = γ/√(variance + ε)` from the moving mean and variance, folded once in ``prepare``.
///
/// γ and β lie at `scale` and `offset` in the parameters (and in the gradient vector); the moving
/// mean and variance at `statistics` and `statistics + width`, after every trainable value.
struct BatchNorm: Sendable {
    let width: Int
    let momentum: Float
    let oneMinusMomentum: Float
    let epsilon: Float
    let scale: Int
    let offset: Int
    let statistics: Int
    let input: Int
    let output: Int
    /// Training layouts: x̂ (capacity × width), and the batch's mean, variance and 1/√(σ² + ε)
    /// (width each, 16-aligned apart); inference layouts: the folded scale and shift (width each).
    let normalized: Int?
    let moments: Int
    /// Arena offset of ∂L/∂x, or nil when no trainable layer lies upstream.
    let inputGradient: Int?
    /// Arena offset of ∂L/∂y, or −1 in an inference layout.
    let outputGradient: Int
    /// On `avx2-fma` the training passes run in C (`runexp_avx2_batch_norm_*`) with the same bits.
    let path: KernelCodePath

    /// Offset of the second and third width-long vectors of ``moments``.
    private var stride: Int { (width + 15) & ~15 }

    init(momentum: Double, epsilon: Double, width: Int, scale: Int, offset: Int, statistics: Int, input: Int, output: Int,
         normalized: Int?, moments: Int, inputGradient: Int?, outputGradient: Int, path: KernelCodePath) {
        self.width = width
        self.momentum = Float(momentum)
        self.oneMinusMomentum = Float(1 - momentum)
        self.epsilon = Float(epsilon)
        self.scale = scale
        self.offset = offset
        self.statistics = statistics
        self.input = input
        self.output = output
        self.normalized = normalized
        self.moments = moments
        self.inputGradient = inputGradient
        self.outputGradient = outputGradient
        self.path = path
    }

    /// Floats of ``moments``: three width-long vectors in training, two in inference.
    static func momentCount(width: Int, training: Bool) -> Int { (training ? 3 : 2) * ((width + 15) & ~15) }

    /// Inference: folds the moving statistics, γ and β into one scale and shift per feature.
    func prepare(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>) {
        guard normalized == nil else { return }
        let gamma = parameters + scale, beta = parameters + offset
        let mean = parameters + statistics, variance = parameters + statistics + width
        let foldedScale = arena + moments, foldedShift = arena + moments + stride
        for j in 0..<width {
            let s = gamma[j] / (variance[j] + epsilon).squareRoot()
            foldedScale[j] = s
            foldedShift[j] = beta[j] - mean[j] * s
        }
    }

    func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, rows: Int) {
        let y = arena + output
        guard let normalized else {
            let s = UnsafePointer(arena + moments), t = UnsafePointer(arena + moments + stride)
            for i in 0..<rows {
                Self.eachLane(width) { j, lanes in
                    y.store8(x.load8(i * width + j, lanes: lanes) * s.load8(j, lanes: lanes) + t.load8(j, lanes: lanes), i * width + j, lanes: lanes)
                }
            }
            return
        }
        let mean = arena + moments, variance = mean + stride, inverse = variance + stride
        let xhat = arena + normalized
        let gamma = parameters + scale, beta = parameters + offset
        if path == .avx2FMA {
            runexp_avx2_batch_norm_forward(x, rows, width, gamma, beta, epsilon, mean, variance, inverse, xhat, y)
            return
        }
        let count = Float(rows)
        Self.eachLane(width) { j, lanes in
            var sum = SIMD8<Float>()
            for i in 0..<rows { sum += x.load8(i * width + j, lanes: lanes) }
            let mu = sum / count
            var squares = SIMD8<Float>()
            for i in 0..<rows {
                let d = x.load8(i * width + j, lanes: lanes) - mu
                squares += d * d
            }
            let sigma2 = squares / count
            let inv = 1 / (sigma2 + epsilon).laneSquareRoot
            mean.store8(mu, j, lanes: lanes)
            variance.store8(sigma2, j, lanes: lanes)
            inverse.store8(inv, j, lanes: lanes)
            let g = gamma.load8(j, lanes: lanes), b = beta.load8(j, lanes: lanes)
            for i in 0..<rows {
                let n = (x.load8(i * width + j, lanes: lanes) - mu) * inv
                xhat.store8(n, i * width + j, lanes: lanes)
                y.store8(g * n + b, i * width + j, lanes: lanes)
            }
        }
    }

    /// `∂L/∂γ = Σ dy·x̂`, `∂L/∂β = Σ dy`, `∂L/∂x = γ/(m·√(σ² + ε))·(m·dy − Σdy − x̂·Σ dy·x̂)`.
    func backward(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                  arena: UnsafeMutablePointer<Float>, rows: Int) {
        guard let normalized else { return }
        let dy = UnsafePointer(arena + outputGradient), xhat = UnsafePointer(arena + normalized)
        let inverse = UnsafePointer(arena + moments + 2 * stride)
        let gamma = parameters + scale
        let count = Float(rows)
        let inputGradient = inputGradient.map { arena + $0 }
        if path == .avx2FMA {
            runexp_avx2_batch_norm_backward(dy, xhat, inverse, gamma, rows, width, gradients + scale, gradients + offset, inputGradient)
            return
        }
        Self.eachLane(width) { j, lanes in
            var sumDy = SIMD8<Float>(), sumDyXhat = SIMD8<Float>()
            for i in 0..<rows {
                let d = dy.load8(i * width + j, lanes: lanes)
                sumDy += d
                sumDyXhat += d * xhat.load8(i * width + j, lanes: lanes)
            }
            (gradients + scale).store8(sumDyXhat, j, lanes: lanes)
            (gradients + offset).store8(sumDy, j, lanes: lanes)
            guard let dx = inputGradient else { return }
            let factor = gamma.load8(j, lanes: lanes) * inverse.load8(j, lanes: lanes) / count
            for i in 0..<rows {
                let d = dy.load8(i * width + j, lanes: lanes), n = xhat.load8(i * width + j, lanes: lanes)
                dx.store8(factor * (count * d - sumDy - n * sumDyXhat), i * width + j, lanes: lanes)
            }
        }
    }

    /// Folds the last training batch's mean and variance into the moving averages.
    func updateState(parameters: UnsafeMutablePointer<Float>, arena: UnsafeMutablePointer<Float>) {
        guard normalized != nil else { return }
        let mean = arena + moments, variance = mean + stride
        let movingMean = parameters + statistics, movingVariance = movingMean + width
        for j in 0..<width {
            movingMean[j] = movingMean[j] * momentum + mean[j] * oneMinusMomentum
            movingVariance[j] = movingVariance[j] * momentum + variance[j] * oneMinusMomentum
        }
    }

    /// Calls `body(j, lanes)` for the features in runs of eight (the last run `lanes` < 8 wide).
    @inline(__always)
    static func eachLane(_ width: Int, _ body: (Int, Int) -> Void) {
        var j = 0
        while j < width {
            body(j, min(8, width - j))
            j += 8
        }
    }
}

/// Layer normalization bound to its slots and a ``ArenaLayout``'s arena, as Keras 3's
/// LayerNormalization computes it: each row of n features is normalized by its own statistics,
/// `μ = Σx/n`, `σ² = Σ(x − μ)²/n`, `x̂ = (x − μ)/√(σ² + ε)`, then `y = γ·x̂ + β`. The same in
/// training and inference; γ and β lie at `scale` and `offset` (width each).
struct LayerNorm: Sendable {
    let width: Int
    let epsilon: Float
    let scale: Int
    let offset: Int
    let input: Int
    let output: Int
    /// Training layouts: x̂ (capacity × width) and each row's 1/√(σ² + ε) (capacity), kept for the
    /// backward pass; nil in inference layouts.
    let normalized: Int?
    let inverse: Int?
    /// Arena offset of ∂L/∂x, or nil when no trainable layer lies upstream.
    let inputGradient: Int?
    /// Arena offset of ∂L/∂y, or −1 in an inference layout.
    let outputGradient: Int

    func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, rows: Int) {
        let y = arena + output, gamma = parameters + scale, beta = parameters + offset
        let count = Float(width)
        for i in 0..<rows {
            let row = x + i * width
            var sum = SIMD8<Float>()
            BatchNorm.eachLane(width) { j, lanes in sum += row.load8(j, lanes: lanes) }
            let mu = sum.sum() / count
            var squares = SIMD8<Float>()
            BatchNorm.eachLane(width) { j, lanes in
                // Lanes past the row read 0 and would add μ²: mask them.
                let d = (row.load8(j, lanes: lanes) - mu).replacing(with: 0, where: Self.pastEnd(lanes))
                squares += d * d
            }
            let inv = 1 / (squares.sum() / count + epsilon).squareRoot()
            if let inverse { arena[inverse + i] = inv }
            let normalized = normalized.map { arena + $0 + i * width }
            BatchNorm.eachLane(width) { j, lanes in
                let n = (row.load8(j, lanes: lanes) - mu) * inv
                normalized?.store8(n, j, lanes: lanes)
                y.store8(gamma.load8(j, lanes: lanes) * n + beta.load8(j, lanes: lanes), i * width + j, lanes: lanes)
            }
        }
    }

    /// `∂L/∂γ = Σ_rows dy·x̂`, `∂L/∂β = Σ_rows dy`; with `g = dy·γ` per row,
    /// `∂L/∂x = (n·g − Σg − x̂·Σ g·x̂)/(n·√(σ² + ε))`.
    func backward(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                  arena: UnsafeMutablePointer<Float>, rows: Int) {
        guard let normalized, let inverse else { return }
        let dy = UnsafePointer(arena + outputGradient), xhat = UnsafePointer(arena + normalized)
        let gamma = parameters + scale
        let dGamma = gradients + scale, dBeta = gradients + offset
        dGamma.update(repeating: 0, count: width)
        dBeta.update(repeating: 0, count: width)
        let count = Float(width)
        for i in 0..<rows {
            let base = i * width
            var sumG = SIMD8<Float>(), sumGXhat = SIMD8<Float>()
            BatchNorm.eachLane(width) { j, lanes in
                let d = dy.load8(base + j, lanes: lanes), n = xhat.load8(base + j, lanes: lanes)
                dGamma.store8(dGamma.load8(j, lanes: lanes) + d * n, j, lanes: lanes)
                dBeta.store8(dBeta.load8(j, lanes: lanes) + d, j, lanes: lanes)
                let g = d * gamma.load8(j, lanes: lanes)
                sumG += g
                sumGXhat += g * n
            }
            guard let inputGradient else { continue }
            let dx = arena + inputGradient + base
            let total = sumG.sum(), totalXhat = sumGXhat.sum()
            let factor = arena[inverse + i] / count
            BatchNorm.eachLane(width) { j, lanes in
                let g = dy.load8(base + j, lanes: lanes) * gamma.load8(j, lanes: lanes), n = xhat.load8(base + j, lanes: lanes)
                dx.store8(factor * (count * g - total - n * totalXhat), j, lanes: lanes)
            }
        }
    }

    /// Lanes at or past `lanes` (true for the unused lanes of a tail).
    @inline(__always)
    private static func pastEnd(_ lanes: Int) -> SIMDMask<SIMD8<Int32>> {
        SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .>= SIMD8<Int32>(repeating: Int32(lanes))
    }
}

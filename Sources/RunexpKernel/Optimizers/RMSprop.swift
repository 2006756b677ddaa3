/// RMSprop, Keras 3's float32 formulas (not centered).
///
/// Per step: `v = ρ·v + (1 − ρ)·g²; Δ = lr·g / √(v + ε)`; without momentum `w −= Δ`, with
/// momentum μ `m = μ·m + Δ; w −= m`. v and m start at 0; `1 − ρ` is formed in Double, then
/// rounded to float32. (ε inside the square root, as Keras 3 adds it.)
public struct RMSprop: Sendable {
    /// The step size of the next update (a schedule sets it each epoch: ``Trainer/setLearningRate(_:)``).
    public internal(set) var learningRate: Float
    public let rho: Float
    public let momentum: Float
    public let epsilon: Float
    private let oneMinusRho: Float
    /// The mean square slot v, one per parameter.
    public private(set) var meanSquare: [Float]
    /// The momentum slot m (empty without momentum).
    public private(set) var velocity: [Float]

    public init(learningRate: Double = 0.001, rho: Double = 0.9, momentum: Double = 0, epsilon: Double = 1e-7, parameterCount: Int) {
        self.learningRate = Float(learningRate)
        self.rho = Float(rho)
        self.momentum = Float(momentum)
        self.epsilon = Float(epsilon)
        oneMinusRho = Float(1 - rho)
        meanSquare = [Float](repeating: 0, count: parameterCount)
        velocity = momentum != 0 ? [Float](repeating: 0, count: parameterCount) : []
    }

    /// Applies one update to `parameters` given `gradients` of the same length.
    public mutating func update(_ parameters: inout [Float], gradients: [Float]) {
        precondition(parameters.count == gradients.count, "one gradient per parameter")
        precondition(meanSquare.count == parameters.count, "optimizer built for another parameter count")
        parameters.withUnsafeMutableBufferPointer { w in
            gradients.withUnsafeBufferPointer { g in
                guard let base = w.baseAddress, let g = g.baseAddress else { return }
                _ = apply(parameters: base, gradients: g, count: w.count)
            }
        }
    }

    /// In-place update of `count` parameters; returns whether every updated parameter is finite.
    mutating func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, count: Int) -> Bool {
        let lr = learningRate, rho = rho, oneMinusRho = oneMinusRho, eps = epsilon, mu = momentum
        var check: Float = 0
        meanSquare.withUnsafeMutableBufferPointer { vb in
            velocity.withUnsafeMutableBufferPointer { mb in
                guard let v = vb.baseAddress else { return }
                for i in 0..<count {
                    v[i] = rho * v[i] + oneMinusRho * (g[i] * g[i])
                    let increment = lr * g[i] / (v[i] + eps).squareRoot()
                    // An empty array's buffer may have an address too: the count says whether momentum is kept.
                    if mb.count == count, let m = mb.baseAddress {
                        m[i] = mu * m[i] + increment
                        w[i] = w[i] - m[i]
                    } else {
                        w[i] = w[i] - increment
                    }
                    check = check + (w[i] - w[i])
                }
            }
        }
        return check == 0
    }
}

extension RMSprop: ParameterUpdate {
    mutating func apply(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int,
                        path: KernelCodePath) -> Bool {
        apply(parameters: parameters, gradients: gradients, count: count)
    }
}

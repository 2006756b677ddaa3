import CRunexpKernelAVX2

/// Stochastic gradient descent with optional (Nesterov) momentum, Keras 3's float32 formulas.
///
/// momentum 0: `w = w − g·lr`. Otherwise `v = v·momentum − g·lr`, then
/// `w = w + (v·momentum − g·lr)` with Nesterov or `w = w + v` without; v starts at 0.
public struct SGD: Sendable {
    /// The step size of the next update (a schedule sets it each epoch: ``Trainer/setLearningRate(_:)``).
    public internal(set) var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    /// The momentum slot v, one per parameter (empty when momentum is 0).
    public private(set) var velocity: [Float]

    /// Creates the optimizer for `parameterCount` parameters; hyperparameters are rounded to float32.
    public init(learningRate: Double = 0.01, momentum: Double = 0, nesterov: Bool = false, parameterCount: Int) {
        self.learningRate = Float(learningRate)
        self.momentum = Float(momentum)
        self.nesterov = nesterov
        self.velocity = momentum != 0 ? [Float](repeating: 0, count: parameterCount) : []
    }

    /// Applies one update to `parameters` given `gradients` of the same length.
    public mutating func update(_ parameters: inout [Float], gradients: [Float]) {
        precondition(parameters.count == gradients.count, "one gradient per parameter")
        precondition(momentum == 0 || velocity.count == parameters.count, "optimizer built for another parameter count")
        parameters.withUnsafeMutableBufferPointer { w in
            gradients.withUnsafeBufferPointer { g in
                _ = apply(parameters: w.baseAddress!, gradients: g.baseAddress!, count: w.count)
            }
        }
    }

    /// In-place update of `count` parameters; returns whether every updated parameter is finite.
    ///
    /// On the `avx2-fma` path plain SGD runs in C (`runexp_avx2_sgd_step`) with the same two
    /// roundings per parameter, so both paths update bit for bit alike.
    mutating func apply(
        parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, count: Int, path: KernelCodePath = .simd8
    ) -> Bool {
        let lr = learningRate
        if momentum == 0, path == .avx2FMA {
            return runexp_avx2_sgd_step(w, g, count, lr) != 0
        }
        let lr8 = SIMD8<Float>(repeating: lr)
        var check = SIMD8<Float>.zero
        var tail: Float = 0
        let vectorEnd = count & ~7
        if momentum == 0 {
            var i = 0
            while i < vectorEnd {
                let updated = w.load8(i) - g.load8(i) * lr8
                w.store8(updated, i)
                check = check + (updated - updated)
                i += 8
            }
            while i < count {
                w[i] = w[i] - g[i] * lr
                tail = tail + (w[i] - w[i])
                i += 1
            }
        } else {
            let mu = momentum
            let mu8 = SIMD8<Float>(repeating: mu)
            let nesterov = nesterov
            velocity.withUnsafeMutableBufferPointer { vb in
                let v = vb.baseAddress!
                var i = 0
                while i < vectorEnd {
                    let gradient = g.load8(i)
                    let velocity = v.load8(i) * mu8 - gradient * lr8
                    v.store8(velocity, i)
                    let step = nesterov ? velocity * mu8 - gradient * lr8 : velocity
                    let updated = w.load8(i) + step
                    w.store8(updated, i)
                    check = check + (updated - updated)
                    i += 8
                }
                while i < count {
                    let velocity = v[i] * mu - g[i] * lr
                    v[i] = velocity
                    w[i] = w[i] + (nesterov ? velocity * mu - g[i] * lr : velocity)
                    tail = tail + (w[i] - w[i])
                    i += 1
                }
            }
        }
        return check.pairwiseSum + tail == 0
    }
}

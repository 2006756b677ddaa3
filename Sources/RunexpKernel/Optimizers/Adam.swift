import CRunexpKernelAVX2

/// Adam, Keras 3's float32 formulas (no AMSGrad, no weight decay).
///
/// Per step: `t += 1; α = lr·√(1 − β2^t)/(1 − β1^t)` (powers by `powf`);
/// `m += (g − m)·(1 − β1); v += (g² − v)·(1 − β2); w −= (m·α)/(√v + ε)`; m, v start at 0.
/// `1 − β1` and `1 − β2` are formed in Double, then rounded to float32, as Keras does.
public struct Adam: Sendable {
    /// The step size of the next update (a schedule sets it each epoch: ``Trainer/setLearningRate(_:)``).
    public internal(set) var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    private let oneMinusBeta1: Float
    private let oneMinusBeta2: Float
    /// Number of updates applied so far (t).
    public private(set) var step: Int = 0
    /// First-moment slot m, one per parameter.
    public private(set) var firstMoment: [Float]
    /// Second-moment slot v, one per parameter.
    public private(set) var secondMoment: [Float]

    /// Creates the optimizer for `parameterCount` parameters; hyperparameters are rounded to float32.
    public init(
        learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7,
        parameterCount: Int
    ) {
        self.learningRate = Float(learningRate)
        self.beta1 = Float(beta1)
        self.beta2 = Float(beta2)
        self.epsilon = Float(epsilon)
        self.oneMinusBeta1 = Float(1 - beta1)
        self.oneMinusBeta2 = Float(1 - beta2)
        self.firstMoment = [Float](repeating: 0, count: parameterCount)
        self.secondMoment = [Float](repeating: 0, count: parameterCount)
    }

    /// Applies one update to `parameters` given `gradients` of the same length.
    public mutating func update(_ parameters: inout [Float], gradients: [Float]) {
        precondition(parameters.count == gradients.count, "one gradient per parameter")
        precondition(firstMoment.count == parameters.count, "optimizer built for another parameter count")
        parameters.withUnsafeMutableBufferPointer { w in
            gradients.withUnsafeBufferPointer { g in
                _ = apply(parameters: w.baseAddress!, gradients: g.baseAddress!, count: w.count)
            }
        }
    }

    /// In-place update of `count` parameters; returns whether every updated parameter is finite.
    ///
    /// On the `avx2-fma` path the update runs in C (`runexp_avx2_adam_step`), eight lanes per
    /// instruction instead of four, with the same roundings: both paths update bit for bit alike.
    mutating func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, count: Int,
                        path: KernelCodePath = .simd8) -> Bool {
        step += 1
        let t = Float(step)
        let beta1Power = FloatMath.pow(beta1, t)
        let beta2Power = FloatMath.pow(beta2, t)
        let alpha = learningRate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        let a1 = oneMinusBeta1, a2 = oneMinusBeta2, eps = epsilon
        if path == .avx2FMA {
            return firstMoment.withUnsafeMutableBufferPointer { mb in
                secondMoment.withUnsafeMutableBufferPointer { vb in
                    guard let m = mb.baseAddress, let v = vb.baseAddress, count > 0 else { return true }
                    return runexp_avx2_adam_step(w, g, m, v, count, alpha, a1, a2, eps) != 0
                }
            }
        }
        let alpha8 = SIMD8<Float>(repeating: alpha)
        let a18 = SIMD8<Float>(repeating: a1), a28 = SIMD8<Float>(repeating: a2)
        let eps8 = SIMD8<Float>(repeating: eps)
        var check = SIMD8<Float>.zero
        var tail: Float = 0
        let vectorEnd = count & ~7
        firstMoment.withUnsafeMutableBufferPointer { mb in
            secondMoment.withUnsafeMutableBufferPointer { vb in
                let m = mb.baseAddress!, v = vb.baseAddress!
                var i = 0
                while i < vectorEnd {
                    let gradient = g.load8(i)
                    var first = m.load8(i)
                    first = first + (gradient - first) * a18
                    var second = v.load8(i)
                    second = second + (gradient * gradient - second) * a28
                    m.store8(first, i)
                    v.store8(second, i)
                    let updated = w.load8(i) - (first * alpha8) / (second.laneSquareRoot + eps8)
                    w.store8(updated, i)
                    check = check + (updated - updated)
                    i += 8
                }
                while i < count {
                    let gradient = g[i]
                    m[i] = m[i] + (gradient - m[i]) * a1
                    v[i] = v[i] + (gradient * gradient - v[i]) * a2
                    w[i] = w[i] - (m[i] * alpha) / (v[i].squareRoot() + eps)
                    tail = tail + (w[i] - w[i])
                    i += 1
                }
            }
        }
        return check.pairwiseSum + tail == 0
    }
}

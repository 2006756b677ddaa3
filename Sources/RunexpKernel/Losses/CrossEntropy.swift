/// Mean (optionally class-weighted) cross-entropy of class probabilities, Keras-style.
///
/// `probabilities` rows × classCount row-major; per row `ce = −log(clip(p[label], 1e−7, 1 − 1e−7))`
/// (float32); result `Σ_i w[label_i]·ce_i / rows` (Keras' sum-over-batch-size reduction), summed in Double.
/// `classWeights` empty means all 1. Returns 0 for zero rows.
public func crossEntropy(
    probabilities: [Float], labels: [Int32], classCount: Int, classWeights: [Float] = []
) -> Double {
    precondition(probabilities.count == labels.count * classCount, "probabilities must be rows × classCount")
    precondition(classWeights.isEmpty || classWeights.count == classCount, "one class weight per class")
    guard !labels.isEmpty else { return 0 }
    var total = 0.0
    for (i, label) in labels.enumerated() {
        let y = Int(label)
        precondition(y >= 0 && y < classCount, "label \(label) outside 0..<\(classCount)")
        let weight = classWeights.isEmpty ? 1 : Double(classWeights[y])
        total += weight * Double(CrossEntropy.sample(probabilities[i * classCount + y]))
    }
    return total / Double(labels.count)
}

/// The fused cross-entropy kernels used during training: batch loss, correct count and ∂L/∂z in one pass.
enum CrossEntropy {
    static let minimumProbability: Float = 1e-7
    static let maximumProbability = Float(1 - 1e-7)

    /// `clip(p, 1e−7, 1 − 1e−7)`, letting NaN through.
    @inline(__always)
    static func clip(_ p: Float) -> Float {
        p < minimumProbability ? minimumProbability : (p > maximumProbability ? maximumProbability : p)
    }

    /// `−log(clip(p))`: one sample's cross-entropy given the probability of its true class.
    @inline(__always)
    static func sample(_ p: Float) -> Float {
        -FloatMath.log(clip(p))
    }

    /// First index of the largest of `count` values (NaN never wins), like NumPy/Keras argmax.
    @inline(__always)
    static func argmax(_ row: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        for c in 1..<max(count, 1) where row[c] > row[best] { best = c }
        return best
    }

    /// Softmax output + categorical cross-entropy for a batch of `count` rows.
    ///
    /// `probabilities` count × classes; label of row i is `labels[rows[i]]`. Writes
    /// `gradient[i, c] = w_i/count · (p[i, c] − [c = label_i])` (∂L/∂logits) and returns
    /// `Σ_i w_i·ce_i / count` (float32, summed in row order) and the number of rows whose argmax is the label.
    ///
    /// With label smoothing ε > 0 the targets are `t_c = (1 − ε) + ε/C` for the label and `ε/C`
    /// for the other classes (Keras' formula, float32): `ce_i = Σ_c t_c·(−log(clip(p_c)))` and
    /// `gradient[i, c] = w_i/count · (p[i, c] − t_c)`.
    static func categorical(
        probabilities: UnsafePointer<Float>, classes: Int,
        labels: UnsafePointer<Int32>, rows: UnsafePointer<Int>, count: Int,
        classWeights: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, smoothing: Float = 0
    ) -> (loss: Float, correct: Int) {
        let batch = Float(count)
        let off = smoothing / Float(classes), on = (1 - smoothing) + smoothing / Float(classes)
        var total: Float = 0
        var correct = 0
        for i in 0..<count {
            let label = Int(labels[rows[i]])
            let p = probabilities + i * classes
            let g = gradient + i * classes
            let weight = classWeights[label]
            if argmax(p, count: classes) == label { correct += 1 }
            let scale = weight / batch
            if smoothing > 0 {
                var ce: Float = 0
                for c in 0..<classes { ce = ce + (c == label ? on : off) * sample(p[c]) }
                total = total + weight * ce
                for c in 0..<classes { g[c] = scale * (p[c] - (c == label ? on : off)) }
            } else {
                total = total + weight * sample(p[label])
                for c in 0..<classes { g[c] = scale * p[c] }
                g[label] = scale * (p[label] - 1)
            }
        }
        return (total / batch, correct)
    }

    /// Sigmoid output + binary cross-entropy for a batch of `count` rows (target `label == 1`).
    ///
    /// `probabilities` count × 1 holds p = P(class 1). Per row `ce = −log(clip(p))` for target 1,
    /// `−log(clip(1 − p))` for target 0 (the same numbers ``evaluate(probabilities:labels:classCount:positiveClass:)``
    /// sees as [1 − p, p]); correct iff `argmax([1 − p, p]) == label`. Writes `gradient[i] = w_i/count · (p − t)`.
    /// With label smoothing ε > 0 the target is `t = (1 − ε) + ε/2` for class 1 and `ε/2` for class 0
    /// (Keras'), `ce = t·(−log(clip(p))) + (1 − t)·(−log(clip(1 − p)))`.
    static func binary(
        probabilities: UnsafePointer<Float>,
        labels: UnsafePointer<Int32>, rows: UnsafePointer<Int>, count: Int,
        classWeights: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, smoothing: Float = 0
    ) -> (loss: Float, correct: Int) {
        let batch = Float(count)
        var total: Float = 0
        var correct = 0
        for i in 0..<count {
            let label = Int(labels[rows[i]])
            let p = probabilities[i]
            let q = 1 - p
            let weight = classWeights[label]
            let positive = label == 1
            if (p > q ? 1 : 0) == label { correct += 1 }
            if smoothing > 0 {
                let t = positive ? (1 - smoothing) + smoothing / 2 : smoothing / 2
                total = total + weight * (t * sample(p) + (1 - t) * sample(q))
                gradient[i] = (weight / batch) * (p - t)
            } else {
                total = total + weight * sample(positive ? p : q)
                gradient[i] = (weight / batch) * (positive ? p - 1 : p)
            }
        }
        return (total / batch, correct)
    }
}

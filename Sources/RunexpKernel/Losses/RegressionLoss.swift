/// The regression losses of one prediction `p` against its target `t` (error `e = p − t`), as Keras
/// computes them in float32: the per-row loss and its derivative ∂loss/∂p.
enum RegressionLoss {
    /// One row's loss.
    @inline(__always)
    static func sample(_ kind: LossKind, prediction: Float, target: Float) -> Float {
        let error = prediction - target
        switch kind {
        case .meanSquaredError:
            return error * error
        case .meanAbsoluteError:
            return abs(error)
        case .huber(let delta):
            let size = abs(error)
            return size <= delta ? 0.5 * (error * error) : delta * size - 0.5 * (delta * delta)
        case .categoricalCrossentropy, .binaryCrossentropy:
            preconditionFailure("\(kind.name) is not a regression loss")
        }
    }

    /// ∂(one row's loss)/∂prediction. MAE's derivative at e = 0 is 0 (TensorFlow's sign(0)).
    @inline(__always)
    static func derivative(_ kind: LossKind, prediction: Float, target: Float) -> Float {
        let error = prediction - target
        switch kind {
        case .meanSquaredError:
            return 2 * error
        case .meanAbsoluteError:
            return error > 0 ? 1 : (error < 0 ? -1 : 0)
        case .huber(let delta):
            return error > delta ? delta : (error < -delta ? -delta : error)
        case .categoricalCrossentropy, .binaryCrossentropy:
            preconditionFailure("\(kind.name) is not a regression loss")
        }
    }

    /// A batch of `count` rows of one output each: writes `gradient[i] = ∂loss_i/∂p_i / count` and
    /// returns `Σ_i loss_i / count` (float32, summed in row order). The target of row i is `targets[rows[i]]`.
    static func batch(
        _ kind: LossKind, predictions: UnsafePointer<Float>, targets: UnsafePointer<Float>,
        rows: UnsafePointer<Int>, count: Int, gradient: UnsafeMutablePointer<Float>
    ) -> Float {
        let batch = Float(count)
        var total: Float = 0
        for i in 0..<count {
            let target = targets[rows[i]]
            total = total + sample(kind, prediction: predictions[i], target: target)
            gradient[i] = derivative(kind, prediction: predictions[i], target: target) / batch
        }
        return total / batch
    }

    /// Unweighted mean loss of `rows` predictions against their targets (float32 per row, summed in Double).
    static func mean(_ kind: LossKind, predictions: UnsafePointer<Float>?, targets: UnsafePointer<Float>?, rows: Int) -> Double {
        guard rows > 0, let predictions, let targets else { return 0 }
        var total = 0.0
        for i in 0..<rows {
            total += Double(sample(kind, prediction: predictions[i], target: targets[i]))
        }
        return total / Double(rows)
    }
}

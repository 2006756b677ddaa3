/// How the learning rate changes from epoch to epoch: epoch e (0-based) of E trains at
/// `float32(lr · factor(e))`, the factor computed in Double.
public enum LearningRateSchedule: Sendable, Hashable {
    /// factor 1.
    case constant
    /// `factor^⌊e / everyEpochs⌋`.
    case step(everyEpochs: Int, factor: Double)
    /// `factor^e`.
    case exponential(factor: Double)
    /// Linear warmup, then a cosine from 1 down to `minFactor`: `(e + 1) / w` for `e < w`, then
    /// `m + (1 − m)·½(1 + cos(π·(e − w) / (E − w)))`.
    case cosine(warmupEpochs: Int, minFactor: Double)

    /// The factor of epoch `epoch` (0-based) of `epochs`.
    public func factor(epoch: Int, of epochs: Int) -> Double {
        switch self {
        case .constant:
            return 1
        case .step(let every, let factor):
            return FloatMath.pow(factor, Double(epoch / max(every, 1)))
        case .exponential(let factor):
            return FloatMath.pow(factor, Double(epoch))
        case .cosine(let warmup, let minimum):
            if epoch < warmup { return Double(epoch + 1) / Double(warmup) }
            let span = Double(max(epochs - warmup, 1))
            return minimum + (1 - minimum) * 0.5 * (1 + FloatMath.cos(Double.pi * Double(epoch - warmup) / span))
        }
    }
}

/// Which optimizer updates the parameters, with Keras 3's hyperparameters and defaults.
///
/// See ``SGD`` and ``Adam`` for the exact float32 update formulas.
public enum OptimizerSpec: Sendable, Hashable {
    case sgd(learningRate: Double = 0.01, momentum: Double = 0, nesterov: Bool = false)
    case adam(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7)
}

/// Which optimizer updates the parameters, with Keras 3's hyperparameters and defaults.
///
/// See ``SGD``, ``Adam`` and ``RMSprop`` for the exact float32 update formulas, and
/// ``WeightDecay`` for the decay a ``TrainingSettings`` adds.
public enum OptimizerSpec: Sendable, Hashable {
    case sgd(learningRate: Double = 0.01, momentum: Double = 0, nesterov: Bool = false)
    case adam(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7)
    case rmsprop(learningRate: Double = 0.001, rho: Double = 0.9, momentum: Double = 0, epsilon: Double = 1e-7)

    /// The learning rate (what decoupled weight decay scales by).
    public var learningRate: Double {
        switch self {
        case .sgd(let learningRate, _, _), .adam(let learningRate, _, _, _), .rmsprop(let learningRate, _, _, _): learningRate
        }
    }
}

/// Weight decay, applied by ``Trainer`` around the optimizer's step.
public enum WeightDecay: Sendable, Hashable {
    /// L2: `g += rate·w` before the step (SGD's, Adam's and RMSprop's `weight_decay` in PyTorch).
    case l2(Double)
    /// Decoupled (AdamW, Loshchilov & Hutter): `w −= w·(lr·rate)` before the step, `lr·rate` in float32.
    case decoupled(Double)

    /// The rate.
    public var rate: Double {
        switch self {
        case .l2(let rate), .decoupled(let rate): rate
        }
    }
}

/// An optimizer's state and update rule: what ``Trainer`` calls after each batch's backward pass.
///
/// Adding an optimizer is a type that conforms (its state, its float32 formula), a case of
/// ``OptimizerSpec`` and its line in ``OptimizerSpec/makeUpdate(parameterCount:)``; the compiler
/// points at every other place (the plan's `OptimizerPlan`, its mapping, the report's text).
protocol ParameterUpdate: Sendable {
    /// The step size of the next updates.
    var learningRate: Float { get set }
    /// Updates `count` parameters from their gradients; false when a parameter became non-finite.
    mutating func apply(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int,
                        path: KernelCodePath) -> Bool
}

extension SGD: ParameterUpdate {}

extension Adam: ParameterUpdate {}

extension OptimizerSpec {
    /// A fresh state of this optimizer for `parameterCount` parameters.
    func makeUpdate(parameterCount: Int) -> any ParameterUpdate {
        switch self {
        case .sgd(let learningRate, let momentum, let nesterov):
            SGD(learningRate: learningRate, momentum: momentum, nesterov: nesterov, parameterCount: parameterCount)
        case .adam(let learningRate, let beta1, let beta2, let epsilon):
            Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, parameterCount: parameterCount)
        case .rmsprop(let learningRate, let rho, let momentum, let epsilon):
            RMSprop(learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon, parameterCount: parameterCount)
        }
    }
}

import RunexpKernel
import RunexpPlan
import RunexpResults

// The plan's vocabulary in the kernel's terms. Every mapping is an exhaustive switch: a name added
// to the plan without a kernel counterpart is a compile error here, never a silent fallback
// (an unknown activation used to train as linear, an unknown loss as categorical cross-entropy).
// KernelVocabularyTests holds the names on both sides equal.

extension Activation {
    init(_ name: ActivationName) {
        switch name {
        case .linear: self = .linear
        case .relu: self = .relu
        case .tanh: self = .tanh
        case .sigmoid: self = .sigmoid
        case .softmax: self = .softmax
        case .elu: self = .elu
        case .selu: self = .selu
        case .leakyRelu: self = .leakyRelu
        case .softplus: self = .softplus
        case .gelu: self = .gelu
        case .silu: self = .silu
        }
    }
}

extension WeightInitializer {
    init(_ name: InitializerName?) {
        switch name ?? .glorotUniform {
        case .glorotUniform: self = .glorotUniform
        case .glorotNormal: self = .glorotNormal
        case .heUniform: self = .heUniform
        case .heNormal: self = .heNormal
        case .lecunNormal: self = .lecunNormal
        }
    }

    /// The initializer of each dense layer of `model`, in order.
    static func of(_ model: [LayerPlan]) -> [WeightInitializer] {
        model.compactMap { layer in
            if case .dense(_, _, let initializer) = layer { return WeightInitializer(initializer) }
            return nil
        }
    }
}

extension LossKind {
    /// The loss `name` (Huber's delta from the cell's training, 1 when absent).
    init(_ name: LossName, huberDelta: Double?) {
        switch name {
        case .categoricalCrossentropy: self = .categoricalCrossentropy
        case .binaryCrossentropy: self = .binaryCrossentropy
        case .mse: self = .meanSquaredError
        case .mae: self = .meanAbsoluteError
        case .huber: self = .huber(delta: Float(huberDelta ?? 1))
        }
    }
}

extension MonitoredMetric {
    init(_ name: MonitorName) {
        switch name {
        case .valLoss: self = .valLoss
        case .valAccuracy: self = .valAccuracy
        case .loss: self = .loss
        case .accuracy: self = .accuracy
        }
    }
}

extension LearningRateSchedule {
    init(_ plan: SchedulePlan) {
        switch plan {
        case .step(let every, let factor): self = .step(everyEpochs: every, factor: factor)
        case .exponential(let factor): self = .exponential(factor: factor)
        case .cosine(let warmup, let minimum): self = .cosine(warmupEpochs: warmup, minFactor: minimum)
        }
    }
}

extension OptimizerSpec {
    init(_ plan: OptimizerPlan) {
        switch plan {
        case .sgd(let learningRate, let momentum, let nesterov):
            self = .sgd(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
        case .adam(let learningRate, let beta1, let beta2, let epsilon), .adamw(let learningRate, let beta1, let beta2, let epsilon):
            self = .adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
        case .rmsprop(let learningRate, let rho, let momentum, let epsilon):
            self = .rmsprop(learningRate: learningRate, rho: rho, momentum: momentum, epsilon: epsilon)
        }
    }
}

extension LayerSpec {
    /// `layer` with `units: classes` resolved to `classes`.
    public init(_ layer: LayerPlan, classes: Int) {
        switch layer {
        case .dense(let units, let activation, _): self = .dense(units: units.resolved(classes: classes), activation: Activation(activation))
        case .dropout(let rate): self = .dropout(rate: rate)
        case .batchNorm(let momentum, let epsilon): self = .batchNorm(momentum: momentum, epsilon: epsilon)
        case .layerNorm(let epsilon): self = .layerNorm(epsilon: epsilon)
        }
    }
}

extension TrainingSettings {
    /// `training` in the kernel's terms, with the per-class weights already made for the run.
    init(_ training: TrainingPlan, classWeights: [Float]) {
        self.init(epochs: training.epochs, batchSize: training.batchSize, optimizer: OptimizerSpec(training.optimizer),
                  loss: LossKind(training.loss, huberDelta: training.huberDelta), classWeights: classWeights,
                  earlyStopping: training.earlyStopping.map {
                      EarlyStopping(monitor: MonitoredMetric($0.monitor), patience: $0.patience, minDelta: $0.minDelta,
                                    restoreBestWeights: $0.restoreBestWeights)
                  })
        // AdamW decays the weights apart from the gradient; the others add an L2 term to it.
        weightDecay = training.weightDecay.map { training.optimizer.name == .adamw ? .decoupled($0) : .l2($0) }
        schedule = training.schedule.map(LearningRateSchedule.init) ?? .constant
        clipNorm = training.clipNorm
        labelSmoothing = training.labelSmoothing ?? 0
    }
}

/// The training kernel this process runs on, as the result folder records it (journal header,
/// shard.json, provenance): RunexpResults knows the folder, not the kernel, so its callers pass these.
public enum TrainingKernel {
    /// `simd8` or `avx2-fma`: the code path the CPU and `RUNEXP_KERNEL` select.
    public static var codePath: String { kernelCodePath }
    /// The widest instruction set the CPU offers the products (provenance only).
    public static var instructions: String { kernelInstructionSet }
}

extension PartMetrics {
    /// The metrics of `task` from the kernel's evaluation of one part (a metric the evaluation
    /// leaves undefined, ROC AUC of a part of one class, is left out).
    public init(_ evaluation: Evaluation, task: Task) {
        var values: [MetricKind: Double] = [:]
        for kind in MetricKind.of(task) {
            values[kind] = switch kind {
            case .loss: evaluation.loss
            case .accuracy: evaluation.accuracy
            case .precision: evaluation.precision
            case .recall: evaluation.recall
            case .f1: evaluation.f1
            case .rocAUC: evaluation.rocAUC
            case .rmse, .mae, .r2: nil
            }
        }
        self.init(values)
    }

    /// The regression metrics from the kernel's evaluation of one part (R² of a part whose targets
    /// are all equal is undefined and left out).
    public init(_ evaluation: RegressionEvaluation) {
        var values: [MetricKind: Double] = [:]
        for kind in MetricKind.of(.regression) {
            values[kind] = switch kind {
            case .loss: evaluation.loss
            case .rmse: evaluation.rmse
            case .mae: evaluation.mae
            case .r2: evaluation.r2
            case .accuracy, .precision, .recall, .f1, .rocAUC: nil
            }
        }
        self.init(values)
    }
}

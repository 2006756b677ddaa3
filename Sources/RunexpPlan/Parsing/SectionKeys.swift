/// The keys of one YAML mapping: the single source for parsing, "valid keys" and did-you-mean.
public protocol SectionKey: CaseIterable, RawRepresentable, Hashable, Sendable where RawValue == String {}

extension SectionKey {
    /// Every key of the section in declaration order.
    public static var names: [String] { allCases.map(\.rawValue) }
}

/// Top level of an experiment file.
public enum ExperimentKey: String, SectionKey {
    case schemaVersion = "schema_version", name, description, seed, task, data, model, training, search, report
}

/// `data:`
public enum DataKey: String, SectionKey {
    case file
    case testFile = "test_file"
    case target, positive, exclude, standardize
    case standardizeTarget = "standardize_target"
    case split, delimiter, missing, columns
}

/// `data.columns.<name>:` written as a mapping.
public enum ColumnKey: String, SectionKey {
    case type, missing, indicator
}

/// `data.missing: {constant: value}` (and a column's `missing:` in that form).
public enum MissingKey: String, SectionKey {
    case constant
}

/// `data.split:`
public enum SplitKey: String, SectionKey {
    case test, validation, folds, stratify, shuffle
}

/// The one key of a `model:` list item.
public enum LayerKey: String, SectionKey {
    case dense, dropout
    case batchNorm = "batch_norm"
    case layerNorm = "layer_norm"
    case `repeat`
}

/// `batch_norm:` inside a model layer.
public enum BatchNormKey: String, SectionKey {
    case momentum, epsilon
}

/// `layer_norm:` inside a model layer.
public enum LayerNormKey: String, SectionKey {
    case epsilon
}

/// `repeat:` inside a model: a block of layers, `times` times (depth as an axis).
public enum RepeatKey: String, SectionKey {
    case times, layers
}

/// `dense:` inside a model layer.
public enum DenseKey: String, SectionKey {
    case units, activation, initializer
}

/// `dropout:` inside a model layer, when written as a mapping.
public enum DropoutKey: String, SectionKey {
    case rate
}

/// `training:`
public enum TrainingKey: String, SectionKey {
    case epochs
    case batchSize = "batch_size"
    case optimizer, loss
    case classWeight = "class_weight"
    case earlyStopping = "early_stopping"
    case schedule
    case clipNorm = "clip_norm"
}

/// Keys of `training.schedule:` written as a mapping.
public enum ScheduleKey: String, SectionKey {
    case name
    case everyEpochs = "every_epochs"
    case factor
    case warmupEpochs = "warmup_epochs"
    case minFactor = "min_factor"
}

/// The one key of `training.loss:` written as a mapping.
public enum LossKey: String, SectionKey {
    case huber
    case categoricalCrossentropy = "categorical_crossentropy"
    case binaryCrossentropy = "binary_crossentropy"
}

/// The options of a cross-entropy loss written as a mapping.
public enum CrossEntropyKey: String, SectionKey {
    case labelSmoothing = "label_smoothing"
}

/// `training.loss.huber:`
public enum HuberKey: String, SectionKey {
    case delta
}

/// `training.optimizer:`
public enum OptimizerKey: String, SectionKey {
    case name
    case learningRate = "learning_rate"
    case momentum, nesterov
    case beta1 = "beta_1"
    case beta2 = "beta_2"
    case epsilon
    case rho
    case weightDecay = "weight_decay"
}

/// `training.early_stopping:`
public enum EarlyStoppingKey: String, SectionKey {
    case monitor, patience
    case minDelta = "min_delta"
    case restoreBestWeights = "restore_best_weights"
}

/// `search:`
public enum SearchKey: String, SectionKey {
    case grid, include, exclude, random, repetitions, objective, strategy
}

/// `search.strategy:` (one of its keys).
public enum StrategyKey: String, SectionKey {
    case halving, hyperband
}

/// `search.strategy.halving:` and `search.strategy.hyperband:`
public enum RungRuleKey: String, SectionKey {
    case minEpochs = "min_epochs"
    case factor
}

/// `search.random:`
public enum RandomKey: String, SectionKey {
    case samples
}

/// The one key of a distribution axis under `search.grid`.
public enum DistributionKey: String, SectionKey {
    case uniform
    case logUniform = "log_uniform"
    case intUniform = "int_uniform"
    case choice
}

/// `search.objective:`
public enum ObjectiveKey: String, SectionKey {
    case metric, goal
}

/// `report:`
public enum ReportKey: String, SectionKey {
    case heatmaps
}

/// An item of `report.heatmaps:`
public enum HeatmapKey: String, SectionKey {
    case x, y, aggregate
}

/// Why a network, settings and data cannot be trained together.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than 2 classes with a classification loss, or other than 1 output with a regression loss.
    case invalidClassCount(Int)
    case invalidUnits(layer: Int, units: Int)
    case invalidDropoutRate(layer: Int, rate: Double)
    /// A norm layer's momentum outside [0, 1) or epsilon not finite and > 0.
    case invalidNorm(layer: Int, reason: String)
    /// The loss needs a specific last layer (see ``LossKind``).
    case lastLayerMismatch(loss: LossKind, expected: LayerSpec, actual: LayerSpec?)
    case binaryNeedsTwoClasses(classCount: Int)
    case classWeightCount(expected: Int, actual: Int)
    case invalidClassWeight(classIndex: Int, weight: Float)
    case invalidBatchSize(Int)
    case invalidEpochs(Int)
    case invalidPatience(Int)
    case invalidOptimizer(String)
    case widthMismatch(expected: Int, actual: Int)
    case noRows
    case labelOutOfRange(row: Int, label: Int32, classCount: Int)
    case invalidHuberDelta(Float)
    case accuracyInRegression(MonitoredMetric)
    case missingTargets
    case missingLabels
    case nonFiniteTarget(row: Int)

    public var description: String {
        switch self {
        case .invalidClassCount(let count): "class count \(count) must be at least 2 (classification) or 1 (regression)"
        case .invalidUnits(let layer, let units): "layer \(layer): dense needs at least 1 unit, got \(units)"
        case .invalidDropoutRate(let layer, let rate): "layer \(layer): dropout rate \(rate) outside [0, 1)"
        case .invalidNorm(let layer, let reason): "layer \(layer): \(reason)"
        case .lastLayerMismatch(let loss, let expected, let actual):
            "\(loss.name) needs last layer \(expected), got \(actual.map { "\($0)" } ?? "none")"
        case .binaryNeedsTwoClasses(let count): "binary_crossentropy needs 2 classes, got \(count)"
        case .classWeightCount(let expected, let actual): "expected \(expected) class weights, got \(actual)"
        case .invalidClassWeight(let index, let weight): "class weight \(index) is \(weight); must be finite and ≥ 0"
        case .invalidBatchSize(let size): "batch size \(size) must be at least 1"
        case .invalidEpochs(let epochs): "epochs \(epochs) must be at least 0"
        case .invalidPatience(let patience): "patience \(patience) must be at least 0"
        case .invalidOptimizer(let reason): "optimizer: \(reason)"
        case .widthMismatch(let expected, let actual): "samples have \(actual) features, network expects \(expected)"
        case .noRows: "training data has no rows"
        case .labelOutOfRange(let row, let label, let count): "row \(row): label \(label) outside 0..<\(count)"
        case .invalidHuberDelta(let delta): "huber delta \(delta) must be finite and > 0"
        case .accuracyInRegression(let monitor): "\(monitor.rawValue) is not measured with a regression loss"
        case .missingTargets: "a regression loss needs one target per row"
        case .missingLabels: "a classification loss needs one label per row"
        case .nonFiniteTarget(let row): "row \(row): the target is not finite"
        }
    }
}

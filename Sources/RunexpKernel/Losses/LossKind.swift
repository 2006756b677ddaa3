/// The training loss.
///
/// `categoricalCrossentropy` needs a last layer `dense(classCount, softmax)`; `binaryCrossentropy`
/// needs a last layer `dense(1, sigmoid)`, `classCount == 2`, and uses target `label == 1`. The
/// regression losses (`meanSquaredError`, `meanAbsoluteError`, `huber`) need a last layer of one
/// unit that is not softmax, samples with ``Samples/targets`` and `classCount == 1` (one output).
public enum LossKind: Sendable, Equatable, Hashable {
    case categoricalCrossentropy
    case binaryCrossentropy
    case meanSquaredError
    case meanAbsoluteError
    /// `½e²` for |e| ≤ delta, `delta·(|e| − ½delta)` beyond (Keras' Huber); delta finite and > 0.
    case huber(delta: Float)

    /// Keras' name of the loss.
    public var name: String {
        switch self {
        case .categoricalCrossentropy: "categorical_crossentropy"
        case .binaryCrossentropy: "binary_crossentropy"
        case .meanSquaredError: "mse"
        case .meanAbsoluteError: "mae"
        case .huber: "huber"
        }
    }

    /// True for the losses of a continuous target.
    public var isRegression: Bool {
        switch self {
        case .categoricalCrossentropy, .binaryCrossentropy: false
        case .meanSquaredError, .meanAbsoluteError, .huber: true
        }
    }
}

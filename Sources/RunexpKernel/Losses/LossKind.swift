/// The training loss; raw values are Keras' names.
///
/// `categoricalCrossentropy` needs a last layer `dense(classCount, softmax)`; `binaryCrossentropy`
/// needs a last layer `dense(1, sigmoid)`, `classCount == 2`, and uses target `label == 1`.
public enum LossKind: String, CaseIterable, Sendable {
    case categoricalCrossentropy = "categorical_crossentropy"
    case binaryCrossentropy = "binary_crossentropy"
}

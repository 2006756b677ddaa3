/// One layer of a sequential network, in the order data flows through it.
///
/// `dense`: `y = activation(x·W + b)` with W inputWidth × units; `dropout`: inverted dropout with drop
/// probability `rate` ∈ [0, 1) during training, identity at inference; `batchNorm`: each feature
/// normalized by the batch's mean and variance in training and by their moving averages in
/// inference, then scaled by γ and shifted by β (Keras's BatchNormalization); `layerNorm`: each row
/// normalized by its own mean and variance over its features, then scaled and shifted (Keras's
/// LayerNormalization). `momentum` ∈ [0, 1) and `epsilon` > 0, finite.
public enum LayerSpec: Sendable, Hashable {
    case dense(units: Int, activation: Activation)
    case dropout(rate: Double)
    case batchNorm(momentum: Double, epsilon: Double)
    case layerNorm(epsilon: Double)
}

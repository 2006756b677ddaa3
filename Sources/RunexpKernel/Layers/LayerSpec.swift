/// One layer of a sequential network, in the order data flows through it.
///
/// `dense`: `y = activation(x·W + b)` with W inputWidth × units; `dropout`: inverted dropout with drop
/// probability `rate` ∈ [0, 1) during training, identity at inference.
public enum LayerSpec: Sendable, Hashable {
    case dense(units: Int, activation: Activation)
    case dropout(rate: Double)
}

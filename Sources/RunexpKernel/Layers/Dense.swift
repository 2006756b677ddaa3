/// A fully connected layer `y = activation(x·W + b)` bound to its slots in the parameter vector and a ``ArenaLayout``'s arena.
///
/// W is inputWidth × units row-major at `kernel`, b is units at `bias` (offsets into the parameters and,
/// identically, into the gradient vector). With fewer than 8 units the layer keeps Wᵀ (units × inputWidth)
/// in the arena so that both products run along the long, contiguous input dimension.
struct Dense: Sendable {
    let inputWidth: Int
    let units: Int
    let activation: Activation
    let kernel: Int
    let bias: Int
    let input: Int
    let output: Int
    /// Arena offset of ∂L/∂x, or nil when no trainable layer lies upstream (nobody needs it).
    let inputGradient: Int?
    /// Arena offset of ∂L/∂y (turned into ∂L/∂z in place), or −1 in an inference layout.
    let outputGradient: Int
    let transposedKernel: Int?
    let transposedKernelGradient: Int?
    /// The arithmetic of this layer's products (the ``ArenaLayout``'s).
    let path: KernelCodePath
    /// The loss has already written ∂L/∂z (softmax/sigmoid fused with cross-entropy).
    var lossFused = false
    /// Arena offset of ``MatrixProducts/scratchCount`` floats for packing W or ∂L/∂z, given to wide layers.
    var scratch: Int?
    /// Arena offset of the pre-activations z kept for the backward pass of an activation that
    /// ``Activation/needsPreActivation`` (training layouts only).
    var preActivation: Int?

    /// Refreshes the Wᵀ copy from the current parameters (once per step, before ``forward``).
    func prepare(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>) {
        guard let transposedKernel else { return }
        MatrixProducts.transpose(parameters + kernel, rows: inputWidth, columns: units, into: arena + transposedKernel)
    }

    /// `y = activation(x·W + b)` for `rows` rows of `x`.
    func forward(parameters: UnsafePointer<Float>, arena: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, rows: Int) {
        let y = arena + output
        if let transposedKernel {
            MatrixProducts.multiplyTransposed(
                x, rows: rows, inner: inputWidth, arena + transposedKernel, columns: units,
                bias: parameters + bias, into: y, path: path)
            activation.apply(y, rows: rows, width: units, keeping: preActivation.map { arena + $0 }, path: path)
        } else {
            let relu = activation == .relu
            MatrixProducts.multiply(
                x, rows: rows, inner: inputWidth, parameters + kernel, columns: units,
                bias: parameters + bias, relu: relu, into: y, scratch: scratch.map { arena + $0 }, path: path)
            if !relu {
                activation.apply(y, rows: rows, width: units, keeping: preActivation.map { arena + $0 }, path: path)
            }
        }
    }

    /// Writes ∂L/∂W and ∂L/∂b into `gradients` and, when needed, ∂L/∂x into the arena.
    ///
    /// ∂L/∂z = ∂L/∂y ⊙ activation′; ∂L/∂x = ∂L/∂z · Wᵀ; ∂L/∂W = xᵀ · ∂L/∂z; ∂L/∂b = Σ_rows ∂L/∂z.
    func backward(
        parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        arena: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, rows: Int
    ) {
        let g = arena + outputGradient
        if !lossFused {
            activation.backpropagate(output: arena + output, preActivation: preActivation.map { UnsafePointer(arena + $0) },
                                     gradient: g, rows: rows, width: units, path: path)
        }
        if let inputGradient {
            if let transposedKernel {
                MatrixProducts.multiply(
                    g, rows: rows, inner: units, arena + transposedKernel, columns: inputWidth,
                    bias: nil, relu: false, into: arena + inputGradient, path: path)
            } else {
                MatrixProducts.multiplyTransposed(
                    g, rows: rows, inner: units, parameters + kernel, columns: inputWidth,
                    bias: nil, into: arena + inputGradient, path: path)
            }
        }
        if let transposedKernelGradient {
            MatrixProducts.multiplyTransposedLeft(
                g, rows: rows, aColumns: units, x, gColumns: inputWidth, into: arena + transposedKernelGradient,
                path: path)
            MatrixProducts.transpose(
                arena + transposedKernelGradient, rows: units, columns: inputWidth, into: gradients + kernel)
        } else {
            MatrixProducts.multiplyTransposedLeft(
                x, rows: rows, aColumns: inputWidth, g, gColumns: units, into: gradients + kernel,
                scratch: scratch.map { arena + $0 }, path: path)
        }
        MatrixProducts.columnSums(g, rows: rows, columns: units, into: gradients + bias)
    }
}

/// One dense layer's parameters: kernel W (inputWidth × units, row-major) and bias b (units).
public struct DenseWeights: Sendable, Equatable {
    public let inputWidth: Int
    public let units: Int
    public var kernel: [Float]
    public var bias: [Float]

    /// Requires `kernel.count == inputWidth · units` and `bias.count == units`.
    public init(inputWidth: Int, units: Int, kernel: [Float], bias: [Float]) {
        precondition(kernel.count == inputWidth * units, "kernel must hold inputWidth × units values")
        precondition(bias.count == units, "bias must hold units values")
        self.inputWidth = inputWidth
        self.units = units
        self.kernel = kernel
        self.bias = bias
    }
}

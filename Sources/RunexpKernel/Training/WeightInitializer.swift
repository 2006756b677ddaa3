/// How a dense layer's kernel is drawn (biases start at 0), as Keras' VarianceScaling defines it:
/// with n = fan_in + fan_out over 2 (`glorot_*`) or fan_in (`he_*`, `lecun_*`) and scale s = 2
/// (`he_*`) or 1 (the others), a uniform draw in ±√(3s/n), or a normal draw truncated at two
/// standard deviations with σ = √(s/n)/0.87962566103423978 (the truncation's correction).
public enum WeightInitializer: String, CaseIterable, Sendable {
    case glorotUniform = "glorot_uniform"
    case glorotNormal = "glorot_normal"
    case heUniform = "he_uniform"
    case heNormal = "he_normal"
    case lecunNormal = "lecun_normal"

    /// Fills `count` kernel values at `kernel` for a layer of `fanIn` inputs and `fanOut` units.
    /// glorot_uniform keeps runexp's first formula, float32 `(2u − 1)·√(6/(fanIn + fanOut))`.
    func fill(_ kernel: UnsafeMutablePointer<Float>, count: Int, fanIn: Int, fanOut: Int, rng: inout some RandomNumberGenerator) {
        switch self {
        case .glorotUniform:
            let limit = Float((6 / Double(fanIn + fanOut)).squareRoot())
            for i in 0..<count { kernel[i] = (2 * rng.uniformFloat() - 1) * limit }
        case .heUniform:
            let limit = Float((6 / Double(fanIn)).squareRoot())
            for i in 0..<count { kernel[i] = (2 * rng.uniformFloat() - 1) * limit }
        case .glorotNormal, .heNormal, .lecunNormal:
            let variance = self == .glorotNormal ? 2 / Double(fanIn + fanOut) : (self == .heNormal ? 2 : 1) / Double(fanIn)
            let deviation = variance.squareRoot() / 0.87962566103423978
            for i in 0..<count { kernel[i] = Float(deviation * Self.truncatedNormal(&rng)) }
        }
    }

    /// A standard normal draw within ±2 (Box–Muller on 53-bit uniforms, redrawn beyond).
    static func truncatedNormal(_ rng: inout some RandomNumberGenerator) -> Double {
        while true {
            let u1 = Double((rng.next() >> 11) + 1) * 0x1p-53  // (0, 1]
            let u2 = Double(rng.next() >> 11) * 0x1p-53
            let z = (-2 * FloatMath.log(u1)).squareRoot() * FloatMath.cos(2 * Double.pi * u2)
            if abs(z) <= 2 { return z }
        }
    }
}

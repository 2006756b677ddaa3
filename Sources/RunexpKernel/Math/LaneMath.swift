/// exp and tanh eight lanes at a time, for activations whose libm calls per element would cost
/// more than the layer's products (gelu's tanh and silu's exp: with `tanhf`, gelu trained the
/// large-layer benchmark 6.5× slower than relu). Each lane's result depends on that lane alone, so an element computes
/// to the same bits wherever it falls (a tail element goes through ``tanh(_:)`` broadcast).
///
/// exp: Cephes' `expf` (range reduction by ln 2 in two parts, a degree-5 polynomial, 2ⁿ by the
/// exponent bits), within 2 ulp of the exact value on [−87.3, 88.3], inputs clamped there (2ⁿ stays a normal float).
/// tanh(x) = 1 − 2/(e^{2x} + 1): exact to about 1e-7 absolute (not relative near 0).
enum LaneMath {
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Compares and blends rather than pointwiseMin/Max, which the compiler left as calls.
        let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.3)
        let raised = x.replacing(with: low, where: x .< low)
        let clamped = raised.replacing(with: high, where: raised .> high)
        // Adding 1.5·2²³ rounds to an integer (to nearest, even) and leaves it in the low mantissa
        // bits: n as a float and as an integer without a per-lane conversion call.
        let shifter = SIMD8<Float>(repeating: 12_582_912)
        let shifted = clamped * 1.44269504088896341 + shifter
        let n = shifted - shifter
        let r = clamped - n * 0.693359375 + n * 2.12194440e-4
        let r2 = r * r
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let e = p * r2 + r + 1
        // 2ⁿ from its exponent bits; the clamp keeps n in [−126, 127].
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return e * unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
    }

    @inline(__always)
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        1 - 2 / (exp(2 * x) + 1)
    }
}

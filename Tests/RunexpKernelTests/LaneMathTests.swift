import Foundation
import Testing
@testable import RunexpKernel

/// The eight-lane exp and tanh gelu uses: close to libm's, and each element's result independent
/// of where it falls (a vector lane or the scalar tail).
@Suite struct LaneMathTests {
    @Test func expAndTanhAreWithinAFewUlpOfLibm() {
        var worstExp = 0.0, worstTanh = 0.0
        var x: Float = -87
        while x < 88.2 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0137 })
            let e = LaneMath.exp(lanes), t = LaneMath.tanh(lanes / 20)
            for k in 0..<8 {
                let exact = Foundation.exp(Double(lanes[k]))
                worstExp = max(worstExp, abs(Double(e[k]) - exact) / exact)
                worstTanh = max(worstTanh, abs(Double(t[k]) - Foundation.tanh(Double(lanes[k] / 20))))
            }
            x += 0.37
        }
        #expect(worstExp < 4e-7, "exp: worst relative error \(worstExp)")
        #expect(worstTanh < 3e-7, "tanh: worst absolute error \(worstTanh)")
        #expect(LaneMath.exp(SIMD8(repeating: -200))[0] >= 0 && LaneMath.exp(SIMD8(repeating: 200))[0].isFinite)
        #expect(LaneMath.tanh(SIMD8(repeating: 40))[0] == 1 && LaneMath.tanh(SIMD8(repeating: -40))[0] == -1)
    }

    static func forward(_ activation: Activation, _ v: [Float], path: KernelCodePath) -> [Float] {
        var z = v
        z.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, rows: 1, width: v.count, path: path) }
        return z
    }

    static func backward(_ activation: Activation, _ v: [Float], path: KernelCodePath) -> [Float] {
        let y = forward(activation, v, path: path)
        var g = [Float](repeating: 0.75, count: v.count)
        y.withUnsafeBufferPointer { yb in
            v.withUnsafeBufferPointer { zb in
                g.withUnsafeMutableBufferPointer { gb in
                    activation.backpropagate(output: yb.baseAddress!, preActivation: zb.baseAddress!, gradient: gb.baseAddress!,
                                             rows: 1, width: v.count, path: path)
                }
            }
        }
        return g
    }

    /// gelu and silu forward and backward on 19 values at once (two vectors and a tail) and on each
    /// alone, on every code path.
    @Test(arguments: [Activation.gelu, .silu], KernelCodePath.available)
    func anElementHasTheSameBitsWhereverItFalls(_ activation: Activation, _ path: KernelCodePath) {
        let values: [Float] = (0..<19).map { Float($0) * 0.61 - 5.3 }
        #expect(Self.forward(activation, values, path: path).map(\.bitPattern)
            == values.flatMap { Self.forward(activation, [$0], path: path) }.map(\.bitPattern))
        #expect(Self.backward(activation, values, path: path).map(\.bitPattern)
            == values.flatMap { Self.backward(activation, [$0], path: path) }.map(\.bitPattern))
    }

    /// The C eight-lane gelu and silu of the `avx2-fma` path give the Swift code's bits, forward and
    /// backward, across the whole range (0, the clamps of exp, huge and tiny values, NaN and ±∞),
    /// and the forward pass copies the pre-activations when asked.
    @Test(arguments: [Activation.gelu, .silu])
    func theCPathHasTheSwiftPathsBits(_ activation: Activation) throws {
        try #require(KernelCodePath.available.contains(.avx2FMA), "this CPU has no AVX2 and FMA")
        var rng = SplitMix64(seed: 21)
        var values: [Float] = [0, -0, 1e-30, -1e-30, 87.3, -87.3, 88.3, 200, -200, 1e30, -1e30, .infinity, -.infinity, .nan]
        values += (0..<4000).map { _ in (rng.uniformFloat() * 2 - 1) * 12 }
        values += (0..<1000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
        for count in [values.count, 13, 7, 1] {
            let v = Array(values.prefix(count))
            #expect(Self.forward(activation, v, path: .avx2FMA).map(\.bitPattern) == Self.forward(activation, v, path: .simd8).map(\.bitPattern))
            #expect(Self.backward(activation, v, path: .avx2FMA).map(\.bitPattern) == Self.backward(activation, v, path: .simd8).map(\.bitPattern))
        }
        var z = values, kept = [Float](repeating: 1, count: values.count)
        z.withUnsafeMutableBufferPointer { zb in
            kept.withUnsafeMutableBufferPointer { activation.apply(zb.baseAddress!, rows: 1, width: values.count, keeping: $0.baseAddress!, path: .avx2FMA) }
        }
        #expect(kept.map(\.bitPattern) == values.map(\.bitPattern))
    }
}

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

    /// gelu and silu forward and backward on 19 values at once (two vectors and a tail) and on each alone.
    @Test(arguments: [Activation.gelu, .silu])
    func anElementHasTheSameBitsWhereverItFalls(_ activation: Activation) {
        let values: [Float] = (0..<19).map { Float($0) * 0.61 - 5.3 }
        func forward(_ v: [Float]) -> [Float] {
            var z = v
            z.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, rows: 1, width: v.count) }
            return z
        }
        func backward(_ v: [Float]) -> [Float] {
            let y = forward(v)
            var g = [Float](repeating: 0.75, count: v.count)
            y.withUnsafeBufferPointer { yb in
                v.withUnsafeBufferPointer { zb in
                    g.withUnsafeMutableBufferPointer { gb in
                        activation.backpropagate(output: yb.baseAddress!, preActivation: zb.baseAddress!, gradient: gb.baseAddress!,
                                                      rows: 1, width: v.count)
                    }
                }
            }
            return g
        }
        #expect(forward(values).map(\.bitPattern) == values.flatMap { forward([$0]) }.map(\.bitPattern))
        #expect(backward(values).map(\.bitPattern) == values.flatMap { backward([$0]) }.map(\.bitPattern))
    }
}

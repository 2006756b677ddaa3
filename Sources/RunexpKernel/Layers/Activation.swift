import CRunexpKernelAVX2

/// The element-wise (or, for softmax, row-wise) function a ``LayerSpec/dense(units:activation:)`` applies after `x·W + b`.
///
/// `linear` z; `relu` max(z, 0) (gradient 0 at z = 0); `tanh`; `sigmoid` 1/(1+e^−z);
/// `softmax` e^(z−max z)/Σ e^(z−max z) over each row. Raw values are Keras' names.
///
/// Smooth and leaky variants, as Keras and PyTorch define them:
/// - `elu`: z for z > 0, else e^z − 1 (α = 1).
/// - `selu`: λ·elu with α = 1.6732632, λ = 1.0507010 (self-normalizing; pair it with `lecun_normal`).
/// - `leaky_relu`: z for z > 0, else 0.01·z (PyTorch's slope).
/// - `softplus`: log(1 + e^z), computed without overflow.
/// - `gelu`: the tanh approximation 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))) (PyTorch's
///   `approximate="tanh"`, Keras' `approximate=True`), its tanh eight lanes at a time (``LaneMath``).
/// - `silu` (swish): z·σ(z), its exp eight lanes at a time (``LaneMath``).
///
/// gelu's and silu's gradients need z itself: a dense layer keeps its pre-activations for them
/// (``needsPreActivation``).
public enum Activation: String, CaseIterable, Sendable {
    case linear, relu, tanh, sigmoid, softmax
    case elu, selu
    case leakyRelu = "leaky_relu"
    case softplus, gelu, silu

    /// selu's α and λ (Klambauer et al. 2017), as float32.
    public static let seluAlpha: Float = 1.6732632423543772
    public static let seluScale: Float = 1.0507009873554805
    /// leaky_relu's slope below 0.
    public static let leakySlope: Float = 0.01
    /// gelu's √(2/π).
    public static let geluScale: Float = 0.7978845608028654

    /// The gradient is a function of z, not of the output: training keeps z.
    var needsPreActivation: Bool { self == .gelu || self == .silu }

    /// The activation's number in the C kernel (`RUNEXP_ACTIVATION_*`), for those it runs.
    private var cKind: Int32? {
        switch self {
        case .gelu: RUNEXP_ACTIVATION_GELU
        case .silu: RUNEXP_ACTIVATION_SILU
        default: nil
        }
    }
}

extension Activation {
    /// Replaces the pre-activations `z` (rows × width, row-major) by `activation(z)` in place, after
    /// copying them to `keeping` when given. On the `avx2-fma` path gelu and silu run in C
    /// (`runexp_avx2_activation_forward`, copy fused), eight lanes at a time with the same bits.
    func apply(_ z: UnsafeMutablePointer<Float>, rows: Int, width: Int, keeping: UnsafeMutablePointer<Float>? = nil,
               path: KernelCodePath = .simd8) {
        let count = rows * width
        if path == .avx2FMA, let kind = cKind {
            runexp_avx2_activation_forward(kind, Self.geluScale, z, keeping, z, count)
            return
        }
        keeping?.update(from: z, count: count)
        switch self {
        case .linear:
            return
        case .relu:
            var i = 0
            while i + 8 <= count {
                z.store8(z.load8(i).clampedAtZero, i)
                i += 8
            }
            while i < count {
                if z[i] < 0 { z[i] = 0 }
                i += 1
            }
        case .tanh:
            for i in 0..<count { z[i] = FloatMath.tanh(z[i]) }
        case .sigmoid:
            for i in 0..<count { z[i] = 1 / (1 + FloatMath.exp(-z[i])) }
        case .elu:
            for i in 0..<count where z[i] <= 0 { z[i] = FloatMath.expm1(z[i]) }
        case .selu:
            let alpha = Self.seluAlpha, scale = Self.seluScale
            for i in 0..<count { z[i] = z[i] > 0 ? scale * z[i] : scale * (alpha * FloatMath.expm1(z[i])) }
        case .leakyRelu:
            for i in 0..<count where z[i] < 0 { z[i] = Self.leakySlope * z[i] }
        case .softplus:
            // log(1 + e^z) = max(z, 0) + log(1 + e^−|z|): no overflow for large z.
            for i in 0..<count { z[i] = max(z[i], 0) + FloatMath.log1p(FloatMath.exp(-abs(z[i]))) }
        case .gelu:
            let c = Self.geluScale
            @inline(__always) func gelu(_ x: SIMD8<Float>) -> SIMD8<Float> {
                let cube: SIMD8<Float> = 0.044715 * x * x * x
                return 0.5 * x * (1 + LaneMath.tanh(c * (x + cube)))
            }
            var i = 0
            while i + 8 <= count {
                z.store8(gelu(z.load8(i)), i)
                i += 8
            }
            // The tail through the same lanes: an element's bits do not depend on where it falls.
            if i < count { z.store8(gelu(z.load8(i, lanes: count - i)), i, lanes: count - i) }
        case .silu:
            @inline(__always) func silu(_ x: SIMD8<Float>) -> SIMD8<Float> { x / (1 + LaneMath.exp(-x)) }
            var i = 0
            while i + 8 <= count {
                z.store8(silu(z.load8(i)), i)
                i += 8
            }
            if i < count { z.store8(silu(z.load8(i, lanes: count - i)), i, lanes: count - i) }
        case .softmax:
            for r in 0..<rows {
                let row = z + r * width
                var maximum = row[0]
                for c in 1..<max(width, 1) where row[c] > maximum { maximum = row[c] }
                var total: Float = 0
                for c in 0..<width {
                    let e = FloatMath.exp(row[c] - maximum)
                    row[c] = e
                    total = total + e
                }
                for c in 0..<width { row[c] = row[c] / total }
            }
        }
    }

    /// Turns `g = ∂L/∂y` into `∂L/∂z` in place, given the activation's outputs `y` (both rows × width)
    /// and, for an activation that ``needsPreActivation``, its inputs `z`.
    ///
    /// linear: g; relu: g·[y > 0]; tanh: g·(1 − y²); sigmoid: g·y(1 − y); softmax: y ⊙ (g − Σ_c y_c g_c) per row;
    /// elu: g for y > 0, else g·(y + 1); selu: g·λ for y > 0, else g·(y + λα); leaky_relu: g for y > 0,
    /// else g·0.01; softplus: g·σ(z) = g·(1 − e^−y); gelu: g·(½(1 + t) + ½·z·(1 − t²)·√(2/π)·(1 + 3·0.044715·z²))
    /// with t = tanh(√(2/π)(z + 0.044715·z³)), read back from the output as 2y/z − 1; silu: g·σ(z)·(1 + z·(1 − σ(z))).
    /// On the `avx2-fma` path gelu and silu run in C (`runexp_avx2_activation_backward`) with the same bits.
    func backpropagate(output y: UnsafePointer<Float>, preActivation z: UnsafePointer<Float>? = nil, gradient g: UnsafeMutablePointer<Float>,
                       rows: Int, width: Int, path: KernelCodePath = .simd8) {
        let count = rows * width
        if path == .avx2FMA, let kind = cKind, let z {
            runexp_avx2_activation_backward(kind, Self.geluScale, z, y, g, count)
            return
        }
        switch self {
        case .linear:
            return
        case .relu:
            var i = 0
            while i + 8 <= count {
                g.store8(g.load8(i).replacing(with: 0, where: y.load8(i) .<= 0), i)
                i += 8
            }
            while i < count {
                if y[i] <= 0 { g[i] = 0 }
                i += 1
            }
        case .tanh:
            for i in 0..<count { g[i] = g[i] * (1 - y[i] * y[i]) }
        case .sigmoid:
            for i in 0..<count { g[i] = g[i] * (y[i] * (1 - y[i])) }
        case .elu:
            for i in 0..<count where y[i] <= 0 { g[i] = g[i] * (y[i] + 1) }
        case .selu:
            let alpha = Self.seluAlpha, scale = Self.seluScale
            for i in 0..<count { g[i] = y[i] > 0 ? g[i] * scale : g[i] * (y[i] + scale * alpha) }
        case .leakyRelu:
            for i in 0..<count where y[i] <= 0 { g[i] = g[i] * Self.leakySlope }
        case .softplus:
            for i in 0..<count { g[i] = g[i] * -FloatMath.expm1(-y[i]) }
        case .gelu:
            guard let z else { preconditionFailure("gelu backpropagates from its pre-activations") }
            let c = Self.geluScale
            /// ∂y/∂z from z and y, tanh read back from the output: y = ½·z·(1 + t), so t = 2y/z − 1 (0 at z = 0).
            @inline(__always) func slope(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
                let t = (2 * y / x - 1).replacing(with: 0, where: x .== 0)
                let outer: SIMD8<Float> = 0.5 * (1 + t)
                let curve: SIMD8<Float> = 1 + 3 * 0.044715 * x * x
                let inner: SIMD8<Float> = 0.5 * x * (1 - t * t) * c * curve
                return outer + inner
            }
            var i = 0
            while i + 8 <= count {
                g.store8(g.load8(i) * slope(z.load8(i), y.load8(i)), i)
                i += 8
            }
            if i < count {
                let lanes = count - i
                g.store8(g.load8(i, lanes: lanes) * slope(z.load8(i, lanes: lanes), y.load8(i, lanes: lanes)), i, lanes: lanes)
            }
        case .silu:
            guard let z else { preconditionFailure("silu backpropagates from its pre-activations") }
            @inline(__always) func slope(_ x: SIMD8<Float>) -> SIMD8<Float> {
                let s = 1 / (1 + LaneMath.exp(-x))
                return s * (1 + x * (1 - s))
            }
            var i = 0
            while i + 8 <= count {
                g.store8(g.load8(i) * slope(z.load8(i)), i)
                i += 8
            }
            if i < count { g.store8(g.load8(i, lanes: count - i) * slope(z.load8(i, lanes: count - i)), i, lanes: count - i) }
        case .softmax:
            for r in 0..<rows {
                let yRow = y + r * width
                let gRow = g + r * width
                var dot: Float = 0
                for c in 0..<width { dot = dot + yRow[c] * gRow[c] }
                for c in 0..<width { gRow[c] = yRow[c] * (gRow[c] - dot) }
            }
        }
    }
}

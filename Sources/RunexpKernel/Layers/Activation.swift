/// The element-wise (or, for softmax, row-wise) function a ``LayerSpec/dense(units:activation:)`` applies after `x·W + b`.
///
/// `linear` z; `relu` max(z, 0) (gradient 0 at z = 0); `tanh`; `sigmoid` 1/(1+e^−z);
/// `softmax` e^(z−max z)/Σ e^(z−max z) over each row. Raw values are Keras' names.
public enum Activation: String, CaseIterable, Sendable {
    case linear, relu, tanh, sigmoid, softmax
}

extension Activation {
    /// Replaces the pre-activations `z` (rows × width, row-major) by `activation(z)` in place.
    func apply(_ z: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let count = rows * width
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

    /// Turns `g = ∂L/∂y` into `∂L/∂z` in place, given the activation's outputs `y` (both rows × width).
    ///
    /// linear: g; relu: g·[y > 0]; tanh: g·(1 − y²); sigmoid: g·y(1 − y); softmax: y ⊙ (g − Σ_c y_c g_c) per row.
    func backpropagate(output y: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let count = rows * width
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

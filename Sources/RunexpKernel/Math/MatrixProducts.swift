/// Row-major single-precision matrix products for small batches, vectorised with `SIMD8<Float>`.
///
/// Every output row is computed by the same instruction sequence whatever the number of rows,
/// so a row's result never depends on which other rows share the call (chunking-invariant, deterministic).
/// Products are `a + b * c`, never fused multiply-add.
enum MatrixProducts {
    /// `out[r, n] = bias[n] + Σ_k a[r, k] · b[k, n]`, optionally followed by `max(·, 0)`.
    ///
    /// Shapes: `a` rows × inner, `b` inner × columns, `bias` columns (or none), `out` rows × columns.
    /// Axpy form: broadcasts `a[r, k]` against the contiguous row `b[k, :]`, 32/8 columns at a time.
    static func multiply(
        _ a: UnsafePointer<Float>, rows: Int, inner: Int,
        _ b: UnsafePointer<Float>, columns: Int,
        bias: UnsafePointer<Float>?, relu: Bool,
        into out: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let aRow = a + r * inner
            let outRow = out + r * columns
            var c = 0
            while c + 32 <= columns {
                var s0 = SIMD8<Float>.zero, s1 = SIMD8<Float>.zero
                var s2 = SIMD8<Float>.zero, s3 = SIMD8<Float>.zero
                if let bias {
                    s0 = bias.load8(c); s1 = bias.load8(c + 8)
                    s2 = bias.load8(c + 16); s3 = bias.load8(c + 24)
                }
                var w = b + c
                for k in 0..<inner {
                    let x = SIMD8<Float>(repeating: aRow[k])
                    s0 = s0 + x * w.load8(0)
                    s1 = s1 + x * w.load8(8)
                    s2 = s2 + x * w.load8(16)
                    s3 = s3 + x * w.load8(24)
                    w += columns
                }
                if relu {
                    s0 = s0.clampedAtZero; s1 = s1.clampedAtZero
                    s2 = s2.clampedAtZero; s3 = s3.clampedAtZero
                }
                outRow.store8(s0, c); outRow.store8(s1, c + 8)
                outRow.store8(s2, c + 16); outRow.store8(s3, c + 24)
                c += 32
            }
            while c + 8 <= columns {
                var s0 = bias?.load8(c) ?? .zero
                var w = b + c
                for k in 0..<inner {
                    s0 = s0 + SIMD8<Float>(repeating: aRow[k]) * w.load8(0)
                    w += columns
                }
                if relu { s0 = s0.clampedAtZero }
                outRow.store8(s0, c)
                c += 8
            }
            while c < columns {
                var s = bias?[c] ?? 0
                var w = b + c
                for k in 0..<inner {
                    s = s + aRow[k] * w[0]
                    w += columns
                }
                if relu && s < 0 { s = 0 }
                outRow[c] = s
                c += 1
            }
        }
    }

    /// `out[r, n] = bias[n] + Σ_k a[r, k] · bt[n, k]`, i.e. `a · btᵀ (+ bias)`.
    ///
    /// Shapes: `a` rows × inner, `bt` columns × inner, `bias` columns (or none), `out` rows × columns.
    /// Dot form over the contiguous inner dimension, two output columns per pass; the SIMD lanes are
    /// reduced by ``SIMD8/pairwiseSum`` and the scalar tail added after.
    static func multiplyTransposed(
        _ a: UnsafePointer<Float>, rows: Int, inner: Int,
        _ bt: UnsafePointer<Float>, columns: Int,
        bias: UnsafePointer<Float>?,
        into out: UnsafeMutablePointer<Float>
    ) {
        let vectorEnd = inner & ~7
        for r in 0..<rows {
            let aRow = a + r * inner
            let outRow = out + r * columns
            var n = 0
            while n + 2 <= columns {
                let b0 = bt + n * inner
                let b1 = b0 + inner
                var acc0 = SIMD8<Float>.zero, acc1 = SIMD8<Float>.zero
                var k = 0
                while k < vectorEnd {
                    let x = aRow.load8(k)
                    acc0 = acc0 + x * b0.load8(k)
                    acc1 = acc1 + x * b1.load8(k)
                    k += 8
                }
                var s0 = acc0.pairwiseSum, s1 = acc1.pairwiseSum
                while k < inner {
                    s0 = s0 + aRow[k] * b0[k]
                    s1 = s1 + aRow[k] * b1[k]
                    k += 1
                }
                if let bias {
                    s0 = bias[n] + s0
                    s1 = bias[n + 1] + s1
                }
                outRow[n] = s0
                outRow[n + 1] = s1
                n += 2
            }
            if n < columns {
                let b0 = bt + n * inner
                var acc0 = SIMD8<Float>.zero
                var k = 0
                while k < vectorEnd {
                    acc0 = acc0 + aRow.load8(k) * b0.load8(k)
                    k += 8
                }
                var s0 = acc0.pairwiseSum
                while k < inner {
                    s0 = s0 + aRow[k] * b0[k]
                    k += 1
                }
                if let bias { s0 = bias[n] + s0 }
                outRow[n] = s0
            }
        }
    }

    /// `out[k, n] = Σ_r a[r, k] · g[r, n]`, i.e. `aᵀ · g`, summed over rows in order.
    ///
    /// Shapes: `a` rows × aColumns, `g` rows × gColumns, `out` aColumns × gColumns (overwritten).
    /// Axpy form over the contiguous `g` row, 32/8 columns at a time.
    static func multiplyTransposedLeft(
        _ a: UnsafePointer<Float>, rows: Int, aColumns: Int,
        _ g: UnsafePointer<Float>, gColumns: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        for k in 0..<aColumns {
            let outRow = out + k * gColumns
            var c = 0
            while c + 32 <= gColumns {
                var s0 = SIMD8<Float>.zero, s1 = SIMD8<Float>.zero
                var s2 = SIMD8<Float>.zero, s3 = SIMD8<Float>.zero
                var gp = g + c
                var ap = a + k
                for _ in 0..<rows {
                    let x = SIMD8<Float>(repeating: ap[0])
                    s0 = s0 + x * gp.load8(0)
                    s1 = s1 + x * gp.load8(8)
                    s2 = s2 + x * gp.load8(16)
                    s3 = s3 + x * gp.load8(24)
                    gp += gColumns
                    ap += aColumns
                }
                outRow.store8(s0, c); outRow.store8(s1, c + 8)
                outRow.store8(s2, c + 16); outRow.store8(s3, c + 24)
                c += 32
            }
            while c + 8 <= gColumns {
                var s0 = SIMD8<Float>.zero
                var gp = g + c
                var ap = a + k
                for _ in 0..<rows {
                    s0 = s0 + SIMD8<Float>(repeating: ap[0]) * gp.load8(0)
                    gp += gColumns
                    ap += aColumns
                }
                outRow.store8(s0, c)
                c += 8
            }
            while c < gColumns {
                var s: Float = 0
                var gp = g + c
                var ap = a + k
                for _ in 0..<rows {
                    s = s + ap[0] * gp[0]
                    gp += gColumns
                    ap += aColumns
                }
                outRow[c] = s
                c += 1
            }
        }
    }

    /// `out[n] = Σ_r g[r, n]`, summed over rows in order; `g` rows × columns, `out` columns (overwritten).
    static func columnSums(
        _ g: UnsafePointer<Float>, rows: Int, columns: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        var c = 0
        while c + 8 <= columns {
            var s = SIMD8<Float>.zero
            var gp = g + c
            for _ in 0..<rows {
                s = s + gp.load8(0)
                gp += columns
            }
            out.store8(s, c)
            c += 8
        }
        while c < columns {
            var s: Float = 0
            var gp = g + c
            for _ in 0..<rows {
                s = s + gp[0]
                gp += columns
            }
            out[c] = s
            c += 1
        }
    }

    /// `out[c, r] = m[r, c]`; `m` rows × columns, `out` columns × rows.
    ///
    /// One row or column is a copy; two columns (a binary softmax head) de-interleave and two rows
    /// interleave four pairs at a time.
    static func transpose(
        _ m: UnsafePointer<Float>, rows: Int, columns: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        if rows == 1 || columns == 1 {
            out.update(from: m, count: rows * columns)
            return
        }
        var start = 0
        if columns == 2 {
            let second = out + rows
            while start + 4 <= rows {
                let pairs = m.load8(2 * start)
                out.store4(pairs.evenHalf, start)
                second.store4(pairs.oddHalf, start)
                start += 4
            }
        } else if rows == 2 {
            let second = m + columns
            while start + 4 <= columns {
                let a = m.load4(start), b = second.load4(start)
                out.store8(SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]), 2 * start)
                start += 4
            }
            while start < columns {
                out[2 * start] = m[start]
                out[2 * start + 1] = second[start]
                start += 1
            }
            return
        }
        for r in start..<rows {
            let mRow = m + r * columns
            for c in 0..<columns {
                out[c * rows + r] = mRow[c]
            }
        }
    }
}

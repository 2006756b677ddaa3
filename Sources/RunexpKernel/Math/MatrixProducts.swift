import CRunexpKernelAVX2

/// Row-major single-precision matrix products for small batches, vectorised with `SIMD8<Float>`, or
/// with AVX2 + FMA in C on the ``KernelCodePath/avx2FMA`` path (every product taking a `path`), whose
/// products run their AVX-512F variants (same bits, own blocking) when ``KernelCodePath/usesAVX512``.
///
/// Every output row is computed by the same instruction sequence whatever the number of rows,
/// so a row's result never depends on which other rows share the call (chunking-invariant, deterministic).
/// On the `simd8` path products are `a + b * c`, never fused multiply-add; on the `avx2-fma` path each
/// output element is one chain of fused multiply-adds in the same order as on `simd8` (the C kernels
/// block rows and columns differently, which changes no element's chain).
///
/// Wide operands (at least ``packedColumns`` columns) are copied block by block into a contiguous
/// `scratch` of ``scratchCount`` floats first: their rows lie 2 KiB or more apart, so a 32-column
/// strip of 30+ rows maps to the same few L1 sets and is evicted before it is reused. Blocking only
/// stores and reloads partial sums; every sum keeps its order, so results are bit-identical either way.
enum MatrixProducts {
    /// Column count from which the axpy-form products pack their strided operand.
    static let packedColumns = 512
    /// Fewest rows for which ``multiply(_:rows:inner:_:columns:bias:relu:into:scratch:)`` packs (with
    /// fewer, the copy costs more than the cache misses it saves).
    static let packedMinimumRows = 8
    /// Rows of a packed 32-column block (the block is `packedRows × 32` floats, 8 KiB).
    static let packedRows = 64
    /// Floats of scratch the packed paths need.
    static let scratchCount = packedRows * 32

    /// `out[r, n] = bias[n] + Σ_k a[r, k] · b[k, n]`, optionally followed by `max(·, 0)`.
    ///
    /// Shapes: `a` rows × inner, `b` inner × columns, `bias` columns (or none), `out` rows × columns.
    /// Axpy form: broadcasts `a[r, k]` against the contiguous row `b[k, :]`, 32/8 columns at a time.
    /// With `scratch` (``scratchCount`` floats) and at least ``packedColumns`` columns, 32-column strips
    /// of `b` are packed and shared by all rows.
    static func multiply(
        _ a: UnsafePointer<Float>, rows: Int, inner: Int,
        _ b: UnsafePointer<Float>, columns: Int,
        bias: UnsafePointer<Float>?, relu: Bool,
        into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>? = nil,
        path: KernelCodePath
    ) {
        if path == .avx2FMA && KernelCodePath.usesAVX512 {
            // The AVX-512F product blocks and packs wide operands itself.
            runexp_avx512_axpy_product(a, rows, inner, inner, 1, b, columns, columns, bias, 0, relu ? 1 : 0, out, columns)
            return
        }
        guard let scratch, columns >= packedColumns, rows >= packedMinimumRows else {
            multiply(a, rows: rows, inner: inner, b, bStride: columns, columns: columns,
                     bias: bias, relu: relu, into: out, outStride: columns, path: path)
            return
        }
        let strips = columns & ~31
        for c in Swift.stride(from: 0, to: strips, by: 32) {
            var k0 = 0
            while k0 < inner {
                let count = min(packedRows, inner - k0)
                for k in 0..<count {
                    let source = b + (k0 + k) * columns + c
                    let packed = scratch + k * 32
                    packed.store8(source.load8(0), 0); packed.store8(source.load8(8), 8)
                    packed.store8(source.load8(16), 16); packed.store8(source.load8(24), 24)
                }
                let first = k0 == 0, last = k0 + count == inner
                if path == .avx2FMA {
                    runexp_avx2_axpy_product(
                        a + k0, rows, count, inner, 1, scratch, 32, 32, first ? bias.map { $0 + c } : nil,
                        first ? 0 : 1, relu && last ? 1 : 0, out + c, columns)
                    k0 += count
                    continue
                }
                for r in 0..<rows {
                    let aRow = a + r * inner + k0
                    let outRow = out + r * columns + c
                    var s0: SIMD8<Float>, s1: SIMD8<Float>, s2: SIMD8<Float>, s3: SIMD8<Float>
                    if !first {
                        s0 = outRow.load8(0); s1 = outRow.load8(8); s2 = outRow.load8(16); s3 = outRow.load8(24)
                    } else if let bias {
                        s0 = bias.load8(c); s1 = bias.load8(c + 8); s2 = bias.load8(c + 16); s3 = bias.load8(c + 24)
                    } else {
                        s0 = .zero; s1 = .zero; s2 = .zero; s3 = .zero
                    }
                    var w = UnsafePointer(scratch)
                    for k in 0..<count {
                        let x = SIMD8<Float>(repeating: aRow[k])
                        s0 = s0 + x * w.load8(0)
                        s1 = s1 + x * w.load8(8)
                        s2 = s2 + x * w.load8(16)
                        s3 = s3 + x * w.load8(24)
                        w += 32
                    }
                    if relu && last {
                        s0 = s0.clampedAtZero; s1 = s1.clampedAtZero
                        s2 = s2.clampedAtZero; s3 = s3.clampedAtZero
                    }
                    outRow.store8(s0, 0); outRow.store8(s1, 8); outRow.store8(s2, 16); outRow.store8(s3, 24)
                }
                k0 += count
            }
        }
        if strips < columns {
            multiply(a, rows: rows, inner: inner, b + strips, bStride: columns, columns: columns - strips,
                     bias: bias.map { $0 + strips }, relu: relu, into: out + strips, outStride: columns, path: path)
        }
    }

    /// The unpacked product over `columns` columns of `b` and `out`, whose rows are `bStride` and
    /// `outStride` floats apart.
    private static func multiply(
        _ a: UnsafePointer<Float>, rows: Int, inner: Int,
        _ b: UnsafePointer<Float>, bStride: Int, columns: Int,
        bias: UnsafePointer<Float>?, relu: Bool,
        into out: UnsafeMutablePointer<Float>, outStride: Int, path: KernelCodePath
    ) {
        if path == .avx2FMA {
            runexp_avx2_axpy_product(a, rows, inner, inner, 1, b, bStride, columns, bias, 0, relu ? 1 : 0, out, outStride)
            return
        }
        for r in 0..<rows {
            let aRow = a + r * inner
            let outRow = out + r * outStride
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
                    w += bStride
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
                    w += bStride
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
                    w += bStride
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
        into out: UnsafeMutablePointer<Float>, path: KernelCodePath
    ) {
        if path == .avx2FMA {
            if KernelCodePath.usesAVX512 {
                runexp_avx512_dot_product(a, rows, inner, bt, columns, bias, out)
            } else {
                runexp_avx2_dot_product(a, rows, inner, bt, columns, bias, out)
            }
            return
        }
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
    /// Axpy form over the contiguous `g` row, 32/8 columns at a time. With `scratch` (``scratchCount``
    /// floats) and at least ``packedColumns`` columns, 32-column strips of `g` are packed and shared by all k.
    static func multiplyTransposedLeft(
        _ a: UnsafePointer<Float>, rows: Int, aColumns: Int,
        _ g: UnsafePointer<Float>, gColumns: Int,
        into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>? = nil,
        path: KernelCodePath
    ) {
        if path == .avx2FMA && KernelCodePath.usesAVX512 {
            runexp_avx512_axpy_product(a, aColumns, rows, 1, aColumns, g, gColumns, gColumns, nil, 0, 0, out, gColumns)
            return
        }
        guard let scratch, gColumns >= packedColumns, aColumns > 1 else {
            multiplyTransposedLeft(a, rows: rows, aColumns: aColumns, g, gStride: gColumns, gColumns: gColumns,
                                   into: out, outStride: gColumns, path: path)
            return
        }
        let strips = gColumns & ~31
        for c in Swift.stride(from: 0, to: strips, by: 32) {
            var r0 = 0
            repeat {
                let count = min(packedRows, rows - r0)
                for r in 0..<count {
                    let source = g + (r0 + r) * gColumns + c
                    let packed = scratch + r * 32
                    packed.store8(source.load8(0), 0); packed.store8(source.load8(8), 8)
                    packed.store8(source.load8(16), 16); packed.store8(source.load8(24), 24)
                }
                let first = r0 == 0
                if path == .avx2FMA {
                    runexp_avx2_axpy_product(
                        a + r0 * aColumns, aColumns, count, 1, aColumns, scratch, 32, 32, nil,
                        first ? 0 : 1, 0, out + c, gColumns)
                    r0 += count
                    continue
                }
                for k in 0..<aColumns {
                    let outRow = out + k * gColumns + c
                    var s0: SIMD8<Float>, s1: SIMD8<Float>, s2: SIMD8<Float>, s3: SIMD8<Float>
                    if first {
                        s0 = .zero; s1 = .zero; s2 = .zero; s3 = .zero
                    } else {
                        s0 = outRow.load8(0); s1 = outRow.load8(8); s2 = outRow.load8(16); s3 = outRow.load8(24)
                    }
                    var gp = UnsafePointer(scratch)
                    var ap = a + r0 * aColumns + k
                    for _ in 0..<count {
                        let x = SIMD8<Float>(repeating: ap[0])
                        s0 = s0 + x * gp.load8(0)
                        s1 = s1 + x * gp.load8(8)
                        s2 = s2 + x * gp.load8(16)
                        s3 = s3 + x * gp.load8(24)
                        gp += 32
                        ap += aColumns
                    }
                    outRow.store8(s0, 0); outRow.store8(s1, 8); outRow.store8(s2, 16); outRow.store8(s3, 24)
                }
                r0 += count
            } while r0 < rows
        }
        if strips < gColumns {
            multiplyTransposedLeft(a, rows: rows, aColumns: aColumns, g + strips, gStride: gColumns,
                                   gColumns: gColumns - strips, into: out + strips, outStride: gColumns, path: path)
        }
    }

    /// The unpacked product over `gColumns` columns of `g` and `out`, whose rows are `gStride` and
    /// `outStride` floats apart.
    private static func multiplyTransposedLeft(
        _ a: UnsafePointer<Float>, rows: Int, aColumns: Int,
        _ g: UnsafePointer<Float>, gStride: Int, gColumns: Int,
        into out: UnsafeMutablePointer<Float>, outStride: Int, path: KernelCodePath
    ) {
        if path == .avx2FMA {
            runexp_avx2_axpy_product(a, aColumns, rows, 1, aColumns, g, gStride, gColumns, nil, 0, 0, out, outStride)
            return
        }
        for k in 0..<aColumns {
            let outRow = out + k * outStride
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
                    gp += gStride
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
                    gp += gStride
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
                    gp += gStride
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

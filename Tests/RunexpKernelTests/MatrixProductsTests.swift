import Testing
@testable import RunexpKernel

/// The SIMD kernels against naive loops, over shapes that hit the 32-, 8-lane and scalar paths, on every
/// kernel code path this CPU can run. The naive loops sum in the same order with the path's arithmetic
/// (``madd``: separate multiply and add on `simd8`, one fused multiply-add on `avx2-fma`), so every
/// comparison is bit for bit.
@Suite struct MatrixProductsTests {
    struct Shape: Sendable, CustomStringConvertible {
        var rows: Int, inner: Int, columns: Int
        var description: String { "\(rows)×\(inner)×\(columns)" }
    }

    static let shapes: [Shape] = [1, 3, 5].flatMap { rows in
        [(1, 1), (7, 2), (8, 3), (17, 9), (40, 32), (3, 41), (30, 70)].map { Shape(rows: rows, inner: $0.0, columns: $0.1) }
    }

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in rng.uniformFloat() * 2 - 1 }
    }

    @Test(arguments: shapes, KernelCodePath.available)
    func multiplyMatchesSequentialSums(_ shape: Shape, _ path: KernelCodePath) {
        let a = Self.values(shape.rows * shape.inner, seed: 1)
        let b = Self.values(shape.inner * shape.columns, seed: 2)
        let bias = Self.values(shape.columns, seed: 3)
        for relu in [false, true] {
            var out = [Float](repeating: .nan, count: shape.rows * shape.columns)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    bias.withUnsafeBufferPointer { bias in
                        out.withUnsafeMutableBufferPointer { out in
                            MatrixProducts.multiply(
                                a.baseAddress!, rows: shape.rows, inner: shape.inner, b.baseAddress!, columns: shape.columns,
                                bias: bias.baseAddress!, relu: relu, into: out.baseAddress!, path: path)
                        }
                    }
                }
            }
            for r in 0..<shape.rows {
                for c in 0..<shape.columns {
                    var s = bias[c]
                    for k in 0..<shape.inner { s = madd(s, a[r * shape.inner + k], b[k * shape.columns + c], path) }
                    if relu && s < 0 { s = 0 }
                    #expect(out[r * shape.columns + c].bitPattern == s.bitPattern)
                }
            }
        }
    }

    @Test(arguments: shapes, KernelCodePath.available)
    func transposedProductsMatchNaiveLoops(_ shape: Shape, _ path: KernelCodePath) {
        let a = Self.values(shape.rows * shape.inner, seed: 4)
        let bt = Self.values(shape.columns * shape.inner, seed: 5)
        let g = Self.values(shape.rows * shape.columns, seed: 6)
        let bias = Self.values(shape.columns, seed: 11)
        var biased = [Float](repeating: .nan, count: shape.rows * shape.columns)
        var dot = [Float](repeating: .nan, count: shape.rows * shape.columns)
        var left = [Float](repeating: .nan, count: shape.inner * shape.columns)
        var sums = [Float](repeating: .nan, count: shape.columns)
        var transposed = [Float](repeating: .nan, count: shape.inner * shape.columns)
        var back = [Float](repeating: .nan, count: shape.inner * shape.columns)
        a.withUnsafeBufferPointer { a in
            bt.withUnsafeBufferPointer { bt in
                g.withUnsafeBufferPointer { g in
                    dot.withUnsafeMutableBufferPointer { dot in
                        MatrixProducts.multiplyTransposed(
                            a.baseAddress!, rows: shape.rows, inner: shape.inner, bt.baseAddress!, columns: shape.columns,
                            bias: nil, into: dot.baseAddress!, path: path)
                    }
                    bias.withUnsafeBufferPointer { bias in
                        biased.withUnsafeMutableBufferPointer { biased in
                            MatrixProducts.multiplyTransposed(
                                a.baseAddress!, rows: shape.rows, inner: shape.inner, bt.baseAddress!,
                                columns: shape.columns, bias: bias.baseAddress!, into: biased.baseAddress!, path: path)
                        }
                    }
                    left.withUnsafeMutableBufferPointer { left in
                        MatrixProducts.multiplyTransposedLeft(
                            a.baseAddress!, rows: shape.rows, aColumns: shape.inner, g.baseAddress!, gColumns: shape.columns,
                            into: left.baseAddress!, path: path)
                    }
                    sums.withUnsafeMutableBufferPointer { sums in
                        MatrixProducts.columnSums(g.baseAddress!, rows: shape.rows, columns: shape.columns, into: sums.baseAddress!)
                    }
                    transposed.withUnsafeMutableBufferPointer { t in
                        MatrixProducts.transpose(bt.baseAddress!, rows: shape.columns, columns: shape.inner, into: t.baseAddress!)
                        back.withUnsafeMutableBufferPointer { back in
                            MatrixProducts.transpose(
                                UnsafePointer(t.baseAddress!), rows: shape.inner, columns: shape.columns, into: back.baseAddress!)
                        }
                    }
                }
            }
        }
        // Dot form: lane j accumulates k ≡ j (mod 8) in order, lanes summed pairwise, then the tail in order.
        let vectorEnd = shape.inner & ~7
        for r in 0..<shape.rows {
            for n in 0..<shape.columns {
                var lanes = [Float](repeating: 0, count: 8)
                for k in 0..<vectorEnd { lanes[k % 8] = madd(lanes[k % 8], a[r * shape.inner + k], bt[n * shape.inner + k], path) }
                var s = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]))
                for k in vectorEnd..<shape.inner { s = madd(s, a[r * shape.inner + k], bt[n * shape.inner + k], path) }
                #expect(dot[r * shape.columns + n].bitPattern == s.bitPattern)
                #expect(biased[r * shape.columns + n].bitPattern == (bias[n] + s).bitPattern)
                var plain: Float = 0
                for k in 0..<shape.inner { plain += a[r * shape.inner + k] * bt[n * shape.inner + k] }
                #expect(abs(dot[r * shape.columns + n] - plain) <= 1e-5 * Float(shape.inner))
            }
        }
        for k in 0..<shape.inner {
            for n in 0..<shape.columns {
                var s: Float = 0
                for r in 0..<shape.rows { s = madd(s, a[r * shape.inner + k], g[r * shape.columns + n], path) }
                #expect(left[k * shape.columns + n].bitPattern == s.bitPattern)
                #expect(transposed[k * shape.columns + n] == bt[n * shape.inner + k])
            }
        }
        for n in 0..<shape.columns {
            var s: Float = 0
            for r in 0..<shape.rows { s = s + g[r * shape.columns + n] }
            #expect(sums[n].bitPattern == s.bitPattern)
        }
        #expect(bits(back) == bits(bt))
    }

    /// Wide shapes take the packed paths (≥ 512 columns): strip tails, inner blocks (> 64) and row
    /// blocks (> 64) must leave every sum in sequential order, so results match the naive loops bit for bit.
    static let wideShapes = [Shape(rows: 9, inner: 70, columns: 520), Shape(rows: 70, inner: 3, columns: 547)]

    @Test(arguments: wideShapes, KernelCodePath.available)
    func packedProductsKeepTheSequentialOrder(_ shape: Shape, _ path: KernelCodePath) {
        let a = Self.values(shape.rows * shape.inner, seed: 7)
        let b = Self.values(shape.inner * shape.columns, seed: 8)
        let bias = Self.values(shape.columns, seed: 9)
        let g = Self.values(shape.rows * shape.columns, seed: 10)
        var scratch = [Float](repeating: .nan, count: MatrixProducts.scratchCount)
        var out = [Float](repeating: .nan, count: shape.rows * shape.columns)
        var left = [Float](repeating: .nan, count: shape.inner * shape.columns)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    g.withUnsafeBufferPointer { g in
                        scratch.withUnsafeMutableBufferPointer { scratch in
                            out.withUnsafeMutableBufferPointer { out in
                                MatrixProducts.multiply(
                                    a.baseAddress!, rows: shape.rows, inner: shape.inner, b.baseAddress!,
                                    columns: shape.columns, bias: bias.baseAddress!, relu: true, into: out.baseAddress!,
                                    scratch: scratch.baseAddress!, path: path)
                            }
                            left.withUnsafeMutableBufferPointer { left in
                                MatrixProducts.multiplyTransposedLeft(
                                    a.baseAddress!, rows: shape.rows, aColumns: shape.inner, g.baseAddress!,
                                    gColumns: shape.columns, into: left.baseAddress!, scratch: scratch.baseAddress!,
                                    path: path)
                            }
                        }
                    }
                }
            }
        }
        var mismatches = 0
        for r in 0..<shape.rows {
            for c in 0..<shape.columns {
                var s = bias[c]
                for k in 0..<shape.inner { s = madd(s, a[r * shape.inner + k], b[k * shape.columns + c], path) }
                if s < 0 { s = 0 }
                if out[r * shape.columns + c].bitPattern != s.bitPattern { mismatches += 1 }
            }
        }
        for k in 0..<shape.inner {
            for c in 0..<shape.columns {
                var s: Float = 0
                for r in 0..<shape.rows { s = madd(s, a[r * shape.inner + k], g[r * shape.columns + c], path) }
                if left[k * shape.columns + c].bitPattern != s.bitPattern { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }
}

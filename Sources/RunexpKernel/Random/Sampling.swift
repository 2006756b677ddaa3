extension RandomNumberGenerator {
    /// A uniform float in [0, 1) with 24 random bits: `Float(next() >> 40) · 2⁻²⁴`.
    @inline(__always)
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform integer in `0..<n` by Lemire's multiply-shift with rejection (exactly unbiased).
    ///
    /// Takes the high 64 bits of `next() · n`; redraws while the low 64 bits are below `2⁶⁴ mod n`.
    /// Requires `n > 0`.
    @inlinable
    public mutating func bounded(_ n: Int) -> Int {
        precondition(n > 0, "bounded(_:) needs a positive bound")
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }
}

/// Shuffles `a` in place by Fisher-Yates: for `i` from `count−1` down to 1, swap `a[i]` with `a[rng.bounded(i+1)]`.
///
/// Uses exactly `count − 1` calls of ``RandomNumberGenerator/bounded(_:)`` (plus rare rejections).
public func shuffleIndices(_ a: inout [Int], rng: inout some RandomNumberGenerator) {
    a.withUnsafeMutableBufferPointer { shuffleIndices($0, rng: &rng) }
}

/// ``shuffleIndices(_:rng:)`` of any integer rows in place: the same draws and swaps, so the same
/// order of the same rows. Inlinable, so a caller in another module gets it specialized to its
/// generator (a split of millions of rows shuffles `Int32`s, half the memory an `Int` takes).
@inlinable
public func shuffleIndices<Row: FixedWidthInteger>(_ buffer: UnsafeMutableBufferPointer<Row>, rng: inout some RandomNumberGenerator) {
    var i = buffer.count - 1
    while i > 0 {
        let j = rng.bounded(i + 1)
        buffer.swapAt(i, j)
        i -= 1
    }
}

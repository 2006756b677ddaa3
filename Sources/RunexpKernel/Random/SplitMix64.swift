/// Steele, Lea and Flood's SplitMix64 generator: a 64-bit Weyl counter passed through a mixing finalizer.
///
/// State advances by the golden-ratio increment 0x9E3779B97F4A7C15 per output; the output is
/// ``mix64(_:)`` of the new state. The sequence is fixed by the seed alone and never depends on the toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The Weyl counter; the next output is `mix64(state &+ 0x9E3779B97F4A7C15)`.
    public private(set) var state: UInt64

    /// Creates a generator whose first output is `mix64(seed &+ 0x9E3779B97F4A7C15)`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Returns the next 64 uniformly distributed bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return mix64(state)
    }

    /// The golden-ratio increment of the Weyl counter.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The generator `draws` outputs on: the counter moved at once, as `draws` calls of ``next()`` would move it.
    public func advanced(by draws: Int) -> SplitMix64 {
        SplitMix64(seed: state &+ UInt64(truncatingIfNeeded: draws) &* Self.increment)
    }
}

/// SplitMix64's output finalizer (Stafford's "Mix13"): a bijection on 64 bits with full avalanche.
///
/// `z = (z ^ z>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB; z ^ z>>31`, products modulo 2^64.
@inline(__always)
public func mix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

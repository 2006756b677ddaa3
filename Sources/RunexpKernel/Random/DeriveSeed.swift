/// Mixes a base seed with identity parts (cell index, repetition, fold...) into an independent seed.
///
/// `h = mix64(base)`, then for each part in order `h = mix64((h &+ 0x9E3779B97F4A7C15) ^ mix64(part))`.
/// Order-sensitive: `deriveSeed(b, 1, 2) != deriveSeed(b, 2, 1)`; `deriveSeed(b)` alone is `mix64(b)`.
public func deriveSeed(_ base: UInt64, _ parts: UInt64...) -> UInt64 {
    deriveSeed(base, parts: parts)
}

/// Array form of ``deriveSeed(_:_:)``, for a number of parts known only at run time.
public func deriveSeed(_ base: UInt64, parts: [UInt64]) -> UInt64 {
    var hash = mix64(base)
    for part in parts {
        hash = mix64((hash &+ 0x9E37_79B9_7F4A_7C15) ^ mix64(part))
    }
    return hash
}

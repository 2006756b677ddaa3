/// Fixed-precision number text for result files: the same bits always give the same text.
public enum FixedFormat {
    /// `value` with exactly `digits` decimals (half away from zero); `nan`, `inf`, `-inf` as such.
    public static func string(_ value: Double, digits: Int = 6) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let units = Int64(scaled)
        let divisor = Int64(scale)
        let whole = units / divisor
        var fraction = String(units % divisor)
        if fraction.count < digits { fraction = String(repeating: "0", count: digits - fraction.count) + fraction }
        let sign = value < 0 && units != 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// Appends ``string(_:digits:)``'s bytes to `out` without making a String (result tables
    /// write tens of thousands of numbers).
    public static func append(_ value: Double, digits: Int = 6, to out: inout [UInt8]) {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard value.isFinite, scaled < 9e15 else {
            var text = string(value, digits: digits)
            text.withUTF8 { out.append(contentsOf: $0) }
            return
        }
        var units = UInt64(scaled)
        if value < 0 && units != 0 { out.append(UInt8(ascii: "-")) }
        // Digits from the last: `digits` decimals, the point, then the whole part (at least "0").
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 bytes, filled from the end
        withUnsafeMutableBytes(of: &reversed) { buffer in
            var position = buffer.count
            for index in 0..<digits {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(units % 10)
                units /= 10
                if index == digits - 1 {
                    position -= 1
                    buffer[position] = UInt8(ascii: ".")
                }
            }
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(units % 10)
                units /= 10
            } while units > 0
            out.append(contentsOf: buffer[position...])
        }
    }

    /// An optional number's bytes, or none for nil (see ``string(_:digits:)-(Double?,_)``).
    public static func append(_ value: Double?, digits: Int = 6, to out: inout [UInt8]) {
        if let value { append(value, digits: digits, to: &out) }
    }

    /// `Double(string(value))` without making the text: the number a result file gives back.
    ///
    /// The six-decimal text is exactly units/10⁶ with units = round(|value|·10⁶), and the correctly
    /// rounded double of that is one division of two exact doubles (what reading the text rounds to).
    /// Past 9·10¹⁵ units the text is `String(value)`, which reads back as `value` itself.
    public static func stored(_ value: Double) -> Double {
        if value.isNaN { return .nan }
        if value.isInfinite { return value }
        let scaled = (abs(value) * 1e6).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return value }
        if scaled == 0 { return 0 }
        let magnitude = scaled / 1e6
        return value < 0 ? -magnitude : magnitude
    }

    /// An optional number, or "" for nil (pandas reads an empty field as NaN).
    public static func string(_ value: Double?, digits: Int = 6) -> String {
        value.map { string($0, digits: digits) } ?? ""
    }

    /// Rounds to `digits` decimals for JSON, keeping non-finite values out (nil).
    public static func rounded(_ value: Double?, digits: Int = 6) -> Double? {
        guard let value, value.isFinite else { return nil }
        return Double(string(value, digits: digits))
    }
}

import Foundation
import RunexpResults

/// Maps a numeric domain onto a pixel range, linearly or in log10, and picks round tick values.
struct PlotScale {
    let low: Double
    let high: Double
    let from: Double
    let to: Double
    let logarithmic: Bool

    /// A scale from `low...high` (log10 of them when `logarithmic`) onto `from...to` pixels;
    /// `to` may be smaller than `from` (a y axis grows upward).
    init(low: Double, high: Double, from: Double, to: Double, logarithmic: Bool = false) {
        self.logarithmic = logarithmic
        let a = logarithmic ? log10(low) : low
        let b = logarithmic ? log10(high) : high
        self.low = a
        self.high = b == a ? a + 1 : b
        self.from = from
        self.to = to
    }

    /// The pixel of `value`.
    func callAsFunction(_ value: Double) -> Double {
        let v = logarithmic ? log10(value) : value
        return from + (v - low) / (high - low) * (to - from)
    }

    /// Round tick values inside the domain: 1-2-5 steps (about `count` of them), or powers of
    /// ten on a log scale.
    func ticks(count: Int = 5) -> [Double] {
        if logarithmic {
            let first = Int(ceil(low - 1e-9)), last = Int(floor(high + 1e-9))
            guard first <= last else { return [] }
            return (first...last).map { pow(10, Double($0)) }
        }
        return Self.niceTicks(low: low, high: high, count: count)
    }

    /// Multiples of a 1-2-5 step between `low` and `high`, about `count` of them.
    /// A span below what doubles resolve at that magnitude (56.03 to 56.03 + 1e-14) has the one tick `low`.
    static func niceTicks(low: Double, high: Double, count: Int) -> [Double] {
        let step = niceStep((high - low) / Double(max(1, count)))
        guard step > 0, step.isFinite else { return [low] }
        let first = (low / step - 1e-9).rounded(.up), last = (high / step + 1e-9).rounded(.down)
        // Tick indices past 2^52 no longer step by one (the loop would never end): a span that
        // narrow, or a count the step does not fit, is drawn as one tick.
        guard first.isFinite, last.isFinite, max(first.magnitude, last.magnitude) < 0x1p52, last >= first,
              last - first <= Double(max(1, count)) * 4 else { return [low] }
        return (0...Int(last - first)).map { (first + Double($0)) * step }
    }

    /// The 1, 2 or 5 × 10^k at or above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 0 }
        let magnitude = pow(10, floor(log10(rough)))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= rough * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// A domain around `low...high` widened to round numbers, with `padding` (a fraction of
    /// the span) on each side; a zero span gets ±5 % of the value (or ±1 at zero).
    static func paddedDomain(low: Double, high: Double, padding: Double = 0.08) -> (low: Double, high: Double) {
        var span = high - low
        var low = low, high = high
        if span <= 0 {
            let half = low == 0 ? 1 : abs(low) * 0.05
            low -= half
            high += half
            span = high - low
        }
        let step = niceStep(span / 5)
        let paddedLow = low - span * padding, paddedHigh = high + span * padding
        return ((paddedLow / step).rounded(.down) * step, (paddedHigh / step).rounded(.up) * step)
    }

    /// Text of tick `value` with just enough decimals for `step`: `0.95`, `1`, `0.001`.
    static func label(_ value: Double, step: Double) -> String {
        let decimals = step > 0 && step < 1 ? min(6, Int(ceil(-log10(step) - 1e-9))) : 0
        return FixedFormat.string(value, digits: decimals)
    }

    /// Text of a log-scale tick `value` (a power of ten): `0.0001`, `1`, `100`.
    static func logLabel(_ value: Double) -> String {
        let exponent = Int(log10(value).rounded())
        return FixedFormat.string(value, digits: max(0, -exponent))
    }
}

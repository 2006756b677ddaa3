import Foundation
import Synchronization

/// Student's t distribution: CDF, quantiles, and Welch's two-sample test.
///
/// The CDF uses the regularized incomplete beta function (continued fraction, Lentz's method),
/// accurate to about 1e-12; quantiles invert it by bisection.
public enum StudentT {
    /// P(T ≤ t) for `degreesOfFreedom` > 0 (need not be an integer).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 1 : 0 }
        let x = nu / (nu + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: x)
        return t > 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = `p`, for 0 < p < 1.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "probability must be in (0, 1)")
        if p == 0.5 { return 0 }
        var low = -1.0, high = 1.0
        while cdf(low, degreesOfFreedom: nu) > p { low *= 2 }
        while cdf(high, degreesOfFreedom: nu) < p { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cdf(middle, degreesOfFreedom: nu) < p { low = middle } else { high = middle }
            if high - low < 1e-12 * max(1, abs(middle)) { break }
        }
        return (low + high) / 2
    }

    /// Half-width of the two-sided 95% confidence interval of a mean: t(0.975, n−1) · sd / √n;
    /// nil below two values.
    public static func confidenceHalfWidth(sd: Double, n: Int, level: Double = 0.95) -> Double? {
        guard n >= 2 else { return nil }
        return criticalValue(level: level, n: n) * sd / Double(n).squareRoot()
    }

    /// t(0.5 + level/2, n − 1), computed once per level and n: every cell and axis value with the
    /// same number of runs needs the same one, and a quantile is a few hundred CDF evaluations.
    static func criticalValue(level: Double, n: Int) -> Double {
        let key = CriticalKey(level: level.bitPattern, n: n)
        if let known = criticalValues.withLock({ $0[key] }) { return known }
        let value = quantile(0.5 + level / 2, degreesOfFreedom: Double(n - 1))
        criticalValues.withLock { $0[key] = value }
        return value
    }

    private struct CriticalKey: Hashable {
        var level: UInt64
        var n: Int
    }

    private static let criticalValues = Mutex<[CriticalKey: Double]>([:])

    /// Welch's unequal-variance t-test of mean(b) − mean(a).
    public struct Welch: Sendable, Equatable {
        /// mean(b) − mean(a).
        public var difference: Double
        /// Two-sided p-value.
        public var p: Double
        /// Welch–Satterthwaite degrees of freedom (infinite when both variances are 0).
        public var degreesOfFreedom: Double
        /// Standard error of the difference.
        public var standardError: Double

        /// Half-width of the 95% confidence interval of the difference. Computed when asked: it
        /// takes a quantile (a few hundred CDF evaluations), and ranking cells needs only `p`.
        public var halfWidth: Double {
            standardError > 0 ? quantile(0.975, degreesOfFreedom: degreesOfFreedom) * standardError : 0
        }

        /// True when the difference is significant at level `alpha` (default 0.05).
        public func isSignificant(alpha: Double = 0.05) -> Bool { p < alpha }
    }

    /// Welch's test from two samples; nil when either has fewer than two values.
    public static func welch(_ a: [Double], _ b: [Double]) -> Welch? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        let (meanA, varA) = meanAndVariance(a)
        let (meanB, varB) = meanAndVariance(b)
        let seA = varA / Double(a.count), seB = varB / Double(b.count)
        let difference = meanB - meanA
        let standardError = (seA + seB).squareRoot()
        guard standardError > 0 else {
            return Welch(difference: difference, p: difference == 0 ? 1 : 0, degreesOfFreedom: .infinity, standardError: 0)
        }
        let sum: Double = seA + seB
        let denominator: Double = seA * seA / Double(a.count - 1) + seB * seB / Double(b.count - 1)
        let nu: Double = sum * sum / denominator
        let t = difference / standardError
        let p = min(1, 2 * cdf(-abs(t), degreesOfFreedom: nu))
        return Welch(difference: difference, p: p, degreesOfFreedom: nu, standardError: standardError)
    }

    /// Mean and sample variance (n − 1).
    static func meanAndVariance(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, values.count > 1 ? squares / Double(values.count - 1) : 0)
    }

    /// I_x(a, b), the regularized incomplete beta function.
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logBeta + logPowers
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * continuedFraction(a: b, b: a, x: 1 - x) / b
    }

    private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...300 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return result
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// The C math library's single-precision functions, gathered so that only this file imports libm.
enum FloatMath {
    @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    /// e^x − 1, accurate near 0.
    @inline(__always) static func expm1(_ x: Float) -> Float { expm1f(x) }
    /// log(1 + x), accurate near 0.
    @inline(__always) static func log1p(_ x: Float) -> Float { log1pf(x) }
    /// Double precision, for per-epoch factors (``LearningRateSchedule``).
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { _pow(x, y) }
    @inline(__always) static func cos(_ x: Double) -> Double { _cos(x) }
    @inline(__always) static func log(_ x: Double) -> Double { _log(x) }
}

// The C functions under names FloatMath's own methods do not shadow.
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func _log(_ x: Double) -> Double { log(x) }

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import CRunexpKernelAVX2

/// The arithmetic of the kernel's matrix products, which decides the last bits of every training result.
///
/// - `simd8`: the portable Swift kernel. Products run in `SIMD8<Float>` lanes (two SSE registers on
///   baseline x86-64), multiply and add are separate roundings (never fused).
/// - `avx2-fma`: the products of ``MatrixProducts`` run in C with AVX2 and fused multiply-add
///   (`Sources/CRunexpKernelAVX2`), chosen at run time on x86-64 CPUs that have both. Every sum keeps
///   the `simd8` path's order; only the rounding differs (one per multiply-add instead of two), so the
///   two paths agree to float32 rounding noise but not bit for bit. Element-wise work (activations,
///   loss, Adam, SGD with momentum) is the same Swift code on both paths; plain SGD steps and dropout
///   masks also run in C on this path, with the Swift code's exact arithmetic (same bits, tested).
///
/// Either path gives bit-identical results for the same inputs on every run and for any number of
/// parallel jobs (each output element is one chain of operations in a fixed order, whatever the
/// blocking). Not fixed by either path: `expf`, `logf`, `tanhf` and `powf` come from the platform's C
/// math library, which glibc picks per CPU at load time (e.g. an FMA variant), so another libm or CPU
/// may, rarely, round one of those differently.
enum KernelCodePath: String, Sendable, CaseIterable {
    case simd8
    case avx2FMA = "avx2-fma"

    /// The path this process uses: `avx2-fma` when the CPU has AVX2 and FMA, unless the environment
    /// variable `RUNEXP_KERNEL=simd8` forces the portable path (to reproduce a `simd8` machine's bits on
    /// an AVX2 machine). Any other value of `RUNEXP_KERNEL` selects automatically. Decided once.
    static let selected: KernelCodePath = {
        if forcedKernel == "simd8" { return .simd8 }
        return isAvailable(.avx2FMA) ? .avx2FMA : .simd8
    }()

    /// Whether the `avx2-fma` path's products run their AVX-512F variants (`runexp_avx512_*`): when the
    /// selected path is `avx2-fma`, the CPU and OS support AVX-512F, and `RUNEXP_KERNEL=avx2` does not
    /// hold them back. The variants compute the same chains of fused multiply-adds, so the bits are the
    /// same either way (tested); only the speed differs. Decided once.
    static let usesAVX512: Bool = selected == .avx2FMA && cpuHasAVX512F && forcedKernel != "avx2"

    /// `RUNEXP_KERNEL`, if set.
    private static let forcedKernel: String? = getenv("RUNEXP_KERNEL").map { String(cString: $0) }
    private static let cpuHasAVX512F = runexp_cpu_has_avx512f() != 0

    /// Whether this CPU can run `path` (`simd8` runs everywhere).
    static func isAvailable(_ path: KernelCodePath) -> Bool {
        switch path {
        case .simd8: return true
        case .avx2FMA: return cpuHasAVX2FMA
        }
    }

    private static let cpuHasAVX2FMA = runexp_cpu_has_avx2_fma() != 0
}

/// Names the code path whose arithmetic decides the last bits of every training result (for
/// provenance): `"avx2-fma"` or `"simd8"`, see ``KernelCodePath``. Set `RUNEXP_KERNEL=simd8` in the
/// environment to force the portable `simd8` path, e.g. to reproduce results across machines. Which
/// vector instructions run the `avx2-fma` products (AVX2 or AVX-512F, same bits) is
/// ``kernelInstructionSet``.
public let kernelCodePath: String = KernelCodePath.selected.rawValue

/// Every name ``kernelCodePath`` can have, on any machine.
public let kernelCodePaths: [String] = KernelCodePath.allCases.map(\.rawValue)

/// Names the instruction set that runs the kernel's products (for provenance, next to
/// ``kernelCodePath``): `"avx512f"` or `"avx2"` on the `avx2-fma` path, `"sse2 (simd8)"` (x86-64) or
/// `"neon (simd8)"` (arm64) on the portable one. On `avx2-fma` it never changes the bits, only the
/// speed: the AVX-512F products keep every element's chain of fused multiply-adds. Set
/// `RUNEXP_KERNEL=avx2` in the environment to keep the products on AVX2 (e.g. to compare speeds).
public let kernelInstructionSet: String = {
    if KernelCodePath.selected == .avx2FMA { return KernelCodePath.usesAVX512 ? "avx512f" : "avx2" }
    #if arch(x86_64)
    return "sse2 (simd8)"
    #elseif arch(arm64)
    return "neon (simd8)"
    #else
    return "simd8"
    #endif
}()

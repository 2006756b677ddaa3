/// Names the code path whose arithmetic decides the last bits of every training result (for provenance).
///
/// `"simd8"`: the portable Swift kernel. Products run in `SIMD8<Float>` lanes (two SSE registers on
/// baseline x86-64), multiply and add are separate roundings (never fused), and every sum has the fixed
/// order documented on ``MatrixProducts``, so the same inputs give bit-identical results on every run and
/// for any number of parallel jobs. Not fixed by this path: `expf`, `logf`, `tanhf` and `powf` come from
/// the platform's C math library, which glibc picks per CPU at load time (e.g. an FMA variant), so
/// another libm or CPU may, rarely, round one of those differently.
public let kernelCodePath = "simd8"

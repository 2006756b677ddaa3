// The training kernel's products with AVX2 + FMA (x86-64 only), for RunexpKernel's `avx2-fma` code path.
//
// Every output element is one chain of fused multiply-adds in the order of the summed index, started
// from the bias (or 0, or the current output when `accumulate`): the same order as the portable
// `simd8` path, but each multiply-add rounds once instead of twice. The dot form reduces its eight
// lanes in the `simd8` path's pairwise order. Results therefore do not depend on how rows or columns
// are blocked, nor on which other rows share a call.
//
// Only call these when runexp_cpu_has_avx2_fma() returned 1. On other architectures the detection
// returns 0 and the products trap.
#ifndef CRUNEXP_KERNEL_AVX2_H
#define CRUNEXP_KERNEL_AVX2_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU (and OS) supports AVX2 and FMA, else 0. Cheap, but call it once.
int runexp_cpu_has_avx2_fma(void);

/// out[i*outStride + n] = start + Σ_t a[i*aRowStep + t*aInnerStep] · w[t*wStride + n], fused, in t order,
/// for i < outRows, n < columns, t < inner; start = out[...] if `accumulate`, else bias[n], else 0.
/// With `relu`, max(·, 0) afterwards (NaN stays NaN, −0 stays −0).
///   multiply  (a · b):  outRows = rows,     aRowStep = aStride, aInnerStep = 1
///   aᵀ · g:             outRows = aColumns, aRowStep = 1,       aInnerStep = aStride, no bias, no relu
void runexp_avx2_axpy_product(
    const float *a, long outRows, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long columns,
    const float *bias, int accumulate, int relu,
    float *out, long outStride);

/// out[r*columns + n] = bias[n] + Σ_k a[r*inner + k] · bt[n*inner + k] (bias optional): 8-lane fused
/// accumulators over k, lanes summed ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)), then the k tail fused in order.
void runexp_avx2_dot_product(
    const float *a, long rows, long inner,
    const float *bt, long columns,
    const float *bias, float *out);

/// Plain SGD in place: w[i] = w[i] − g[i]·lr (product rounded, then the difference: no FMA), the
/// Swift `simd8` code's arithmetic bit for bit. Returns 1 when every updated w is finite, else 0.
int runexp_avx2_sgd_step(float *w, const float *g, long count, float learningRate);

/// Adam in place with a step's α: m += (g − m)·(1 − β1); v += (g² − v)·(1 − β2); w −= (m·α)/(√v + ε), each
/// operation rounded on its own (no FMA), the Swift `simd8` code's arithmetic bit for bit. Returns 1 when
/// every updated w is finite, else 0.
int runexp_avx2_adam_step(float *w, const float *g, float *m, float *v, long count,
                          float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon);

/// Inverted-dropout multipliers from SplitMix64 (state advanced in place), the Swift code's draws bit
/// for bit: unit 2j takes bits 63…40 of draw j, unit 2j+1 its bits 31…8, an odd last unit bits 63…40
/// of a draw of its own; a unit is kept (mask = scale, else 0) iff its 24-bit draw ≥ threshold ≥ 1.
void runexp_avx2_dropout_mask(uint64_t *state, long count, uint32_t threshold, float scale, float *mask);

/// Activations that run in C on the `avx2-fma` path (AVX2Activations.c).
#define RUNEXP_ACTIVATION_GELU 1
#define RUNEXP_ACTIVATION_SILU 2

/// y[i] = gelu(z[i]) (tanh form, √(2/π) = geluScale) or silu(z[i]) for `kind`, and keep[i] = z[i] when
/// keep is not NULL (y may be z). The Swift `simd8` code's operations in its order, no FMA: the same bits.
void runexp_avx2_activation_forward(int kind, float geluScale, const float *z, float *keep, float *y, long count);

/// g[i] *= ∂activation/∂z at z[i] (gelu reads tanh back from y[i]), the Swift `simd8` code's bits.
void runexp_avx2_activation_backward(int kind, float geluScale, const float *z, const float *y, float *g, long count);

/// A batch norm's training forward pass on rows × width (row-major x): per feature the mean, biased
/// variance and 1/√(σ² + ε), x̂ = (x − μ)·inv and y = γ·x̂ + β; the Swift `simd8` code's bits.
void runexp_avx2_batch_norm_forward(const float *x, long rows, long width, const float *gamma, const float *beta,
                                    float epsilon, float *mean, float *variance, float *inverse, float *xhat, float *y);

/// A batch norm's backward pass: ∂L/∂γ, ∂L/∂β and (dx not NULL) ∂L/∂x; the Swift `simd8` code's bits.
void runexp_avx2_batch_norm_backward(const float *dy, const float *xhat, const float *inverse, const float *gamma,
                                     long rows, long width, float *dgamma, float *dbeta, float *dx);

/// 1 when this CPU (and OS: XCR0 enables the opmask and zmm state) supports AVX-512F, and AVX2 and FMA,
/// else 0. Call it once.
int runexp_cpu_has_avx512f(void);

/// The AVX-512F variants of runexp_avx2_axpy_product and runexp_avx2_dot_product: same arguments and
/// the same bits (every output element is the same chain of fused multiply-adds, started and clamped
/// the same way); 16-lane vectors, masked column tails and cache blocking (wide axpy operands are
/// packed in 64-column strips) only change which elements are computed together. The dot form puts
/// two rows' eight lanes in one register and hands shapes it cannot speed up to the AVX2 function.
/// Only call these when runexp_cpu_has_avx512f() returned 1.
void runexp_avx512_axpy_product(
    const float *a, long outRows, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long columns,
    const float *bias, int accumulate, int relu,
    float *out, long outStride);

void runexp_avx512_dot_product(
    const float *a, long rows, long inner,
    const float *bt, long columns,
    const float *bias, float *out);

/// With 0, the runexp_avx512_* products of the calling thread run the AVX2 functions instead (default
/// 1): lets tests and benchmarks compare the two in one process without affecting other threads.
void runexp_set_avx512_allowed_on_this_thread(int allowed);

#ifdef __cplusplus
}
#endif

#endif

// gelu, silu and batch norm with AVX2 for RunexpKernel's `avx2-fma` code path (see
// include/CRunexpKernelAVX2.h).
//
// The Swift code (Activation.swift, LaneMath.swift, BatchNorm.swift) runs these formulas on SSE
// registers, four lanes at a time; here they run eight at a time with the same operations in the same
// order and no FMA, so every element has the same bits on both code paths. Tails go through the same
// eight lanes, masked.
#pragma STDC FP_CONTRACT OFF

#include "CRunexpKernelAVX2.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RUNEXP_AVX2 __attribute__((target("avx2,fma")))
#define RUNEXP_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

/// Lanes below `lanes` (1...8) set, for masked loads and stores of a tail.
RUNEXP_INLINE __m256i tail_mask(long lanes) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// LaneMath.exp: Cephes' expf, input clamped to [−87.3, 88.3].
RUNEXP_INLINE __m256 exp8(__m256 x) {
    const __m256 low = _mm256_set1_ps(-87.3f), high = _mm256_set1_ps(88.3f);
    __m256 raised = _mm256_blendv_ps(x, low, _mm256_cmp_ps(x, low, _CMP_LT_OQ));
    __m256 clamped = _mm256_blendv_ps(raised, high, _mm256_cmp_ps(raised, high, _CMP_GT_OQ));
    const __m256 shifter = _mm256_set1_ps(12582912.0f);
    __m256 shifted = _mm256_add_ps(_mm256_mul_ps(clamped, _mm256_set1_ps(1.44269504088896341f)), shifter);
    __m256 n = _mm256_sub_ps(shifted, shifter);
    __m256 r = _mm256_add_ps(_mm256_sub_ps(clamped, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f))),
                             _mm256_mul_ps(n, _mm256_set1_ps(2.12194440e-4f)));
    __m256 r2 = _mm256_mul_ps(r, r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
    __m256 e = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, r2), r), _mm256_set1_ps(1.0f));
    __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000));
    __m256i power = _mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(e, _mm256_castsi256_ps(power));
}

/// LaneMath.tanh: 1 − 2/(e^{2x} + 1).
RUNEXP_INLINE __m256 tanh8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 e = exp8(_mm256_mul_ps(_mm256_set1_ps(2.0f), x));
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
}

/// 0.5·x·(1 + tanh(c·(x + 0.044715·x³))), as ((0.5·x)·(1 + tanh(c·(x + ((0.044715·x)·x)·x)))).
RUNEXP_INLINE __m256 gelu8(__m256 x, __m256 c) {
    __m256 cube = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.044715f), x), x), x);
    __m256 t = tanh8(_mm256_mul_ps(c, _mm256_add_ps(x, cube)));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), _mm256_add_ps(_mm256_set1_ps(1.0f), t));
}

/// ∂gelu/∂z from z and y: t = 2y/z − 1 (0 at z = 0); ½(1 + t) + ½·z·(1 − t²)·c·(1 + 3·0.044715·z²).
RUNEXP_INLINE __m256 gelu_slope8(__m256 x, __m256 y, __m256 c) {
    const __m256 one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f), zero = _mm256_setzero_ps();
    __m256 t = _mm256_sub_ps(_mm256_div_ps(_mm256_mul_ps(_mm256_set1_ps(2.0f), y), x), one);
    t = _mm256_blendv_ps(t, zero, _mm256_cmp_ps(x, zero, _CMP_EQ_OQ));
    __m256 outer = _mm256_mul_ps(half, _mm256_add_ps(one, t));
    __m256 curve = _mm256_add_ps(one, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(3.0f * 0.044715f), x), x));
    __m256 inner = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_sub_ps(one, _mm256_mul_ps(t, t))), c), curve);
    return _mm256_add_ps(outer, inner);
}

/// x / (1 + e^−x).
RUNEXP_INLINE __m256 silu8(__m256 x) {
    __m256 negated = _mm256_sub_ps(_mm256_setzero_ps(), x);
    return _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), exp8(negated)));
}

/// s·(1 + x·(1 − s)), s = 1/(1 + e^−x).
RUNEXP_INLINE __m256 silu_slope8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
    return _mm256_mul_ps(s, _mm256_add_ps(one, _mm256_mul_ps(x, _mm256_sub_ps(one, s))));
}

/// Eight lanes at a time, sixteen per round so that two divisions are in flight; a masked tail.
#define RUNEXP_FORWARD(f)                                                                   \
    do {                                                                                    \
        long i = 0;                                                                         \
        for (; i + 16 <= count; i += 16) {                                                  \
            __m256 x0 = _mm256_loadu_ps(z + i), x1 = _mm256_loadu_ps(z + i + 8);            \
            if (keep) { _mm256_storeu_ps(keep + i, x0); _mm256_storeu_ps(keep + i + 8, x1); } \
            __m256 y0 = f(x0), y1 = f(x1);                                                  \
            _mm256_storeu_ps(y + i, y0);                                                    \
            _mm256_storeu_ps(y + i + 8, y1);                                                \
        }                                                                                   \
        for (; i < count; i += 8) {                                                         \
            __m256i mask = tail_mask(count - i < 8 ? count - i : 8);                        \
            __m256 x = _mm256_maskload_ps(z + i, mask);                                     \
            if (keep) _mm256_maskstore_ps(keep + i, mask, x);                               \
            _mm256_maskstore_ps(y + i, mask, f(x));                                         \
        }                                                                                   \
    } while (0)

#define RUNEXP_BACKWARD(slope)                                                              \
    do {                                                                                    \
        long i = 0;                                                                         \
        for (; i + 16 <= count; i += 16) {                                                  \
            __m256 s0 = slope(i, _mm256_loadu_ps), s1 = slope(i + 8, _mm256_loadu_ps);      \
            _mm256_storeu_ps(g + i, _mm256_mul_ps(_mm256_loadu_ps(g + i), s0));             \
            _mm256_storeu_ps(g + i + 8, _mm256_mul_ps(_mm256_loadu_ps(g + i + 8), s1));     \
        }                                                                                   \
        for (; i < count; i += 8) {                                                         \
            __m256i mask = tail_mask(count - i < 8 ? count - i : 8);                        \
            __m256 s = slope(i, MASKED);                                                    \
            _mm256_maskstore_ps(g + i, mask, _mm256_mul_ps(_mm256_maskload_ps(g + i, mask), s)); \
        }                                                                                   \
    } while (0)

#define MASKED(p) _mm256_maskload_ps(p, mask)
#define GELU(x) gelu8(x, c)
#define GELU_SLOPE(i, load) gelu_slope8(load(z + (i)), load(y + (i)), c)
#define SILU_SLOPE(i, load) silu_slope8(load(z + (i)))

RUNEXP_AVX2 void runexp_avx2_activation_forward(int kind, float geluScale, const float *z, float *keep, float *y, long count) {
    const __m256 c = _mm256_set1_ps(geluScale);
    if (kind == RUNEXP_ACTIVATION_GELU) RUNEXP_FORWARD(GELU);
    else RUNEXP_FORWARD(silu8);
}

RUNEXP_AVX2 void runexp_avx2_activation_backward(int kind, float geluScale, const float *z, const float *y, float *g, long count) {
    const __m256 c = _mm256_set1_ps(geluScale);
    if (kind == RUNEXP_ACTIVATION_GELU) RUNEXP_BACKWARD(GELU_SLOPE);
    else RUNEXP_BACKWARD(SILU_SLOPE);
}

/// The batch's mean, biased variance and 1/√(σ² + ε) per feature, x̂ and y = γ·x̂ + β: BatchNorm.forward's
/// training branch, eight features at a time, rows summed in order.
RUNEXP_AVX2 void runexp_avx2_batch_norm_forward(const float *x, long rows, long width, const float *gamma, const float *beta,
                                                float epsilon, float *mean, float *variance, float *inverse, float *xhat, float *y) {
    const __m256 count = _mm256_set1_ps((float)rows), eps = _mm256_set1_ps(epsilon), one = _mm256_set1_ps(1.0f);
    for (long j = 0; j < width; j += 8) {
        __m256i mask = tail_mask(width - j < 8 ? width - j : 8);
        __m256 sum = _mm256_setzero_ps();
        for (long i = 0; i < rows; i++) sum = _mm256_add_ps(sum, _mm256_maskload_ps(x + i * width + j, mask));
        __m256 mu = _mm256_div_ps(sum, count);
        __m256 squares = _mm256_setzero_ps();
        for (long i = 0; i < rows; i++) {
            __m256 d = _mm256_sub_ps(_mm256_maskload_ps(x + i * width + j, mask), mu);
            squares = _mm256_add_ps(squares, _mm256_mul_ps(d, d));
        }
        __m256 sigma2 = _mm256_div_ps(squares, count);
        __m256 inv = _mm256_div_ps(one, _mm256_sqrt_ps(_mm256_add_ps(sigma2, eps)));
        _mm256_maskstore_ps(mean + j, mask, mu);
        _mm256_maskstore_ps(variance + j, mask, sigma2);
        _mm256_maskstore_ps(inverse + j, mask, inv);
        __m256 g = _mm256_maskload_ps(gamma + j, mask), b = _mm256_maskload_ps(beta + j, mask);
        for (long i = 0; i < rows; i++) {
            __m256 n = _mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i * width + j, mask), mu), inv);
            _mm256_maskstore_ps(xhat + i * width + j, mask, n);
            _mm256_maskstore_ps(y + i * width + j, mask, _mm256_add_ps(_mm256_mul_ps(g, n), b));
        }
    }
}

/// ∂L/∂γ = Σ dy·x̂, ∂L/∂β = Σ dy and, when dx is not NULL, dx = (γ·inv/m)·((m·dy − Σdy) − x̂·Σ dy·x̂):
/// BatchNorm.backward, eight features at a time.
RUNEXP_AVX2 void runexp_avx2_batch_norm_backward(const float *dy, const float *xhat, const float *inverse, const float *gamma,
                                                 long rows, long width, float *dgamma, float *dbeta, float *dx) {
    const __m256 count = _mm256_set1_ps((float)rows);
    for (long j = 0; j < width; j += 8) {
        __m256i mask = tail_mask(width - j < 8 ? width - j : 8);
        __m256 sumDy = _mm256_setzero_ps(), sumDyXhat = _mm256_setzero_ps();
        for (long i = 0; i < rows; i++) {
            __m256 d = _mm256_maskload_ps(dy + i * width + j, mask);
            sumDy = _mm256_add_ps(sumDy, d);
            sumDyXhat = _mm256_add_ps(sumDyXhat, _mm256_mul_ps(d, _mm256_maskload_ps(xhat + i * width + j, mask)));
        }
        _mm256_maskstore_ps(dgamma + j, mask, sumDyXhat);
        _mm256_maskstore_ps(dbeta + j, mask, sumDy);
        if (!dx) continue;
        __m256 factor = _mm256_div_ps(_mm256_mul_ps(_mm256_maskload_ps(gamma + j, mask), _mm256_maskload_ps(inverse + j, mask)), count);
        for (long i = 0; i < rows; i++) {
            __m256 d = _mm256_maskload_ps(dy + i * width + j, mask), n = _mm256_maskload_ps(xhat + i * width + j, mask);
            __m256 inner = _mm256_sub_ps(_mm256_sub_ps(_mm256_mul_ps(count, d), sumDy), _mm256_mul_ps(n, sumDyXhat));
            _mm256_maskstore_ps(dx + i * width + j, mask, _mm256_mul_ps(factor, inner));
        }
    }
}

#else

void runexp_avx2_batch_norm_forward(const float *x, long rows, long width, const float *gamma, const float *beta,
                                    float epsilon, float *mean, float *variance, float *inverse, float *xhat, float *y) {
    __builtin_trap();
}

void runexp_avx2_batch_norm_backward(const float *dy, const float *xhat, const float *inverse, const float *gamma,
                                     long rows, long width, float *dgamma, float *dbeta, float *dx) {
    __builtin_trap();
}

void runexp_avx2_activation_forward(int kind, float geluScale, const float *z, float *keep, float *y, long count) {
    __builtin_trap();
}

void runexp_avx2_activation_backward(int kind, float geluScale, const float *z, const float *y, float *g, long count) {
    __builtin_trap();
}

#endif

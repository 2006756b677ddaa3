// AVX2 + FMA products for RunexpKernel's `avx2-fma` code path (see include/CRunexpKernelAVX2.h).
//
// Compiled for baseline x86-64: only the functions marked RUNEXP_AVX2 may use AVX2/FMA instructions
// (per-function target attributes), and RunexpKernel calls them only after runexp_cpu_has_avx2_fma().
// No a*b+c expression is written in C: every multiply-add is an explicit FMA intrinsic, and
// contraction is off, so the compiler cannot fuse or split anything on its own (debug or release).
#pragma STDC FP_CONTRACT OFF

#include "CRunexpKernelAVX2.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RUNEXP_AVX2 __attribute__((target("avx2,fma")))
#define RUNEXP_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

int runexp_cpu_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
}

/// max(s, 0) keeping NaN and −0: maxps returns its second operand unless the first is greater.
RUNEXP_INLINE __m256 clamp8(__m256 s) { return _mm256_max_ps(_mm256_setzero_ps(), s); }
RUNEXP_INLINE float clamp1(float s) { return _mm_cvtss_f32(_mm_max_ss(_mm_setzero_ps(), _mm_set_ss(s))); }
RUNEXP_INLINE float fma1(float x, float y, float s) {
    return _mm_cvtss_f32(_mm_fmadd_ss(_mm_set_ss(x), _mm_set_ss(y), _mm_set_ss(s)));
}

/// R output rows × 8·V columns: R·V accumulators in registers; each loaded w vector serves R rows.
RUNEXP_INLINE void axpy_block(
    const int R, const int V, const float *a, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, const float *bias, int accumulate, int relu, float *out, long outStride
) {
    __m256 s[2][4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < V; j++)
            s[i][j] = accumulate ? _mm256_loadu_ps(out + i * outStride + 8 * j)
                    : bias ? _mm256_loadu_ps(bias + 8 * j) : _mm256_setzero_ps();
    const float *ap = a;
    for (long t = 0; t < inner; t++) {
        __m256 wv[4];
        for (int j = 0; j < V; j++) wv[j] = _mm256_loadu_ps(w + 8 * j);
        for (int i = 0; i < R; i++) {
            __m256 x = _mm256_broadcast_ss(ap + i * aRowStep);
            for (int j = 0; j < V; j++) s[i][j] = _mm256_fmadd_ps(x, wv[j], s[i][j]);
        }
        ap += aInnerStep;
        w += wStride;
    }
    for (int i = 0; i < R; i++)
        for (int j = 0; j < V; j++)
            _mm256_storeu_ps(out + i * outStride + 8 * j, relu ? clamp8(s[i][j]) : s[i][j]);
}

/// R output rows × 1 column.
RUNEXP_INLINE void axpy_single(
    const int R, const float *a, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, const float *bias, int accumulate, int relu, float *out, long outStride
) {
    float s[2];
    for (int i = 0; i < R; i++) s[i] = accumulate ? out[i * outStride] : bias ? bias[0] : 0.0f;
    const float *ap = a;
    for (long t = 0; t < inner; t++) {
        for (int i = 0; i < R; i++) s[i] = fma1(ap[i * aRowStep], w[0], s[i]);
        ap += aInnerStep;
        w += wStride;
    }
    for (int i = 0; i < R; i++) out[i * outStride] = relu ? clamp1(s[i]) : s[i];
}

/// R output rows, every column: 32 columns per pass, then 8, then one.
RUNEXP_INLINE void axpy_rows(
    const int R, const float *a, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long columns, const float *bias, int accumulate, int relu, float *out, long outStride
) {
    long c = 0;
    for (; c + 32 <= columns; c += 32)
        axpy_block(R, 4, a, inner, aRowStep, aInnerStep, w + c, wStride, bias ? bias + c : 0, accumulate, relu,
                   out + c, outStride);
    for (; c + 8 <= columns; c += 8)
        axpy_block(R, 1, a, inner, aRowStep, aInnerStep, w + c, wStride, bias ? bias + c : 0, accumulate, relu,
                   out + c, outStride);
    for (; c < columns; c++)
        axpy_single(R, a, inner, aRowStep, aInnerStep, w + c, wStride, bias ? bias + c : 0, accumulate, relu,
                    out + c, outStride);
}

RUNEXP_AVX2 void runexp_avx2_axpy_product(
    const float *a, long outRows, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long columns,
    const float *bias, int accumulate, int relu,
    float *out, long outStride
) {
    long i = 0;
    for (; i + 2 <= outRows; i += 2)
        axpy_rows(2, a + i * aRowStep, inner, aRowStep, aInnerStep, w, wStride, columns, bias, accumulate, relu,
                  out + i * outStride, outStride);
    if (i < outRows)
        axpy_rows(1, a + i * aRowStep, inner, aRowStep, aInnerStep, w, wStride, columns, bias, accumulate, relu,
                  out + i * outStride, outStride);
}

/// Lane sum in the `simd8` path's order: ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)).
RUNEXP_INLINE float pairwise_sum(__m256 v) {
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    __m128 quarter = _mm_add_ps(half, _mm_movehl_ps(half, half));
    return _mm_cvtss_f32(_mm_add_ss(quarter, _mm_movehdup_ps(quarter)));
}

RUNEXP_AVX2 void runexp_avx2_dot_product(
    const float *a, long rows, long inner,
    const float *bt, long columns,
    const float *bias, float *out
) {
    const long vectorEnd = inner & ~7L;
    for (long r = 0; r < rows; r++) {
        const float *aRow = a + r * inner;
        float *outRow = out + r * columns;
        long n = 0;
        for (; n + 2 <= columns; n += 2) {
            const float *b0 = bt + n * inner, *b1 = b0 + inner;
            __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
            long k = 0;
            for (; k < vectorEnd; k += 8) {
                __m256 x = _mm256_loadu_ps(aRow + k);
                acc0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b0 + k), acc0);
                acc1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b1 + k), acc1);
            }
            float s0 = pairwise_sum(acc0), s1 = pairwise_sum(acc1);
            for (; k < inner; k++) {
                s0 = fma1(aRow[k], b0[k], s0);
                s1 = fma1(aRow[k], b1[k], s1);
            }
            if (bias) {
                s0 = bias[n] + s0;
                s1 = bias[n + 1] + s1;
            }
            outRow[n] = s0;
            outRow[n + 1] = s1;
        }
        if (n < columns) {
            const float *b0 = bt + n * inner;
            __m256 acc0 = _mm256_setzero_ps();
            long k = 0;
            for (; k < vectorEnd; k += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(aRow + k), _mm256_loadu_ps(b0 + k), acc0);
            float s0 = pairwise_sum(acc0);
            for (; k < inner; k++) s0 = fma1(aRow[k], b0[k], s0);
            if (bias) s0 = bias[n] + s0;
            outRow[n] = s0;
        }
    }
}

/// Plain SGD, w = w − g·lr: a product, then a difference (two roundings, no FMA), as the Swift code.
RUNEXP_AVX2 int runexp_avx2_sgd_step(float *w, const float *g, long count, float learningRate) {
    const __m256 lr8 = _mm256_set1_ps(learningRate);
    // u − u is +0 for a finite u and NaN otherwise: OR-ing the bits (one cycle, unlike a chain of
    // adds) leaves them all zero iff every update is finite.
    __m256 check = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 updated = _mm256_sub_ps(_mm256_loadu_ps(w + i), _mm256_mul_ps(_mm256_loadu_ps(g + i), lr8));
        _mm256_storeu_ps(w + i, updated);
        check = _mm256_or_ps(check, _mm256_sub_ps(updated, updated));
    }
    int finite = _mm256_testz_si256(_mm256_castps_si256(check), _mm256_castps_si256(check));
    for (; i < count; i++) {
        float product = g[i] * learningRate;
        float updated = w[i] - product;
        w[i] = updated;
        if (updated - updated != 0.0f) finite = 0;  // NaN compares unequal
    }
    return finite;
}

/// a·b modulo 2⁶⁴ in each 64-bit lane (AVX2 has no 64-bit multiply): lo·lo + ((hi·lo + lo·hi) << 32).
RUNEXP_INLINE __m256i mul64(__m256i a, __m256i b) {
    __m256i low = _mm256_mul_epu32(a, b);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), b),
                                     _mm256_mul_epu32(a, _mm256_srli_epi64(b, 32)));
    return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

RUNEXP_INLINE __m256i mix64x4(__m256i z) {
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), _mm256_set1_epi64x((long long)0xBF58476D1CE4E5B9ULL));
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), _mm256_set1_epi64x((long long)0x94D049BB133111EBULL));
    return _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
}

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

RUNEXP_AVX2 void runexp_avx2_dropout_mask(uint64_t *state, long count, uint32_t threshold, float scale, float *mask) {
    const uint64_t gamma = 0x9E3779B97F4A7C15ULL;
    uint64_t s = *state;
    uint32_t scaleBits;
    __builtin_memcpy(&scaleBits, &scale, 4);
    long i = 0;
    if (count >= 8) {
        // Lanes hold the next four Weyl states; eight units per iteration.
        __m256i states = _mm256_set_epi64x((long long)(s + 4 * gamma), (long long)(s + 3 * gamma),
                                           (long long)(s + 2 * gamma), (long long)(s + gamma));
        const __m256i step = _mm256_set1_epi64x((long long)(4 * gamma));
        const __m256i below = _mm256_set1_epi32((int)threshold - 1);
        const __m256i multiplier = _mm256_set1_epi32((int)scaleBits);
        for (; i + 8 <= count; i += 8) {
            __m256i z = mix64x4(states);
            states = _mm256_add_epi64(states, step);
            // 32-bit lanes [lo0, hi0, lo1, hi1, ...] >> 8 = [u1, u0, u3, u2, ...]; swap each pair.
            __m256i draws = _mm256_shuffle_epi32(_mm256_srli_epi32(z, 8), _MM_SHUFFLE(2, 3, 0, 1));
            __m256i kept = _mm256_cmpgt_epi32(draws, below);
            _mm256_storeu_si256((__m256i *)(mask + i), _mm256_and_si256(kept, multiplier));
            s += 4 * gamma;
        }
    }
    uint32_t *bits = (uint32_t *)mask;
    for (; i + 2 <= count; i += 2) {
        s += gamma;
        uint64_t z = mix64(s);
        bits[i] = (uint32_t)(z >> 40) >= threshold ? scaleBits : 0;
        bits[i + 1] = ((uint32_t)(z >> 8) & 0xFFFFFF) >= threshold ? scaleBits : 0;
    }
    if (i < count) {
        s += gamma;
        bits[i] = (uint32_t)(mix64(s) >> 40) >= threshold ? scaleBits : 0;
    }
    *state = s;
}

#else

int runexp_cpu_has_avx2_fma(void) { return 0; }

int runexp_avx2_sgd_step(float *w, const float *g, long count, float learningRate) {
    __builtin_trap();
}

void runexp_avx2_dropout_mask(uint64_t *state, long count, uint32_t threshold, float scale, float *mask) {
    __builtin_trap();
}

void runexp_avx2_axpy_product(
    const float *a, long outRows, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long columns,
    const float *bias, int accumulate, int relu,
    float *out, long outStride
) {
    __builtin_trap();
}

void runexp_avx2_dot_product(
    const float *a, long rows, long inner,
    const float *bt, long columns,
    const float *bias, float *out
) {
    __builtin_trap();
}

#endif

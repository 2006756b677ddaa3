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

RUNEXP_AVX2 int runexp_avx2_adam_step(float *w, const float *g, float *m, float *v, long count,
                                      float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon) {
    const __m256 alpha8 = _mm256_set1_ps(alpha), a18 = _mm256_set1_ps(oneMinusBeta1);
    const __m256 a28 = _mm256_set1_ps(oneMinusBeta2), eps8 = _mm256_set1_ps(epsilon);
    __m256 check = _mm256_setzero_ps();
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 gradient = _mm256_loadu_ps(g + i);
        __m256 first = _mm256_loadu_ps(m + i);
        first = _mm256_add_ps(first, _mm256_mul_ps(_mm256_sub_ps(gradient, first), a18));
        __m256 second = _mm256_loadu_ps(v + i);
        second = _mm256_add_ps(second, _mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(gradient, gradient), second), a28));
        _mm256_storeu_ps(m + i, first);
        _mm256_storeu_ps(v + i, second);
        __m256 updated = _mm256_sub_ps(_mm256_loadu_ps(w + i),
                                       _mm256_div_ps(_mm256_mul_ps(first, alpha8), _mm256_add_ps(_mm256_sqrt_ps(second), eps8)));
        _mm256_storeu_ps(w + i, updated);
        check = _mm256_or_ps(check, _mm256_sub_ps(updated, updated));
    }
    int finite = _mm256_testz_si256(_mm256_castps_si256(check), _mm256_castps_si256(check));
    for (; i < count; i++) {
        float gradient = g[i];
        float first = m[i] + (gradient - m[i]) * oneMinusBeta1;
        float second = v[i] + (gradient * gradient - v[i]) * oneMinusBeta2;
        m[i] = first;
        v[i] = second;
        float updated = w[i] - (first * alpha) / (_mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(second))) + epsilon);
        w[i] = updated;
        if (updated - updated != 0.0f) finite = 0;
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


// ---------------------------------------------------------------------------------------------------
// AVX-512F variants of the two products: the same chains of fused multiply-adds element for element
// (same order, same start value, same clamp), so the same bits as the AVX2 functions above; only the
// vector width, the register blocking and the cache blocking differ. Only the functions marked
// RUNEXP_AVX512 may run AVX-512 instructions, and only after runexp_cpu_has_avx512f() returned 1.

#define RUNEXP_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define RUNEXP_INLINE512 static inline __attribute__((always_inline, target("avx512f,avx2,fma")))

int runexp_cpu_has_avx512f(void) {
    __builtin_cpu_init();
    // compiler-rt and libgcc report avx512f only when XCR0 shows the OS saves the opmask and zmm state.
    return runexp_cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f") ? 1 : 0;
}

static _Thread_local int avx512Refused;

void runexp_set_avx512_allowed_on_this_thread(int allowed) { avx512Refused = !allowed; }

/// The low `n` lanes (1 ≤ n ≤ 16).
static inline __mmask16 lanes(long n) { return (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1); }

RUNEXP_INLINE512 __m512 clamp16(__m512 s) { return _mm512_max_ps(_mm512_setzero_ps(), s); }

/// R output rows × V 16-column vectors (the last one limited to the lanes of `last`): R·V accumulators
/// in registers; each loaded w vector serves R rows, each broadcast a value V vectors. A lane computes
/// exactly what `axpy_single` (or one lane of `axpy_block`) computes for its column.
RUNEXP_INLINE512 void axpy512_block(
    const int R, const int V, __mmask16 last, const float *a, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, const float *bias, int accumulate, int relu, float *out, long outStride
) {
    __m512 s[4][4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < V; j++) {
            __mmask16 m = j == V - 1 ? last : 0xFFFF;
            s[i][j] = accumulate ? _mm512_maskz_loadu_ps(m, out + i * outStride + 16 * j)
                    : bias ? _mm512_maskz_loadu_ps(m, bias + 16 * j) : _mm512_setzero_ps();
        }
    const float *ap = a;
    for (long t = 0; t < inner; t++) {
        __m512 wv[4];
        for (int j = 0; j < V; j++) wv[j] = _mm512_maskz_loadu_ps(j == V - 1 ? last : 0xFFFF, w + 16 * j);
        for (int i = 0; i < R; i++) {
            __m512 x = _mm512_set1_ps(ap[i * aRowStep]);
            for (int j = 0; j < V; j++) s[i][j] = _mm512_fmadd_ps(x, wv[j], s[i][j]);
        }
        ap += aInnerStep;
        w += wStride;
    }
    for (int i = 0; i < R; i++)
        for (int j = 0; j < V; j++)
            _mm512_mask_storeu_ps(out + i * outStride + 16 * j, j == V - 1 ? last : 0xFFFF,
                                  relu ? clamp16(s[i][j]) : s[i][j]);
}

/// R output rows over `width` ≤ 64 columns.
RUNEXP_INLINE512 void axpy512_narrow(
    const int R, long width, const float *a, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, const float *bias, int accumulate, int relu, float *out, long outStride
) {
    __mmask16 last = lanes(width - 16 * ((width - 1) / 16));
    switch ((width + 15) / 16) {
    case 4: axpy512_block(R, 4, last, a, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu, out, outStride); break;
    case 3: axpy512_block(R, 3, last, a, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu, out, outStride); break;
    case 2: axpy512_block(R, 2, last, a, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu, out, outStride); break;
    case 1: axpy512_block(R, 1, last, a, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu, out, outStride); break;
    }
}

/// Every output row over `width` ≤ 64 columns: four rows per pass, then the 1–3 left.
RUNEXP_INLINE512 void axpy512_strip(
    const float *a, long outRows, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long width, const float *bias, int accumulate, int relu, float *out, long outStride
) {
    long i = 0;
    for (; i + 4 <= outRows; i += 4)
        axpy512_narrow(4, width, a + i * aRowStep, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu,
                       out + i * outStride, outStride);
    const float *ai = a + i * aRowStep;
    float *oi = out + i * outStride;
    switch (outRows - i) {
    case 3: axpy512_narrow(3, width, ai, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu, oi, outStride); break;
    case 2: axpy512_narrow(2, width, ai, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu, oi, outStride); break;
    case 1: axpy512_narrow(1, width, ai, inner, aRowStep, aInnerStep, w, wStride, bias, accumulate, relu, oi, outStride); break;
    }
}

/// Inner-dimension rows of a packed 64-column strip of w (64 × 64 floats, 16 KiB, L1-resident).
#define RUNEXP_PACK_INNER 64

RUNEXP_AVX512 void runexp_avx512_axpy_product(
    const float *a, long outRows, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long columns,
    const float *bias, int accumulate, int relu,
    float *out, long outStride
) {
    if (avx512Refused) {
        runexp_avx2_axpy_product(a, outRows, inner, aRowStep, aInnerStep, w, wStride, columns, bias, accumulate,
                                 relu, out, outStride);
        return;
    }
    if (outRows < 8 || columns < 64 || inner * columns < 8192) {
        // w fits in L1 (or few rows reuse it): row blocks outside, column strips inside, w read in place.
        long i = 0;
        for (; i + 4 <= outRows; i += 4)
            for (long c = 0; c < columns; c += 64)
                axpy512_narrow(4, columns - c < 64 ? columns - c : 64, a + i * aRowStep, inner, aRowStep, aInnerStep,
                               w + c, wStride, bias ? bias + c : 0, accumulate, relu, out + i * outStride + c, outStride);
        if (i < outRows)
            for (long c = 0; c < columns; c += 64)
                axpy512_strip(a + i * aRowStep, outRows - i, inner, aRowStep, aInnerStep, w + c, wStride,
                              columns - c < 64 ? columns - c : 64, bias ? bias + c : 0, accumulate, relu,
                              out + i * outStride + c, outStride);
        return;
    }
    // Larger w: its rows lie wStride floats apart (1 KiB and more map a strip to a few L1 sets), so each
    // 64-column strip is copied, 64 inner rows at a time, to a contiguous block that every output row
    // then shares. Partial sums go through `out` between blocks (stored and reloaded exactly), so each
    // element's chain is unchanged.
    float packed[RUNEXP_PACK_INNER * 64] __attribute__((aligned(64)));
    for (long c = 0; c < columns; c += 64) {
        const long width = columns - c < 64 ? columns - c : 64;
        const int vectors = (int)((width + 15) / 16);
        const __mmask16 last = lanes(width - 16 * (vectors - 1));
        for (long k0 = 0; k0 < inner; k0 += RUNEXP_PACK_INNER) {
            const long count = inner - k0 < RUNEXP_PACK_INNER ? inner - k0 : RUNEXP_PACK_INNER;
            for (long k = 0; k < count; k++) {
                const float *source = w + (k0 + k) * wStride + c;
                for (int j = 0; j < vectors; j++)
                    _mm512_store_ps(packed + k * 64 + 16 * j,
                                    _mm512_maskz_loadu_ps(j == vectors - 1 ? last : 0xFFFF, source + 16 * j));
            }
            const int first = k0 == 0, final = k0 + count == inner;
            axpy512_strip(a + k0 * aInnerStep, outRows, count, aRowStep, aInnerStep, packed, 64, width,
                          first && bias ? bias + c : 0, first ? accumulate : 1, final ? relu : 0, out + c, outStride);
        }
    }
}

/// P row pairs × N columns of the dot form. `xp` holds the pairs packed: pair p's 16-float vector q is
/// rows 2p and 2p+1's floats 8q…8q+7, so the low half of each accumulator carries row 2p's eight
/// lane sums and the high half row 2p+1's, each lane the same chain as in `runexp_avx2_dot_product`.
RUNEXP_INLINE512 void dot512_block(
    const int P, const int N, const float *xp, long pairStride, long vectors,
    const float *rowLo, long inner, const float *bt, const float *bias, float *out, long columns
) {
    __m512 acc[4][4];
    for (int p = 0; p < P; p++)
        for (int j = 0; j < N; j++) acc[p][j] = _mm512_setzero_ps();
    for (long q = 0; q < vectors; q++) {
        __m512 b[4];
        for (int j = 0; j < N; j++)
            b[j] = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(_mm256_loadu_ps(bt + j * inner + 8 * q))));
        for (int p = 0; p < P; p++) {
            __m512 x = _mm512_load_ps(xp + p * pairStride + 16 * q);
            for (int j = 0; j < N; j++) acc[p][j] = _mm512_fmadd_ps(x, b[j], acc[p][j]);
        }
    }
    const long vectorEnd = 8 * vectors;
    for (int p = 0; p < P; p++) {
        const float *a0 = rowLo + 2 * p * inner, *a1 = a0 + inner;
        float *o0 = out + 2 * p * columns, *o1 = o0 + columns;
        for (int j = 0; j < N; j++) {
            const float *b0 = bt + j * inner;
            float s0 = pairwise_sum(_mm512_castps512_ps256(acc[p][j]));
            float s1 = pairwise_sum(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[p][j]), 1)));
            for (long k = vectorEnd; k < inner; k++) {
                s0 = fma1(a0[k], b0[k], s0);
                s1 = fma1(a1[k], b0[k], s1);
            }
            if (bias) {
                s0 = bias[j] + s0;
                s1 = bias[j] + s1;
            }
            o0[j] = s0;
            o1[j] = s1;
        }
    }
}

/// P row pairs (rows `rowLo`…) against every column, four columns per pass.
RUNEXP_INLINE512 void dot512_pairs(
    const int P, const float *xp, long pairStride, long vectors, const float *rowLo, long inner,
    const float *bt, long columns, const float *bias, float *out
) {
    long n = 0;
    for (; n + 4 <= columns; n += 4)
        dot512_block(P, 4, xp, pairStride, vectors, rowLo, inner, bt + n * inner, bias ? bias + n : 0, out + n, columns);
    const float *bn = bt + n * inner, *biasn = bias ? bias + n : 0;
    switch (columns - n) {
    case 3: dot512_block(P, 3, xp, pairStride, vectors, rowLo, inner, bn, biasn, out + n, columns); break;
    case 2: dot512_block(P, 2, xp, pairStride, vectors, rowLo, inner, bn, biasn, out + n, columns); break;
    case 1: dot512_block(P, 1, xp, pairStride, vectors, rowLo, inner, bn, biasn, out + n, columns); break;
    }
}

/// Floats of the packed row pairs of the dot form (32 KiB): four pairs up to inner 1024, fewer above.
#define RUNEXP_DOT_PACK 8192

RUNEXP_AVX512 void runexp_avx512_dot_product(
    const float *a, long rows, long inner,
    const float *bt, long columns,
    const float *bias, float *out
) {
    const long vectors = inner / 8;
    long pairsPerPass = vectors > 0 ? RUNEXP_DOT_PACK / (16 * vectors) : 0;
    if (pairsPerPass > 4) pairsPerPass = 4;
    if (avx512Refused || rows < 2 || columns < 4 || vectors < 2 || pairsPerPass < 1) {
        runexp_avx2_dot_product(a, rows, inner, bt, columns, bias, out);
        return;
    }
    float packed[RUNEXP_DOT_PACK] __attribute__((aligned(64)));
    const long pairStride = 16 * vectors;
    long r = 0;
    while (r + 2 <= rows) {
        long pairs = (rows - r) / 2;
        if (pairs > pairsPerPass) pairs = pairsPerPass;
        for (long p = 0; p < pairs; p++) {
            const float *a0 = a + (r + 2 * p) * inner, *a1 = a0 + inner;
            for (long q = 0; q < vectors; q++)
                _mm512_store_ps(packed + p * pairStride + 16 * q,
                                _mm512_castpd_ps(_mm512_insertf64x4(
                                    _mm512_castpd256_pd512(_mm256_castps_pd(_mm256_loadu_ps(a0 + 8 * q))),
                                    _mm256_castps_pd(_mm256_loadu_ps(a1 + 8 * q)), 1)));
        }
        const float *rowLo = a + r * inner;
        float *o = out + r * columns;
        switch (pairs) {
        case 4: dot512_pairs(4, packed, pairStride, vectors, rowLo, inner, bt, columns, bias, o); break;
        case 3: dot512_pairs(3, packed, pairStride, vectors, rowLo, inner, bt, columns, bias, o); break;
        case 2: dot512_pairs(2, packed, pairStride, vectors, rowLo, inner, bt, columns, bias, o); break;
        case 1: dot512_pairs(1, packed, pairStride, vectors, rowLo, inner, bt, columns, bias, o); break;
        }
        r += 2 * pairs;
    }
    if (r < rows) runexp_avx2_dot_product(a + r * inner, rows - r, inner, bt, columns, bias, out + r * columns);
}

#else

int runexp_cpu_has_avx2_fma(void) { return 0; }

int runexp_cpu_has_avx512f(void) { return 0; }

void runexp_set_avx512_allowed_on_this_thread(int allowed) {}

void runexp_avx512_axpy_product(
    const float *a, long outRows, long inner, long aRowStep, long aInnerStep,
    const float *w, long wStride, long columns,
    const float *bias, int accumulate, int relu,
    float *out, long outStride
) {
    __builtin_trap();
}

void runexp_avx512_dot_product(
    const float *a, long rows, long inner,
    const float *bt, long columns,
    const float *bias, float *out
) {
    __builtin_trap();
}

int runexp_avx2_sgd_step(float *w, const float *g, long count, float learningRate) {
    __builtin_trap();
}

int runexp_avx2_adam_step(float *w, const float *g, float *m, float *v, long count,
                          float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon) {
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

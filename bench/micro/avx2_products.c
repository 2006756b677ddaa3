// Prototype, not built by the package (the package's version is Sources/CRunexpKernelAVX2): the kernel's two hot products (axpy form, 32 columns per pass)
// with SSE, as the Swift SIMD8 kernel compiles on baseline x86-64, and with AVX2+FMA behind a
// per-function target attribute, to size a possible C target with runtime CPU detection.
//   clang -O2 bench/micro/avx2_products.c -o /tmp/avx2_products && /tmp/avx2_products
// FMA rounds once per multiply-add, so such a path changes the last bits of every result: it would
// need its own kernelCodePath. Four accumulators per 32 columns keep one FMA chain per register;
// more columns per pass would be needed to reach two FMAs per cycle.
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cpuid.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

// out[r, :] = bias + sum_k a[r,k] * b[k, :]
__attribute__((noinline)) void mul_sse(const float *a, int rows, int inner, const float *b, int cols, const float *bias, float *out) {
    for (int r = 0; r < rows; r++) for (int c = 0; c + 32 <= cols; c += 32) {
        __m128 s[8]; for (int i = 0; i < 8; i++) s[i] = _mm_loadu_ps(bias + c + 4 * i);
        const float *w = b + c;
        for (int k = 0; k < inner; k++, w += cols) {
            __m128 x = _mm_set1_ps(a[r * inner + k]);
            for (int i = 0; i < 8; i++) s[i] = _mm_add_ps(s[i], _mm_mul_ps(x, _mm_loadu_ps(w + 4 * i)));
        }
        for (int i = 0; i < 8; i++) _mm_storeu_ps(out + r * cols + c + 4 * i, s[i]);
    }
}
__attribute__((noinline, target("avx2,fma"))) void mul_fma(const float *a, int rows, int inner, const float *b, int cols, const float *bias, float *out) {
    for (int r = 0; r < rows; r++) for (int c = 0; c + 32 <= cols; c += 32) {
        __m256 s[4]; for (int i = 0; i < 4; i++) s[i] = _mm256_loadu_ps(bias + c + 8 * i);
        const float *w = b + c;
        for (int k = 0; k < inner; k++, w += cols) {
            __m256 x = _mm256_set1_ps(a[r * inner + k]);
            for (int i = 0; i < 4; i++) s[i] = _mm256_fmadd_ps(x, _mm256_loadu_ps(w + 8 * i), s[i]);
        }
        for (int i = 0; i < 4; i++) _mm256_storeu_ps(out + r * cols + c + 8 * i, s[i]);
    }
}
// out[k, :] = sum_r a[r,k] * g[r, :]
__attribute__((noinline)) void tl_sse(const float *a, int rows, int ac, const float *g, int gc, float *out) {
    for (int k = 0; k < ac; k++) for (int c = 0; c + 32 <= gc; c += 32) {
        __m128 s[8]; for (int i = 0; i < 8; i++) s[i] = _mm_setzero_ps();
        for (int r = 0; r < rows; r++) {
            __m128 x = _mm_set1_ps(a[r * ac + k]);
            for (int i = 0; i < 8; i++) s[i] = _mm_add_ps(s[i], _mm_mul_ps(x, _mm_loadu_ps(g + r * gc + c + 4 * i)));
        }
        for (int i = 0; i < 8; i++) _mm_storeu_ps(out + k * gc + c + 4 * i, s[i]);
    }
}
__attribute__((noinline, target("avx2,fma"))) void tl_fma(const float *a, int rows, int ac, const float *g, int gc, float *out) {
    for (int k = 0; k < ac; k++) for (int c = 0; c + 32 <= gc; c += 32) {
        __m256 s[4]; for (int i = 0; i < 4; i++) s[i] = _mm256_setzero_ps();
        for (int r = 0; r < rows; r++) {
            __m256 x = _mm256_set1_ps(a[r * ac + k]);
            for (int i = 0; i < 4; i++) s[i] = _mm256_fmadd_ps(x, _mm256_loadu_ps(g + r * gc + c + 8 * i), s[i]);
        }
        for (int i = 0; i < 4; i++) _mm256_storeu_ps(out + k * gc + c + 8 * i, s[i]);
    }
}
int main(void) {
    unsigned eax, ebx, ecx, edx;
    __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
    printf("cpu has avx2: %d\n", (ebx >> 5) & 1);
    int shapes[][2] = {{4, 32}, {4, 64}, {32, 64}, {32, 256}};
    for (int s = 0; s < 4; s++) {
        int rows = shapes[s][0], cols = shapes[s][1], inner = 30;
        float *a = malloc(4 * rows * inner), *b = malloc(4 * inner * cols), *bias = malloc(4 * cols), *out = malloc(4 * 64 * 1024), *g = malloc(4 * rows * cols);
        for (int i = 0; i < rows * inner; i++) a[i] = (i % 7) * 0.1f;
        for (int i = 0; i < inner * cols; i++) b[i] = (i % 5) * 0.1f;
        for (int i = 0; i < rows * cols; i++) g[i] = (i % 3) * 0.1f;
        for (int i = 0; i < cols; i++) bias[i] = 0.5f;
        long iters = 20000000L / (rows * inner * cols) + 1;
        double best[4] = {1e9, 1e9, 1e9, 1e9};
        for (int rep = 0; rep < 7; rep++) {
            double t;
            t = now(); for (long i = 0; i < iters; i++) mul_sse(a, rows, inner, b, cols, bias, out); t = now() - t; if (t < best[0]) best[0] = t;
            t = now(); for (long i = 0; i < iters; i++) mul_fma(a, rows, inner, b, cols, bias, out); t = now() - t; if (t < best[1]) best[1] = t;
            t = now(); for (long i = 0; i < iters; i++) tl_sse(a, rows, inner, g, cols, out); t = now() - t; if (t < best[2]) best[2] = t;
            t = now(); for (long i = 0; i < iters; i++) tl_fma(a, rows, inner, g, cols, out); t = now() - t; if (t < best[3]) best[3] = t;
        }
        double flops = 2.0 * rows * inner * cols;
        printf("%2d x 30 x %3d  forward: sse %6.0f ns (%4.1f GF/s)  avx2+fma %6.0f ns (%4.1f GF/s)  | dW: sse %6.0f ns  avx2+fma %6.0f ns  speed-up %.2fx %.2fx\n",
               rows, cols, best[0] / iters * 1e9, flops * iters / best[0] / 1e9, best[1] / iters * 1e9, flops * iters / best[1] / 1e9,
               best[2] / iters * 1e9, best[3] / iters * 1e9, best[0] / best[1], best[2] / best[3]);
    }
}

#ifndef INDUCTIVE_CKERNELS_H
#define INDUCTIVE_CKERNELS_H

#include <stddef.h>

/// The banded products of one time step of the PDE joint estimate's block assembly (see
/// DefectBlocks.fill): for F [ni, 2h + 1] (row i: columns i ... i + 2h of the strip)
/// and the diagonal dd [ni + 2h], writes G = F diag(dd) F^T, H = F diag(dd) E^T (E the centre
/// column) and H^T as bands [ni, 4h + 1] (index c - i + 2h for column c) to g, hp, ht: G for
/// every column within the strip and 2h of the row, H and H^T within h. work holds
/// (4h + 4) ni doubles. Bit-identical on every instruction set.
void inductive_joint_bands(size_t ni, size_t h, const double *f, const double *dd, double *work, double *g, double *hp, double *ht);

/// Adds gf G + hf H + tf H^T + df diag(dd[i]) (bands as written by inductive_joint_bands, dd
/// from the centre column) to the row-major ni x ni block m.
void inductive_joint_fill_add(size_t ni, size_t h, double *m, const double *g, const double *hp, const double *ht, const double *dd,
                              double gf, double hf, double tf, double df);

/// y[i] = exp(x[i]) for i < n, within 2 ulp of the correctly rounded result; NaN, +-inf,
/// overflow and the subnormal range follow C's exp. Vectorized (AVX-512, AVX2 or the
/// baseline ISA, chosen at run time on x86-64). x and y must not overlap.
void inductive_exp(const double *x, double *y, size_t n);

/// The ReLU NNGP and NTK of the infinite-width MLP (see InfiniteWidthMLP.swift) for the
/// pairs (i, j), i in [row_begin, row_end), j < n2 (j <= i when lower_only), written to the
/// row-major [n1, n2] buffers nngp and ntk; nngp holds the Gram matrix x1 x2^T on entry
/// (it is overwritten in place). Inputs: x1 [n1, d], x2 [n2, d], their squared row norms
/// sq1, sq2, the first layer's a = s2 / d and b2 (q = a x.x' + b2),
/// the first-layer diagonals q1 [n1], q2 [n2], and the square roots of every layer's input
/// diagonal r1 [depth][n1], r2 [depth][n2]. Per layer:
///   q12 <- s2 E[relu(u) relu(v)] + b2,  theta <- q12_new + s2 E[relu'(u) relu'(v)] theta,
///   det <- q11' q22' - q12'^2 (by its cancellation-free closed form),
/// with the first layer's det exact for near-parallel pairs. Branch-free and vectorized
/// (AVX-512, AVX2 or the baseline ISA, chosen at run time); O(n2) scratch per call. The
/// arc-cosine map uses minimax polynomials (see relu_layer.c and InfiniteWidthMLP.swift for
/// the error bound).
void inductive_relu_kernels(size_t row_begin, size_t row_end, size_t n1, size_t n2, int lower_only, size_t depth,
                            size_t d, const double *x1, const double *x2, const double *sq1, const double *sq2,
                            double a, double s2, double b2,
                            const double *q1, const double *q2, const double *r1, const double *r2,
                            double *nngp, double *ntk);

/// Instruction-set levels of the ReLU kernels' variants (for tests and benchmarks).
enum {
    INDUCTIVE_RELU_BEST = 0,      ///< the best level this machine supports (what inductive_relu_kernels runs)
    INDUCTIVE_RELU_BASELINE = 1,  ///< the baseline ISA (SSE2 on x86-64)
    INDUCTIVE_RELU_AVX2 = 2,
    INDUCTIVE_RELU_AVX512F = 3,
};

/// 1 when the variant of `level` exists in this build and the CPU and OS support it.
int inductive_relu_level_supported(int level);

/// inductive_relu_kernels at a chosen level, on the fast path (reference = 0: the minimax
/// polynomials) or the reference path (reference = 1: the Taylor series of the previous
/// kernel). Returns the level run, or -1 (nothing written) when `level` is not supported.
int inductive_relu_kernels_variant(int level, int reference, size_t row_begin, size_t row_end, size_t n1, size_t n2,
                                   int lower_only, size_t depth, size_t d, const double *x1, const double *x2,
                                   const double *sq1, const double *sq2, double a, double s2, double b2,
                                   const double *q1, const double *q2, const double *r1, const double *r2,
                                   double *nngp, double *ntk);

/// The ReLU layer's arc-cosine map for n pairs, as the kernels apply it: from c = q12,
/// g = sqrt(q11 q22) and det = q11 q22 - q12^2 (with cos t = c / g), writes
/// j = (sin t + (pi - t) cos t) / pi (kappa1), one_minus_j = 1 - j and
/// theta_dot = (pi - t) / (2 pi) (kappa0 / 2); g <= 0 gives 0, 1, 0. Level and path as in
/// inductive_relu_kernels_variant; returns the level run, or -1 when not supported.
int inductive_relu_arccos_map(int level, int reference, size_t n, const double *c, const double *g,
                              const double *det, double *j, double *one_minus_j, double *theta_dot);

/// glibc only: mallopt(M_MMAP_THRESHOLD, mmap_threshold) and mallopt(M_TRIM_THRESHOLD,
/// trim_threshold); 1 when both were accepted, 0 otherwise (and always 0 without glibc).
int inductive_retain_freed_memory(int mmap_threshold, int trim_threshold);

/// glibc only: mallopt(M_MMAP_MAX, max_mappings), the number of blocks served by their own
/// mapping at once (0: every block comes from the heap and is reused after free); 1 when
/// accepted, 0 otherwise (and always 0 without glibc).
int inductive_set_mmap_max(int max_mappings);

/// glibc only: malloc_trim(0), which returns free heap memory to the system (the top of the
/// heap, and whole free pages inside it); 1 when memory was released, 0 otherwise.
int inductive_release_freed_memory(void);

/// Instruction-set extensions reported by inductive_cpu_identify: each bit is set only when the
/// processor has the extension and the operating system enables its registers.
enum {
    INDUCTIVE_CPU_SSE3 = 1 << 0,
    INDUCTIVE_CPU_SSSE3 = 1 << 1,
    INDUCTIVE_CPU_SSE41 = 1 << 2,
    INDUCTIVE_CPU_SSE42 = 1 << 3,
    INDUCTIVE_CPU_AVX = 1 << 4,
    INDUCTIVE_CPU_FMA = 1 << 5,
    INDUCTIVE_CPU_AVX2 = 1 << 6,
    INDUCTIVE_CPU_AVX512F = 1 << 7,
    INDUCTIVE_CPU_AVX512DQ = 1 << 8,
    INDUCTIVE_CPU_AVX512BW = 1 << 9,
    INDUCTIVE_CPU_AVX512VL = 1 << 10,
    INDUCTIVE_CPU_AVX512BF16 = 1 << 11,
};

/// x86-64 only (cpuid and xgetbv, a few hundred cycles): writes the vendor string (12
/// characters and a NUL, e.g. "GenuineIntel"), the displayed family and model (base plus
/// extended fields, as /proc/cpuinfo shows them) and the INDUCTIVE_CPU_* bits, and returns 1.
/// Elsewhere writes an empty vendor and zeros and returns 0.
int inductive_cpu_identify(char vendor[13], unsigned *family, unsigned *model, unsigned *features);

#endif

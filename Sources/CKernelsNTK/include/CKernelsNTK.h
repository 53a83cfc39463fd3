#ifndef INDUCTIVE_CKERNELS_NTK_H
#define INDUCTIVE_CKERNELS_NTK_H

#include <stddef.h>

/// One ReLU layer of the infinite-width recursion (see InfiniteWidthMLP.swift) for the
/// pairs (i, j), i in [row_begin, row_end), j < n2 (j <= i when lower_only), row-major
/// buffers of n2 columns:
///   q12 <- s2 E[relu(u) relu(v)] + b2,  theta <- q12_new + s2 E[relu'(u) relu'(v)] theta,
///   det <- q11' q22' - q12'^2 (by its cancellation-free closed form),
/// from r1[i] = sqrt(q11), r2[j] = sqrt(q22) and the pair's q12 and det.
/// Branch-free and vectorized (AVX-512, AVX2 or the baseline ISA, chosen at load time).
void inductive_relu_layer(size_t row_begin, size_t row_end, size_t n2, int lower_only,
                          const double *r1, const double *r2, double s2, double b2,
                          double *q12, double *theta, double *det);

#endif

#ifndef INDUCTIVE_CKERNELS_H
#define INDUCTIVE_CKERNELS_H

#include <stddef.h>

/// y[i] = exp(x[i]) for i < n, within 2 ulp of the correctly rounded result; NaN, +-inf,
/// overflow and the subnormal range follow C's exp. Vectorized (AVX-512, AVX2 or the
/// baseline ISA, chosen at run time on x86-64). x and y must not overlap.
void inductive_exp(const double *x, double *y, size_t n);

#endif

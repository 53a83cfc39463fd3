// Elementwise kernels that the Swift compiler cannot vectorize for the host at run time:
// written branch-free so that clang vectorizes them, and compiled for several x86-64
// levels with the best chosen when the program loads (function multiversioning).

#include "CKernels.h"
#include <math.h>

#include "multiversion.h"
#include <stdint.h>
#include <string.h>

static inline double bits_to_double(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static inline uint64_t double_to_bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

// exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln 2 (Cody-Waite, two constants),
// |r| <= ln(2)/2, and exp(r) by its Taylor polynomial of degree 13 (truncation error
// |r|^14 / 14! < 5e-18). Valid for |x| <= 708 (2^k normal); other inputs are redone
// with libm in a second pass that only runs when such an input occurs.
INDUCTIVE_MULTIVERSION
void inductive_exp(const double *x, double *y, size_t n) {
    const double log2e = 1.4426950408889634;
    const double ln2hi = 6.93147180369123816490e-01;  // trailing zero bits: k * ln2hi exact
    const double ln2lo = 1.90821492927058770002e-10;
    const double shifter = 6755399441055744.0;          // 1.5 * 2^52: rounds to an integer
    int outside = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        outside |= !(fabs(v) <= 708.0);
        double c = v < -708.0 ? -708.0 : (v > 708.0 ? 708.0 : v);
        c = c == c ? c : 0.0;
        double t = c * log2e + shifter;
        double k = t - shifter;
        int64_t ki = (int64_t)(double_to_bits(t) - double_to_bits(shifter));
        double r = (c - k * ln2hi) - k * ln2lo;
        double p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        y[i] = p * bits_to_double((uint64_t)(ki + 1023) << 52);
    }
    if (outside) {
        for (size_t i = 0; i < n; i++) {
            if (!(fabs(x[i]) <= 708.0)) y[i] = exp(x[i]);
        }
    }
}

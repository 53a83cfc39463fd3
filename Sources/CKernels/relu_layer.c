// The ReLU layer of the infinite-width NNGP/NTK recursion, written branch-free so that
// clang vectorizes the loop over pairs, compiled for several x86-64 levels with the best
// chosen when the program loads (as kernels.c does for exp). The mathematics and its
// accuracy argument are documented in Sources/InductiveKernels/InfiniteWidthMLP.swift.

#include "CKernels.h"

#include <math.h>
#include <stdlib.h>

#include "multiversion.h"

static const double pi = 3.141592653589793;
static const double inverse_pi = 0.3183098861837907;

// asin x for |x| <= 1/2: Taylor series sum a_n x^(2n+1), a_n = (2n)! / (4^n (n!)^2 (2n+1)),
// 27 terms (truncation < 3e-18 |x|).
static inline double asin_small(double x) {
    double u = x * x;
    double acc = 0.0020776610325181676;
    acc = acc * u + 0.0022014739737101384;
    acc = acc * u + 0.002338091892111975;
    acc = acc * u + 0.0024894486782468836;
    acc = acc * u + 0.00265787063820729;
    acc = acc * u + 0.002846178401108942;
    acc = acc * u + 0.0030578216492580306;
    acc = acc * u + 0.003297059503473485;
    acc = acc * u + 0.0035692053938259347;
    acc = acc * u + 0.003880964558837669;
    acc = acc * u + 0.004240907093679363;
    acc = acc * u + 0.004660143486915096;
    acc = acc * u + 0.005153309682319905;
    acc = acc * u + 0.005740037670841924;
    acc = acc * u + 0.006447210311889649;
    acc = acc * u + 0.0073125258735988454;
    acc = acc * u + 0.008390335809616815;
    acc = acc * u + 0.009761609529194078;
    acc = acc * u + 0.011551800896139705;
    acc = acc * u + 0.01396484375;
    acc = acc * u + 0.017352764423076924;
    acc = acc * u + 0.022372159090909092;
    acc = acc * u + 0.030381944444444444;
    acc = acc * u + 0.044642857142857144;
    acc = acc * u + 0.075;
    acc = acc * u + 0.16666666666666666;
    acc = acc * u + 1.0;
    return acc * x;
}

// sin t - t cos t = sum_{k>=1} (-1)^(k+1) 2k t^(2k+1) / (2k+1)!, for 0 <= t <= 1 (11 terms).
static inline double sin_minus_t_cos(double t) {
    double u = t * t;
    double acc = 8.509974375387505e-22;
    acc = acc * u + -3.9145882126782523e-19;
    acc = acc * u + 1.4797143443923793e-16;
    acc = acc * u + -4.498331606952833e-14;
    acc = acc * u + 1.0706029224547743e-11;
    acc = acc * u + -1.9270852604185937e-09;
    acc = acc * u + 2.505210838544172e-07;
    acc = acc * u + -2.2045855379188714e-05;
    acc = acc * u + 0.0011904761904761906;
    acc = acc * u + -0.03333333333333333;
    acc = acc * u + 0.3333333333333333;
    return acc * u * t;
}

// q11 q22 - q12^2 of the first layer (q = a x.x' + b2) as a^2 |x ^ x'|^2 + a b2 |x - x'|^2
// (Lagrange's identity), without cancellation: for d <= 256 every 2 x 2 minor of the wedge
// product by Kahan's FMA algorithm (~1 ulp each, so even the 1e-17 angle between x and
// fl(3x) is resolved); above, |x|^2 |x'|^2 sin^2 phi with phi from Kahan's
// 2 atan2(|u - v|, |u + v|) of the unit vectors (absolute error ~eps in phi).
static double exact_input_determinant(const double *x, const double *y, size_t d, double sq1, double sq2,
                                      double a, double b2) {
    double distance = 0, wedge = 0;
    for (size_t k = 0; k < d; k++) {
        const double diff = x[k] - y[k];
        distance += diff * diff;
    }
    if (d <= 256) {
        for (size_t i = 0; i < d; i++) {
            for (size_t j = i + 1; j < d; j++) {
                const double w = x[j] * y[i];
                const double e = fma(-x[j], y[i], w);  // the rounding error of w, exactly
                const double f = fma(x[i], y[j], -w);
                const double m = f + e;
                wedge += m * m;
            }
        }
    } else {
        const double n1 = sqrt(sq1), n2 = sqrt(sq2);
        double minus = 0, plus = 0;
        if (n1 > 0 && n2 > 0) {
            for (size_t k = 0; k < d; k++) {
                const double u = x[k] / n1, v = y[k] / n2;
                minus += (u - v) * (u - v);
                plus += (u + v) * (u + v);
            }
        }
        const double sin_phi = sqrt(minus * plus) / 2;  // |u - v| |u + v| = 2 sin(phi)
        wedge = sq1 * sq2 * sin_phi * sin_phi;
    }
    return a * a * wedge + a * b2 * distance;
}

INDUCTIVE_MULTIVERSION
void inductive_relu_kernels(size_t row_begin, size_t row_end, size_t n1, size_t n2, int lower_only, size_t depth,
                            size_t d, const double *x1, const double *x2, const double *sq1, const double *sq2,
                            double a, double s2, double b2,
                            const double *q1, const double *q2, const double *r1, const double *r2,
                            double *nngp, double *ntk) {
    const double half = 0.5 * s2;
    double *det = malloc((n2 > 0 ? n2 : 1) * sizeof(double));
    if (!det) abort();
    for (size_t i = row_begin; i < row_end; i++) {
        const size_t count = lower_only ? i + 1 : n2;
        double *restrict pq = nngp + i * n2;
        double *restrict pt = ntk + i * n2;
        double *restrict pd = det;
        const double qi = q1[i];
        // First layer: q12 = a x.x' + b2 = theta, and the plain determinant...
        for (size_t j = 0; j < count; j++) {
            const double q = a * pq[j] + b2;  // pq holds x1_i . x2_j on entry
            pq[j] = q;
            pt[j] = q;
            pd[j] = qi * q2[j] - q * q;
        }
        // ...replaced by the exact one where |correlation| > 1 - 1e-3: there the plain one
        // could have lost more than ~1e-12 of its relative accuracy.
        for (size_t j = 0; j < count; j++) {
            const double product = qi * q2[j];
            if (!(pd[j] > 1e-3 * product)) {
                pd[j] = exact_input_determinant(x1 + i * d, x2 + j * d, d, sq1[i], sq2[j], a, b2);
            }
        }
        // Row by row, all layers: the row's buffers stay in cache from one layer to the next.
        for (size_t layer = 0; layer < depth; layer++) {
        const double ri = r1[layer * n1 + i];
        const double *restrict pr = r2 + layer * n2;
        for (size_t j = 0; j < count; j++) {
            const double c = pq[j], rj = pr[j];
            const double g = ri * rj;
            const int degenerate = !(g > 0);
            const double gs = degenerate ? 1.0 : g;
            const double ac = c < 0 ? -c : c;
            const double d0 = pd[j] < 0 ? 0.0 : pd[j];
            double m = d0 / (gs * (gs + ac));            // 1 - |cos theta|, from det exactly
            m = m > 1 ? 1.0 : m;
            const double sin_t = __builtin_elementwise_sqrt(m * (2 - m));
            const double cos_abs = 1 - m;
            const int half_angle = m < 0.5;
            const double arg = half_angle ? __builtin_elementwise_sqrt(0.5 * m) : cos_abs;
            const double a = asin_small(arg);
            const double phi = half_angle ? 2 * a : 0.5 * pi - a;   // theta, or pi - theta if c < 0
            const int positive = c >= 0;
            const double t = positive ? phi : pi - phi;
            const double pi_minus_t = positive ? pi - phi : phi;
            const double cos_t = positive ? cos_abs : -cos_abs;
            const int phi_small = phi < 1;
            const double series = sin_minus_t_cos(phi_small ? phi : 1.0);
            const double j_direct = (sin_t + pi_minus_t * cos_t) * inverse_pi;
            const double s_of_t = phi_small ? series : sin_t - t * cos_t;
            double j0 = (!positive && phi_small) ? series * inverse_pi : j_direct;
            double one_minus_j = positive ? m - s_of_t * inverse_pi : 1 - j0;
            double theta_dot = pi_minus_t * (0.5 * inverse_pi);
            j0 = degenerate ? 0.0 : j0;
            one_minus_j = degenerate ? 1.0 : one_minus_j;
            theta_dot = degenerate ? 0.0 : theta_dot;
            const double next = half * g * j0 + b2;
            const double gap = ri - rj;
            const double hg = half * g;
            pd[j] = hg * hg * one_minus_j * (1 + j0) + half * b2 * (gap * gap + 2 * g * one_minus_j);
            pt[j] = next + s2 * theta_dot * pt[j];
            pq[j] = next;
        }
        }
    }
    free(det);
}

// The ReLU layer of the infinite-width NNGP/NTK recursion, written branch-free so that
// clang vectorizes the loop over pairs, compiled for several x86-64 levels (AVX-512, AVX2,
// baseline) with the best chosen at run time. The mathematics and its accuracy argument
// are documented in Sources/InductiveKernels/InfiniteWidthMLP.swift.
//
// Two paths share one loop: the fast one (minimax polynomials, the default) and the
// reference one (the Taylor series of the earlier kernel: 27 + 11 terms), kept so that
// the tests can compare them on every instruction-set variant. The loop was latency-bound
// (each pair's Horner chains, ~250 cycles without FMA, left the out-of-order window
// mostly idle): the vectorizer now interleaves 4 vectors of pairs.

#include "CKernels.h"

#include <math.h>
#include <stdlib.h>

#include "multiversion.h"

static const double pi = 3.141592653589793;
static const double inverse_pi = 0.3183098861837907;

// Reference path (the earlier kernel, kept for the tests).
// asin x for |x| <= 1/2: Taylor series sum a_n x^(2n+1), a_n = (2n)! / (4^n (n!)^2 (2n+1)),
// 27 terms (truncation < 3e-18 |x|). Relative error <= 2.2 u (u = 2^-53, one correctly rounded
// operation): the last addition (+ 1.0) and the product by x, 1 u each, the rest weighted by
// u acc <= 0.047 (measured 1.98 u).
static inline double asin_series(double x) {
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
static inline double sin_minus_t_cos_series(double t) {
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

// Fast path. asin x = x + x u P(u), u = x^2 <= 1/4 (|x| <= 1/2), P of degree 12 interpolating
// (asin x - x)/x^3 at 13 Chebyshev nodes of [0, 1/4] (fitted in 50 digits, rounded to
// double): |P - P_exact| <= 1.2e-16 P_exact, and u P <= 0.047, so the polynomial term
// (x u P, ~5 u with its roundings) adds at most ~0.25 u to asin x; with the final addition's
// 1 u the result is within 1.25 u relative (u = 2^-53; measured 1.09 u, 0.6 ulp).
static inline double asin_minimax(double x) {
    double u = x * x;
    double acc = 0.028757851367421566;
    acc = acc * u + -0.014851887071247204;
    acc = acc * u + 0.01740087944269402;
    acc = acc * u + 0.005457506718640358;
    acc = acc * u + 0.01032281435018578;
    acc = acc * u + 0.011479177415184906;
    acc = acc * u + 0.013971212973552933;
    acc = acc * u + 0.017352392720869973;
    acc = acc * u + 0.02237217294214989;
    acc = acc * u + 0.030381944138531247;
    acc = acc * u + 0.04464285714635543;
    acc = acc * u + 0.07499999999998433;
    acc = acc * u + 0.16666666666666669;
    return x + (x * u) * acc;
}

// sin t - t cos t = t^3 Q(t^2) for 0 <= t <= 1, Q of degree 7 interpolating at 8 Chebyshev
// nodes of [0, 1]: |Q - Q_exact| <= 6e-17 Q_exact (0.54 u, the rounding of 1/3). With the
// roundings of u = t^2, acc u, (acc u) t and the last addition (1 u each) and the inner Horner
// steps (~0.2 u) the result is within 4.75 u relative (u = 2^-53) of S(t) at the computed t;
// measured 3.5 u (3 ulp), and the same on the Taylor path.
static inline double sin_minus_t_cos_minimax(double t) {
    double u = t * t;
    double acc = -4.4395134340839854e-14;
    acc = acc * u + 1.0705075399218444e-11;
    acc = acc * u + -1.9270844541424362e-09;
    acc = acc * u + 2.505210834766897e-07;
    acc = acc * u + -2.2045855379092596e-05;
    acc = acc * u + 0.0011904761904761784;
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

// The per-pair arc-cosine map of one ReLU layer: from c = q12, g = sqrt(q11 q22) and
// det = q11 q22 - q12^2 (carried exactly), J = (sin t + (pi - t) cos t)/pi (kappa1),
// 1 - J, and theta_dot = (pi - t)/(2 pi) (kappa0 / 2), t the angle with cos t = c / g.
// `fast` is a compile-time constant at every call (the function is always inlined).
// Error bounds (first order; u = 2^-53, a full u for each correctly rounded operation):
// m 3 u (3 roundings); phi to the nearer of +-x': m/2 and its sqrt 2.5 u times asin's
// condition <= 1.1, plus asin's own 1.25 u (Taylor 2.2 u): <= 4.0 u (Taylor 5.0 u), or via
// pi/2 - asin(1 - m) (1 - m exact) less; kappa0 <= 6.8 u (pi - phi at phi = pi/2: m, the
// constants pi/2 and pi, two roundings, the product by 1/(2 pi) 1.8 u); 1 - J = m - S/pi
// <= 7.8 u (Taylor 8.3 u): m's 3 u, S/pi's error times (S/pi)/(1 - J) <= 0.264, 1 u;
// J near theta = pi, S(phi)/pi: m 4.6 u, phi's own error times 3 (S ~ phi^3), S 4.75 u,
// 1/pi 1.8 u: <= 18.2 u (Taylor 21.1 u); the direct sin_t - phi cos at phi = 1+ cancels
// 4.6-fold: 19.0 u (Taylor 20.7 u). Term by term in InfiniteWidthMLPTests.derivedBounds.
static inline __attribute__((always_inline)) void arccos_map(double c, double g, double det, int fast,
                                                             double *j_out, double *one_minus_j_out,
                                                             double *theta_dot_out) {
    const int degenerate = !(g > 0);
    const double gs = degenerate ? 1.0 : g;
    const double ac = c < 0 ? -c : c;
    const double d0 = det < 0 ? 0.0 : det;
    double m = d0 / (gs * (gs + ac));            // 1 - |cos theta|, from det exactly
    m = m > 1 ? 1.0 : m;
    const double sin_t = __builtin_elementwise_sqrt(m * (2 - m));
    const double cos_abs = 1 - m;
    const int half_angle = m < 0.5;
    const double arg = half_angle ? __builtin_elementwise_sqrt(0.5 * m) : cos_abs;
    const double a = fast ? asin_minimax(arg) : asin_series(arg);
    const double phi = half_angle ? 2 * a : 0.5 * pi - a;   // theta, or pi - theta if c < 0
    const int positive = c >= 0;
    const double t = positive ? phi : pi - phi;
    const double pi_minus_t = positive ? pi - phi : phi;
    const double cos_t = positive ? cos_abs : -cos_abs;
    const int phi_small = phi < 1;
    const double phi_clamped = phi_small ? phi : 1.0;
    const double series = fast ? sin_minus_t_cos_minimax(phi_clamped) : sin_minus_t_cos_series(phi_clamped);
    const double j_direct = (sin_t + pi_minus_t * cos_t) * inverse_pi;
    const double s_of_t = phi_small ? series : sin_t - t * cos_t;
    double j0 = (!positive && phi_small) ? series * inverse_pi : j_direct;
    double one_minus_j = positive ? m - s_of_t * inverse_pi : 1 - j0;
    double theta_dot = pi_minus_t * (0.5 * inverse_pi);
    *j_out = degenerate ? 0.0 : j0;
    *one_minus_j_out = degenerate ? 1.0 : one_minus_j;
    *theta_dot_out = degenerate ? 0.0 : theta_dot;
}

#define RELU_PARAMS                                                                                          \
    size_t row_begin, size_t row_end, size_t n1, size_t n2, int lower_only, size_t depth, size_t d,          \
        const double *x1, const double *x2, const double *sq1, const double *sq2, double a, double s2,       \
        double b2, const double *q1, const double *q2, const double *r1, const double *r2, double *nngp,     \
        double *ntk
#define RELU_ARGS row_begin, row_end, n1, n2, lower_only, depth, d, x1, x2, sq1, sq2, a, s2, b2, q1, q2, r1, r2, nngp, ntk
#define MAP_PARAMS                                                                                           \
    size_t n, const double *c, const double *g, const double *det, double *j, double *one_minus_j,          \
        double *theta_dot
#define MAP_ARGS n, c, g, det, j, one_minus_j, theta_dot

static inline __attribute__((always_inline)) void relu_rows(RELU_PARAMS, int fast) {
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
            // 4 vectors of pairs in flight: their long dependency chains overlap.
#pragma clang loop interleave_count(4)
            for (size_t j = 0; j < count; j++) {
                const double rj = pr[j];
                const double g = ri * rj;
                double j0, one_minus_j, theta_dot;
                arccos_map(pq[j], g, pd[j], fast, &j0, &one_minus_j, &theta_dot);
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

static inline __attribute__((always_inline)) void map_pairs(MAP_PARAMS, int fast) {
    for (size_t k = 0; k < n; k++) arccos_map(c[k], g[k], det[k], fast, j + k, one_minus_j + k, theta_dot + k);
}

// One function per instruction-set level and path, each with the loop inlined and
// vectorized for its level.
#define DEFINE_VARIANTS(level, attributes)                                                                   \
    attributes static void relu_fast_##level(RELU_PARAMS) { relu_rows(RELU_ARGS, 1); }                       \
    attributes static void relu_reference_##level(RELU_PARAMS) { relu_rows(RELU_ARGS, 0); }                  \
    attributes static void map_fast_##level(MAP_PARAMS) { map_pairs(MAP_ARGS, 1); }                         \
    attributes static void map_reference_##level(MAP_PARAMS) { map_pairs(MAP_ARGS, 0); }

DEFINE_VARIANTS(baseline, )

// The levels of multiversion.h's INDUCTIVE_MULTIVERSION, chosen here explicitly so that
// the tests can run each one.
#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define RELU_HAS_LEVELS 1
DEFINE_VARIANTS(avx2, __attribute__((target("avx2"))))
DEFINE_VARIANTS(avx512f, __attribute__((target("avx512f"))))
#endif

int inductive_relu_level_supported(int level) {
    switch (level) {
    case INDUCTIVE_RELU_BASELINE: return 1;
#ifdef RELU_HAS_LEVELS
    case INDUCTIVE_RELU_AVX2: return __builtin_cpu_supports("avx2") ? 1 : 0;
    case INDUCTIVE_RELU_AVX512F: return __builtin_cpu_supports("avx512f") ? 1 : 0;
#endif
    default: return 0;
    }
}

static int resolve_level(int level) {
    if (level != INDUCTIVE_RELU_BEST) return inductive_relu_level_supported(level) ? level : -1;
    if (inductive_relu_level_supported(INDUCTIVE_RELU_AVX512F)) return INDUCTIVE_RELU_AVX512F;
    if (inductive_relu_level_supported(INDUCTIVE_RELU_AVX2)) return INDUCTIVE_RELU_AVX2;
    return INDUCTIVE_RELU_BASELINE;
}

int inductive_relu_kernels_variant(int level, int reference, RELU_PARAMS) {
    const int chosen = resolve_level(level);
    switch (chosen) {
#ifdef RELU_HAS_LEVELS
    case INDUCTIVE_RELU_AVX512F:
        reference ? relu_reference_avx512f(RELU_ARGS) : relu_fast_avx512f(RELU_ARGS);
        break;
    case INDUCTIVE_RELU_AVX2:
        reference ? relu_reference_avx2(RELU_ARGS) : relu_fast_avx2(RELU_ARGS);
        break;
#endif
    case INDUCTIVE_RELU_BASELINE:
        reference ? relu_reference_baseline(RELU_ARGS) : relu_fast_baseline(RELU_ARGS);
        break;
    default: break;
    }
    return chosen;
}

void inductive_relu_kernels(RELU_PARAMS) { (void)inductive_relu_kernels_variant(INDUCTIVE_RELU_BEST, 0, RELU_ARGS); }

int inductive_relu_arccos_map(int level, int reference, MAP_PARAMS) {
    const int chosen = resolve_level(level);
    switch (chosen) {
#ifdef RELU_HAS_LEVELS
    case INDUCTIVE_RELU_AVX512F:
        reference ? map_reference_avx512f(MAP_ARGS) : map_fast_avx512f(MAP_ARGS);
        break;
    case INDUCTIVE_RELU_AVX2:
        reference ? map_reference_avx2(MAP_ARGS) : map_fast_avx2(MAP_ARGS);
        break;
#endif
    case INDUCTIVE_RELU_BASELINE:
        reference ? map_reference_baseline(MAP_ARGS) : map_fast_baseline(MAP_ARGS);
        break;
    default: break;
    }
    return chosen;
}

// The ReLU layer of the infinite-width NNGP/NTK recursion, written branch-free so that
// clang vectorizes the loop over pairs, compiled for several x86-64 levels with the best
// chosen when the program loads (as CKernels does for exp). The mathematics and its
// accuracy argument are documented in Sources/InductiveKernels/InfiniteWidthMLP.swift.

#include "CKernelsNTK.h"

#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define INDUCTIVE_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define INDUCTIVE_MULTIVERSION
#endif

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

INDUCTIVE_MULTIVERSION
void inductive_relu_layer(size_t row_begin, size_t row_end, size_t n2, int lower_only,
                          const double *r1, const double *r2, double s2, double b2,
                          double *q12, double *theta, double *det) {
    const double half = 0.5 * s2;
    for (size_t i = row_begin; i < row_end; i++) {
        const double ri = r1[i];
        const size_t count = lower_only ? i + 1 : n2;
        double *restrict pq = q12 + i * n2;
        double *restrict pt = theta + i * n2;
        double *restrict pd = det + i * n2;
        const double *restrict pr = r2;
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

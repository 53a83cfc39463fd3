// The two inner loops of the PDE joint estimate's block assembly (DefectBlocks.fill
// in Sources/InductiveDiscovery/PDEJointEstimation.swift, which documents the mathematics),
// written so that clang vectorizes them: every output element is computed with the same
// operations in the same order as the scalar definition, so the results do not depend on the
// instruction set (and no fused multiply-adds, see multiversion.h).

#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#include "multiversion.h"

INDUCTIVE_MULTIVERSION
void inductive_joint_bands(size_t ni, size_t h, const double *restrict f, const double *restrict dd, double *restrict work,
                           double *restrict g, double *restrict hp, double *restrict ht) {
    const size_t w = 2 * h + 1, g2 = 2 * h, span = 2 * g2 + 1;
    // Band-major copies: ft[o * ni + i] = F[i, o], st[o * ni + i] = F[i, o] dd[i + o].
    double *restrict ft = work, *restrict st = work + w * ni, *restrict acc0 = work + 2 * w * ni, *restrict acc1 = acc0 + ni;
    for (size_t i = 0; i < ni; i++) {
        for (size_t o = 0; o < w; o++) {
            ft[o * ni + i] = f[i * w + o];
            st[o * ni + i] = f[i * w + o] * dd[i + o];
        }
    }
    // G[i, i + d] = sum_o S[i, o] F[i + d, o - d]: terms with (o - d) even summed in acc0 and odd
    // in acc1, each in increasing o, then acc0 + acc1 (the scalar loop's two accumulators).
    for (size_t d = 0; d <= g2 && d < ni; d++) {
        const size_t n = ni - d;
        for (size_t i = 0; i < n; i++) { acc0[i] = 0.0; acc1[i] = 0.0; }
        for (size_t o = d; o < w; o++) {
            double *restrict acc = ((o - d) % 2 == 0) ? acc0 : acc1;
            const double *restrict s = st + o * ni, *restrict fr = ft + (o - d) * ni + d;
            for (size_t i = 0; i < n; i++) acc[i] = acc[i] + s[i] * fr[i];
        }
        for (size_t i = 0; i < n; i++) {
            const double v = acc0[i] + acc1[i];
            g[i * span + g2 + d] = v;
            g[(i + d) * span + g2 - d] = v;
        }
    }
    // H[i, i + e] = S[i, e + h] and its transpose H[i + e, i] = S[i + e, h - e], |e| <= h.
    for (size_t i = 0; i < ni; i++) {
        const size_t elo = i < h ? i : h, ehi = (ni - 1 - i) < h ? (ni - 1 - i) : h;
        for (size_t q = 0; q <= elo + ehi; q++) {
            const long e = (long)q - (long)elo;
            hp[i * span + g2 + e] = st[(size_t)(e + (long)h) * ni + i];
            ht[i * span + g2 + e] = st[(size_t)((long)h - e) * ni + (size_t)((long)i + e)];
        }
    }
}

INDUCTIVE_MULTIVERSION
void inductive_joint_fill_add(size_t ni, size_t h, double *restrict m, const double *restrict g, const double *restrict hp,
                              const double *restrict ht, const double *restrict dd, double gf, double hf, double tf, double df) {
    const size_t g2 = 2 * h, span = 2 * g2 + 1;
    for (size_t i = 0; i < ni; i++) {
        double *restrict row = m + i * ni;
        const size_t lo = i > g2 ? i - g2 : 0, hi = i + g2 < ni - 1 ? i + g2 : ni - 1;
        // Band index of column c is c - i + 2h.
        const double *restrict gr = g + i * span + g2 - i;
        for (size_t c = lo; c <= hi; c++) row[c] = row[c] + gf * gr[c];
        const size_t lo2 = i > h ? i - h : 0, hi2 = i + h < ni - 1 ? i + h : ni - 1;
        const double *restrict hr = hp + i * span + g2 - i, *restrict tr = ht + i * span + g2 - i;
        for (size_t c = lo2; c <= hi2; c++) row[c] = row[c] + (hf * hr[c] + tf * tr[c]);
        row[i] = row[i] + df * dd[i];
    }
}

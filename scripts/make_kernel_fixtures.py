"""High-precision fixtures for the infinite-width kernels of InductiveKernels (run once; output committed).

Usage: python3 scripts/make_kernel_fixtures.py      (needs numpy and mpmath; about a minute)
Writes Tests/InductiveKernelsTests/Fixtures/analytic_mpmath.npz.

The NNGP and NTK of the MLP  Dense(s, b) -> [act -> Dense(s, b)] x depth  in the NTK
parameterization (neural-tangents' stax convention: input kernel x.x'/d, each Dense maps
Sigma -> s^2 Sigma + b^2 and Theta -> Sigma_new + s^2 Sigma_dot Theta), evaluated with
mpmath at 60 significant digits from the exact double-precision inputs, then rounded to
float64 once. The recursion is written in its plain textbook form (arccos of the
correlation, arcsine formula for erf): at 60 digits its cancellations cost nothing.

Formulas: ReLU, Cho and Saul (2009): with cos(t) = q12 / sqrt(q11 q22),
  E[relu(u) relu(v)] = sqrt(q11 q22) (sin t + (pi - t) cos t) / (2 pi),
  E[relu'(u) relu'(v)] = (pi - t) / (2 pi).
Erf, Williams (1997):
  E[erf(u) erf(v)] = (2/pi) asin(2 q12 / sqrt((1 + 2 q11)(1 + 2 q22))),
  E[erf'(u) erf'(v)] = (4/pi) / sqrt((1 + 2 q11)(1 + 2 q22) - 4 q12^2).
Inputs include repeated rows, exactly parallel rows (2x), anti-parallel rows (-x),
near-parallel rows (3x rounded, x + 1e-9 noise) and rows shared between x1 and x2.
"""
import os

import mpmath as mp
import numpy as np

mp.mp.dps = 60
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "InductiveKernelsTests", "Fixtures")

# activation code: 0 identity, 1 relu, 2 erf
CONFIGS = [
    (1, 1, 2.0 ** 0.5, 0.0),
    (1, 3, 2.0 ** 0.5, 0.0),
    (1, 2, 1.3, 0.2),
    (1, 5, 1.1, 0.05),
    (2, 1, 1.5, 0.1),
    (2, 3, 1.0, 0.0),
    (2, 2, 2.5, 0.3),
    (0, 2, 1.2, 0.5),
]


def inputs():
    rng = np.random.default_rng(20240605)
    d = 5
    a = rng.standard_normal((4, d))
    x1 = np.stack([
        a[0], a[1], a[2],
        2.0 * a[0],                   # exactly parallel to row 0
        -a[1],                        # anti-parallel to row 1
        a[2],                         # repeated row
        3.0 * a[1],                   # parallel up to rounding
        a[0] + 1e-9 * a[3],           # nearly identical to row 0
    ])
    b = rng.standard_normal((2, d))
    x2 = np.stack([a[0], a[2], b[0], 0.5 * a[1], b[1], -a[2]])
    return x1, x2


def dot(u, v):
    return mp.fsum(mp.mpf(p) * mp.mpf(q) for p, q in zip(u, v))


def layer(act, q11, q22, q12):
    """(E[phi(u) phi(v)], E[phi'(u) phi'(v)]) and the diagonals, for (u, v) ~ N(0, [[q11, q12], [q12, q22]])."""
    if act == 0:
        return q12, mp.mpf(1), q11, q22
    if act == 1:
        g = mp.sqrt(q11 * q22)
        if g == 0:
            return mp.mpf(0), mp.mpf(0), q11 / 2, q22 / 2
        c = max(min(q12 / g, mp.mpf(1)), mp.mpf(-1))
        t = mp.acos(c)
        return g * (mp.sin(t) + (mp.pi - t) * mp.cos(t)) / (2 * mp.pi), (mp.pi - t) / (2 * mp.pi), q11 / 2, q22 / 2
    p = (1 + 2 * q11) * (1 + 2 * q22)
    e = 2 / mp.pi * mp.asin(2 * q12 / mp.sqrt(p))
    ed = 4 / mp.pi / mp.sqrt(p - 4 * q12 ** 2)
    e11 = 2 / mp.pi * mp.asin(2 * q11 / (1 + 2 * q11))
    e22 = 2 / mp.pi * mp.asin(2 * q22 / (1 + 2 * q22))
    return e, ed, e11, e22


def kernels(act, depth, s, b, x1, x2):
    s2, b2 = mp.mpf(s) ** 2, mp.mpf(b) ** 2
    d = x1.shape[1]
    nngp = np.zeros((len(x1), len(x2)))
    ntk = np.zeros((len(x1), len(x2)))
    for i, u in enumerate(x1):
        for j, v in enumerate(x2):
            q11 = s2 * dot(u, u) / d + b2
            q22 = s2 * dot(v, v) / d + b2
            q12 = s2 * dot(u, v) / d + b2
            th = q12
            for _ in range(depth):
                e, ed, e11, e22 = layer(act, q11, q22, q12)
                q12 = s2 * e + b2
                th = q12 + s2 * ed * th
                q11 = s2 * e11 + b2
                q22 = s2 * e22 + b2
            nngp[i, j] = float(q12)
            ntk[i, j] = float(th)
    return nngp, ntk


def main():
    x1, x2 = inputs()
    arrays = {"x1": x1, "x2": x2, "configs": np.array(CONFIGS, dtype=np.float64)}
    for c, (act, depth, s, b) in enumerate(CONFIGS):
        arrays[f"c{c}_nngp12"], arrays[f"c{c}_ntk12"] = kernels(act, depth, s, b, x1, x2)
        arrays[f"c{c}_nngp11"], arrays[f"c{c}_ntk11"] = kernels(act, depth, s, b, x1, x1)
        print("config", c, (act, depth, s, b), "done")
    os.makedirs(OUT, exist_ok=True)
    np.savez(os.path.join(OUT, "analytic_mpmath.npz"), **arrays)
    print("wrote", os.path.normpath(os.path.join(OUT, "analytic_mpmath.npz")))


if __name__ == "__main__":
    main()

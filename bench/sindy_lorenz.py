"""PySINDy's side of the SINDy speed comparison (`inductive bench --group sindy` is the Swift side).

Fits Lorenz data with PySINDy's SINDy (second-order finite differences, degree-2 polynomial
library, STLSQ with threshold 0.1 and its default ridge alpha 0.05) and prints the median
wall time of `model.fit` end to end: derivative estimate, library, regression.

    inductive discover simulate lorenz --samples 50000 --out lorenz50k.npy
    python3 bench/sindy_lorenz.py --data lorenz50k.npy
    inductive bench --group sindy --data lorenz50k.npy

Without --data the trajectory is integrated here with SciPy (rtol = atol = 1e-12).
Needs `pip install pysindy` (not a dependency of the project).
"""
import argparse
import time

import numpy as np


def lorenz_data(samples, dt):
    from scipy.integrate import solve_ivp

    def f(_, s):
        x, y, z = s
        return [10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z]

    t = np.arange(samples) * dt
    sol = solve_ivp(f, (0, t[-1]), [-8, 8, 27], t_eval=t, rtol=1e-12, atol=1e-12, method="RK45")
    return sol.y.T


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help=".npy of shape (samples, 3)")
    parser.add_argument("--samples", type=int, default=50_000)
    parser.add_argument("--dt", type=float, default=0.002)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    import pysindy as ps

    x = np.load(args.data) if args.data else lorenz_data(args.samples, args.dt)

    def fit():
        model = ps.SINDy(optimizer=ps.STLSQ(threshold=0.1, alpha=0.05),
                         feature_library=ps.PolynomialLibrary(degree=2),
                         differentiation_method=ps.FiniteDifference(order=2))
        model.fit(x, t=args.dt, feature_names=["x", "y", "z"])
        return model

    model = fit()  # warm-up (imports, caches)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - start)
    model.print()
    print(f"pysindy {ps.__version__}: SINDy fit on {x.shape[0]} samples: median {np.median(times) * 1e3:.2f} ms "
          f"(min {min(times) * 1e3:.2f} ms, {args.repeats} runs)")


if __name__ == "__main__":
    main()

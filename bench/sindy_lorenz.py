"""PySINDy's side of the SINDy speed comparison (`inductive bench --group sindy` is the Swift side).

Fits Lorenz data with PySINDy's SINDy (second-order finite differences, degree-2 polynomial
library, STLSQ with threshold 0.1 and its default ridge alpha 0.05) and prints the median
wall time of `model.fit` end to end: derivative estimate, library, regression (case
sindy.lorenz; one warm-up fit, then the median of --repeats fits, as the Swift side).

    inductive discover simulate lorenz --samples 50000 --out lorenz50k.npy
    python3 bench/sindy_lorenz.py --data lorenz50k.npy
    inductive bench --group sindy --data lorenz50k.npy

Without --data the trajectory is integrated here with SciPy (rtol = atol = 1e-12).
Needs PySINDy (bench/requirements-main.txt; not a dependency of the project);
`scripts/bench-compare` installs it and runs both sides on the same data.
"""
import numpy as np

from timing import Recorder, arguments, check_repeats, median_seconds  # bench/timing.py


def lorenz_data(samples, dt):
    from scipy.integrate import solve_ivp

    def f(_, s):
        x, y, z = s
        return [10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z]

    t = np.arange(samples) * dt
    sol = solve_ivp(f, (0, t[-1]), [-8, 8, 27], t_eval=t, rtol=1e-12, atol=1e-12, method="RK45")
    return sol.y.T


def main():
    parser = arguments(__doc__)
    parser.add_argument("--data", help=".npy of shape (samples, 3)")
    parser.add_argument("--samples", type=int, default=50_000)
    parser.add_argument("--dt", type=float, default=0.002)
    args = parser.parse_args()
    check_repeats(parser, args)

    import pysindy as ps

    x = np.load(args.data) if args.data else lorenz_data(args.samples, args.dt)

    models = []

    def fit():
        model = ps.SINDy(optimizer=ps.STLSQ(threshold=0.1, alpha=0.05),
                         feature_library=ps.PolynomialLibrary(degree=2),
                         differentiation_method=ps.FiniteDifference(order=2))
        model.fit(x, t=args.dt, feature_names=["x", "y", "z"])
        models[:] = [model]

    t = median_seconds(args.repeats, fit)  # the first fit (imports, caches) is the warm-up
    models[0].print()
    print(f"pysindy {ps.__version__}: SINDy fit on {x.shape[0]} samples: median {t * 1e3:.2f} ms ({args.repeats} runs)")
    log = Recorder("bench/sindy_lorenz.py", "sindy")
    log.versions = {"pysindy": ps.__version__, "python-numpy": np.__version__}
    log.record("sindy.lorenz", "pysindy", t, args.repeats, samples=int(x.shape[0]))
    log.write(args.json)


if __name__ == "__main__":
    main()

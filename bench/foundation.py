"""NumPy side of `inductive bench --group tensor`: the same cases, printed the same way.

Cases (names as in `inductive bench --json`): matmul.256, matmul.1024, matmul.2048 (float64
n x n products), exp.1e7 and add.1e7 (elementwise on 1e7 float64). Run right after the Swift
benchmark on the same machine with the same --repeats and thread settings (the machine is
noisy: compare numbers from one sitting, pairwise); `scripts/bench-compare` does that.
"""
from timing import Recorder, arguments, check_repeats, median_seconds  # bench/timing.py

import numpy as np




def main():
    parser = arguments(__doc__)
    args = parser.parse_args()
    check_repeats(parser, args)
    repeats = args.repeats
    log = Recorder("bench/foundation.py", "tensor")
    log.versions = {"python-numpy": np.__version__}
    cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    print(f"NumPy {np.__version__}, BLAS: {cfg.get('name')} {cfg.get('version')}")
    rng = np.random.default_rng(0)
    for n in (256, 1024, 2048):
        a = rng.standard_normal((n, n))
        b = rng.standard_normal((n, n))
        t = median_seconds(repeats, lambda: a @ b)
        print(f"matmul n={n:<5d} {t * 1e3:8.2f} ms  {2 * n**3 / t * 1e-9:7.2f} GFLOP/s")
        log.record(f"matmul.{n}", "numpy", t, repeats)
    n = 10_000_000
    x = rng.standard_normal(n)
    y = rng.standard_normal(n)
    t = median_seconds(repeats, lambda: np.exp(x))
    print(f"exp   n=1e7    {t * 1e3:8.2f} ms  {t / n * 1e9:7.3f} ns/element")
    log.record("exp.1e7", "numpy", t, repeats)
    t = median_seconds(repeats, lambda: x + y)
    print(f"add   n=1e7    {t * 1e3:8.2f} ms  {t / n * 1e9:7.3f} ns/element")
    log.record("add.1e7", "numpy", t, repeats)
    log.write(args.json)


if __name__ == "__main__":
    main()

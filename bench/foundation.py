"""NumPy side of `inductive bench --group tensor`: the same cases, printed the same way.

Run right after the Swift benchmark on the same machine (the machine is noisy: compare
numbers from one sitting, pairwise).
"""
from timing import median_seconds  # bench/timing.py

import numpy as np




def main(repeats=5):
    cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    print(f"NumPy {np.__version__}, BLAS: {cfg.get('name')} {cfg.get('version')}")
    rng = np.random.default_rng(0)
    for n in (256, 1024, 2048):
        a = rng.standard_normal((n, n))
        b = rng.standard_normal((n, n))
        t = median_seconds(repeats, lambda: a @ b)
        print(f"matmul n={n:<5d} {t * 1e3:8.2f} ms  {2 * n**3 / t * 1e-9:7.2f} GFLOP/s")
    n = 10_000_000
    x = rng.standard_normal(n)
    y = rng.standard_normal(n)
    t = median_seconds(repeats, lambda: np.exp(x))
    print(f"exp   n=1e7    {t * 1e3:8.2f} ms  {t / n * 1e9:7.3f} ns/element")
    t = median_seconds(repeats, lambda: x + y)
    print(f"add   n=1e7    {t * 1e3:8.2f} ms  {t / n * 1e9:7.3f} ns/element")


if __name__ == "__main__":
    main()

"""neural-tangents side of `inductive bench --group ntk` (float64, CPU).

Run right after the Swift side, on the same machine, in the neural-tangents virtualenv
(`scripts/bench-compare` makes it under .bench-env/nt from bench/requirements-nt.txt and
runs both sides; by hand:)
    .build/release/inductive bench --group ntk
    .bench-env/nt/bin/python bench/ntk.py
Cases (names as in `inductive bench --json`; the same sizes as the Swift side; values
differ, timings do not depend on them):
- ntk.empirical.256, ntk.empirical.1024: empirical NTK of stax.serial(Dense(512,
  W_std=sqrt 2), Relu, Dense(512), Relu, Dense(1)), no bias (stax's default), inputs
  256 x 256 and 1024 x 1024 of dimension 64: NtkImplementation 3 (structured derivatives,
  the fastest), vmap_axes=0, jit-compiled; compile time excluded (one warm-up call); with
  --all-implementations also 1 (Jacobian contraction) and 2 (NTK-vector products) at 256
  (seconds per call: they never win); with --reference also the structured one with its
  default vmap_axes=None at 256 (slow); each is a case of its own ("variant") and
  `scripts/bench-compare` takes the fastest;
- ntk.analytic.2000: analytic NTK + NNGP of the depth-3 ReLU MLP (b_std 0.1), 2000 x 2000
  inputs of dimension 64, kernel_fn jit-compiled;
- ntk.gd-mse: predict.gradient_descent_mse on a 1000 x 1000 train kernel, train and test
  (500 points) outputs at 10 times, predictor built inside the timed call (its
  eigendecomposition is done on first use, as ours). Run eagerly (op by op),
  not jit-compiled as a whole, unlike the other JAX cases; the eigendecomposition dominates its time.
Medians of --repeats timed calls (default 5), as the Swift side.
"""
from timing import Recorder, arguments, check_repeats, median_seconds  # bench/timing.py

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402




def block(x):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready(), x)


def empirical(rng, repeats, log, reference, all_implementations):
    s = 2.0 ** 0.5
    init_fn, apply_fn, _ = stax.serial(stax.Dense(512, W_std=s), stax.Relu(), stax.Dense(512, W_std=s), stax.Relu(),
                                       stax.Dense(1, W_std=s))
    _, params = init_fn(jax.random.PRNGKey(0), (-1, 64))
    for n, implementations in ((256, (1, 2, 3) if all_implementations else (3,)), (1024, (3,))):
        x1 = jnp.asarray(rng.standard_normal((n, 64)))
        x2 = jnp.asarray(rng.standard_normal((n, 64)))
        for impl in implementations:
            fn = jax.jit(nt.empirical_ntk_fn(apply_fn, vmap_axes=0, implementation=impl))
            t = median_seconds(repeats, lambda: block(fn(x1, x2, params)))
            print(f"empirical NTK 64-512-512-1 relu  {n:4d} x {n:<4d}  implementation {impl}  {t * 1e3:8.2f} ms", flush=True)
            log.record(f"ntk.empirical.{n}", "neural-tangents", t, repeats, variant=f"implementation {impl}, vmap_axes=0")
        if n == 256 and reference:
            # For reference: the structured path with its default vmap_axes=None (at 1024 it
            # takes ~47 s per call here, so it is skipped there).
            fn = jax.jit(nt.empirical_ntk_fn(apply_fn, implementation=3))
            t = median_seconds(repeats, lambda: block(fn(x1, x2, params)))
            print(f"empirical NTK 64-512-512-1 relu  {n:4d} x {n:<4d}  implementation 3, no vmap_axes  {t * 1e3:8.2f} ms",
                  flush=True)
            log.record(f"ntk.empirical.{n}", "neural-tangents", t, repeats, variant="implementation 3, vmap_axes=None")


def analytic(rng, repeats, log):
    s = 2.0 ** 0.5
    layers = [stax.Dense(512, W_std=s, b_std=0.1)]
    for _ in range(3):
        layers += [stax.Relu(), stax.Dense(512, W_std=s, b_std=0.1)]
    _, _, kernel_fn = stax.serial(*layers)
    kernel_fn = jax.jit(kernel_fn, static_argnames="get")
    x1 = jnp.asarray(rng.standard_normal((2000, 64)))
    x2 = jnp.asarray(rng.standard_normal((2000, 64)))
    t = median_seconds(repeats, lambda: block(kernel_fn(x1, x2, get=("nngp", "ntk"))))
    print(f"analytic NTK+NNGP depth 3 relu   2000 x 2000  {t * 1e3:8.2f} ms", flush=True)
    log.record("ntk.analytic.2000", "neural-tangents", t, repeats)
    return kernel_fn


def gd_mse(rng, kernel_fn, repeats, log):
    x_train = jnp.asarray(rng.standard_normal((1000, 64)))
    x_test = jnp.asarray(rng.standard_normal((500, 64)))
    k_train = kernel_fn(x_train, None, get="ntk")
    k_test = kernel_fn(x_test, x_train, get="ntk")
    y = jnp.asarray(rng.standard_normal((1000, 1)))
    times = jnp.asarray([10.0 ** (i - 3) for i in range(10)])

    def run():
        predict = nt.predict.gradient_descent_mse(k_train, y, learning_rate=1.0)
        return block(predict(times, 0.0, 0.0, k_test))

    t = median_seconds(repeats, run)
    print(f"GD-MSE predictions 1000 train, 500 test, 10 times  {t * 1e3:8.2f} ms", flush=True)
    log.record("ntk.gd-mse", "neural-tangents", t, repeats)


def main():
    parser = arguments(__doc__)
    parser.add_argument("--reference", action="store_true",
                        help="also time the structured empirical NTK with vmap_axes=None at 256 (slow)")
    parser.add_argument("--all-implementations", action="store_true",
                        help="also time empirical NTK implementations 1 and 2 at 256 (slow)")
    args = parser.parse_args()
    check_repeats(parser, args)
    log = Recorder("bench/ntk.py", "ntk")
    log.versions = {"jax": jax.__version__, "python-numpy": np.__version__, "neural-tangents": nt.__version__}
    print("jax", jax.__version__, "devices", jax.devices())
    rng = np.random.default_rng(0)
    try:
        empirical(rng, args.repeats, log, args.reference, args.all_implementations)
        kfn = analytic(rng, args.repeats, log)
        gd_mse(rng, kfn, args.repeats, log)
    finally:
        log.write(args.json)


if __name__ == "__main__":
    main()

"""neural-tangents outputs for the tests of InductiveKernels (run once; outputs committed).

The tests compare with these numbers; neural-tangents is never a build or test dependency.
Setup: a virtualenv outside the repository, in a directory of your choice named by the
environment variable NT_VENV (TensorFlow makes the import take ~30 s):
    export NT_VENV="$HOME/.venvs/neural-tangents"
    python3 -m venv "$NT_VENV"
    "$NT_VENV/bin/pip" install "jax[cpu]==0.4.25" "jaxlib==0.4.25" "numpy<2" tf2jax==0.3.6 \
        neural-tangents==0.6.5 tensorflow-cpu
Usage (after scripts/make_kernel_fixtures.py, whose inputs it reuses):
    "$NT_VENV/bin/python" scripts/make_nt_fixtures.py
Writes to Tests/InductiveKernelsTests/Fixtures/:
- nt_analytic.npz: stax kernel_fn (nngp, ntk) for the configurations and inputs of
  analytic_mpmath.npz, on (x1, x2) and on (x1, None);
- nt_empirical.npz: two small MLPs (parameters W0, b0, ... as the CLI reads them, b of
  shape (fan_out,)), inputs, and empirical_ntk_fn / empirical_nngp_fn outputs: full
  (trace_axes=()) and default (trace_axes=(-1,), the mean over outputs);
- nt_gd_mse.npz: predict.gradient_descent_mse train and test outputs at several times,
  without and with diag_reg, and at t = None (infinity).
"""
import os

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402

HERE = os.path.join(os.path.dirname(__file__), "..", "Tests", "InductiveKernelsTests", "Fixtures")
ACTS = {0: None, 1: stax.Relu, 2: stax.Erf}


def mlp(act, depth, s, b, out=1):
    b_std = b if b > 0 else None
    layers = [stax.Dense(512, W_std=s, b_std=b_std)]
    for _ in range(depth):
        if ACTS[act] is not None:
            layers.append(ACTS[act]())
        layers.append(stax.Dense(512 if _ < depth - 1 else out, W_std=s, b_std=b_std))
    return stax.serial(*layers)


def analytic():
    src = np.load(os.path.join(HERE, "analytic_mpmath.npz"))
    x1, x2, configs = src["x1"], src["x2"], src["configs"]
    arrays = {}
    for c, (act, depth, s, b) in enumerate(configs):
        _, _, kernel_fn = mlp(int(act), int(depth), float(s), float(b))
        k12 = kernel_fn(jnp.asarray(x1), jnp.asarray(x2), ("nngp", "ntk"))
        k11 = kernel_fn(jnp.asarray(x1), None, ("nngp", "ntk"))
        arrays[f"c{c}_nngp12"], arrays[f"c{c}_ntk12"] = np.asarray(k12.nngp), np.asarray(k12.ntk)
        arrays[f"c{c}_nngp11"], arrays[f"c{c}_ntk11"] = np.asarray(k11.nngp), np.asarray(k11.ntk)
    np.savez(os.path.join(HERE, "nt_analytic.npz"), **arrays)


def empirical():
    rng = np.random.default_rng(7)
    arrays = {}
    nets = [
        ("relu_bias", [stax.Dense(16, W_std=1.5, b_std=0.2), stax.Relu(), stax.Dense(16, W_std=1.5, b_std=0.2),
                       stax.Relu(), stax.Dense(3, W_std=1.5, b_std=0.2)], 3),
        ("erf_nobias", [stax.Dense(12, W_std=1.3), stax.Erf(), stax.Dense(2, W_std=1.3)], 4),
    ]
    for name, layers, d in nets:
        init_fn, apply_fn, _ = stax.serial(*layers)
        _, params = init_fn(jax.random.PRNGKey(3), (-1, d))
        x1 = rng.standard_normal((5, d))
        x2 = rng.standard_normal((4, d))
        dense = [p for p in params if len(p) > 0]
        for l, p in enumerate(dense):
            arrays[f"{name}_W{l}"] = np.asarray(p[0])
            if len(p) > 1 and p[1] is not None:
                arrays[f"{name}_b{l}"] = np.asarray(p[1]).reshape(-1)
        arrays[f"{name}_x1"], arrays[f"{name}_x2"] = x1, x2
        full = nt.empirical_ntk_fn(apply_fn, trace_axes=(), implementation=nt.NtkImplementation.STRUCTURED_DERIVATIVES)
        mean = nt.empirical_ntk_fn(apply_fn, implementation=nt.NtkImplementation.JACOBIAN_CONTRACTION)
        arrays[f"{name}_ntk_full"] = np.asarray(full(x1, x2, params))
        arrays[f"{name}_ntk_mean"] = np.asarray(mean(x1, x2, params))
        arrays[f"{name}_ntk_mean11"] = np.asarray(mean(x1, None, params))
        arrays[f"{name}_nngp_mean"] = np.asarray(nt.empirical_nngp_fn(apply_fn)(x1, x2, params))
        arrays[f"{name}_outputs1"] = np.asarray(apply_fn(params, x1))
    np.savez(os.path.join(HERE, "nt_empirical.npz"), **arrays)


def gd_mse():
    rng = np.random.default_rng(11)
    n, m, k = 8, 3, 2
    feats = rng.standard_normal((n + m, 12))
    gram = feats @ feats.T / 12
    ktt, kst = gram[:n, :n], gram[n:, :n]
    y = rng.standard_normal((n, k))
    f0, f0t = 0.1 * rng.standard_normal((n, k)), 0.1 * rng.standard_normal((m, k))
    times = np.array([0.0, 0.3, 2.0, 10.0, 100.0])
    arrays = {"k_train": ktt, "k_test_train": kst, "y": y, "f0_train": f0, "f0_test": f0t, "times": times,
              "learning_rate": np.array(0.5), "diag_reg": np.array(0.1)}
    for tag, reg in (("plain", 0.0), ("reg", 0.1)):
        predict = nt.predict.gradient_descent_mse(ktt, y, learning_rate=0.5, diag_reg=reg)
        train, test = predict(times, f0, f0t, kst)
        arrays[f"{tag}_train"], arrays[f"{tag}_test"] = np.asarray(train), np.asarray(test)
        train_inf, test_inf = predict(None, f0, f0t, kst)
        arrays[f"{tag}_train_inf"], arrays[f"{tag}_test_inf"] = np.asarray(train_inf), np.asarray(test_inf)
    np.savez(os.path.join(HERE, "nt_gd_mse.npz"), **arrays)


if __name__ == "__main__":
    analytic()
    empirical()
    gd_mse()
    print("wrote nt_analytic.npz, nt_empirical.npz, nt_gd_mse.npz to", os.path.normpath(HERE))

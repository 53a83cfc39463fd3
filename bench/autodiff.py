"""NumPy and JAX sides of `inductive bench --group autodiff`.

One SGD step of an MLP 784-512-512-10 (ReLU, softmax cross-entropy, batch 128, float64):
forward, backward, update (case mlp.step, 4 x --repeats timed runs as the Swift side).
NumPy: a hand-written forward/backward. JAX: jax.grad under jit with x64 enabled (compile
time excluded: the warm-up call compiles), plus a Hessian-vector product of the same loss
(jvp of grad, forward-over-reverse; case mlp.hvp, 2 x --repeats runs).
Run right after the Swift benchmark on the same machine; `scripts/bench-compare` does that.
"""
from timing import Recorder, arguments, check_repeats, median_seconds  # bench/timing.py

import numpy as np




def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    sizes = [784, 512, 512, 10]
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params.append(rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in))
        params.append(np.zeros(fan_out))
    x = rng.standard_normal((128, 784))
    y = np.eye(10)[rng.integers(0, 10, 128)]
    return params, x, y


def numpy_step(params, x, y, lr=0.01):
    w1, b1, w2, b2, w3, b3 = params
    z1 = x @ w1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ w2 + b2
    h2 = np.maximum(z2, 0)
    logits = h2 @ w3 + b3
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = x.shape[0]
    loss = -(y * log_probs).sum() / n
    d_logits = (np.exp(log_probs) - y) / n
    g_w3 = h2.T @ d_logits
    g_b3 = d_logits.sum(axis=0)
    d_h2 = d_logits @ w3.T * (z2 > 0)
    g_w2 = h1.T @ d_h2
    g_b2 = d_h2.sum(axis=0)
    d_h1 = d_h2 @ w2.T * (z1 > 0)
    g_w1 = x.T @ d_h1
    g_b1 = d_h1.sum(axis=0)
    grads = [g_w1, g_b1, g_w2, g_b2, g_w3, g_b3]
    for p, g in zip(params, grads):
        p -= lr * g
    return loss


def main():
    parser = arguments(__doc__)
    args = parser.parse_args()
    check_repeats(parser, args)
    log = Recorder("bench/autodiff.py", "autodiff")
    log.versions = {"python-numpy": np.__version__}
    try:
        run(args.repeats, log)
    finally:
        log.write(args.json)


def run(repeats, log):
    params, x, y = make_problem()
    t = median_seconds(4 * repeats, lambda: numpy_step(params, x, y))
    print(f"numpy mlp step 784-512-512-10 batch 128  {t * 1e3:8.2f} ms")
    log.record("mlp.step", "numpy", t, 4 * repeats)
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("jax not installed: pip install 'jax[cpu]' to compare")
        return
    jax.config.update("jax_enable_x64", True)
    log.versions["jax"] = jax.__version__
    jparams = [jnp.asarray(p) for p in make_problem()[0]]
    jx, jy = jnp.asarray(x), jnp.asarray(y)

    def loss_fn(ps):
        h = jx
        for i in range(3):
            h = h @ ps[2 * i] + ps[2 * i + 1]
            if i < 2:
                h = jax.nn.relu(h)
        return -(jy * jax.nn.log_softmax(h, axis=1)).sum() / jx.shape[0]

    @jax.jit
    def step(ps):
        g = jax.grad(loss_fn)(ps)
        return [p - 0.01 * gi for p, gi in zip(ps, g)]

    state = {"p": jparams}

    def run_step():
        state["p"] = step(state["p"])
        jax.block_until_ready(state["p"])

    t = median_seconds(4 * repeats, run_step)
    print(f"jax   mlp step 784-512-512-10 batch 128  {t * 1e3:8.2f} ms  (jit, float64, compile excluded)")
    log.record("mlp.step", "jax", t, 4 * repeats)
    rng = np.random.default_rng(1)
    directions = [jnp.asarray(rng.standard_normal(p.shape)) for p in jparams]

    @jax.jit
    def hvp(ps, vs):
        return jax.jvp(jax.grad(loss_fn), (ps,), (vs,))[1]

    t = median_seconds(2 * repeats, lambda: jax.block_until_ready(hvp(jparams, directions)))
    print(f"jax   mlp hvp  784-512-512-10 batch 128  {t * 1e3:8.2f} ms")
    log.record("mlp.hvp", "jax", t, 2 * repeats)


if __name__ == "__main__":
    main()

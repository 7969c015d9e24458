#!/usr/bin/env python3
"""Discrete l2-SAM steps per second on a depth-2 linear diagonal network.

Reference numbers (NumPy and JAX, float64, one thread) for the SAMLab Swift
tool to print next to its own.  The step is defined in `numpy_run` /
`jax_step` and must stay identical to the Swift definition:

  data       one example (mu, +1), mu_j = (1 + (j-1)/(d-1)) / d, j = 1..d
  params     w1 = w2 = alpha = 0.5;  beta = w1 * w2;  z = <beta, mu>
  loss       l(z) = log(1 + exp(-z)),  l'(z) = -1 / (1 + exp(z))
  gradient   g1 = l'(z) mu w2,  g2 = l'(z) mu w1
  l2-SAM     eps = rho (g1, g2) / ||(g1, g2)||_2   (0 if the norm is 0)
             p = w + eps;  z' = <p1 p2, mu>
             w1 -= eta l'(z') mu p2;  w2 -= eta l'(z') mu p1
  eta = 0.1, rho = 0.05

Usage: bench_dynamics.py [--dims 6,1000,1000000] [--min-time 1.5]
                         [--impl numpy,jax] [--json]
"""

import os

# Thread limits are read when numpy/BLAS and XLA initialise, so they must be
# set before those imports; pinning the process as well catches any thread
# pool a library starts regardless of these knobs.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "")
    + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
).strip()
# Without this JAX probes for GPU/TPU plugins and warns; the bench is CPU-only.
os.environ.setdefault("JAX_PLATFORMS", "cpu")

PINNED_CPU = None
if hasattr(os, "sched_setaffinity"):  # Linux only; elsewhere rely on env vars
    PINNED_CPU = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {PINNED_CPU})

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

ALPHA = 0.5
ETA = 0.1
RHO = 0.05
CHECK_STEPS = 100
CHECK_RTOL = 1e-12
REPEATS = 3


def make_mu(d):
    # Written as in the definition (not np.linspace) so the values match the
    # Swift side bit for bit; d == 1 degenerates to mu = [1].
    j = np.arange(d, dtype=np.float64)
    return (1.0 + j / max(d - 1, 1)) / d


def init_params(d):
    return np.full(d, ALPHA), np.full(d, ALPHA)


# ---------------------------------------------------------------- NumPy ----

def dloss_scalar(z):
    # l'(z) = -sigmoid(-z) with a single exp of a non-positive argument, so it
    # never overflows; JAX uses the same expression to keep the two in step.
    e = math.exp(-abs(z))
    return -(e if z >= 0.0 else 1.0) / (1.0 + e)


class NumpySAM:
    """State plus scratch buffers, so a step allocates no arrays."""

    def __init__(self, d):
        self.mu = make_mu(d)
        self.w1, self.w2 = init_params(d)
        self.a = np.empty(d)
        self.b = np.empty(d)
        self.c = np.empty(d)

    def run(self, k):
        mu, w1, w2, a, b, c = self.mu, self.w1, self.w2, self.a, self.b, self.c
        mul, dot = np.multiply, np.dot
        for _ in range(k):
            mul(w1, w2, out=c)
            lp = dloss_scalar(float(dot(c, mu)))
            mul(mu, w2, out=a)
            a *= lp                                    # a = g1
            mul(mu, w1, out=b)
            b *= lp                                    # b = g2
            n = math.sqrt(float(dot(a, a)) + float(dot(b, b)))
            s = RHO / n if n > 0.0 else 0.0
            a *= s
            a += w1                                    # a = p1
            b *= s
            b += w2                                    # b = p2
            mul(a, b, out=c)
            f = ETA * dloss_scalar(float(dot(c, mu)))
            mul(mu, b, out=c)
            c *= f
            w1 -= c
            mul(mu, a, out=c)
            c *= f
            w2 -= c


def numpy_runner(d):
    sam = NumpySAM(d)
    # Python-loop overhead dominates small d; the batch only sets how often
    # the clock is read, so aim for roughly 0.1-0.3 s per batch.
    k = max(1, min(10_000, 10_000_000 // d))
    return (lambda: sam.run(k)), k


def numpy_trajectory(d, steps):
    sam = NumpySAM(d)
    sam.run(steps)
    return sam.w1, sam.w2


# ------------------------------------------------------------------ JAX ----

_JAX = None


def load_jax():
    """Import JAX lazily; returns the module bundle or raises ImportError."""
    global _JAX
    if _JAX is None:
        import functools

        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)

        def dloss(z):
            e = jnp.exp(-jnp.abs(z))
            return -jnp.where(z >= 0.0, e, 1.0) / (1.0 + e)

        def step(carry, mu):
            w1, w2 = carry
            lp = dloss(jnp.dot(w1 * w2, mu))
            g1 = mu * w2 * lp
            g2 = mu * w1 * lp
            n = jnp.sqrt(jnp.dot(g1, g1) + jnp.dot(g2, g2))
            s = jnp.where(n > 0.0, RHO / jnp.where(n > 0.0, n, 1.0), 0.0)
            p1 = g1 * s + w1
            p2 = g2 * s + w2
            f = ETA * dloss(jnp.dot(p1 * p2, mu))
            return (w1 - mu * p2 * f, w2 - mu * p1 * f)

        # mu is an argument rather than a closure constant: at d = 1e6 a
        # constant would be baked into the compiled program.
        @functools.partial(jax.jit, static_argnames="k")
        def run(w1, w2, mu, k):
            (w1, w2), _ = jax.lax.scan(
                lambda c, _: (step(c, mu), None), (w1, w2), None, length=k)
            return w1, w2

        _JAX = (jax, jnp, run)
    return _JAX


def jax_runner(d):
    jax, jnp, run = load_jax()
    mu = jnp.asarray(make_mu(d))
    state = [jnp.asarray(w) for w in init_params(d)]
    # One scan call per batch; long enough that dispatch cost is negligible
    # (100k steps at d=6, ~100 at d=1e6).
    k = max(1, min(100_000, 100_000_000 // d))

    def batch():
        state[0], state[1] = run(state[0], state[1], mu, k)
        state[0].block_until_ready()
        state[1].block_until_ready()

    return batch, k


def jax_trajectory(d, steps):
    jax, jnp, run = load_jax()
    w1, w2 = run(*(jnp.asarray(w) for w in init_params(d)),
                 jnp.asarray(make_mu(d)), steps)
    return np.asarray(w1), np.asarray(w2)


# -------------------------------------------------------------- harness ----

RUNNERS = {"numpy": numpy_runner, "jax": jax_runner}


def measure(batch, k, min_time):
    """Best of REPEATS measurements, each batching until min_time elapses."""
    batch()  # warm-up: JIT compilation, page faults, caches
    best = None
    for _ in range(REPEATS):
        steps = 0
        t0 = time.perf_counter()
        while True:
            batch()
            steps += k
            elapsed = time.perf_counter() - t0
            if elapsed >= min_time:
                break
        if best is None or steps / elapsed > best[0]:
            best = (steps / elapsed, elapsed, steps)
    return best


def check(d):
    """NumPy and JAX must agree on CHECK_STEPS steps from the init."""
    ref = numpy_trajectory(d, CHECK_STEPS)
    got = jax_trajectory(d, CHECK_STEPS)
    for name, r, g in zip(("w1", "w2"), ref, got):
        err = float(np.max(np.abs(r - g)) / np.max(np.abs(r)))
        if not err <= CHECK_RTOL:
            raise AssertionError(
                f"d={d}: numpy and jax {name} differ after {CHECK_STEPS} "
                f"steps: rel err {err:.3e} > {CHECK_RTOL:g}")
    print(f"check d={d}: numpy/jax agree after {CHECK_STEPS} steps; "
          f"w1[:3] = {ref[0][:3].tolist()}", file=sys.stderr)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dims", default="6,1000,1000000",
                   help="comma-separated dimensions (default: %(default)s)")
    p.add_argument("--min-time", type=float, default=1.5,
                   help="seconds per measurement (default: %(default)s)")
    p.add_argument("--impl", default="numpy,jax",
                   help="comma-separated subset of numpy,jax")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per line instead of a table")
    args = p.parse_args(argv)
    args.dims = [int(x) for x in args.dims.split(",") if x]
    args.impl = [x for x in args.impl.split(",") if x]
    for d in args.dims:
        if d < 1:
            p.error(f"dimension must be >= 1: {d}")
    for impl in args.impl:
        if impl not in RUNNERS:
            p.error(f"unknown impl {impl!r} (choose from numpy, jax)")
    return args


def main(argv=None):
    args = parse_args(argv)

    skipped = {}
    if "jax" in args.impl:
        try:
            jax = load_jax()[0]
            print(f"jax {jax.__version__} on {jax.devices()[0].platform}",
                  file=sys.stderr)
        except Exception as exc:  # ImportError, or a broken jaxlib install
            skipped["jax"] = f"jax not usable: {type(exc).__name__}: {exc}"
    print(f"numpy {np.__version__}; pinned to cpu {PINNED_CPU}",
          file=sys.stderr)

    if not args.json:
        print(f"{'impl':<6} {'d':>9} {'steps/s':>14} {'seconds':>8} "
              f"{'steps':>11}", flush=True)
    for d in args.dims:
        for impl in args.impl:
            if impl in skipped:
                row = {"impl": impl, "d": d, "skipped": skipped[impl]}
                print(json.dumps(row) if args.json
                      else f"{impl:<6} {d:>9} skipped: {skipped[impl]}",
                      flush=True)
                continue
            rate, secs, steps = measure(*RUNNERS[impl](d), args.min_time)
            if args.json:
                print(json.dumps({"impl": impl, "d": d,
                                  "steps_per_second": rate,
                                  "seconds": secs, "steps": steps}),
                      flush=True)
            else:
                print(f"{impl:<6} {d:>9} {rate:>14,.0f} {secs:>8.3f} "
                      f"{steps:>11,}", flush=True)
        # After the timed runs, so the check's compilation cannot skew them.
        if "numpy" in args.impl and "jax" in args.impl and not skipped:
            check(d)


if __name__ == "__main__":
    main()

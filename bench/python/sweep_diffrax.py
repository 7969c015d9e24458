#!/usr/bin/env python3
"""diffrax's Dopri5 + jax.vmap on the 10,000-point regime sweep of examples/bench-sweep.json (issue 17 target 5).

The problem is SAMLab's: the rescaled l2-SAM flow on the single example D_mu, mu = (1, ..., 6), depth 2, the product
parametrization w = (u, v), beta = u * v, started at u = v = alpha * 1 (SAMLab's `alpha` with one value is every
coordinate's initial weight). With g = (mu * v, mu * u) the gradient of z = <beta, mu> and N = ||g||_2 (both layers),
the perturbed weights are u' = u - rho mu v / N, v' = v - rho mu u / N, and the rescaled field (the gradient divided by
|l'|, THEORY.md §1.5 and §4.3) is du/ds = mu * v', dv/ds = mu * u'. The grid is SAMLab's: alpha log-spaced from 0.02
to 3, rho from 0.05 to 2, 100 values each (value k = from * (to / from) ** (k / 99)); point index = 100 i + j for
alpha_i, rho_j, as in the sweep. The end is SAMLab's: s = 20 or a terminal event, whichever comes first, with rtol =
1e-10 and atol = 1e-12 * alpha (SAMLab's defaults: atol is relative to the initial weight scale max_i |w_i(0)|).
Dopri5 with diffrax's PIDController at pcoeff = 0.4, icoeff = 0.3: SAMLab's PI controller (exponents 0.7/5 and
0.4/5), dt0 chosen by diffrax.

What this computes per point:
- the end: `blow-up` when ||w||_2 reaches 1e8 (SAMLab's default blow-up norm), `collapsed` when the smallest weight
  reaches 0, `completed` at s = 20 without either; the event time is root-found (Newton, 1e-12) on diffrax's dense
  interpolation;
- the relative leader (argmax_j of (d beta_j / ds) / |beta_j| over the growing coordinates, 0 when none grows: the rule
  of SAMLab's `FlowRunner.leaders`) at every accepted step's end (SaveAt(steps=True) with a function of the state,
  so only the leader is kept), and from its sequence the regime, with SAMLab's classifier (`Regime.observed`).
What it does not compute, which SAMLab does:
- leader switch times (SAMLab also samples every step's midpoint and bisects each change on the dense output to
  1e-13): a leader period shorter than one step is missed here;
- the absolute leaders, slides (a weight held at 0, Filippov), the check that every coordinate is pinned before
  "collapsed" (here the first weight to reach 0 ends the run), the blow-up time extrapolation, any summary (loss,
  margin, norm, beta) or per-point JSON record and its fsynced store.
Timing: the whole grid is one jit-compiled, vmapped call; the first call compiles, the second (and a third) are timed,
wall and CPU time of the process (CPU time is the fairer figure on a loaded machine; one thread: run it through bench/python/run_sweep.sh, which sets XLA_FLAGS, or pin it with taskset -c 0).

Prints one JSON line (impl, points, seconds, points_per_second, ...); with --out FILE, writes one JSON line per point
(index, alpha, rho, status, regime, leaders, event_time, steps) for bench/sweep/compare.py --agreement.
"""
import argparse
import json
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import diffrax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optimistix as optx  # noqa: E402

MU = jnp.arange(1.0, 7.0)
D = MU.shape[0]
END, BOUND, RTOL, ATOL = 20.0, 1e8, 1e-10, 1e-12
MAX_STEPS = 4096


def log_axis(start, stop, count):
    return [start * (stop / start) ** (k / (count - 1)) for k in range(count)]


ALPHAS = log_axis(0.02, 3.0, 100)
RHOS = log_axis(0.05, 2.0, 100)


def field(_s, w, rho):
    u, v = w[:D], w[D:]
    gu, gv = MU * v, MU * u
    norm = jnp.sqrt(jnp.sum(gu * gu) + jnp.sum(gv * gv))
    return jnp.concatenate([MU * (v - rho * gv / norm), MU * (u - rho * gu / norm)])


def leader(s, w, rho):
    """SAMLab's relative leader (1-based, 0 when nothing grows), as a float (saved per step)."""
    dw = field(s, w, rho)
    u, v, du, dv = w[:D], w[D:], dw[:D], dw[D:]
    beta, velocity = u * v, du * v + u * dv
    growth = jnp.where(beta > 0, velocity, jnp.where(beta < 0, -velocity, jnp.abs(velocity)))
    rate = jnp.where(beta == 0, jnp.inf, growth / jnp.abs(jnp.where(beta == 0, 1.0, beta)))
    rate = jnp.where(growth > 0, rate, -jnp.inf)
    return jnp.where(jnp.any(growth > 0), jnp.argmax(rate) + 1, 0).astype(jnp.float64)


def blow_up(t, y, args, **kwargs):  # noqa: ARG001 (diffrax passes them by name)
    return jnp.sqrt(jnp.sum(y * y)) / BOUND - 1  # O(1), so that Newton's test can be met in float64


def reaches_zero(t, y, args, **kwargs):  # noqa: ARG001
    return jnp.min(y) / args[1]  # relative to alpha (all weights start at alpha > 0)


def solve_point(alpha, rho):
    event = diffrax.Event([blow_up, reaches_zero], root_finder=optx.Newton(rtol=1e-12, atol=1e-12))
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(lambda s, w, args: field(s, w, args[0])), diffrax.Dopri5(), t0=0.0, t1=END, dt0=None,
        y0=jnp.full(2 * D, alpha), args=(rho, alpha),
        stepsize_controller=diffrax.PIDController(rtol=RTOL, atol=ATOL * alpha, pcoeff=0.4, icoeff=0.3),
        event=event, saveat=diffrax.SaveAt(t0=True, steps=True, fn=lambda s, w, args: leader(s, w, args[0])),
        max_steps=MAX_STEPS, throw=False)
    return sol.ts, sol.ys, sol.event_mask[0], sol.event_mask[1], sol.result == diffrax.RESULTS.successful, \
        sol.stats["num_steps"]


solve_grid = jax.jit(jax.vmap(solve_point))


def regime(status, order):
    """SAMLab's `Regime.observed` on D_mu with mu = (1, ..., 6) (the major coordinate is 6)."""
    if status == "collapsed":
        return "collapse"
    if not order:
        return "no-growth"
    if len(order) == 1:
        return "major-first" if order[0] == D else "single-minor"
    if all(a <= b for a, b in zip(order, order[1:])) and order[0] != D:
        return "minor-first"
    return "non-monotone"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="write one JSON line per point here")
    options = parser.parse_args()
    alpha = jnp.array([a for a in ALPHAS for _ in RHOS])
    rho = jnp.array([r for _ in ALPHAS for r in RHOS])
    start = time.perf_counter()
    jax.block_until_ready(solve_grid(alpha, rho))
    compile_seconds = time.perf_counter() - start
    timings, cpu = [], []
    for _ in range(2):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = jax.block_until_ready(solve_grid(alpha, rho))
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    ts, leaders, blew_up, reached_zero, ok, steps = (np.asarray(x) for x in out)
    statuses = {}
    if options.out:
        with open(options.out, "w") as f:
            for i in range(alpha.shape[0]):
                if blew_up[i]:
                    status = "blow-up"
                elif reached_zero[i]:
                    status = "collapsed"
                elif ok[i]:
                    status = "completed"
                else:
                    status = "stalled"  # max_steps or a solver failure
                statuses[status] = statuses.get(status, 0) + 1
                order = []
                for value in leaders[i]:
                    if not np.isfinite(value):
                        continue
                    j = int(value)
                    if j > 0 and (not order or order[-1] != j):
                        order.append(j)
                finite = ts[i][np.isfinite(ts[i])]
                event_time = float(finite[-1]) if status in ("blow-up", "collapsed") else None
                f.write(json.dumps({"index": i, "alpha": float(alpha[i]), "rho": float(rho[i]), "status": status,
                                    "regime": regime(status, order), "leaders": order, "event_time": event_time,
                                    "steps": int(steps[i])}) + "\n")
    seconds = timings[0]
    print(json.dumps({"impl": "diffrax-Dopri5-vmap", "points": int(alpha.shape[0]), "seconds": seconds,
                      "points_per_second": alpha.shape[0] / seconds, "cpu_seconds": cpu[0],
                      "third_call_seconds": timings[1], "third_call_cpu_seconds": cpu[1],
                      "compile_seconds": compile_seconds, "max_steps_taken": int(np.max(steps)),
                      "mean_steps": float(np.mean(steps)), "statuses": statuses,
                      "jax": jax.__version__, "diffrax": diffrax.__version__}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

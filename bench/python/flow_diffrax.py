#!/usr/bin/env python3
"""diffrax's Dopri8 on the flow benchmark problem of `samlab bench flow` (the problem of flow_scipy.py).

The rescaled l2-SAM flow on D_mu, mu = (4, ..., 8), rho = 1, depth 2, alpha = 0.5, integrated in float64 until
||w||_2 = 1e4 (a terminal event, located by Newton on diffrax's dense interpolation). For each tolerance the solve
is jit-compiled once; the reported time is the best of five later calls (the first call compiles). Evaluations are
steps times the new stages per step of the tableau (FSAL counted once), as diffrax does not count them.
The event is located to 1e-12 relative (Newton). The reference event time here is diffrax Dopri8 at rtol = atol =
1e-13; `samlab bench flow` recomputes every peer's error from `event_time` against one common reference. Prints one
JSON object per tolerance.
"""
import json
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import diffrax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optimistix as optx  # noqa: E402

MU = jnp.array([4.0, 5.0, 6.0, 7.0, 8.0])
RHO, ALPHA, BOUND = 1.0, 0.5, 1e4
D = MU.shape[0]


def field(_s, w, _args):
    u, v = w[:D], w[D:]
    gu, gv = MU * v, MU * u
    norm = jnp.sqrt(jnp.sum(gu * gu) + jnp.sum(gv * gv))
    return jnp.concatenate([MU * (v - RHO * gv / norm), MU * (u - RHO * gu / norm)])


def blow_up(t, y, args, **kwargs):  # noqa: ARG001 (diffrax passes them by name)
    # Scaled to O(1), so that Newton's test on |g| can be met in float64 (||w|| - 1e4 has ulps of 2e-12).
    return jnp.sqrt(jnp.sum(y * y)) / BOUND - 1


def make(tol):
    solver = diffrax.Dopri8()
    event = diffrax.Event(blow_up, root_finder=optx.Newton(rtol=1e-12, atol=1e-12))

    @jax.jit
    def solve():
        return diffrax.diffeqsolve(
            diffrax.ODETerm(field), solver, t0=0.0, t1=50.0, dt0=None, y0=jnp.full(2 * D, ALPHA),
            stepsize_controller=diffrax.PIDController(rtol=tol, atol=tol), event=event,
            saveat=diffrax.SaveAt(t1=True), max_steps=100_000)
    return solve


def stages_per_step():
    tableau = diffrax.Dopri8.tableau
    return tableau.num_stages - 1 if tableau.fsal else tableau.num_stages


reference = float(make(1e-13)().ts[-1])
for tol in [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11]:
    solve = make(tol)
    sol = solve()
    jax.block_until_ready(sol.ys)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        sol = solve()
        jax.block_until_ready(sol.ys)
        best = min(best, time.perf_counter() - start)
    t_event = float(sol.ts[-1])
    steps = int(sol.stats["num_steps"])
    print(json.dumps({"impl": "diffrax-Dopri8", "rtol": tol, "atol": tol,
                      "function_evaluations": steps * stages_per_step(), "steps": steps,
                      "accepted_steps": int(sol.stats["num_accepted_steps"]), "event_time": t_event,
                      "relative_error": abs(t_event - reference) / reference, "milliseconds": 1e3 * best,
                      "reference_event_time": reference}))
sys.stdout.flush()

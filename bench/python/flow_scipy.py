#!/usr/bin/env python3
"""scipy's solve_ivp (RK45 and DOP853) on the flow benchmark problem of `samlab bench flow`, for a work-precision comparison.

Problem (THEORY.md §3.8, Fig 3's setting): the rescaled l2-SAM flow on D_mu, mu = (4, 5, 6, 7, 8), rho = 1, depth 2,
product parametrization, both layers initialised to alpha = 0.5, logistic loss. State w = (u, v) in R^10:

  g      = l'(z) (mu v, mu u),  z = <u v, mu>          (gradient over both layers)
  w'     = w + rho g / ||g|| = w - rho (mu v, mu u) / ||(mu v, mu u)||   (l2 perturbation; l' < 0)
  dw/ds  = (mu v', mu u')                              (= -grad L(w') / |l'(z')|, the rescaled field)

integrated from s = 0 until ||w||_2 = 1e4 (a terminal event; the leaders have all switched by then).
The reference event time comes from DOP853 at rtol = atol = 1e-13. Prints one JSON object per method and tolerance.

function_evaluations is scipy's nfev: 2 at the start (f(t0) and the initial-step probe), then 12 per attempted DOP853
step (6 per RK45 step; rejected attempts included, since f(t_new, y_new) is evaluated before the error test), and
DOP853's 3 dense-output stages only where they are used: on the step where the event changes sign at the step's end
(solve_ivp checks events at step ends only), once per solve here. "scipy-DOP853-dense" is the same solve with
dense_output=True, which builds the dense output (3 more evaluations) on every step, as a trajectory that is read
between steps (leaders, recorded times, interior event samples) needs.
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

MU = np.array([4.0, 5.0, 6.0, 7.0, 8.0])
RHO, ALPHA, BOUND = 1.0, 0.5, 1e4
D = MU.size


def field(_s, w):
    u, v = w[:D], w[D:]
    # grad L = l'(z) (mu v, mu u) with l' < 0, so the ascent direction eps / rho is -(mu v, mu u) / norm.
    gu, gv = MU * v, MU * u
    norm = np.sqrt(np.sum(gu * gu) + np.sum(gv * gv))
    up, vp = (u - RHO * gu / norm, v - RHO * gv / norm) if norm > 0 else (u, v)
    return np.concatenate([MU * vp, MU * up])


def blow_up(_s, w):
    return np.linalg.norm(w) - BOUND


blow_up.terminal = True
blow_up.direction = 1

w0 = np.full(2 * D, ALPHA)
reference = solve_ivp(field, (0, 50), w0, method="DOP853", rtol=1e-13, atol=1e-13, events=blow_up)
t_ref = reference.t_events[0][0]
for method, dense in [("RK45", False), ("DOP853", False), ("DOP853", True)]:
    for tol in [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11]:
        start = time.perf_counter()
        sol = solve_ivp(field, (0, 50), w0, method=method, rtol=tol, atol=tol, events=blow_up, dense_output=dense)
        seconds = time.perf_counter() - start
        t_event = sol.t_events[0][0]
        print(json.dumps({"impl": "scipy-" + method + ("-dense" if dense else ""), "rtol": tol, "atol": tol, "function_evaluations": int(sol.nfev),
                          "steps": int(len(sol.t) - 1), "event_time": float(t_event),
                          "relative_error": abs(t_event - t_ref) / t_ref, "milliseconds": 1e3 * seconds,
                          "reference_event_time": float(t_ref)}))
sys.stdout.flush()

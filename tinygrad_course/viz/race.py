"""The lecture's "gradient descents a gogo": every optimizer from one start on a 2D surface.

``run_race("rosenbrock")`` runs SGD, momentum, Nesterov, Adagrad, RMSprop, Adam, NAdam and
damped Newton (``tc.optim`` classes) on a :mod:`surfaces` function, prints a table (final loss,
steps to tolerance) and draws one PNG of their paths over the contours.
"""
from __future__ import annotations

import math
import os
import time
from typing import Callable, Dict, Iterable, Optional

import numpy as np

from ..autograd import _array
from ._mpl import MPL_MISSING, have_matplotlib
from .surfaces import get_surface

__all__ = ["run_race", "lecture_iterate", "OPTIMIZERS", "LEARNING_RATES", "DEFAULT_STEPS"]

OPTIMIZERS = ("SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam", "NAdam", "Newton")

# Tuned by hand so that each optimizer makes visible progress from the surface's start point
# within DEFAULT_STEPS (and none diverges); momentum methods use momentum=0.9. Newton's lr is
# the step fraction gamma of W - gamma H^{-1} grad (with PyTorch-style damping lam I added
# until H + lam I is positive definite: that is what turns it away from the saddle point).
LEARNING_RATES: Dict[str, Dict[str, float]] = {
    # Momentum and Nesterov always share one lr (and momentum 0.9), so their paths compare the
    # methods, not the tuning; lr well inside Nesterov's stability limit (gamma lambda_max <
    # 2(1 + eta)/(1 + 2 eta), tighter than momentum's 2(1 + eta)), else Nesterov zigzags widest.
    "rosenbrock": {"SGD": 1e-3, "Momentum": 5e-4, "Nesterov": 5e-4, "Adagrad": 0.5,
                   "RMSprop": 3e-3, "Adam": 0.05, "NAdam": 0.02, "Newton": 1.0},
    # pure Newton (lr=1) jumps off Beale's plateau: half steps stay in the basin
    "beale": {"SGD": 0.01, "Momentum": 2e-3, "Nesterov": 2e-3, "Adagrad": 0.5,
              "RMSprop": 0.01, "Adam": 0.05, "NAdam": 0.05, "Newton": 0.5},
    "valley": {"SGD": 0.025, "Momentum": 0.025, "Nesterov": 0.025, "Adagrad": 0.5,
               "RMSprop": 0.01, "Adam": 0.1, "NAdam": 0.1, "Newton": 1.0},
    "saddle": {"SGD": 0.01, "Momentum": 0.01, "Nesterov": 0.01, "Adagrad": 0.1,
               "RMSprop": 0.01, "Adam": 0.05, "NAdam": 0.05, "Newton": 1.0},
}
DEFAULT_STEPS = {"rosenbrock": 3000, "beale": 3000, "valley": 1000, "saddle": 300}


def _optimizer(name: str, params, lr: float):
    from ..optim._named import named_optimizer

    if name not in OPTIMIZERS:
        raise ValueError(f"run_race: unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}")
    return named_optimizer(name.lower(), params, lr)


def lecture_iterate(opt, p) -> np.ndarray:
    """The lecture's iterate W for parameter ``p`` of a ``tc.optim.SGD`` (a copy, as a NumPy array).

    PyTorch's Nesterov SGD keeps the look-ahead point ``p = W - eta v`` (v the lecture's velocity
    ``v <- eta v + gamma grad f(W - eta v)``, ``W <- W - v``, and ``v = lr * momentum_buffer``), so
    ``W = p + momentum * lr * momentum_buffer``. For every other optimizer ``p`` is W itself.

    Example
    -------
    >>> p = tc.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = tc.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    >>> (p * p).sum().backward(); opt.step()
    >>> lecture_iterate(opt, p).round(6)  # W_1 = W_0 - gamma grad f(W_0); p holds W_1 - eta v_1
    array([0.8, 1.6], dtype=float32)
    >>> p.detach().numpy().round(6)
    array([0.62, 1.24], dtype=float32)
    """
    w = _array(p).copy()
    for group in getattr(opt, "param_groups", ()):
        if group.get("nesterov") and any(q is p for q in group["params"]):
            buf = opt.state.get(p, {}).get("momentum_buffer")
            if buf is not None:
                w = np.asarray(w + group["momentum"] * group["lr"] * _array(buf))  # 0-d stays an array
    return w


def _inside(p: np.ndarray, bounds) -> bool:
    (x0, x1), (y0, y1) = bounds
    return x0 <= p[0] <= x1 and y0 <= p[1] <= y1


def _run_one(surf, name: str, lr: float, steps: int, target: float) -> dict:
    """Run one optimizer until ``f <= target``, divergence, leaving the bounds, or ``steps`` steps."""
    import tinygrad_course as tc

    p = tc.tensor(np.array(surf.start, dtype=np.float64), requires_grad=True)
    opt = _optimizer(name, [p], lr)
    second_order = name == "Newton"

    def closure():
        opt.zero_grad()
        loss = surf(p)
        loss.backward(create_graph=second_order)
        return loss

    # the lecture's W (for Nesterov not PyTorch's look-ahead point): the path and losses are W's
    path = [lecture_iterate(opt, p)]
    losses = []
    reached = None
    status = "max steps"
    t0 = time.perf_counter()
    for t in range(steps + 1):
        with tc.no_grad():
            f = float(surf(tc.tensor(path[-1])).item())
        losses.append(f)
        if not math.isfinite(f):
            status = "diverged"
            break
        if f <= target:
            reached, status = t, "reached"
            break
        if surf.bounds is not None and not _inside(path[-1], surf.bounds):
            status = "left the domain"
            break
        if t == steps:
            break
        opt.step(closure)
        path.append(lecture_iterate(opt, p))
    return {"lr": lr, "path": np.array(path), "losses": np.array(losses), "final_loss": losses[-1],
            "steps_to_tol": reached, "steps": len(path) - 1, "status": status,
            "seconds": time.perf_counter() - t0}


def _table(surf, results: dict, target: float) -> str:
    goal = f"f <= {target:g}" if surf.f_min is not None else f"escape: f <= {target:g}"
    lines = [f"race on {surf.name} from ({surf.start[0]:g}, {surf.start[1]:g}), goal {goal}",
             f"{'optimizer':<10} {'lr':>8} {'final loss':>12} {'steps to tol':>13} {'time (s)':>9}  note"]
    for name, r in results.items():
        steps = "-" if r["steps_to_tol"] is None else str(r["steps_to_tol"])
        note = "" if r["status"] == "reached" else f"{r['status']} after {r['steps']} steps"
        lines.append(f"{name:<10} {r['lr']:>8.3g} {r['final_loss']:>12.4g} {steps:>13} "
                     f"{r['seconds']:>9.2f}  {note}")
    return "\n".join(lines)


def run_race(surface: str = "rosenbrock", out=".", steps: Optional[int] = None, tol: float = 1e-4,
             optimizers: Optional[Iterable[str]] = None, lrs: Optional[Dict[str, float]] = None,
             plot: bool = True, verbose: bool = True,
             on_result: Optional[Callable[[str, dict], None]] = None) -> Dict[str, dict]:
    """Race the optimizers on ``surface`` from one start; print a table, write ``race_<surface>.png``.

    Each optimizer runs until its loss is within ``tol`` of the minimum (for the saddle: until
    it escapes below f = -1), it diverges or leaves the domain, or ``steps`` steps (default
    per surface in ``DEFAULT_STEPS``). Returns ``{name: {"lr", "path" (T+1, 2), "losses",
    "final_loss", "steps_to_tol" (None if never), "steps", "status", "seconds"}}``. Without
    matplotlib the table is printed with a hint and no PNG is written. ``on_result(name, result)``
    is called as each optimizer finishes (the CLI writes ``race_<surface>.csv`` there, so an
    interrupted race keeps the optimizers done).

    Example
    -------
    >>> results = run_race("rosenbrock", out="docs")
    >>> results["Newton"]["steps_to_tol"]
    """
    surf = get_surface(surface)
    if steps is None:
        steps = DEFAULT_STEPS.get(surf.name, 2000)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"run_race: steps must be a positive int, got {steps!r}")
    if not isinstance(tol, (int, float)) or isinstance(tol, bool) or not tol > 0:
        raise ValueError(f"run_race: tol must be a positive number, got {tol!r}")
    names = list(OPTIMIZERS if optimizers is None else optimizers)
    for n in names:
        if n not in OPTIMIZERS:
            raise ValueError(f"run_race: unknown optimizer {n!r}; choose from {', '.join(OPTIMIZERS)}")
    rates = dict(LEARNING_RATES.get(surf.name, {}))
    rates.update(lrs or {})
    missing = [n for n in names if n not in rates]
    if missing:
        raise ValueError(f"run_race: no learning rate for {', '.join(missing)} on {surf.name}; pass lrs={{...}}")
    target = surf.target(tol)

    results = {}
    for n in names:
        results[n] = _run_one(surf, n, rates[n], int(steps), target)
        if on_result is not None:
            on_result(n, results[n])
    if verbose:
        print(_table(surf, results, target))
    if plot:
        if have_matplotlib():
            from .plots import plot_race

            png = os.path.join(os.fspath(out), f"race_{surf.name}.png")
            plot_race(surf, results, png, target=target)
            if verbose:
                print(f"wrote {os.path.normpath(png)}")
        elif verbose:
            print("no plot: " + MPL_MISSING.format(what="the race picture"))
    return results

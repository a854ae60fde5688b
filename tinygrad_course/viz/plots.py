"""Training curves and optimizer paths with matplotlib (optional: imported on first call)."""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

from ._mpl import pyplot, save
from .surfaces import Surface, get_surface

__all__ = ["plot_history", "plot_trajectories", "plot_losses", "plot_race"]


def _history_dict(history) -> Mapping[str, Sequence[float]]:
    h = getattr(history, "history", history)  # a keras History or a plain dict
    if not isinstance(h, Mapping):
        raise TypeError(f"plot_history: expected a dict of lists or a History, got {type(history).__name__}")
    return h


def plot_history(history, path=None, title: Optional[str] = None, dpi: int = 150):
    """Plot loss (and accuracy, when recorded) per epoch, train vs validation; return the Figure.

    ``history``: a keras ``History`` or a dict like ``{"loss": [...], "val_loss": [...],
    "accuracy": [...], "val_accuracy": [...]}``. With ``path`` the figure is saved there (PNG)
    and closed.

    Example
    -------
    >>> h = model.fit(x, y, epochs=5, validation_split=0.1)
    >>> plot_history(h, "curves.png")
    """
    h = _history_dict(history)
    panels = []
    for metric, aliases in (("loss", ("loss",)), ("accuracy", ("accuracy", "acc"))):
        train = next((k for k in aliases if k in h), None)
        val = next((f"val_{k}" for k in aliases if f"val_{k}" in h), None)
        if train or val:
            panels.append((metric, train, val))
    if not panels:
        raise ValueError(f"plot_history: no 'loss' or 'accuracy' in the history (keys: {sorted(h)})")
    for _, train, val in panels:
        for k in (train, val):
            if k is not None and len(h[k]) == 0:
                raise ValueError(f"plot_history: history[{k!r}] is empty")
    plt = pyplot("plot_history")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2), squeeze=False)
    for ax, (metric, train, val) in zip(axes[0], panels):
        for key, style, label in ((train, "-o", "train"), (val, "--s", "validation")):
            if key is None:
                continue
            y = np.asarray(h[key], dtype=float)
            ax.plot(np.arange(1, len(y) + 1), y, style, ms=3, label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        save(fig, path, dpi=dpi)
    return fig


def _levels(Z: np.ndarray, f_min, log: bool, n: int):
    if log:
        base = np.nanmin(Z) if f_min is None else f_min
        hi = np.nanpercentile(Z, 99)
        return base + np.logspace(-2, np.log10(max(hi - base, 1e-1)), n)
    return np.linspace(np.nanpercentile(Z, 1), np.nanpercentile(Z, 99), n)


def plot_trajectories(surface, paths: Mapping[str, Sequence], path=None, *, domain=None,
                      levels: int = 25, title: Optional[str] = None, ax=None, dpi: int = 150):
    """Contours of a 2D loss surface with each optimizer's path; return the Figure.

    ``surface``: a name ("rosenbrock", "beale", "saddle"), a :class:`Surface`, or a function of
    ``p`` (``p[0]``, ``p[1]`` numpy grids) with ``domain=((xmin, xmax), (ymin, ymax))``.
    ``paths``: name -> sequence of (x, y) points. With ``path`` the figure is saved and closed.

    Example
    -------
    >>> plot_trajectories("rosenbrock", {"Adam": adam_points, "SGD": sgd_points}, "race.png")
    """
    if isinstance(surface, (str, Surface)):
        surf = get_surface(surface)
        fn, dom, minima, f_min, log = surf.fn, domain or surf.domain, surf.minima, surf.f_min, surf.log_levels
        name = surf.name
    elif callable(surface):
        if domain is None:
            raise ValueError("plot_trajectories: a surface given as a function needs "
                             "domain=((xmin, xmax), (ymin, ymax))")
        fn, dom, minima, f_min, log, name = surface, domain, (), None, False, getattr(surface, "__name__", "")
    else:
        raise TypeError("plot_trajectories: surface must be a name, a Surface or a function, "
                        f"got {type(surface).__name__}")
    if not isinstance(paths, Mapping):
        raise TypeError(f"plot_trajectories: paths must be a dict name -> (T, 2) points, got {type(paths).__name__}")
    arrays = {}
    for k, pts in paths.items():
        a = np.asarray(pts, dtype=float)
        if a.ndim != 2 or a.shape[1] != 2 or len(a) == 0:
            raise ValueError(f"plot_trajectories: paths[{k!r}] must have shape (T, 2), got {a.shape}")
        arrays[k] = a

    plt = pyplot("plot_trajectories")
    (x0, x1), (y0, y1) = dom
    X, Y = np.meshgrid(np.linspace(x0, x1, 240), np.linspace(y0, y1, 240))
    with np.errstate(all="ignore"):
        Z = np.asarray(fn(np.stack([X, Y])), dtype=float)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.6, 5.0))
    else:
        fig = ax.figure
    cs = ax.contour(X, Y, Z, levels=_levels(Z, f_min, log, levels), cmap="viridis", linewidths=0.7, alpha=0.8)
    # the levels' values: without them the contours do not say how deep the valley is
    cbar = fig.colorbar(cs, ax=ax, pad=0.01, fraction=0.05)
    cbar.set_label("f(x, y) on each contour" + (" (log-spaced levels)" if log else ""))
    if log:
        cbar.ax.set_yscale("log")
    cmap = plt.get_cmap("tab10")
    for i, (k, a) in enumerate(arrays.items()):
        c = cmap(i % 10)
        ax.plot(a[:, 0], a[:, 1], "-", color=c, lw=1.6, label=k, alpha=0.9)
        ax.plot(a[-1, 0], a[-1, 1], "o", color=c, ms=5, mec="black", mew=0.5)
    if arrays:
        s = next(iter(arrays.values()))[0]
        ax.plot(s[0], s[1], "ks", ms=6, label="start")
    for m in minima:
        ax.plot(m[0], m[1], "*", color="gold", ms=14, mec="black", label="minimum")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or f"optimizers on {name}")
    # below the axes: inside it would hide the paths' ends near the minimum
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, framealpha=0.9)
    fig.tight_layout()
    if path is not None:
        save(fig, path, dpi=dpi)
    return fig


def plot_losses(curves: Mapping[str, Sequence[float]], ax=None, *, f_min: Optional[float] = None,
                target: Optional[float] = None, xlabel: str = "step", title: Optional[str] = None):
    """Loss against step for each run (log scale, ``f - f_min`` when the minimum is known); return the Axes.

    ``curves``: name -> losses (one per step, step 0 first). ``target``: a dotted line at the goal.

    Example
    -------
    >>> plot_losses({"SGD": sgd_losses, "Adam": adam_losses}, f_min=0.0)
    """
    plt = pyplot("plot_losses")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 3.6))
    cmap = plt.get_cmap("tab10")
    log = True
    for i, (k, y) in enumerate(curves.items()):
        y = np.asarray(y, dtype=float)
        if f_min is not None:
            y = np.maximum(y - f_min, 1e-16)  # exact zeros cannot be drawn on a log axis
        log = log and bool(np.all(y[np.isfinite(y)] > 0))
        ax.plot(np.arange(len(y)), y, "-", color=cmap(i % 10), lw=1.4, label=k)
    if target is not None:
        ax.axhline(target - (f_min or 0.0) if f_min is not None else target, color="k", ls=":", lw=0.8,
                   label="goal")
    if log:
        ax.set_yscale("log")
    # linear up to 10 steps, then log: Newton's 5 steps and SGD's 3000 both stay readable
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(left=0)
    ax.set_xlabel(xlabel + " (log scale beyond 10)")
    ax.set_ylabel("f - f*" if f_min is not None else "f")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title)
    return ax


def plot_race(surface, results: Mapping[str, Mapping], path=None, *, target: Optional[float] = None,
              dpi: int = 150):
    """One race's picture: the paths over labelled contours, and the loss against step; return the Figure.

    ``results``: what :func:`run_race` returns (``name -> {"path", "losses", "steps_to_tol"}``).

    Example
    -------
    >>> plot_race("rosenbrock", run_race("rosenbrock", plot=False), "race.png")
    """
    surf = get_surface(surface)
    plt = pyplot("plot_race")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5.4), gridspec_kw={"width_ratios": [1.35, 1]})
    label = {n: (f"{n} ({r['steps_to_tol']} steps)" if r.get("steps_to_tol") is not None else f"{n} (-)")
             for n, r in results.items()}
    plot_trajectories(surf, {label[n]: r["path"] for n, r in results.items()}, ax=ax1, levels=20,
                      title=f"{surf.name}: paths from the same start (steps to goal)")
    plot_losses({n: r["losses"] for n, r in results.items()}, ax=ax2, f_min=surf.f_min, target=target,
                title=f"{surf.name}: loss along each path")
    fig.tight_layout()
    if path is not None:
        save(fig, path, dpi=dpi)
    return fig

"""Training curves and optimizer paths with matplotlib (optional: imported on first call)."""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

from ._mpl import pyplot, save
from .surfaces import Surface, get_surface

__all__ = ["plot_history", "plot_trajectories"]


def _history_dict(history) -> Mapping[str, Sequence[float]]:
    h = getattr(history, "history", history)  # a keras History or a plain dict
    if not isinstance(h, Mapping):
        raise TypeError(f"plot_history: expected a dict of lists or a History, got {type(history).__name__}")
    return h


def plot_history(history, path=None, title: Optional[str] = None, dpi: int = 90):
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
                      levels: int = 25, title: Optional[str] = None, ax=None, dpi: int = 90):
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
    ax.contour(X, Y, Z, levels=_levels(Z, f_min, log, levels), cmap="viridis", linewidths=0.7, alpha=0.8)
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
    # outside the axes: inside it would hide the paths' ends near the minimum
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.9)
    fig.tight_layout()
    if path is not None:
        save(fig, path, dpi=dpi)
    return fig

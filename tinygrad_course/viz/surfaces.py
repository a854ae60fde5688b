"""2D loss surfaces for optimizer races: Rosenbrock's valley, Beale's plateaus, a saddle, a quadratic valley.

Each function takes ``p`` of shape ``(2, ...)``: a tc Tensor of shape (2,) (differentiable) or
a numpy array of shape (2, H, W) (for contour plots), and returns ``f(p[0], p[1])``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

__all__ = ["Surface", "rosenbrock", "beale", "saddle", "valley", "SURFACES", "get_surface"]


def rosenbrock(p, a: float = 1.0, b: float = 100.0):
    """Rosenbrock's banana valley: ``f(x, y) = (a - x)^2 + b (y - x^2)^2``; minimum 0 at (a, a^2)."""
    x, y = p[0], p[1]
    return (a - x) ** 2 + b * (y - x * x) ** 2


def beale(p):
    """Beale's function: ``(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2``;
    minimum 0 at (3, 0.5), flat plateaus and steep walls elsewhere."""
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2


def valley(p, kappa: float = 20.0):
    """An ill-conditioned quadratic valley: ``f(x, y) = (x^2 + kappa y^2) / 2``; minimum 0 at (0, 0).

    The Hessian's eigenvalues are 1 (along the valley floor y = 0) and ``kappa`` (across it):
    a step that suits the steep side is tiny along the floor, the picture of momentum's use."""
    x, y = p[0], p[1]
    return 0.5 * (x * x + kappa * y * y)


def saddle(p):
    """A saddle: ``f(x, y) = x^2 - y^2``, stationary at (0, 0) but unbounded below, so the race
    watches it on the bounded square [-1.5, 1.5]^2 and counts the steps to escape (f < -1)."""
    x, y = p[0], p[1]
    return x * x - y * y


@dataclass(frozen=True)
class Surface:
    """A surface with what a race needs: where to start, what to plot, what counts as arrived.

    ``target``: an optimizer has "arrived" once ``f <= target`` (``f_min + tol`` for surfaces
    with a minimum, an escape level for the saddle). ``bounds``: leaving this box stops a run.
    """

    name: str
    fn: Callable
    start: Tuple[float, float]
    domain: Tuple[Tuple[float, float], Tuple[float, float]]
    minima: Tuple[Tuple[float, float], ...]
    f_min: Optional[float]
    escape: Optional[float] = None  # for surfaces without a minimum: f below this = escaped
    log_levels: bool = True  # contour levels spaced in log(f - f_min)
    bounds: Optional[Tuple[Tuple[float, float], Tuple[float, float]]] = None

    def __call__(self, p):
        return self.fn(p)

    def target(self, tol: float) -> float:
        """Loss counted as arrived: ``f_min + tol``, or the escape level when there is no minimum."""
        return self.f_min + tol if self.f_min is not None else self.escape

    def grid(self, n: int = 200):
        """``(X, Y, Z)`` on an ``n x n`` grid over the domain, for contour plots."""
        (x0, x1), (y0, y1) = self.domain
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.fn(np.stack([X, Y]))


SURFACES = {
    "rosenbrock": Surface("rosenbrock", rosenbrock, start=(-1.5, 2.0), domain=((-2.0, 2.0), (-3.0, 3.0)),
                          minima=((1.0, 1.0),), f_min=0.0, bounds=((-10, 10), (-10, 10))),
    "beale": Surface("beale", beale, start=(0.7, 1.4), domain=((-1.0, 4.0), (-1.5, 2.0)),
                     minima=((3.0, 0.5),), f_min=0.0, bounds=((-4.5, 4.5), (-4.5, 4.5))),
    "valley": Surface("valley", valley, start=(-4.0, 1.0), domain=((-5.0, 1.5), (-1.5, 1.5)),
                      minima=((0.0, 0.0),), f_min=0.0, bounds=((-10, 10), (-10, 10))),
    "saddle": Surface("saddle", saddle, start=(1.0, 1e-3), domain=((-1.5, 1.5), (-1.5, 1.5)),
                      minima=(), f_min=None, escape=-1.0, log_levels=False,
                      bounds=((-1.5, 1.5), (-1.5, 1.5))),
}


def get_surface(surface) -> Surface:
    """A :class:`Surface` from its name ("rosenbrock", "beale", "saddle", "valley") or a Surface."""
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str) and surface.lower() in SURFACES:
        return SURFACES[surface.lower()]
    raise ValueError(f"unknown surface {surface!r}; choose one of {', '.join(SURFACES)}")

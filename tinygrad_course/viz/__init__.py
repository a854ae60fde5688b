"""Seeing it: the tape as a graph (``draw_graph``, ``render``), training curves, and
optimizer paths on 2D loss surfaces (``plot_trajectories``, ``run_race``).

Graphviz's ``dot`` is needed only to render drawings to files; matplotlib only for plots.
"""
from .backward import draw_backward
from .graph import draw_graph
from .modules import ModuleTrace, trace_modules
from .plots import plot_history, plot_trajectories
from .race import run_race
from .render import render
from . import surfaces
from .surfaces import SURFACES, Surface, beale, rosenbrock, saddle

__all__ = ["draw_graph", "trace_modules", "ModuleTrace", "draw_backward", "render", "plot_history",
           "plot_trajectories", "run_race", "surfaces", "SURFACES", "Surface", "rosenbrock", "beale", "saddle"]

"""What ``train`` writes beside the model in a run folder: history.csv, curves.png, the graph."""
import csv
import io
import os
import shutil
from typing import Dict, List, Optional, Tuple

import numpy as np

from . import nn
from .autograd.factories import from_numpy
from .nn import functional as F
from .utils.atomic import atomic_write

CURVES = "curves.png"  # the run folder's picture of the history (cli_train.RUN_FILES)


def _history_csv(history: Dict[str, List[float]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    keys = list(history)
    w.writerow(["epoch"] + keys)
    for i in range(len(history[keys[0]])):
        w.writerow([i + 1] + [f"{history[k][i]:.6g}" for k in keys])
    return buf.getvalue()


def _draw_graph(model: nn.Module, x: np.ndarray, y: np.ndarray, out: str) -> Tuple[str, Optional[str]]:
    """Draw one batch's loss graph (with gradient norms); SVG with ``dot``, else the .gv source and a hint."""
    from . import viz

    model.zero_grad()
    loss = F.cross_entropy(model(from_numpy(x)), from_numpy(y))
    loss.backward()
    graph = viz.draw_graph(loss, params=dict(model.named_parameters()), show_grads=True)
    model.zero_grad()
    if shutil.which("dot"):
        try:
            return viz.render(graph, os.path.join(out, "graph"), format="svg"), None
        except RuntimeError:
            pass
    path = os.path.join(out, "graph.gv")
    atomic_write(path, graph.source)
    return path, ("Graphviz's 'dot' was not found: wrote the graph source graph.gv; install Graphviz and run "
                  f"`dot -Tsvg {path} -o {os.path.join(out, 'graph.svg')}` to draw it")


def _plot(history: Dict[str, List[float]], out: str, title: str) -> Tuple[Optional[str], Optional[str]]:
    from .viz._mpl import have_matplotlib

    if not have_matplotlib():
        return None, ("matplotlib is not installed: the curves are in history.csv; "
                      "`pip install matplotlib` to get curves.png")
    from . import viz
    from .viz._mpl import pyplot, save

    fig = viz.plot_history(history, None, title=title)
    # one name for the held-out split everywhere: 'val' (history.csv's val_*, the bar, the printed line)
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_label() == "validation":
                line.set_label("val")
        if ax.get_legend() is not None:
            ax.legend()
    path = os.path.join(out, CURVES)
    try:
        save(fig, path)
    finally:
        pyplot("train").close(fig)
    return path, None

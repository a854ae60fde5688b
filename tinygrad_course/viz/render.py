"""``render``: write a ``graphviz.Digraph`` to SVG/PNG/PDF with Graphviz's ``dot`` program."""
from __future__ import annotations

import os

from ..utils.atomic import atomic_write

__all__ = ["render", "DOT_MISSING"]

DOT_MISSING = (
    "render: Graphviz's 'dot' executable was not found on PATH, so the graph cannot be drawn to "
    "{fmt}. Install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install "
    "graphviz; conda: conda install graphviz) or keep the DOT text: graph.source (or "
    "graph.save('graph.gv')) works without it."
)


def render(graph, path, format: str = "svg") -> str:
    """Render ``graph`` (a ``graphviz.Digraph``, e.g. from ``draw_graph``) to ``path``; return the path.

    ``format`` is any Graphviz output format ("svg", "png", "pdf"); ``.{format}`` is appended to
    ``path`` unless it already ends with it. The file is written atomically (no partial file; folders
    are created; the mode is the one ``open()`` gives).
    Raises ``RuntimeError`` with install instructions when ``dot`` is missing.

    Example
    -------
    >>> render(draw_graph(loss), "docs/graph", format="svg")
    'docs/graph.svg'
    """
    import graphviz

    if not hasattr(graph, "pipe") or not hasattr(graph, "source"):
        raise TypeError(f"render: expected a graphviz.Digraph (e.g. from draw_graph), got {type(graph).__name__}")
    if not isinstance(format, str) or not format:
        raise ValueError(f"render: format must be a Graphviz format name such as 'svg' or 'png', got {format!r}")
    path = os.fspath(path)
    if not path.lower().endswith("." + format.lower()):
        path = f"{path}.{format}"
    try:
        data = graph.pipe(format=format)
    except graphviz.ExecutableNotFound as e:
        raise RuntimeError(DOT_MISSING.format(fmt=format)) from e
    except graphviz.CalledProcessError as e:
        raise RuntimeError(f"render: dot failed to write {format!r}: {e}") from e
    except ValueError as e:  # unknown format, raised by the graphviz package before running dot
        raise ValueError(f"render: {e}") from None
    atomic_write(path, data, makedirs=True)
    return path

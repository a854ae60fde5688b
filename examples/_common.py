"""What the examples share: the --out/--quick command line, saving a matplotlib figure or a graph."""
import argparse
import os

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "docs")


def example_parser(doc, out_help, quick_help="a fast smoke run"):
    """An ArgumentParser described by the first line of ``doc``, with ``--out`` (default docs/) and ``--quick``."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--out", default=DOCS, help=f"{out_help} (default: docs/)")
    ap.add_argument("--quick", action="store_true", help=quick_help)
    return ap


def pyplot(agg=False):
    """``matplotlib.pyplot`` (with the file-only Agg backend if ``agg``), or None and a hint if it is missing."""
    try:
        import matplotlib

        if agg:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing (pip install matplotlib): no picture")
        return None
    return plt


def save_figure(fig, path, dpi=150):
    """Lay out ``fig``, write it to ``path`` (via a temporary file: never half-written), close it; return ``path``."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=dpi)
    os.replace(tmp, path)
    plt.close(fig)
    return path


def save_graph(graph, out, name):
    """Render ``graph`` to ``<out>/<name>.svg``, or save its DOT source ``<name>.gv`` with a hint where
    Graphviz's ``dot`` is missing; print and return the path written."""
    from tinygrad_course.viz import render

    os.makedirs(out, exist_ok=True)
    try:
        path = render(graph, os.path.join(out, name + ".svg"))
    except RuntimeError as e:
        path = graph.save(os.path.join(out, name + ".gv"))
        print(f"({e.args[0].split('.')[0]}: wrote the DOT source instead)")
    print(f"wrote {os.path.normpath(path)}")
    return path

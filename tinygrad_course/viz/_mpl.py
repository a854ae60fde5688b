"""matplotlib, imported only when a plot is asked for (it is an optional dependency)."""
from __future__ import annotations

MPL_MISSING = (
    "{what} needs matplotlib, an optional dependency of tinygrad_course: "
    "pip install matplotlib  (or pip install 'tinygrad_course[plot]')"
)


def pyplot(what: str):
    """Return ``matplotlib.pyplot`` or raise ImportError naming the install command."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(MPL_MISSING.format(what=what)) from e
    # (without a display, matplotlib itself falls back to the off-screen Agg backend)
    import matplotlib.pyplot as plt

    return plt


def have_matplotlib() -> bool:
    """True when matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def save(fig, path, dpi: int = 90) -> str:
    """Save ``fig`` to ``path`` (atomically, folders created) and close it; return the path."""
    import os

    from ..utils.atomic import atomic_write

    path = os.fspath(path)
    ext = os.path.splitext(path)[1] or ".png"
    try:
        atomic_write(path, lambda f: fig.savefig(f, dpi=dpi, bbox_inches="tight", format=ext[1:]), makedirs=True)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return path

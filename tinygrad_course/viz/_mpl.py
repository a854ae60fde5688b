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
    import tempfile

    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    ext = os.path.splitext(path)[1] or ".png"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".plot-", suffix=ext)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=ext[1:])
        from .render import default_file_mode

        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
        import matplotlib.pyplot as plt

        plt.close(fig)
    return path

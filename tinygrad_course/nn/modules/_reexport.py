"""Copy classes that another file of ``tinygrad_course.nn`` may or may not define yet."""
import importlib


def reexport(namespace: dict, source: str, names: list) -> list:
    """Put ``names`` from ``tinygrad_course.nn.<source>`` into ``namespace`` if that file (and the
    name) exists; return the names found (the caller's ``__all__`` part)."""
    try:
        mod = importlib.import_module(f"tinygrad_course.nn.{source}")
    except ImportError:
        return []
    found = [n for n in names if hasattr(mod, n)]
    namespace.update({n: getattr(mod, n) for n in found})
    return found

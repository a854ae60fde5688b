"""``detect_anomaly``: name the op (and where it was created) that produced a NaN or inf."""
import traceback

import numpy as np

from .grad_mode import _Mode


class detect_anomaly:
    """Context manager (and decorator): raise ``RuntimeError`` at the first NaN/inf an op produces
    in forward or backward, naming the op and the line that created it.

    With ``check_nan=False`` (as PyTorch) nothing is checked, but every op recorded inside keeps
    where it was created: ``tc.autograd.backward_steps`` then shows each node's line.

    >>> with tc.autograd.detect_anomaly():
    ...     y = (tc.tensor([0.0], requires_grad=True) / 0).sum()
    Traceback (most recent call last):
    RuntimeError: Function 'Div' produced nan values in its 0th output ...
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = _Mode.anomaly, _Mode.check_nan
        _Mode.anomaly, _Mode.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        _Mode.anomaly, _Mode.check_nan = self._prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.__class__(self.check_nan):
                return fn(*a, **k)

        return wrapper


class set_detect_anomaly(detect_anomaly):
    """Turn anomaly detection on or off (function call or context manager).

    >>> with tc.autograd.set_detect_anomaly(True):
    ...     print(tc.autograd.is_anomaly_enabled())
    True
    >>> tc.autograd.is_anomaly_enabled()
    False
    """

    def __init__(self, mode, check_nan=True):
        self.check_nan = bool(mode) and check_nan
        self._prev = _Mode.anomaly, _Mode.check_nan
        _Mode.anomaly, _Mode.check_nan = bool(mode), self.check_nan

    def __enter__(self):
        pass


def is_anomaly_enabled():
    """True inside ``detect_anomaly`` (in this thread).

    >>> tc.autograd.is_anomaly_enabled()
    False
    >>> with tc.autograd.detect_anomaly():
    ...     print(tc.autograd.is_anomaly_enabled())
    True
    """
    return _Mode.anomaly


def is_anomaly_check_nan_enabled():
    """True when anomaly mode also checks every result for NaN/inf.

    >>> tc.autograd.is_anomaly_check_nan_enabled()
    False
    """
    return _Mode.check_nan


def _bad(a):
    return a is not None and a.dtype.kind == "f" and not np.isfinite(a).all()


def _where(node):
    return f"\nThe op was created at (most recent call last):\n{node._trace}" if node._trace else ""


def record_forward(node, arrays):
    """Anomaly mode's part of recording an op: where it was made (shown if its backward fails)
    and, with ``check_nan``, a NaN/inf check of its outputs."""
    # the last frames are the user's; the ones above are the test runner's or the REPL's
    node._trace = "".join(traceback.format_stack()[-14:-4])
    if _Mode.check_nan:
        check_forward(node, arrays)


def check_forward(node, arrays):
    for i, a in enumerate(arrays):
        if _bad(a):
            kind = "nan" if np.isnan(a).any() else "inf"
            raise RuntimeError(
                f"Function '{node._fn.__name__}' produced {kind} values in its {i}th output "
                f"(forward, output shape {tuple(a.shape)}).{_where(node)}"
            )


def check_backward(node, grads):
    for i, g in enumerate(grads):
        a = getattr(g, "_data", g)
        if isinstance(a, np.ndarray) and _bad(a):
            kind = "nan" if np.isnan(a).any() else "inf"
            raise RuntimeError(
                f"Function '{node.name()}' returned {kind} values in its {i}th output.{_where(node)}"
            )

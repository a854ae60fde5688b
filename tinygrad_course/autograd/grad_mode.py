"""Grad modes: whether operations are recorded on the tape, per thread (as PyTorch).

Everything the engine keeps between calls lives in ``_Mode``, a ``threading.local``: one
thread's ``no_grad`` or ``detect_anomaly`` never switches recording in another, and a backward
in one thread (which turns recording off or on for ``create_graph``) leaves the others alone.
"""
import functools
from typing import Any
import threading


RECORD, NO_GRAD, GENERAL = 0, 1, 2  # the values of ``_Mode.path``


class _ModeState(threading.local):
    # class attributes are each new thread's defaults; assignments are per thread
    enabled = True  # record operations on the tape
    anomaly = False  # anomaly mode: every recorded op keeps where it was created
    check_nan = False  # ... and every forward and backward is checked for NaN/inf
    # inside a plain backward (no create_graph): built-ins' formulas run on ndarrays and their
    # ``ctx.saved_tensors`` are arrays; the engine sets it, with ``enabled``, in one place
    arrays = False
    # ``tc.compile``'s tracer while it records a call (``tinygrad_course/compile``), else None;
    # ``Function.apply`` and ``run_backward`` hand the work to it when set
    tracer = None
    # what ``Function.apply`` does, from the one per-thread read it makes per op (a thread-local
    # read costs a dozen plain ones): RECORD, NO_GRAD (grad mode off, nothing else on) or
    # GENERAL (anomaly mode or a tracer); every assignment keeps it up to date
    path = RECORD

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        path = GENERAL if self.anomaly or self.tracer is not None else RECORD if self.enabled else NO_GRAD
        super().__setattr__("path", path)


_Mode = _ModeState()


def is_grad_enabled():
    """True when operations are being recorded.

    >>> tc.is_grad_enabled()
    True
    """
    return _Mode.enabled


class _GradModeContext:
    """Base for grad-mode switches usable as context managers and as decorators."""

    _target = True

    def __enter__(self) -> None:
        self._prev = _Mode.enabled
        _Mode.enabled = self._target

    def __exit__(self, *exc: Any) -> bool:
        _Mode.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = _Mode.enabled
            _Mode.enabled = self._target
            try:
                return fn(*args, **kwargs)
            finally:
                _Mode.enabled = prev

        return wrapper


class no_grad(_GradModeContext):
    """Do not record operations (``with tc.no_grad():``, ``@tc.no_grad()`` or ``@tc.no_grad``).

    >>> x = tc.ones(2, requires_grad=True)
    >>> with tc.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _target = False

    def __new__(cls, orig_func: Any = None) -> Any:
        self = super().__new__(cls)
        # bare ``@no_grad`` hands us the function itself
        return self(orig_func) if callable(orig_func) else self

    def __init__(self, orig_func: Any = None) -> None:
        pass


class enable_grad(no_grad):
    """Record operations again inside a ``no_grad`` block.

    >>> x = tc.ones(2, requires_grad=True)
    >>> with tc.no_grad():
    ...     with tc.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    _target = True


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off: as a function call, a context manager or a decorator.

    >>> x = tc.ones(2, requires_grad=True)
    >>> with tc.set_grad_enabled(False):
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): mode must be a bool, got {type(mode).__name__}")
        self._target = mode
        self._prev = _Mode.enabled
        # like PyTorch, calling it as a plain function switches the mode at once
        _Mode.enabled = mode

    def __enter__(self):
        _Mode.enabled = self._target

    def __exit__(self, *exc: Any) -> bool:
        _Mode.enabled = self._prev
        return False

    def __call__(self, fn):
        _Mode.enabled = self._prev
        target = self._target

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = _Mode.enabled
            _Mode.enabled = target
            try:
                return fn(*args, **kwargs)
            finally:
                _Mode.enabled = prev

        return wrapper


class inference_mode(_GradModeContext):
    """Alias of ``no_grad`` (PyTorch's faster variant; here they cost the same).

    >>> with tc.inference_mode():
    ...     y = tc.ones(2, requires_grad=True) * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, mode=True):
        self._target = not mode

"""Side effects outside the tape, made visible to ``tc.compile``.

Some library code changes tensors in place on their raw arrays, not through ops: an optimizer
step, ``zero_grad``, gradient clipping, BatchNorm's running statistics, dropout's random mask.
The tape never sees that work, so a program recorded from the tape alone would skip it.
``replayed`` marks such a function: eagerly it is just called (one thread-local read more);
while ``tc.compile`` traces, the call is recorded and the compiled program calls it again,
with the same arguments, at the same point of every replay.
"""
import functools
from collections.abc import Callable
from typing import Any

from .grad_mode import _Mode


def replayed(fn: Callable) -> Callable:
    """Mark ``fn`` (which changes tensors in place outside the tape, or draws random numbers)
    as a call ``tc.compile`` records and calls again on every replay.

    Args:
        fn: the function; its tensor arguments are the persistent objects it updates
            (parameters, buffers) or tensors computed earlier in the traced function.

    >>> @replayed
    ... def bump(counter): counter.add_(1)
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tracer = _Mode.tracer
        if tracer is None:
            return fn(*args, **kwargs)
        return tracer.call(fn, args, kwargs)

    wrapper.__replayed__ = fn
    return wrapper


def not_replayable(what: str) -> None:
    """Tell ``tc.compile`` (when tracing) that the running code cannot be replayed: it refuses
    with an error naming ``what`` (or falls back to eager with ``fullgraph=False``).

    Args:
        what: the construct, e.g. ``"BatchNorm with momentum=None"``.

    >>> not_replayable("my data-dependent branch")  # a no-op outside tc.compile
    """
    tracer = _Mode.tracer
    if tracer is not None:
        tracer.refuse(what)

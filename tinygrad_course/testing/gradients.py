"""``check_gradients``: ``gradcheck`` (and ``gradgradcheck``) over Hypothesis-drawn inputs."""
from typing import Callable

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..autograd import _array
from ..autograd.tensor import Tensor
from ..autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck


def describe_inputs(inputs) -> str:
    """One line per input: shape, dtype and the exact values (pasteable into ``tc.tensor``)."""
    lines = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            a = _array(x)
            vals = np.array2string(a, separator=", ", threshold=10_000, max_line_width=100,
                                   formatter={"float_kind": lambda v: repr(float(v))} if a.dtype.kind == "f" else None)
            vals = vals.replace("\n", "\n" + " " * 12)
            lines.append(f"  input {i}: shape {tuple(a.shape)}, dtype {x.dtype}, requires_grad={x.requires_grad}\n"
                         f"    values: {vals}")
        else:
            lines.append(f"  input {i}: {x!r}")
    return "\n".join(lines)


def check_gradients(fn: Callable, *strategies: SearchStrategy, eps: float = 1e-6, atol: float = 1e-5,
                    rtol: float = 1e-3, max_examples: int = 50, second_order: bool = False) -> None:
    """Check ``fn``'s gradients against central finite differences on inputs drawn from
    ``strategies`` (one per argument of ``fn``, e.g. ``tensors(...)``).

    Runs ``tc.autograd.gradcheck(fn, inputs)`` on up to ``max_examples`` draws (and
    ``gradgradcheck`` when ``second_order``). On a mismatch Hypothesis shrinks the inputs and
    an ``AssertionError`` is raised whose message shows the smallest failing input (shapes,
    dtypes, exact values) and gradcheck's report (input, element, numerical vs analytical).
    Works inside pytest and in a plain script.

    >>> import tinygrad_course as tc
    >>> from tinygrad_course.testing import check_gradients, tensors
    >>> check_gradients(lambda x: x.tanh() * x, tensors(shape=(2, 3)), max_examples=5)
    """
    if not strategies:
        raise TypeError("check_gradients(): give one Hypothesis strategy per argument of fn, e.g. tensors(shape=(3,))")
    for i, s in enumerate(strategies):
        if not isinstance(s, SearchStrategy):
            raise TypeError(
                f"check_gradients(): argument {i + 1} must be a Hypothesis strategy (e.g. tc.testing.tensors()), "
                f"got {type(s).__name__}"
            )
    owner = getattr(fn, "__self__", None)
    # ``MyFn.apply`` is a bound classmethod: name the Function, not its base class
    name = f"{owner.__name__}.apply" if isinstance(owner, type) else getattr(fn, "__qualname__", None) or repr(fn)

    # a fresh test function per call: no example database (it would replay other functions'
    # inputs), one bug reported (the shrunk one), no deadline (gradcheck is slow by nature)
    @settings(max_examples=max_examples, deadline=None, database=None, report_multiple_bugs=False,
              phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.tuples(*strategies))
    def check_gradients_of(inputs):
        which = "gradcheck"
        try:
            gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)
            if second_order:
                which = "gradgradcheck"
                gradgradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)
        except GradcheckError as e:
            raise AssertionError(
                f"check_gradients({name}): {which} failed. Smallest failing input found by Hypothesis:\n"
                f"{describe_inputs(inputs)}\n{e}"
            ) from None

    check_gradients_of()

"""Argument checks shared by the function forms: PyTorch's ``TypeError`` when ``input`` is not a Tensor."""
from __future__ import annotations

import functools
from typing import Callable


def tensor_input(fn: Callable) -> Callable:
    """Decorate a function form ``fn(input, ...)`` so a non-Tensor ``input`` raises PyTorch's TypeError
    (``tc.eq(3, t)`` -> "eq(): argument 'input' (position 1) must be Tensor, not int"); a number there
    would otherwise be compared or combined silently, or fail with an AttributeError.

    >>> tensor_input(lambda input, other: input == other)(tc.tensor([1]), 1)
    tensor([True])
    """
    @functools.wraps(fn)
    def checked(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{fn.__name__}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return fn(input, *args, **kwargs)

    return checked


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

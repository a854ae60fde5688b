"""Argument checks shared by the function forms: PyTorch's ``TypeError`` when ``input`` is not a Tensor."""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np


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


def tensor_other(other, op, name="other"):
    """``other``, or PyTorch's TypeError when it is not a Tensor: the ops whose second argument must
    be a tensor (``matmul``, ``dot``, ``maximum``, ``logical_and`` ...) refuse numbers, sequences
    and None (``tc.dot(t, 1.5)`` -> "dot(): argument 'tensor' must be Tensor, not float")."""
    if not isinstance(other, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(other).__name__}")
    return other


def scalar_or_tensor(other, op):
    """``other``, or PyTorch's TypeError when it is neither a Tensor, a NumPy array nor a number: the
    comparisons take a tensor or a scalar, never None, a str or a sequence
    (``tc.eq(t, None)`` -> "eq(): argument 'other' must be Tensor or a number, not NoneType")."""
    if not isinstance(other, (Tensor, int, float, complex, np.generic, np.ndarray)):
        raise TypeError(f"{op}(): argument 'other' must be Tensor or a number, not {type(other).__name__}")
    return other


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

"""What a user's ``Function`` adds to the mechanism: its forward runs with recording off (and
PyTorch 2's ``setup_context``), and the gradients its backward returns are checked: a Tensor
(or array) per input, of the input's shape or one that sums back to it, as PyTorch does."""
import numpy as np

from .grad_mode import _Mode

_ARR = np.ndarray


def run_forward(cls, ctx, args, kwargs):
    """A user Function's forward with recording off; the input shapes are kept for the check."""
    prev = _Mode.enabled
    _Mode.enabled = False
    try:
        if cls._setup_context:  # PyTorch 2's style: forward without ctx, then setup_context
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    finally:
        _Mode.enabled = prev
    ctx._in_shapes = tuple(tuple(a.shape) if isinstance(a, Tensor) else None for a in args)
    return out


def check_user_grad(node, i, r, create_graph):
    """A user Function's gradient for input ``i``: a Tensor (or array) of the input's shape, or of
    a shape the input broadcasts to (then summed back to the input's shape, as PyTorch does)."""
    if not isinstance(r, (Tensor, _ARR)):
        raise TypeError(f"function {node.name()} returned a gradient of type {type(r).__name__}; expected a Tensor or None")
    shapes = node.__dict__.get("_in_shapes")
    want = shapes[i] if shapes is not None and i < len(shapes) else None
    if want is not None and tuple(r.shape) != want:
        lead = len(r.shape) - len(want)
        if lead < 0 or any(w != 1 and w != s for w, s in zip(want, r.shape[lead:])):
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i} - got {list(r.shape)} but "
                f"expected shape compatible with {list(want)}"
            )
        r = r.sum_to_size(want) if isinstance(r, Tensor) else _sum_to(r, want)
    return r if create_graph else (r._data if isinstance(r, Tensor) else r)


def _sum_to(a, shape):
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + k for k, s in enumerate(shape) if s == 1 and a.shape[lead + k] != 1)
    return a.sum(axis=axes, keepdims=True).reshape(shape) if axes else a.reshape(shape)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

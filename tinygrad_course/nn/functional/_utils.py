"""Small helpers shared by the functional ops: argument normalisation, reductions, errors."""
import numpy as np

from ...autograd.tensor import Tensor


def ntuple(x, n, name="argument"):
    """``x`` as an n-tuple of ints (an int is repeated, a sequence is checked)."""
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return (int(x),) * n
    try:
        t = tuple(int(v) for v in x)
    except TypeError:
        raise TypeError(f"{name} must be an int or a tuple of {n} ints, got {x!r}") from None
    if len(t) == 1:
        return t * n
    if len(t) != n:
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {x!r}")
    return t


def check_output_size_rank(output_size, input, op):
    """PyTorch's adaptive-pooling wrapper: a tuple output_size of k entries needs an input of more than k dims.

    An int output_size is not checked here (the kernel's own rank check reports it).
    """
    if isinstance(output_size, (list, tuple)) and len(output_size) >= input.ndim:
        raise ValueError(f"{op}(): Input dimension should be at least {len(output_size) + 1}: output_size "
                         f"{tuple(output_size)!r} names {len(output_size)} spatial dims but the input has shape "
                         f"{shape_str(input.shape)}")


def shape_str(shape):
    """'(2, 3)' for a shape (like a tuple's repr)."""
    shape = tuple(int(s) for s in shape)
    return str(shape)


def check_reduction(reduction, op):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: {reduction!r} is not a valid value for reduction (use 'mean', 'sum' or 'none')")


def legacy_reduction(size_average, reduce, reduction):
    """PyTorch's deprecated size_average/reduce flags mapped to a reduction string."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def as_tensor(x, like=None):
    """A Tensor for x (Tensors pass through; arrays/numbers get ``like``'s float dtype)."""
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if like is not None and arr.dtype.kind in "fiub" and like.dtype.is_floating_point and arr.dtype.kind != "f":
        arr = arr.astype(like._data.dtype)
    elif like is not None and arr.dtype.kind == "f":
        arr = arr.astype(like._data.dtype)
    return Tensor._make(arr)


def const(arr):
    """A Tensor without history around a NumPy array (masks, pooling matrices ...)."""
    return Tensor._make(np.asarray(arr))

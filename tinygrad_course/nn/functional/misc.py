"""linear, dropout, embedding, pad, one_hot."""
import numpy as np

from ...autograd.ops.index import RowGather, RowScatter, _row_scatter  # noqa: F401
from ...autograd.grad_mode import no_grad
from ...autograd.effects import replayed
from ...autograd.ops.linalg import Linear as _FusedLinear
from ...autograd.ops.join import pad  # noqa: F401  (F.pad is tc.pad: one implementation)
from ...autograd.random import default_generator
from ...autograd.tensor import Tensor
from ._utils import const, shape_str

_A = np.ndarray

__all__ = ["linear", "dropout", "embedding", "pad", "one_hot", "flatten"]


def linear(input, weight, bias=None):
    """y = x W^T + b over the last dimension of x (weight: (out_features, in_features)).

    >>> F.linear(tc.tensor([[1., 2.]]), tc.tensor([[1., 1.], [0., 1.]]), tc.tensor([0.5, 0.]))
    tensor([[3.5000, 2.0000]])
    """
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"linear(): input and weight must be Tensors, got {type(input).__name__} and {type(weight).__name__}")
    if input.ndim == 0 or weight.ndim not in (1, 2) or input.shape[-1] != weight.shape[-1]:
        raise RuntimeError(
            f"linear(): input last dimension {input.shape[-1] if input.ndim else None} does not match weight "
            f"in_features (input shape {shape_str(input.shape)}, weight shape {shape_str(weight.shape)})"
        )
    if weight.ndim == 2 and (bias is None or (isinstance(bias, Tensor) and bias.ndim == 1)):
        # one fused op: dW comes out contiguous in W's (out, in) layout (fast optimizer updates)
        return _FusedLinear.apply(input, weight) if bias is None else _FusedLinear.apply(input, weight, bias)
    out = input @ weight.T if weight.ndim == 2 else input @ weight
    if bias is not None:
        out = out + bias
    return out


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (identity when not training).

    >>> F.dropout(tc.ones(3), p=0.5, training=False)
    tensor([1., 1., 1.])
    """
    if not isinstance(p, (int, float)) or p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    x = input._data
    dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    return input * _dropout_mask(x.shape, dt, p)


@replayed  # a random draw: tc.compile calls it again on every replay (a new mask per step)
def _dropout_mask(shape, dt, p):
    """A constant tensor: 0 with probability p, else 1 / (1 - p), drawn from the default generator."""
    if p == 1.0:
        return const(np.zeros(shape, dt))
    keep = default_generator().random(shape) >= p
    return const(keep.astype(dt) * dt.type(1.0 / (1.0 - p)))


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` picked by the integer tensor ``input``: out[...] = weight[input[...]].

    >>> F.embedding(tc.tensor([2, 0]), tc.tensor([[0., 0.], [1., 1.], [2., 2.]]))
    tensor([[2., 2.],
            [0., 0.]])
    """
    idx = input._data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(
            f"embedding(): Expected tensor for argument #1 'indices' to have one of the following scalar types: "
            f"Long, Int; but got {idx.dtype} instead"
        )
    if weight.ndim != 2:
        raise RuntimeError(f"embedding(): 'weight' must be 2-D (got shape {tuple(weight.shape)})")
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)].flat[0]
        raise IndexError(f"embedding(): index {int(bad)} is out of range for an embedding of {n} rows (indices must be in [0, {n - 1}])")
    if padding_idx is not None:
        if padding_idx < 0:
            padding_idx += n
        if not 0 <= padding_idx < n:
            raise ValueError(f"embedding(): padding_idx must be within num_embeddings, got {padding_idx} for {n} rows")
    if sparse:
        raise RuntimeError("embedding(): sparse gradients are not supported; use sparse=False")
    if max_norm is not None:
        # renormalise the looked-up rows in place, as PyTorch does
        with no_grad():
            rows = np.unique(idx)
            w = weight._data
            norms = np.linalg.norm(w[rows].reshape(len(rows), -1), ord=norm_type, axis=1)
            scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
            w[rows] *= scale.reshape((-1,) + (1,) * (w.ndim - 1))
            if hasattr(weight, "_vc"):
                weight._vc[0] += 1
    if scale_grad_by_freq:
        counts = np.bincount(idx.reshape(-1), minlength=n).astype(weight._data.dtype)
        out = RowGather.apply(weight, idx, padding_idx)
        # scaling the gradient by 1/count of each row: out = stop(out) + (out - stop(out)) / count
        inv = const((1.0 / np.maximum(counts, 1))[idx].reshape(idx.shape + (1,) * (weight.ndim - 1)))
        return out.detach() + (out - out.detach()) * inv
    return RowGather.apply(weight, idx, padding_idx)


def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape (*, num_classes) with a 1 at each index of ``tensor``.

    >>> F.one_hot(tc.tensor([0, 2]), num_classes=3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    idx = tensor._data if isinstance(tensor, Tensor) else np.asarray(tensor)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot is only applicable to index tensor of integer type, got {idx.dtype}")
    if idx.size and idx.min() < 0:
        raise RuntimeError("one_hot(): Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    elif idx.size and idx.max() >= num_classes:
        raise RuntimeError(f"one_hot(): Class values must be smaller than num_classes ({num_classes}), got {int(idx.max())}.")
    out = np.zeros(idx.shape + (int(num_classes),), np.int64)
    np.put_along_axis(out, idx[..., None].astype(np.intp), 1, axis=-1)
    return const(out)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions start_dim..end_dim into one.

    >>> F.flatten(tc.zeros(2, 3, 4), 1).shape
    tinygrad_course.Size([2, 12])
    """
    return input.flatten(start_dim, end_dim)

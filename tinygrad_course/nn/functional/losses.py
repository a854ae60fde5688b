"""Losses: mse l1 huber smooth_l1 nll cross_entropy binary_cross_entropy(_with_logits), kl_div.

All with ``reduction='mean'|'sum'|'none'`` and PyTorch's formulas; cross_entropy goes
through log_softmax (finite for logits of +-1e4), BCE-with-logits through a stable softplus.
"""
from typing import Any, Optional

import numpy as np

from ...autograd.ops.loss import BCE as _BCE, CrossEntropy
from ...autograd.tensor import Tensor
from .activations import softplus_exact
from .pooling import GatherFlat
from ._utils import as_tensor, check_reduction, const, legacy_reduction, shape_str
from ._utils import reduce as _apply_reduction

__all__ = ["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]


def _pair(input, target, op, same_shape=True):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): input must be a Tensor, got {type(input).__name__}")
    target = as_tensor(target, input)
    if same_shape and tuple(input.shape) != tuple(target.shape):
        try:
            np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
        except ValueError:  # not even broadcastable: PyTorch's RuntimeError
            raise RuntimeError(f"{op}(): the size of target {shape_str(target.shape)} does not match and cannot "
                               f"broadcast with the size of input {shape_str(input.shape)}") from None
        # PyTorch only warns and broadcasts here, which silently gives wrong losses: we refuse
        raise ValueError(
            f"{op}(): target shape {shape_str(target.shape)} differs from input shape {shape_str(input.shape)}; "
            "this would broadcast and give a wrong loss. Please ensure they have the same size."
        )
    if target._data.dtype.kind != "f" and input._data.dtype.kind == "f":
        target = target.to(input.dtype)
    return target


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(x - y)^2, reduced.

    >>> F.mse_loss(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(2.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "mse_loss")
    target = _pair(input, target, "mse_loss")
    d = input - target
    loss = d * d
    if weight is not None:
        loss = loss * as_tensor(weight, input)
    return _reduce(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|x - y|, reduced.

    >>> F.l1_loss(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(1.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "l1_loss")
    target = _pair(input, target, "l1_loss")
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * as_tensor(weight, input)
    return _reduce(loss, reduction)


def _reduce(loss, reduction):
    return _apply_reduction(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta), d = x - y.

    >>> F.huber_loss(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(0.7500)
    """
    import tinygrad_course as tc

    check_reduction(reduction, "huber_loss")
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta, got {delta}.")
    target = _pair(input, target, "huber_loss")
    d = input - target
    a = d.abs()
    loss = tc.where(a < delta, d * d * 0.5, (a - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * as_tensor(weight, input)
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta (plain L1 for beta = 0).

    >>> F.smooth_l1_loss(tc.tensor([1., 2.]), tc.tensor([1., 4.]))
    tensor(0.7500)
    """
    import tinygrad_course as tc

    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}.")
    target = _pair(input, target, "smooth_l1_loss")
    d = input - target
    a = d.abs()
    if beta == 0:
        return _reduce(a, reduction)
    loss = tc.where(a < beta, d * d * (0.5 / beta), a - 0.5 * beta)
    return _reduce(loss, reduction)


# ------------------------------------------------------------------- classification
def _class_dim(input, op):
    if input.ndim == 0:
        raise ValueError(f"{op}(): input must have at least 1 dimension (classes), got a 0-d tensor")
    return 1 if input.ndim >= 2 else 0


def _index_target(input, target, op):
    """Validate class-index targets: int64-compatible dtype and shape input.shape without dim 1."""
    t = target._data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind not in "iu" or t.dtype == np.int32:
        name = {"f": "Float", "b": "Bool"}.get(t.dtype.kind, str(t.dtype))
        if t.dtype == np.float64:
            name = "Double"
        if t.dtype == np.int32:
            name = "Int"
        raise RuntimeError(
            f"{op}(): expected target dtype to be Long or Byte, but got {name} (target of shape "
            f"{shape_str(t.shape)}; class-index targets are integers, class probabilities have the input's shape "
            f"{shape_str(input.shape)})"
        )
    if input.ndim == 1:
        if t.ndim != 0:
            raise RuntimeError(f"{op}(): 0D target tensor expected for 1D input, got target of shape {shape_str(t.shape)}")
        return t
    if t.ndim == 0 or t.shape[0] != input.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({t.shape[0] if t.ndim else 'none: 0-d target'})."
        )
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(t.shape) != expected:
        if input.ndim == 2:
            raise RuntimeError(f"{op}(): 0D or 1D target tensor expected, multi-target not supported (target shape {shape_str(t.shape)})")
        raise RuntimeError(f"{op}(): Expected target size {shape_str(expected)}, got {shape_str(t.shape)}")
    return t


def _class_weight(weight, C, input, op):
    if weight is None:
        return None
    w = weight._data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.shape != (C,):
        raise RuntimeError(
            f"{op}(): weight tensor should be defined either for all {C} classes or no classes but got weight "
            f"tensor of shape: {shape_str(w.shape)}"
        )
    return w.astype(input._data.dtype, copy=False)


def _picked(input, t, C, class_dim):
    """input[n, t[n, ...], ...] as a tensor of t's shape (differentiable gather)."""
    if class_dim == 0:
        gidx = t.reshape(1).astype(np.intp)
        return GatherFlat.apply(input, gidx, (), True, None)
    N = input.shape[0]
    R = int(np.prod(input.shape[2:], dtype=np.int64))
    rest = np.arange(R, dtype=np.intp).reshape((1,) + tuple(input.shape[2:]))
    n = (np.arange(N, dtype=np.intp) * (C * R)).reshape((N,) + (1,) * (input.ndim - 2))
    gidx = (n + t.astype(np.intp) * R + rest).reshape(-1)
    return GatherFlat.apply(input, gidx, t.shape, True, None)


def _nll(input, target, weight, ignore_index, reduction, op):
    class_dim = _class_dim(input, op)
    C = input.shape[class_dim]
    t = _index_target(input, target, op)
    w = _class_weight(weight, C, input, op)
    valid = t != ignore_index
    bad = (t < 0) | (t >= C)
    bad &= valid
    if bad.any():
        raise IndexError(f"{op}(): Target {int(t[bad].flat[0])} is out of bounds (classes 0..{C - 1}).")
    tsafe = np.where(valid, t, 0)
    dt = input._data.dtype
    wt = valid.astype(dt) if w is None else np.where(valid, w[tsafe], 0).astype(dt)
    picked = _picked(input, tsafe, C, class_dim)
    loss = -(picked * const(wt))
    if reduction == "none":
        return loss, t, valid, w
    if reduction == "sum":
        return loss.sum(), t, valid, w
    return _weighted_mean(loss.sum(), wt.sum(), dt), t, valid, w


def _weighted_mean(total, denom, dt):
    """total / denom; with nothing counted (denom 0) the loss is NaN but the gradient 0, as PyTorch."""
    if denom == 0:
        return total * 0.0 + const(np.asarray(np.nan, dt))
    return total / const(np.asarray(denom, dt))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """-w[y] * input[y] for log-probability input (N, C, ...) and class indices y; mean divides by sum w[y].

    >>> F.nll_loss(tc.tensor([[-0.1, -2.3], [-1.2, -0.4]]), tc.tensor([0, 1]))
    tensor(0.2500)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "nll_loss")
    return _nll(input, target, weight, ignore_index, reduction, "nll_loss")[0]


def _fused_cross_entropy_applies(input, target, weight, ignore_index, reduction, label_smoothing):
    """True for (N, C) logits, in-range int64 class indices, no weight/smoothing, mean or sum."""
    if weight is not None or label_smoothing != 0.0 or reduction == "none" or input.ndim != 2:
        return False
    t = target._data if isinstance(target, Tensor) else None
    if t is None or t.dtype != np.int64 or t.shape != (input.shape[0],) or input._data.dtype.kind != "f":
        return False
    C = input.shape[1]
    if 0 <= ignore_index < C or t.size == 0:
        return False
    return bool(t.min() >= 0 and t.max() < C)


def cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Any = None,
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """nll_loss(log_softmax(input, 1), target): class indices, or class probabilities of the input's shape.

    With label_smoothing e: (1 - e) * nll + e * mean over classes of -w_c log p_c (PyTorch's formula).

    >>> F.cross_entropy(tc.tensor([[2., 0., 0.], [0., 0., 3.]]), tc.tensor([0, 2]))
    tensor(0.1672)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "cross_entropy")
    if not isinstance(input, Tensor):
        raise TypeError(f"cross_entropy(): input must be a Tensor, got {type(input).__name__}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if _fused_cross_entropy_applies(input, target, weight, ignore_index, reduction, label_smoothing):
        return CrossEntropy.apply(input, target._data, reduction == "mean")
    class_dim = _class_dim(input, "cross_entropy")
    C = input.shape[class_dim]
    logp = input.log_softmax(class_dim)
    tarr = target._data if isinstance(target, Tensor) else np.asarray(target)
    if tarr.dtype.kind == "f" and tuple(tarr.shape) == tuple(input.shape):
        return _ce_probs(input, logp, as_tensor(target, input), weight, reduction, label_smoothing, class_dim, C)
    nll, t, valid, w = _nll(logp, target, weight, ignore_index, reduction, "cross_entropy")
    if label_smoothing == 0.0:
        return nll
    bshape = [1] * input.ndim
    bshape[class_dim] = C
    if w is not None:
        smooth = -(logp * const(w.reshape(bshape))).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth * const(valid.astype(input._data.dtype))
    if reduction == "mean":
        denom = w[np.where(valid, t, 0)][valid].sum() if w is not None else valid.sum()
        smooth = _weighted_mean(smooth.sum(), denom, input._data.dtype)
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1.0 - label_smoothing) + smooth * (label_smoothing / C)


def _ce_probs(input, logp, target, weight, reduction, label_smoothing, class_dim, C):
    if label_smoothing > 0:
        target = target * (1.0 - label_smoothing) + label_smoothing / C
    prod = logp * target
    if weight is not None:
        w = _class_weight(weight, C, input, "cross_entropy")
        bshape = [1] * input.ndim
        bshape[class_dim] = C
        prod = prod * const(w.reshape(bshape))
    if reduction == "none":
        return -prod.sum(class_dim)
    if reduction == "sum":
        return -prod.sum()
    n = max(input._data.size // C, 0)
    return -prod.sum() / n if n else -prod.sum() * float("nan")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-w (y log x + (1 - y) log(1 - x)) for probabilities x in [0, 1]; each log clamped at -100.

    >>> F.binary_cross_entropy(tc.tensor([0.9, 0.2]), tc.tensor([1., 0.]))
    tensor(0.1643)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "binary_cross_entropy")
    if not isinstance(input, Tensor):
        raise TypeError(f"binary_cross_entropy(): input must be a Tensor, got {type(input).__name__}")
    target = as_tensor(target, input)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({shape_str(target.shape)}) that is different to the input size "
            f"({shape_str(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    xa = input._data
    if xa.size and not (np.all(xa >= 0) and np.all(xa <= 1)):
        raise RuntimeError(
            f"binary_cross_entropy(): all elements of input should be between 0 and 1 "
            f"(got min {float(np.nanmin(xa))}, max {float(np.nanmax(xa))}); use binary_cross_entropy_with_logits for logits"
        )
    if target._data.dtype != xa.dtype:
        target = target.to(input.dtype)
    loss = _BCE.apply(input, target)
    if weight is not None:
        loss = loss * as_tensor(weight, input)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """BCE on logits, stable: (1 - y) x + (1 + (p - 1) y) softplus(-x), softplus(-x) = log(1 + e^-x).

    Without pos_weight this equals max(x, 0) - x y + log(1 + e^{-|x|}); the softplus form used
    here also has the exact derivative sigmoid(x) - y at x = 0 (|x| and max(x, 0) have kinks there).

    >>> F.binary_cross_entropy_with_logits(tc.tensor([2., -1.]), tc.tensor([1., 0.]))
    tensor(0.2201)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "binary_cross_entropy_with_logits")
    if not isinstance(input, Tensor):
        raise TypeError(f"binary_cross_entropy_with_logits(): input must be a Tensor, got {type(input).__name__}")
    target = as_tensor(target, input)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({shape_str(target.shape)}) must be the same as input size ({shape_str(input.shape)})")
    if target._data.dtype != input._data.dtype:
        target = target.to(input.dtype)
    sp = softplus_exact(-input)
    if pos_weight is not None:
        pw = as_tensor(pos_weight, input)
        loss = (1.0 - target) * input + (1.0 + (pw - 1.0) * target) * sp
    else:
        loss = (1.0 - target) * input + sp
    if weight is not None:
        loss = loss * as_tensor(weight, input)
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """target * (log target - input) for log-probability input ('batchmean' divides by the batch size).

    >>> F.kl_div(tc.tensor([[-0.7, -0.7]]), tc.tensor([[0.5, 0.5]]), reduction='batchmean')
    tensor(0.0069)
    """
    import tinygrad_course as tc

    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(f"kl_div(): {reduction!r} is not a valid value for reduction")
    target = _pair(input, target, "kl_div")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        safe = tc.where(target > 0, target, tc.ones_like(target))
        loss = tc.where(target > 0, target * (safe.log() - input), target * 0.0)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)

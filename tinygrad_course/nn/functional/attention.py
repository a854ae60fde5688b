"""scaled_dot_product_attention and multi_head_attention_forward (PyTorch's math path).

Both are compositions of differentiable ops (matmul, softmax, where, dropout, linear), so they
differentiate twice. Masks follow PyTorch: for ``scaled_dot_product_attention`` a bool mask
says which positions *take part*; for ``multi_head_attention_forward`` a bool mask says which
positions are *masked out*; a float mask is added to the scores in both.
"""
import math
import warnings

import numpy as np

import tinygrad_course as _tc

from ...autograd import _wrap
from ...autograd.tensor import Tensor
from ._utils import shape_str
from .activations import softmax
from .misc import dropout, linear

__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]


def _check_tensor(op, name, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")


def _masked_softmax(scores: Tensor, dead_rows_nan: bool) -> Tensor:
    """softmax over the last dim of masked scores; a row whose every score is -inf gives 0
    (PyTorch's SDPA "safe softmax") or NaN (``dead_rows_nan``, what the need_weights path of
    MHA gives), without NumPy's invalid-value warning. Tensor ops only, so a traced
    (``tc.compile``) step stays right when the masks change between calls."""
    dead = (scores == float("-inf")).all(-1, keepdim=True)
    # a dead row is replaced by zeros before the softmax, so no NaN enters the graph
    p = softmax(_tc.where(dead, 0.0, scores), -1)
    return _tc.where(dead, float("nan") if dead_rows_nan else 0.0, p)


def _neg_inf_bias(allowed: np.ndarray, dtype) -> Tensor:
    """A constant float bias: 0 where ``allowed``, -inf elsewhere."""
    return _wrap(np.where(allowed, 0.0, -np.inf).astype(dtype.np))


def _neg_inf_where(mask: Tensor, dtype) -> Tensor:
    """A float bias of ``dtype``: -inf where the bool tensor ``mask`` is True, 0 elsewhere."""
    return _tc.zeros(tuple(mask.shape), dtype=dtype).masked_fill(mask, float("-inf"))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q K^T * scale + bias) V, with scale = 1/sqrt(E) by default.

    query (N, ..., Hq, L, E), key (N, ..., H, S, E), value (N, ..., H, S, Ev) -> (N, ..., Hq, L, Ev).
    ``attn_mask``: bool (True = takes part) or float (added to the scores), broadcastable to
    (N, ..., Hq, L, S); ``is_causal``: the upper-left causal mask tril(ones(L, S)) (not with
    ``attn_mask``); ``dropout_p``: dropout on the attention weights, always applied (pass 0.0
    in eval mode); ``enable_gqa``: key/value heads repeated to the query's head count.
    A row with no position to attend gives 0 (as PyTorch).

    >>> q = tc.randn(2, 4, 5, 8)
    >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    (2, 4, 5, 8)
    """
    op = "scaled_dot_product_attention"
    for name, t in (("query", query), ("key", key), ("value", value)):
        _check_tensor(op, name, t)
        if t.ndim < 2:
            raise RuntimeError(f"{op}: {name} must have at least 2 dimensions, got shape {shape_str(t.shape)}")
    if not query.dtype.is_floating_point or query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f"{op}: expected query, key and value to have the same floating dtype, got "
                           f"query.dtype: {query.dtype}, key.dtype: {key.dtype} and value.dtype: {value.dtype}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{op}: query (..., L, E), key (..., S, E) and value (..., S, Ev) do not agree: got "
                           f"query {shape_str(query.shape)}, key {shape_str(key.shape)}, value {shape_str(value.shape)}")
    if not isinstance(dropout_p, (int, float)) or not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{op}: dropout_p must be in [0, 1], got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise RuntimeError(f"{op}: Explicit attn_mask should not be set when is_causal=True")
    L, S, E = query.shape[-2], key.shape[-2], query.shape[-1]
    scale_factor = 1.0 / math.sqrt(E) if scale is None else scale
    if enable_gqa and key.ndim >= 3 and query.shape[-3] != key.shape[-3]:
        hq, hk = query.shape[-3], key.shape[-3]
        if hq % hk != 0 or value.shape[-3] != hk:
            raise RuntimeError(f"{op}: with enable_gqa the query heads ({hq}) must be a multiple of the key/value "
                               f"heads (key {hk}, value {value.shape[-3]})")
        key, value = _repeat_heads(key, hq // hk), _repeat_heads(value, hq // hk)
    bias = None
    if is_causal:
        bias = _neg_inf_bias(np.tril(np.ones((L, S), bool)), query.dtype)
    elif attn_mask is not None:
        _check_tensor(op, "attn_mask", attn_mask)
        if attn_mask.dtype == _tc.bool:
            bias = _neg_inf_where(~attn_mask, query.dtype)
        elif attn_mask.dtype.is_floating_point:
            bias = attn_mask
        else:
            raise RuntimeError(f"{op}: attn_mask must be bool or float, got {attn_mask.dtype}")
    scores = (query @ key.transpose(-2, -1)) * scale_factor
    if bias is not None:
        try:
            np.broadcast_shapes(tuple(bias.shape), tuple(scores.shape))
        except ValueError:
            raise RuntimeError(f"{op}: attn_mask of shape {shape_str(bias.shape)} does not broadcast to the "
                               f"attention weights' shape {shape_str(scores.shape)}") from None
        scores = scores + bias
    attn = softmax(scores, -1) if bias is None else _masked_softmax(scores, dead_rows_nan=False)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn @ value


def _repeat_heads(x, n):
    # repeat_interleave(n, dim=-3) by expand + reshape (differentiable)
    shape = tuple(x.shape)
    y = x.unsqueeze(-3).expand(*shape[:-2], n, *shape[-2:])
    return y.reshape(*shape[:-3], shape[-3] * n, *shape[-2:])


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask becomes a float one (-inf where True); a float mask passes through
    (PyTorch's ``F._canonical_mask``)."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"{mask_name} must be a Tensor or None, got {type(mask).__name__}")
    is_float = mask.dtype.is_floating_point
    if mask.dtype != _tc.bool and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                      "Use same type for both instead.", stacklevel=3)
    if not is_float:
        return _neg_inf_where(mask, target_type)
    return mask


def _none_or_dtype(t):
    return None if t is None else t.dtype


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the input is batched; AssertionError for inconsistent ranks (as PyTorch)."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.ndim}-D tensor instead")
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.ndim}-D tensor instead")
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but "
                                 f"found {key_padding_mask.ndim}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                     f"but found {attn_mask.ndim}-D tensor instead")
            if attn_mask.ndim == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                         f"{shape_str(attn_mask.shape)}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D query tensor")


def _pad_last(mask):
    # one more key position (bias_k / zero attention) that every query may attend
    zeros = _tc.zeros(*mask.shape[:-1], 1, dtype=mask.dtype)
    return _tc.cat([mask, zeros], -1)


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
                                 bias_k: Tensor | None, bias_v: Tensor | None, add_zero_attn: bool,
                                 dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
                                 training: bool = True, key_padding_mask: Tensor | None = None,
                                 need_weights: bool = True, attn_mask: Tensor | None = None,
                                 use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
                                 k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
                                 static_k: Tensor | None = None, static_v: Tensor | None = None,
                                 average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention: concat_h(softmax(Q_h K_h^T / sqrt(d) + mask) V_h) W_o^T + b_o.

    Sequence-first layout: query (L, N, E) or unbatched (L, E); key/value (S, N, E_k/E_v).
    Q, K, V are the input projections (``in_proj_weight`` packed (3E, E), or the three
    ``*_proj_weight`` when ``use_separate_proj_weight``). Masks as PyTorch: ``key_padding_mask``
    (N, S) and ``attn_mask`` (L, S) or (N*num_heads, L, S), bool (True = masked out) or float
    (added). Returns (output (L, N, E), weights (N, L, S) averaged over heads, or
    (N, num_heads, L, S), or None when ``need_weights`` is False).

    >>> mha = nn.MultiheadAttention(8, 2)
    >>> x = tc.randn(5, 3, 8)
    >>> out, w = F.multi_head_attention_forward(x, x, x, 8, 2, mha.in_proj_weight, mha.in_proj_bias, None, None,
    ...                                         False, 0.0, mha.out_proj.weight, mha.out_proj.bias)
    >>> out.shape, w.shape
    ((5, 3, 8), (3, 5, 5))
    """
    op = "multi_head_attention_forward"
    for name, t in (("query", query), ("key", key), ("value", value)):
        _check_tensor(op, name, t)
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask",
                                       query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        # the hint replaces the mask: scaled_dot_product_attention builds the causal mask itself
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {shape_str(key.shape[:2])} do not match value's "
                                 f"{shape_str(value.shape[:2])}")
        for name, w in (("q_proj_weight", q_proj_weight), ("k_proj_weight", k_proj_weight),
                        ("v_proj_weight", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name} is None")
        b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = linear(query, q_proj_weight, b_q), linear(key, k_proj_weight, b_k), linear(value, v_proj_weight, b_v)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(f"key shape {shape_str(key.shape)} does not match value shape {shape_str(value.shape)}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)

    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {shape_str(attn_mask.shape)}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.ndim == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {shape_str(attn_mask.shape)}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")

    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key or value.")
        k = _tc.cat([k, bias_k.repeat(1, bsz, 1)])
        v = _tc.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k and bias_v must both be set or both be None")

    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _static_or(static_k, k, bsz * num_heads, head_dim, "static_k")
    v = _static_or(static_v, v, bsz * num_heads, head_dim, "static_v")
    if add_zero_attn:
        zeros = _tc.zeros(bsz * num_heads, 1, head_dim, dtype=k.dtype)
        k = _tc.cat([k, zeros], 1)
        v = _tc.cat([v, zeros], 1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f"Expected key_padding_mask of shape {(bsz, src_len)}, but got "
                                 f"{shape_str(key_padding_mask.shape)}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0

    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        scores = q_scaled @ k.transpose(-2, -1)
        if attn_mask is not None:
            scores = attn_mask + scores
        weights = softmax(scores, -1) if attn_mask is None else _masked_softmax(scores, dead_rows_nan=True)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p, True)
        out = (weights @ v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        if attn_mask.shape[0] == 1 and attn_mask.ndim == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if not is_batched:
        out = out.squeeze(1)
    return out, None


def _static_or(static, x, bh, head_dim, name):
    if static is None:
        return x.reshape(x.shape[0], bh, head_dim).transpose(0, 1)
    if static.shape[0] != bh or static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name} of shape ({bh}, S, {head_dim}), but got {shape_str(static.shape)}")
    return static


def _in_projection_packed(q, k, v, w, b):
    """Q, K, V = the three row blocks of ``w`` applied to q, k, v (one GEMM for self-attention)."""
    E = q.shape[-1]
    if w.shape[0] != 3 * E:
        raise AssertionError(f"in_proj_weight must have 3 * embed_dim = {3 * E} rows, got {shape_str(w.shape)}")
    if k is v and q is k:
        proj = linear(q, w, b)
        return proj[..., :E], proj[..., E:2 * E], proj[..., 2 * E:]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None,) * 3 if b is None else b.chunk(3)
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)

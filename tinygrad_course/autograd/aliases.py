"""NumPy-style keyword aliases (``axis``, ``keepdims``) and ``out=`` on function forms, as PyTorch has.

PyTorch's native ops go through one argument parser, generated from ``native_functions.yaml``; it
accepts ``axis`` for any ``dim`` and ``keepdims`` for any ``keepdim`` (NumPy's spellings, so NumPy
code ports unchanged: ``x.sum(axis=0, keepdims=True)``), and every native function form with an
``out`` variant takes ``out=`` to write its result into an existing tensor (``torch.add(a, b,
out=c)``). Ops written in Python there (``norm``, ``split``, ``unique``, ``stft`` ...) bypass the
parser, so they refuse ``axis``: ``_NO_ALIAS_METHODS``/``_NO_ALIAS_FUNCTIONS`` name ours.

Two decorators, written at each op's definition, add these keywords without repeating them in
every signature:

``@numpy_dims`` (methods, and function forms without ``out``): ``axis``/``keepdims`` are renamed to
    ``dim``/``keepdim`` before the op runs; passing both spellings is PyTorch's ``TypeError``.
``@with_out`` (function forms whose ``torch.*`` function takes ``out``, the names in ``_OUT_NAMES``):
    ``out=`` (the result is written into ``out``, resized if its shape differs, and ``out`` is
    returned; refused when autograd would record), plus ``axis``/``keepdims`` when the signature
    has ``dim``/``keepdim`` -- one wrapper layer for both. A name exported twice (``divide = div``)
    gets its own wrapper, so its messages carry the public name:
    ``divide = with_out(div.__wrapped__, name="divide")``.

Both keep the op's name, docstring and signature (plus the new keywords, for ``inspect.signature``),
cost one Python call, and do nothing more unless one of their keywords is passed.
tests/test_alias_decorators.py fails when a public op with ``dim``/``keepdim`` (or a name in
``_OUT_NAMES``) lacks its decorator.
"""
import functools
import inspect
import warnings

import numpy as np

from . import dtypes as _dt
from .grad_mode import is_grad_enabled

# Ops whose PyTorch versions are Python functions (no argument parser, so no ``axis`` alias).
_NO_ALIAS_METHODS = frozenset({"norm", "split", "unflatten", "unique", "stft", "istft"})
_NO_ALIAS_FUNCTIONS = frozenset({"norm", "split", "unique", "stft", "istft", "einsum", "tensordot", "meshgrid"})

# Public ``torch.*`` functions with an ``out=`` variant (native_functions.yaml of PyTorch 2.13,
# plus ``norm``, a Python function that takes ``out``). Only the names we also have are wrapped.
_OUT_NAMES = frozenset("""
abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr all amax amin aminmax angle any
arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin argsort asin asinh atan
atan2 atanh baddbmm bernoulli bitwise_and bitwise_left_shift bitwise_not bitwise_or
bitwise_right_shift bitwise_xor bmm bucketize cat ceil cholesky cholesky_inverse cholesky_solve
clamp clamp_max clamp_min clip column_stack complex concat concatenate conj_physical copysign cos
cosh cross cummax cummin cumprod cumsum deg2rad diag diff digamma div divide dot dstack empty eq erf
erfc erfinv exp exp2 expm1 eye fix float_power floor floor_divide fmax fmin fmod frac frexp
frobenius_norm full gather gcd ge ger greater greater_equal gt hardshrink heaviside
histc hstack hypot i0 igamma igammac index_add index_copy index_reduce index_select
inner inverse isin isneginf isposinf kron kthvalue lcm ldexp le lerp less less_equal lgamma linspace
log log10 log1p log2 log_softmax logaddexp logaddexp2 logcumsumexp logical_and logical_not
logical_or logical_xor logit logspace logsumexp lt lu_solve lu_unpack masked_select matmul
matrix_power max maximum mean median min minimum mm mode msort mul multinomial multiply mv mvlgamma
nan_to_num nanmean nanmedian nanquantile nansum ne neg negative nextafter nonzero
normal norm not_equal nuclear_norm ones orgqr ormqr outer polar polygamma pow prod
quantile rad2deg rand randint randn randperm range reciprocal remainder renorm round row_stack rsqrt
scatter scatter_add scatter_reduce searchsorted sgn sigmoid sign signbit sin sinc sinh slogdet
softmax sort sqrt square sspaddmm stack std sub subtract sum take
take_along_dim tan tanh threshold topk tril triu true_divide trunc var vdot vstack where
xlogy zeros
""".split())

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def _rename(kwargs: dict, name: str) -> None:
    for alias, real in _ALIASES:
        if alias in kwargs:
            if real in kwargs:
                raise TypeError(f"{name}(): got both '{real}' and its alias '{alias}'")
            kwargs[real] = kwargs.pop(alias)


def _signature_with(fn, extra):
    """``fn``'s signature plus keyword-only parameters ``extra`` (name -> default), so
    ``inspect.signature`` (IDEs, our API-usage test) sees the accepted keywords."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    have = {p.name for p in params}
    var_kw = [p for p in params if p.kind is p.VAR_KEYWORD]
    params = [p for p in params if p.kind is not p.VAR_KEYWORD]
    params += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d) for n, d in extra if n not in have]
    return sig.replace(parameters=params + var_kw)


def _tensors_in(args, kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, (list, tuple)):
            yield from (t for t in a if isinstance(t, Tensor))
        elif isinstance(a, Tensor):
            yield a


def _can_cast(src: np.dtype, dst: np.dtype) -> bool:
    # PyTorch's canCast: no float -> integer, no non-bool -> bool; everything else is allowed
    if src.kind == "f" and dst.kind in "iub":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True


def _write_one(name: str, result, out):
    from . import _array, _bump_version, _wrap

    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    res = _array(result)
    dst = _array(out)
    if not _can_cast(res.dtype, dst.dtype):
        raise RuntimeError(
            f"{name}(): result type {_dt._BY_NP[res.dtype]} can't be cast to the desired output type "
            f"{_dt._BY_NP[dst.dtype]} (out=)"
        )
    if dst.shape == res.shape:
        np.copyto(dst, res, casting="unsafe")
        _bump_version(out)
        return out
    if dst.size:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape {list(dst.shape)}, which does "
            f"not match the required output shape {list(res.shape)}. This behavior is deprecated, and in a "
            "future PyTorch release outputs will not be resized unless they have zero elements. You can "
            "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
            UserWarning,
            stacklevel=4,
        )
    # a resize gives ``out`` new storage, as PyTorch's resize_ of a too-small tensor does
    out.data = _wrap(np.array(res, dtype=dst.dtype, copy=True))
    _bump_version(out)
    return out


def _write_out(name: str, fn, args, kwargs, out):
    if is_grad_enabled() and any(t.requires_grad for t in _tensors_in(args, kwargs)):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad."
        )
    if isinstance(out, Tensor) and out.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad."
        )
    if name in _NO_OVERLAP:
        for o in (out if isinstance(out, (tuple, list)) else (out,)):
            if isinstance(o, Tensor):
                _check_overlap(name, o, args, kwargs)
    if isinstance(out, Tensor) and "dtype" not in kwargs and _takes_dtype(fn) and next(_tensors_in(args, kwargs), None) is None:
        kwargs = dict(kwargs, dtype=out.dtype)  # a factory writes in out's dtype (PyTorch: tc.arange(..., out=t))
    result = fn(*args, **kwargs)
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(result)} Tensors")
        written = [_write_one(name, r, o) for r, o in zip(result, out)]
        return type(result)(*written) if hasattr(result, "_fields") else tuple(written)
    if isinstance(out, (tuple, list)):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    return _write_one(name, result, out)


# ops whose out= may share no memory with an input, nor with itself (PyTorch's memory-overlap
# check for ops that read their inputs while writing elsewhere in out); gather also wants out in
# its input's dtype
_NO_OVERLAP = {"cat", "concat", "concatenate", "gather", "index_select", "masked_select", "kthvalue", "median",
               "nanmedian"}


def _check_overlap(name, out, args, kwargs):
    dst = out._data
    if any(st == 0 and n > 1 for st, n in zip(dst.strides, dst.shape)):
        raise RuntimeError(f"{name}(): unsupported operation: more than one element of the written-to tensor refers to "
                           "a single memory location. Please clone() the tensor before performing the operation.")
    if any(t is out or np.may_share_memory(dst, t._data) for t in _tensors_in(args, kwargs)):
        raise RuntimeError(f"{name}(): unsupported operation: some elements of the input tensor and the written-to "
                           "tensor refer to a single memory location. Please clone() the tensor before performing "
                           "the operation.")
    if name == "gather" and args and isinstance(args[0], Tensor) and out.dtype != args[0].dtype:
        raise RuntimeError(f"gather(): Expected out tensor to have dtype {args[0].dtype}, but got {out.dtype} instead")


def _takes_dtype(fn) -> bool:
    try:
        return "dtype" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _has_dim(fn) -> bool:
    try:
        ps = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return ("dim" in ps or "keepdim" in ps) and "axis" not in ps and "keepdims" not in ps


def numpy_dims(fn):
    """Decorator: ``fn`` (a method or function form with ``dim``/``keepdim``) also accepts NumPy's
    ``axis``/``keepdims``, as PyTorch's ops do.

    >>> tc.tensor([[1.0, 2.0]]).sum(axis=1, keepdims=True)
    tensor([[3.]])
    """
    name = fn.__name__

    @functools.wraps(fn)
    def method(*args, **kwargs):
        if kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            _rename(kwargs, name)
        return fn(*args, **kwargs)

    method.__signature__ = _signature_with(fn, [("axis", None), ("keepdims", None)])
    method._tc_aliased = True
    return method


def with_out(fn, *, name=None):
    """Decorator for a function form whose ``torch.*`` function takes ``out=`` (``name`` in
    ``_OUT_NAMES``; ``name`` defaults to ``fn.__name__``): adds ``out=``, and ``axis``/``keepdims``
    when ``fn`` has ``dim``/``keepdim`` (unless ``name`` is in ``_NO_ALIAS_FUNCTIONS``).

    >>> out = tc.zeros(2)
    >>> tc.add(tc.ones(2), 1.0, out=out) is out
    True
    """
    name = name or fn.__name__
    if name not in _OUT_NAMES:
        raise ValueError(f"with_out({name}): torch.{name} has no out= variant (see _OUT_NAMES)")
    if "out" in inspect.signature(fn).parameters:
        raise ValueError(f"with_out({name}): it takes out= itself")
    dims = name not in _NO_ALIAS_FUNCTIONS and _has_dim(fn)

    @functools.wraps(fn)
    def function(*args, out=None, **kwargs):
        if dims and kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            _rename(kwargs, name)
        if out is None:
            return fn(*args, **kwargs)
        return _write_out(name, fn, args, kwargs, out)

    extra = ([("axis", None), ("keepdims", None)] if dims else []) + [("out", None)]
    function.__signature__ = _signature_with(fn, extra)
    function._tc_aliased = True
    return function


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

"""Every Tensor method as a function (``tc.exp(x)``, ``tc.sum(x, dim)``, ...), plus joins."""
import numpy as np

from .tensor import Tensor, pow, where, _arr  # noqa: F401  (re-exported)
from .ops.shape import Cat, PadConstant
from .ops.linalg import einsum  # noqa: F401
from .ops.reduce import norm_dim


def _t(x):
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def add(input, other, alpha=1):
    return _t(input).add(other, alpha)


def sub(input, other, alpha=1):
    return _t(input).sub(other, alpha)


subtract = sub


def mul(input, other):
    return _t(input) * other


multiply = mul


def div(input, other, rounding_mode=None):
    return _t(input).div(other, rounding_mode)


divide = true_divide = div


def neg(input):
    return -input


negative = neg


def abs(input):
    return input.abs()


absolute = abs


def exp(input):
    return input.exp()


def expm1(input):
    return input.expm1()


def log(input):
    return input.log()


def log1p(input):
    return input.log1p()


def log2(input):
    return input.log2()


def log10(input):
    return input.log10()


def sqrt(input):
    return input.sqrt()


def rsqrt(input):
    return input.rsqrt()


def square(input):
    return input.square()


def reciprocal(input):
    return input.reciprocal()


def sin(input):
    return input.sin()


def cos(input):
    return input.cos()


def tan(input):
    return input.tan()


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def relu(input):
    return input.relu()


def sign(input):
    return input.sign()


sgn = sign


def floor(input):
    return input.floor()


def ceil(input):
    return input.ceil()


def round(input, decimals=0):
    return input.round(decimals)


def trunc(input):
    return input.trunc()


def clamp(input, min=None, max=None):
    return input.clamp(min, max)


clip = clamp


def maximum(input, other):
    return _t(input).maximum(other)


def minimum(input, other):
    return _t(input).minimum(other)


def masked_fill(input, mask, value):
    return input.masked_fill(mask, value)


def lerp(input, end, weight):
    return input.lerp(end, weight)


def softmax(input, dim, dtype=None):
    x = input if dtype is None else input.to(dtype)
    return x.softmax(dim)


def log_softmax(input, dim, dtype=None):
    x = input if dtype is None else input.to(dtype)
    return x.log_softmax(dim)


def sum(input, dim=None, keepdim=False, dtype=None):
    return input.sum(dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, dtype=None):
    return input.mean(dim, keepdim, dtype=dtype)


def nansum(input, dim=None, keepdim=False):
    return input.nansum(dim, keepdim)


def prod(input, dim=None, keepdim=False):
    return input.prod(dim, keepdim)


def var(input, dim=None, unbiased=None, keepdim=False, correction=None):
    return input.var(dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, correction=None):
    return input.std(dim, unbiased, keepdim, correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, correction=None):
    return input.var(dim, unbiased, keepdim, correction), input.mean(dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, correction=None):
    return input.std(dim, unbiased, keepdim, correction), input.mean(dim, keepdim)


def max(input, dim=None, keepdim=False):
    return input.max(dim, keepdim)


def min(input, dim=None, keepdim=False):
    return input.min(dim, keepdim)


def amax(input, dim=(), keepdim=False):
    return input.amax(dim, keepdim)


def amin(input, dim=(), keepdim=False):
    return input.amin(dim, keepdim)


def argmax(input, dim=None, keepdim=False):
    return input.argmax(dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return input.argmin(dim, keepdim)


def logsumexp(input, dim, keepdim=False):
    return input.logsumexp(dim, keepdim)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    x = input if dtype is None else input.to(dtype)
    return x.norm(p, dim, keepdim)


def cumsum(input, dim):
    return input.cumsum(dim)


def all(input, dim=None, keepdim=False):
    return input.all(dim, keepdim)


def any(input, dim=None, keepdim=False):
    return input.any(dim, keepdim)


def matmul(input, other):
    return _t(input) @ other


def mm(input, mat2):
    return input.mm(mat2)


def bmm(input, mat2):
    return input.bmm(mat2)


def mv(input, vec):
    return input.mv(vec)


def dot(input, other):
    return input.dot(other)


def outer(input, vec2):
    return input.outer(vec2)


ger = outer


def reshape(input, shape):
    return input.reshape(shape)


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def squeeze(input, dim=None):
    return input.squeeze(dim)


def unsqueeze(input, dim):
    return input.unsqueeze(dim)


def transpose(input, dim0, dim1):
    return input.transpose(dim0, dim1)


swapaxes = swapdims = transpose


def t(input):
    return input.t()


def permute(input, dims):
    return input.permute(dims)


def movedim(input, source, destination):
    return input.movedim(source, destination)


moveaxis = movedim


def flip(input, dims):
    return input.flip(dims)


def gather(input, dim, index):
    return input.gather(dim, index)


def sort(input, dim=-1, descending=False, stable=False):
    return input.sort(dim, descending, stable)


def argsort(input, dim=-1, descending=False, stable=False):
    return input.argsort(dim, descending, stable)


def topk(input, k, dim=-1, largest=True, sorted=True):
    return input.topk(k, dim, largest, sorted)


def narrow(input, dim, start, length):
    return input.narrow(dim, start, length)


def roll(input, shifts, dims=None):
    return input.roll(shifts, dims)


def tril(input, diagonal=0):
    return input.tril(diagonal)


def triu(input, diagonal=0):
    return input.triu(diagonal)


def diagonal(input, offset=0, dim1=0, dim2=1):
    return input.diagonal(offset, dim1, dim2)


def diag(input, diagonal=0):
    return input.diag(diagonal)


def trace(input):
    return input.trace()


def cumprod(input, dim):
    return input.cumprod(dim)


def exp2(input):
    return input.exp2()


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    return input.unique(sorted, return_inverse, return_counts, dim)


def addmm(input, mat1, mat2, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2)."""
    prod = mat1.mm(mat2)
    return (input if beta == 1 else input * beta) + (prod if alpha == 1 else prod * alpha)


def take_along_dim(input, indices, dim):
    return input.gather(dim, indices)


def index_select(input, dim, index):
    return input.index_select(dim, index)


def masked_select(input, mask):
    return input.masked_select(mask)


def chunk(input, chunks, dim=0):
    return input.chunk(chunks, dim)


def split(tensor, split_size_or_sections, dim=0):
    return tensor.split(split_size_or_sections, dim)


def unbind(input, dim=0):
    return input.unbind(dim)


def broadcast_to(input, size):
    return input.expand(size)


def clone(input):
    return input.clone()


def detach(input):
    return input.detach()


def numel(input):
    return input.numel()


def isnan(input):
    return input.isnan()


def isinf(input):
    return input.isinf()


def isfinite(input):
    return input.isfinite()


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return input.allclose(other, rtol, atol, equal_nan)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return input.isclose(other, rtol, atol, equal_nan)


def equal(input, other):
    return input.equal(other)


def eq(input, other):
    return input == other


def ne(input, other):
    return input != other


def lt(input, other):
    return input < other


def le(input, other):
    return input <= other


def gt(input, other):
    return input > other


def ge(input, other):
    return input >= other


def logical_not(input):
    return input.logical_not()


def logical_and(input, other):
    return input.logical_and(other)


def logical_or(input, other):
    return input.logical_or(other)


def nonzero(input, as_tuple=False):
    return input.nonzero(as_tuple)


def count_nonzero(input, dim=None):
    return input.count_nonzero(dim)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"cat(): expected a list of Tensors, but element {i} is {type(x).__name__}")
    # PyTorch skips 1-D empty tensors, a legacy rule kept for compatibility
    ts = [x for x in tensors if not (x.ndim == 1 and x.shape[0] == 0)] or tensors[:1]
    d = norm_dim(dim, ts[0].ndim, "cat")
    return Cat.apply(d, *ts)


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join tensors of equal shape along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0].shape
    for i, x in enumerate(tensors):
        if x.shape != s0:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and {list(x.shape)} at entry {i}"
            )
    d = norm_dim(dim, len(s0) + 1, "stack")
    return Cat.apply(d, *[x.unsqueeze(d) for x in tensors])


def hstack(tensors):
    return cat(tensors, 1 if tensors[0].ndim > 1 else 0)


def vstack(tensors):
    return cat([x.reshape(1, -1) if x.ndim == 1 else x for x in tensors], 0)


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad)//2 dims: ``pad = (left_last, right_last, left_2nd_last, ...)``.

    Modes: constant, reflect, replicate, circular (the last three by index arrays, so their
    gradient adds back every copy of an element)."""
    if len(pad) % 2:
        raise RuntimeError(f"pad(): Padding length must be divisible by 2, got {len(pad)}")
    n = len(pad) // 2
    if n > input.ndim:
        raise RuntimeError(f"pad(): Padding length {len(pad)} is too large for a {input.ndim}-D input")
    widths = [(0, 0)] * input.ndim
    for i in range(n):
        widths[input.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    x = input
    if builtins_any(lo < 0 or hi < 0 for lo, hi in widths):
        crop = tuple(slice(-lo if lo < 0 else 0, (s + hi) if hi < 0 else s) for (lo, hi), s in zip(widths, x.shape))
        x = x[crop]
        widths = [(lo if lo > 0 else 0, hi if hi > 0 else 0) for lo, hi in widths]
    if mode == "constant":
        return PadConstant.apply(x, tuple(widths), 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise ValueError(f"pad(): unknown padding mode {mode!r}; expected constant, reflect, replicate or circular")
    if value not in (None, 0):
        raise ValueError(f"pad(): padding mode {mode!r} doesn't take in value argument")
    for d, (lo, hi) in enumerate(widths):
        if lo == 0 and hi == 0:
            continue
        s = x.shape[d]
        if mode == "reflect" and (lo >= s or hi >= s):
            raise RuntimeError(
                f"pad(): Padding size should be less than the corresponding input dimension, but got: padding "
                f"({lo}, {hi}) at dimension {d} of input {tuple(input.shape)}"
            )
        i = np.arange(-lo, s + hi)
        if mode == "reflect":
            i = np.abs(i)
            i = np.where(i >= s, 2 * (s - 1) - i, i)
        elif mode == "replicate":
            i = np.clip(i, 0, s - 1)
        else:
            i = i % s
        x = x[(slice(None),) * d + (i,)]
    return x


import builtins as _builtins  # noqa: E402

builtins_any = _builtins.any


def clamp_min(input, min):
    return input.clamp(min=min)


def clamp_max(input, max):
    return input.clamp(max=max)


def greater(input, other):
    return input > other


def less(input, other):
    return input < other


greater_equal = ge
less_equal = le
not_equal = ne


def is_floating_point(input):
    return input.is_floating_point()


def tile(input, dims):
    return input.tile(dims)


def unflatten(input, dim, sizes):
    return input.unflatten(dim, sizes)


# in-place forms PyTorch also offers as functions (``torch.relu_(x)``)
def abs_(input):
    return input.abs_()


def neg_(input):
    return input.neg_()


def exp_(input):
    return input.exp_()


def sqrt_(input):
    return input.sqrt_()


def relu_(input):
    return input.relu_()


def sigmoid_(input):
    return input.sigmoid_()


def tanh_(input):
    return input.tanh_()


def clamp_(input, min=None, max=None):
    return input.clamp_(min, max)


clip_ = clamp_


def fill_(input, value):
    return input.fill_(value)


def zero_(input):
    return input.zero_()


def detach_(input):
    return input.detach_()


# shape methods as functions too, so every Tensor method has its function form
def expand(input, *sizes):
    return input.expand(*sizes)


def repeat(input, *sizes):
    return input.repeat(*sizes)


def view(input, *shape):
    return input.view(*shape)

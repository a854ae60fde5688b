"""tinygrad_course: a define-by-run autograd engine on NumPy with PyTorch's API.

``import tinygrad_course as tc``: tensors and the tape here; ``tc.nn``, ``tc.optim``,
``tc.data``, ``tc.datasets``, ``tc.keras``, ``tc.viz``, ``tc.testing`` load on first use.
"""
import importlib as _importlib

from .autograd.tensor import Tensor
from .autograd.dtypes import (
    dtype, float16, half, float32, float, float64, double, int8, uint8, int16, short, int32, int,
    int64, long, bool, get_default_dtype, set_default_dtype,
)
from .autograd.factories import (
    tensor, as_tensor, from_numpy, zeros, ones, empty, full, zeros_like, ones_like, full_like,
    empty_like, arange, linspace, logspace, eye,
)
from .autograd.sampling import (
    rand, randn, randint, randperm, rand_like, randn_like, randint_like, normal, bernoulli, multinomial,
)
from .autograd.ops.arith import *  # noqa: F401,F403  (each family's __all__: its function forms)
from .autograd.ops.select import *  # noqa: F401,F403
from .autograd.ops.unary import *  # noqa: F401,F403
from .autograd.ops.compare import *  # noqa: F401,F403
from .autograd.ops.reduce import *  # noqa: F401,F403
from .autograd.ops.softmax import *  # noqa: F401,F403
from .autograd.ops.shape import *  # noqa: F401,F403
from .autograd.ops.arrange import *  # noqa: F401,F403
from .autograd.ops.index import *  # noqa: F401,F403
from .autograd.ops.join import *  # noqa: F401,F403
from .autograd.ops.linalg import *  # noqa: F401,F403
from .autograd.ops.products import *  # noqa: F401,F403
from .autograd.ops.convert import *  # noqa: F401,F403
from .autograd.ops.scatter import *  # noqa: F401,F403
from .autograd.ops.elementwise import *  # noqa: F401,F403
from .autograd.ops.trig import *  # noqa: F401,F403
from .autograd.ops.special import *  # noqa: F401,F403
from .autograd.ops.order import *  # noqa: F401,F403
from .autograd.grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode
from .autograd.random import Generator, manual_seed, initial_seed, seed, default_generator
from .autograd.device import device, Size, set_default_device, get_default_device
from .autograd.legacy import (  # noqa: F401  (PyTorch's legacy typed-tensor names)
    FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor,
)
from . import autograd, return_types  # noqa: F401

__version__ = "0.2.0"  # the one place the version is written (setup.cfg reads it)

import math as _math

# PyTorch's constants (``torch.pi`` ...): plain Python floats, as there
pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan

_LAZY = {"nn", "optim", "data", "datasets", "keras", "viz", "testing", "utils", "cuda", "distributions",
         "accelerator", "backends", "onnx", "serialization", "compile"}


def __getattr__(name):
    # subpackages load on first use so ``import tinygrad_course`` stays light
    if name in _LAZY:
        mod = _importlib.import_module(f"{__name__}.{name}")
        globals()[name] = mod
        return mod
    if name in ("save", "load"):
        from . import serialization

        return getattr(serialization, name)
    if name == "bfloat16":
        raise AttributeError(
            "module 'tinygrad_course' has no attribute 'bfloat16': NumPy has no bfloat16 dtype; use "
            "tc.float32 (or tc.float16 for half precision)"
        )
    raise AttributeError(f"module 'tinygrad_course' has no attribute '{name}'")


def is_tensor(obj):
    """True if ``obj`` is a ``tc.Tensor``.

    >>> tc.is_tensor(tc.zeros(1))
    True
    """
    return isinstance(obj, Tensor)


def numel(input):
    """The number of elements of ``input``.

    >>> tc.numel(tc.zeros(2, 3))
    6
    """
    return input.numel()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, sci_mode=None):
    """Set how tensors print (``precision``, ``threshold``, ``edgeitems``, ``linewidth``;
    ``sci_mode`` is accepted and ignored).

    >>> tc.set_printoptions(precision=4)
    """
    import numpy as _np

    _np.set_printoptions(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth)

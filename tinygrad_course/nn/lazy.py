"""Lazy modules: layers whose input size is inferred at the first call (PyTorch's ``LazyLinear`` & co.).

Before the first call a lazy layer's parameters are ``UninitializedParameter`` s: placeholders
that an optimizer may already hold, but that refuse every use with PyTorch's ``ValueError``
(their shape with its ``RuntimeError``). The first forward reads the input's size,
*materialises* each placeholder in place (the same Python object becomes an ordinary
``Parameter`` with an array of the right shape, so an optimizer built earlier keeps working, as in
PyTorch), runs the layer's usual initialisation, and turns the module into its ordinary class
(``cls_to_become``): a ``LazyLinear`` becomes a ``Linear``, so ``type(m) == nn.Linear`` checks in
init functions (``net.apply(init)`` after a dry run, the d2l idiom) see it.

>>> net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
>>> net(tc.randn(2, 20)).shape
(2, 10)
>>> net[0]
Linear(in_features=20, out_features=256, bias=True)
"""
import itertools
import sys
from collections import OrderedDict
from typing import Any, Callable, List, Optional

import numpy as np

from ..autograd import _bump_version, _wrap
from ..autograd.tensor import Tensor
from ._layer_utils import float_dtype
from .conv import Conv1d, Conv2d
from .conv_transpose import ConvTranspose1d, ConvTranspose2d
from .linear import Linear
from .normalization import BatchNorm1d, BatchNorm2d
from .parameter import Parameter

__all__ = ["UninitializedParameter", "UninitializedBuffer", "LazyModuleMixin", "LazyLinear", "LazyConv1d",
           "LazyConv2d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyBatchNorm1d", "LazyBatchNorm2d",
           "is_lazy"]

_SHAPE_MSG = ("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
              "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
              "`forward` to initialize the parameters before accessing their attributes.")


def _use_error(code) -> ValueError:
    where = getattr(code, "co_qualname", code.co_name)
    return ValueError(
        f"Attempted to use an uninitialized parameter in {where}. This error happens when you are using a "
        f"`LazyModule` or explicitly manipulating `tinygrad_course.nn.UninitializedParameter` objects. When "
        f"using LazyModules Call `forward` with a dummy batch to initialize the parameters before calling "
        f"tinygrad_course functions")


class _UninitializedMixin:
    """A tensor without storage yet: ``materialize(shape)`` gives it one (and its ordinary class)."""

    cls_to_become: type = Tensor

    # Every tensor op reads the array through `_data`; intercepting that one accessor makes any use
    # of a placeholder fail with PyTorch's ValueError, naming the function that tried.
    @property
    def _data(self):
        raise _use_error(sys._getframe(1).f_code)

    @_data.setter
    def _data(self, value):
        # Tensor.__init__ stores the empty placeholder here: it only carries the dtype
        self.__dict__["_placeholder"] = np.asarray(value)

    @property
    def shape(self):
        # PyTorch: reading the shape is a RuntimeError, using the tensor in a function (nn.init.*,
        # an op) a ValueError; our functions read .shape first, so the caller decides which
        """Raises: an uninitialised parameter has no shape until its lazy module's first call."""
        caller = sys._getframe(1)
        if caller.f_globals.get("__name__", "").startswith("tinygrad_course."):
            raise _use_error(caller.f_code)
        raise RuntimeError(_SHAPE_MSG)

    def size(self, dim=None):
        """Raises: an uninitialised parameter has no size until its lazy module's first call."""
        raise RuntimeError(_SHAPE_MSG)

    @property
    def dtype(self):
        """The dtype the parameter will get when it is materialised."""
        from ..autograd.dtypes import as_dtype

        return as_dtype(self.__dict__["_placeholder"].dtype)

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the placeholder a zero array of ``shape`` and turn it into ``cls_to_become``, in place."""
        if device is not None and str(device) != "cpu":
            raise RuntimeError(f"materialize(): only the 'cpu' device exists, got device={device!r}")
        npd = float_dtype(dtype) if dtype is not None else self.__dict__["_placeholder"].dtype
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        del self.__dict__["_placeholder"]
        self.__class__ = self.cls_to_become
        self.data = _wrap(np.zeros(shape, npd))  # the public storage swap, now through Tensor's slot
        _bump_version(self)

    def _convert_placeholder(self, convert: Callable[[np.ndarray], np.ndarray]) -> None:
        """Module.to/float/double before the first call: remember the dtype to materialise with."""
        self.__dict__["_placeholder"] = convert(self.__dict__["_placeholder"])

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, dtype=self.__dict__["_placeholder"].dtype)
        return memo[id(self)]

    def __reduce_ex__(self, proto):
        return (type(self), (self.requires_grad, None, self.__dict__["_placeholder"].dtype))


def _unmaterialize(t: Tensor, cls: type, placeholder: np.ndarray) -> None:
    """Undo ``materialize`` (a failed ``load_state_dict`` leaves a lazy module as it was)."""
    t.__class__ = cls
    t.__dict__["_placeholder"] = placeholder


class UninitializedParameter(_UninitializedMixin, Parameter):
    """A Parameter whose shape is not known yet (what lazy layers hold before their first call).

    Any use raises ``ValueError`` (its shape: ``RuntimeError``); ``materialize(shape)`` turns it
    into an ordinary ``Parameter`` in place.

    >>> p = nn.UninitializedParameter()
    >>> p.materialize((2, 3)); type(p).__name__, p.shape
    ('Parameter', (2, 3))
    """

    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        if device is not None and str(device) != "cpu":
            raise RuntimeError(f"UninitializedParameter: only the 'cpu' device exists, got device={device!r}")
        Parameter.__init__(self, np.empty(0, float_dtype(dtype)), requires_grad)


class UninitializedBuffer(_UninitializedMixin, Tensor):
    """A buffer whose shape is not known yet (running statistics of a lazy BatchNorm).

    >>> b = nn.UninitializedBuffer(); b.materialize(4); b.shape
    (4,)
    """

    cls_to_become = Tensor

    def __init__(self, requires_grad: bool = False, device=None, dtype=None) -> None:
        if device is not None and str(device) != "cpu":
            raise RuntimeError(f"UninitializedBuffer: only the 'cpu' device exists, got device={device!r}")
        Tensor.__init__(self, np.empty(0, float_dtype(dtype)), requires_grad=requires_grad)


def is_lazy(t: Any) -> bool:
    """True for an ``UninitializedParameter`` / ``UninitializedBuffer`` not materialised yet."""
    return isinstance(t, _UninitializedMixin)


class LazyModuleMixin:
    """Mixin of the lazy layers: at the first call, ``initialize_parameters(input)`` sizes the
    placeholders from the input, then the module becomes ``cls_to_become``.

    A lazy module also loads a checkpoint before its first call (the placeholders take the
    checkpoint's shapes, as PyTorch's load pre-hook does).
    """

    cls_to_become: Optional[type] = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(LazyModuleMixin._infer_parameters)

    def initialize_parameters(self, *args, **kwargs) -> None:
        """Size and initialise the parameters from the first input (each lazy layer defines it)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self) -> bool:
        """True while some parameter or buffer is still a placeholder."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(), self._buffers.values()))

    @staticmethod
    def _infer_parameters(module, args):
        module.initialize_parameters(*args)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _lazy_load_hook(self, state_dict, prefix: str) -> List[Callable[[], None]]:
        """Called by ``Module.load_state_dict`` before its checks: materialise each placeholder that
        the checkpoint has a real entry for; return the undo actions (used if the load fails)."""
        undo = []
        for name, t in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if t is None or not is_lazy(t) or key not in state_dict:
                continue
            value = state_dict[key]
            shape = getattr(value, "shape", None) if not is_lazy(value) else None
            if shape is None:
                continue
            undo.append(lambda t=t, cls=type(t), ph=t.__dict__["_placeholder"]: _unmaterialize(t, cls, ph))
            t.materialize(tuple(shape))
        return undo

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """As ``Module.state_dict``; placeholders appear as themselves (PyTorch shows them too)."""
        if destination is None:
            destination = OrderedDict()
        for name, t in self._parameters.items():
            if t is not None:
                destination[prefix + name] = t if (keep_vars or is_lazy(t)) else t.detach()
        for name, t in self._buffers.items():
            if t is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = t if (keep_vars or is_lazy(t)) else t.detach()
        return destination


class LazyLinear(LazyModuleMixin, Linear):
    """A ``Linear`` whose ``in_features`` is the last dimension of its first input.

    >>> fc = nn.LazyLinear(10)
    >>> fc(tc.randn(4, 20)).shape, fc
    ((4, 10), Linear(in_features=20, out_features=10, bias=True))
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        # bias=False: no throw-away bias array; the placeholders replace weight and bias below
        super().__init__(0, 0, False, device=device, dtype=dtype)
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self) -> None:
        """Linear's init once the parameters exist (a no-op before)."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        """in_features = input.shape[-1]; materialise weight (out, in) and bias (out,), then init."""
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._get_name()}: expected a Tensor input, got {type(input).__name__}")
        if input.ndim == 0:
            raise RuntimeError(f"{self._get_name()}: expected an input with at least 1 dimension, got a scalar")
        if self.has_uninitialized_params():
            self.in_features = int(input.shape[-1])
            self.weight.materialize((self.out_features, self.in_features))
            if self.bias is not None:
                self.bias.materialize((self.out_features,))
            self.reset_parameters()
        if self.in_features == 0:  # loaded from a checkpoint before the first call
            self.in_features = int(self.weight.shape[-1])


class _LazyConvMixin(LazyModuleMixin):
    def reset_parameters(self) -> None:
        """The conv layer's init once the parameters exist (a no-op before)."""
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args, **kwargs) -> None:
        """in_channels from the input (dim 1, or 0 when unbatched); materialise weight and bias."""
        if not self.has_uninitialized_params():
            return
        n = self._n
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._get_name()}: expected a Tensor input, got {type(input).__name__}")
        if input.ndim not in (n + 1, n + 2):
            raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                               f"{self._get_name()}, but got input of size: {tuple(input.shape)}")
        self.in_channels = int(input.shape[1] if input.ndim == n + 2 else input.shape[0])
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if self.transposed:
            self.weight.materialize((self.in_channels, self.out_channels // self.groups) + self.kernel_size)
        else:
            self.weight.materialize((self.out_channels, self.in_channels // self.groups) + self.kernel_size)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()


def _lazy_conv_init(self, out_channels, bias, dtype):
    self.weight = UninitializedParameter(dtype=dtype)
    self.out_channels = out_channels
    if bias:
        self.bias = UninitializedParameter(dtype=dtype)


class LazyConv1d(_LazyConvMixin, Conv1d):
    """A ``Conv1d`` whose ``in_channels`` is read from the first input (N, C, L).

    >>> nn.LazyConv1d(8, 3)(tc.randn(2, 4, 10)).shape
    (2, 8, 8)
    """

    cls_to_become = Conv1d

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        _lazy_conv_init(self, out_channels, bias, dtype)


class LazyConv2d(_LazyConvMixin, Conv2d):
    """A ``Conv2d`` whose ``in_channels`` is read from the first input (N, C, H, W).

    >>> nn.LazyConv2d(6, kernel_size=5, padding=2)(tc.randn(1, 1, 28, 28)).shape
    (1, 6, 28, 28)
    """

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        _lazy_conv_init(self, out_channels, bias, dtype)


class LazyConvTranspose1d(_LazyConvMixin, ConvTranspose1d):
    """A ``ConvTranspose1d`` whose ``in_channels`` is read from the first input.

    >>> nn.LazyConvTranspose1d(2, 3, stride=2)(tc.randn(1, 4, 5)).shape
    (1, 2, 11)
    """

    cls_to_become = ConvTranspose1d

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0, groups: int = 1,
                 bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                         padding_mode, device, dtype)
        _lazy_conv_init(self, out_channels, bias, dtype)


class LazyConvTranspose2d(_LazyConvMixin, ConvTranspose2d):
    """A ``ConvTranspose2d`` whose ``in_channels`` is read from the first input.

    >>> nn.LazyConvTranspose2d(2, 3, stride=2)(tc.randn(1, 4, 5, 5)).shape
    (1, 2, 11, 11)
    """

    cls_to_become = ConvTranspose2d

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0, groups: int = 1,
                 bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                         padding_mode, device, dtype)
        _lazy_conv_init(self, out_channels, bias, dtype)


class _LazyNormBase(LazyModuleMixin):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None,
                 *, bias=True):
        # affine / running stats off: nothing allocated that the placeholders would replace
        super().__init__(0, eps, momentum, False, False, device=device, dtype=dtype, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = _wrap(np.zeros((), np.int64))

    def reset_parameters(self) -> None:
        """BatchNorm's reset once the parameters exist (a no-op before)."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        """num_features = input.shape[1]; materialise weight, bias, running_mean, running_var."""
        if not self.has_uninitialized_params():
            return
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._get_name()}: expected a Tensor input, got {type(input).__name__}")
        if input.ndim < 2:
            raise ValueError(f"{self._get_name()}: expected an input (N, C, ...) of at least 2 dimensions, "
                             f"got shape {tuple(input.shape)}")
        self.num_features = int(input.shape[1])
        if self.affine:
            self.weight.materialize((self.num_features,))
            if self.bias is not None:
                self.bias.materialize((self.num_features,))
        if self.track_running_stats:
            self.running_mean.materialize((self.num_features,))
            self.running_var.materialize((self.num_features,))
        self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """A ``BatchNorm1d`` whose ``num_features`` is read from the first input (N, C) or (N, C, L).

    >>> bn = nn.LazyBatchNorm1d(); bn(tc.randn(8, 3)).shape, bn.num_features
    ((8, 3), 3)
    """

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """A ``BatchNorm2d`` whose ``num_features`` is read from the first input (N, C, H, W).

    >>> nn.LazyBatchNorm2d()(tc.randn(2, 3, 4, 4)).shape
    (2, 3, 4, 4)
    """

    cls_to_become = BatchNorm2d

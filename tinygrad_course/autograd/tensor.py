"""``Tensor``: an ndarray plus what the tape needs (``grad_fn``, ``requires_grad``, ``grad``)."""
from typing import Any, Optional

from . import (accumulate, aliases, custom, dtypes as _dt, engine, engine_api, factories, function, graph, legacy, partial,
               protocols, sampling, saved, storage, views)
from .device import DeviceOps, Size as _Size, check_device as _check_device
from .dims import norm_dim, shape_arg as _shape_arg  # noqa: F401  (shape_arg: re-exported for the floors above)
from .factories import FactoryOps, _check_rg
from .hooks import HookOps
from .ops import (arith, arrange, compare, conv, convert, elementwise, fill, index, input_checks, join, linalg, loss,
                  operands, order, products, reduce, rounding_div, scatter, select, shape, softmax, special, trig, unary)
from .ops.operands import _arr  # noqa: F401  (re-exported)
from .protocols import PythonOps
from .sampling import SamplingOps
from .views import InplaceOps

_new_tensor = object.__new__


class Tensor(arith.ArithOps, select.SelectOps, unary.UnaryOps, compare.CompareOps, reduce.ReduceOps,
             softmax.SoftmaxOps, shape.ShapeOps, arrange.ArrangeOps, index.IndexOps, linalg.LinalgOps,
             products.ProductOps, convert.ConvertOps, FactoryOps, InplaceOps, elementwise.ElementwiseOps,
             rounding_div.RoundingDivOps, trig.TrigOps, special.SpecialOps, scatter.ScatterOps, fill.FillOps,
             order.OrderOps,
             SamplingOps, HookOps, PythonOps, DeviceOps):
    """A multi-dimensional array that records the operations done on it (PyTorch's Tensor).

    >>> x = tc.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    >>> (x ** 2).sum().backward()
    >>> x.grad
    tensor([[2., 4.],
            [6., 8.]])
    """

    # every slot is set when a tensor is made: the interpreter caches reads of slots, not of
    # class-level defaults, and the engine reads these on every op
    __slots__ = ("_data", "_rg", "_grad_fn", "_output_nr", "_vc", "__dict__", "__weakref__")
    # rarely set per tensor: a class-level default
    _grad = None
    _hooks = None
    # NumPy hands binary operators with a Tensor on the right back to us
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, *args, device=None, requires_grad=False, dtype=None):
        """PyTorch's legacy constructor: ``Tensor(2, 3)`` an uninitialised float 2x3 tensor,
        ``Tensor([1, 2])`` a float copy of the data, ``Tensor(t)`` a tensor sharing ``t``'s
        values, ``Tensor()`` empty. An ndarray keeps its dtype and memory (PyTorch copies it to
        float32). ``requires_grad``/``dtype`` (keyword only) are ours, for ``Parameter`` and
        subclasses; PyTorch's ``Tensor(...)`` refuses them.

        >>> tc.Tensor(2, 3).shape, tc.Tensor([1, 2]).dtype
        (tinygrad_course.Size([2, 3]), tinygrad_course.float32)
        """
        _check_device(device, "Tensor")
        arr, vc = legacy.constructor_data(args, dtype)
        _check_rg(arr, requires_grad, "Tensor")
        self._data = arr
        self._rg = bool(requires_grad)
        self._grad_fn = None
        self._output_nr = 0
        self._vc = vc

    @classmethod
    def _make(cls, data, requires_grad=False, grad_fn=None, output_nr=0, vc=None):
        """Wrap an ndarray without any checks (the ops' fast path)."""
        t = _new_tensor(Tensor)
        t._data = data
        t._rg = requires_grad
        t._grad_fn = grad_fn
        t._output_nr = output_nr
        t._vc = vc if vc is not None else [0]
        return t

    @property
    def grad_fn(self):
        """The node of the op that made this tensor (``MulBackward0`` ...), None for a leaf."""
        node = self._grad_fn
        return node if node is None else graph.named(node)

    @property
    def requires_grad(self):
        """Whether operations on this tensor are recorded for differentiation (settable on leaves)."""
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        """Set whether this leaf records operations (in place; returns self)."""
        if self._grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        _check_rg(self._data, requires_grad, "requires_grad_")
        self._rg = bool(requires_grad)
        return self

    @property
    def grad(self):
        """The gradient accumulated by ``backward()`` (None until then; leaves only, unless ``retain_grad()``)."""
        if self._grad_fn is not None and self._grad is None and not self.__dict__.get("_retains"):
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                "attribute won't be populated during autograd.backward(). Use .retain_grad() on the "
                "non-leaf Tensor if you want its gradient.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: {tuple(value.shape)} vs {tuple(self.shape)}")
            if value.dtype != self.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: {value.dtype} vs {self.dtype}")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def data(self):
        """This tensor's values as a new leaf that shares memory and records nothing."""
        return Tensor._make(self._data, False, None, 0, self._vc)

    @data.setter
    def data(self, value):
        # PyTorch: ``x.data = t`` swaps in t's values (any shape/dtype) and keeps x's identity and flags
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    @property
    def shape(self):
        """The sizes of the dimensions, a ``tc.Size`` (a tuple)."""
        return _Size(self._data.shape)

    @property
    def ndim(self):
        """The number of dimensions."""
        return self._data.ndim

    @property
    def dtype(self):
        """The element type (``tc.float32`` ...)."""
        return _dt._BY_NP[self._data.dtype]

    @property
    def is_leaf(self):
        """True for tensors not produced by a recorded operation (user-created, or requires_grad=False)."""
        return self._grad_fn is None

    @property
    def _version(self):
        return self._vc[0]

    def __hash__(self):
        return id(self)

    def backward(self, gradient: Any = None, retain_graph: Optional[bool] = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (``gradient`` = dL/dself)."""
        engine_api.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> "Tensor":
        """The same values, cut from the tape (shares memory and version counter)."""
        return Tensor._make(self._data, False, None, 0, self._vc)

    def detach_(self):
        """Cut self from the tape in place (it becomes a leaf without gradient)."""
        self._grad_fn = None
        self._rg = False
        return self


# The op families, the tape and the engine were imported before ``Tensor`` existed (it is built from
# the families' mixins), so none imports this module: each gets the class here, once. No circle.
for _module in (accumulate, aliases, custom, engine, engine_api, factories, function, legacy, partial, protocols, sampling,
                saved, storage, views, arith, arrange, compare, conv, convert, elementwise, fill, index, input_checks,
                join, linalg, loss, operands, order, products, reduce, rounding_div, scatter, select, shape, softmax, special,
                trig, unary):
    _module.Tensor = Tensor


"""Parameter: a leaf Tensor that a Module registers as learnable."""
import numpy as np

from ..autograd import _array
from ..autograd.tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor (``requires_grad=True`` by default) that Modules discover.

    Assigning a Parameter as a Module attribute registers it in
    ``module.parameters()``; it shares memory with the Tensor it is made from.

    >>> p = Parameter(tc.zeros(3))
    >>> p.requires_grad, p.is_leaf
    (True, True)
    """

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            arr = np.empty(0, dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = _array(data)
        elif isinstance(data, np.ndarray):
            arr = data
        else:
            raise TypeError(f"Parameter(): data must be a Tensor or None, got {type(data).__name__}")
        if requires_grad and arr.dtype.kind != "f":
            raise RuntimeError(
                f"Parameter(): only Tensors of floating point dtype can require gradients, got {arr.dtype}"
            )
        super().__init__(arr, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(_array(self).copy(), self.requires_grad)
        return memo[id(self)]

    def __reduce_ex__(self, proto):
        return (Parameter, (_array(self), self.requires_grad))

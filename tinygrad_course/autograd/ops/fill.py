"""In-place fills: ``zero_``, ``fill_`` and ``copy_`` (differentiable in ``copy_``'s source).

Outside recording they write into the array and bump the version; while recording on a tensor
that requires grad they go through ``_adopt`` (views.py), so the tape sees the new history."""
import numpy as np

from ..grad_mode import _Mode
from .operands import _arr

__all__ = []  # methods only (tc.zero_ and friends are not PyTorch functions)


class FillOps:
    """``zero_``, ``fill_``, ``copy_``. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def _fill(self, op, arr):
        self._check_inplace(op)
        if _Mode.enabled and self._rg:
            # still in the graph, as PyTorch's ZeroBackward0/FillBackward0: the value is the
            # constant, the gradient to self's history zero
            from .select import where

            everywhere = Tensor._make(np.ones(self._data.shape, bool))
            self._adopt(where(everywhere, _constant_like(self, arr), self), op)
            return self
        try:
            np.copyto(self._data, arr, casting="unsafe")
        except ValueError as e:
            raise RuntimeError(f"{op}: {e} (tensor of shape {self._data.shape})") from None
        self._vc[0] += 1
        return self

    def zero_(self):
        """Fill self with zeros in place."""
        return self._fill("zero_", 0)

    def fill_(self, value):
        """Fill self with ``value`` in place."""
        return self._fill("fill_", _arr(value))

    def copy_(self, src):
        """Copy ``src``'s values into this tensor (broadcasting); differentiable in ``src``."""
        s = _arr(src)
        try:
            np.broadcast_to(s, self.shape)
        except ValueError:
            raise RuntimeError(
                f"copy_(): the size of src {tuple(s.shape)} must be broadcastable to the destination {tuple(self.shape)}"
            ) from None
        if _Mode.enabled and getattr(src, "_rg", False):
            self._check_inplace("copy_")
            self._adopt((src.to(self.dtype) if src.dtype != self.dtype else src).expand(self.shape) + 0.0, "copy_")
            return self
        return self._fill("copy_", s)


def _constant_like(t, arr):
    return Tensor._make(np.array(np.broadcast_to(arr, t.shape), dtype=t._data.dtype))


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

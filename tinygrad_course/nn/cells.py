"""RNNCell, LSTMCell, GRUCell: one time step of RNN/LSTM/GRU (PyTorch's parameters and gate order).

The gate math is the one nn.RNN/LSTM/GRU run at every step (their ``_cell``), so a cell and a
one-layer recurrent module with the same weights agree exactly.
"""
import math

import tinygrad_course as _tc

from ..autograd.tensor import Tensor
from . import init
from ._layer_utils import check_device, check_tensor_input, empty_param
from .functional import linear
from .module import Module
from .rnn import GRU, LSTM, RNN

__all__ = ["GRUCell", "LSTMCell", "RNNCell", "RNNCellBase"]


class RNNCellBase(Module):
    """Parameters weight_ih (G*H, in), weight_hh (G*H, H), bias_ih, bias_hh (G*H,), all ~ U(-1/sqrt(H), 1/sqrt(H)).

    >>> nn.GRUCell(3, 5).weight_ih.shape
    tinygrad_course.Size([15, 3])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None,
                 dtype=None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = empty_param((num_chunks * hidden_size, input_size), dtype)
        self.weight_hh = empty_param((num_chunks * hidden_size, hidden_size), dtype)
        if bias:
            self.bias_ih = empty_param((num_chunks * hidden_size,), dtype)
            self.bias_hh = empty_param((num_chunks * hidden_size,), dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.bias is not True:
            s += ", bias={bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    # ------------------------------------------------------------------ helpers
    def _check_input(self, input):
        check_tensor_input(self, input)
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got {input.shape[-1]} expected "
                               f"{self.input_size} (input shape {tuple(input.shape)})")
        return input.ndim == 2

    def _check_state(self, state, what, batched, batch):
        name = type(self).__name__
        if not isinstance(state, Tensor):
            raise TypeError(f"{name}: {what} must be a Tensor, got {type(state).__name__}")
        if state.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {state.ndim}D instead")
        if state.ndim != (2 if batched else 1):
            raise RuntimeError(f"{name}: {'batched 2-D' if batched else 'unbatched 1-D'} input needs a "
                               f"{2 if batched else 1}-D {what}, got shape {tuple(state.shape)}")
        s = state if batched else state.unsqueeze(0)
        if s.shape[0] != batch:
            raise RuntimeError(f"{name}: Input batch size {batch} doesn't match {what} batch size {s.shape[0]}")
        if s.shape[1] != self.hidden_size:
            raise RuntimeError(f"{name}: {what} has inconsistent hidden_size: got {s.shape[1]}, expected "
                               f"{self.hidden_size}")
        return s

    def _input_projection(self, x):
        # x W_ih^T + b_ih: what nn.RNN/LSTM/GRU compute for all steps at once before their _cell
        return linear(x, self.weight_ih, self.bias_ih)


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

    ``forward(input (N, in) or (in,), hx=None)`` -> h' (N, H) or (H,); hx defaults to zeros.

    >>> cell = nn.RNNCell(10, 20)
    >>> h = cell(tc.randn(3, 10))
    >>> h = cell(tc.randn(3, 10), h)
    >>> h.shape
    (3, 20)
    """

    _step = RNN._cell

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step: the next hidden state."""
        batched = self._check_input(input)
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h = _tc.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        else:
            h = self._check_state(hx, "hidden", batched, x.shape[0])
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        (out,) = self._step(self._input_projection(x), [h], self.weight_hh, self.bias_hh)
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """i, f, g, o = sigma, sigma, tanh, sigma of (x W_ih^T + b_ih + h W_hh^T + b_hh);
    c' = f c + i g, h' = o tanh(c').

    ``forward(input, hx=None)`` with hx = (h, c) -> (h', c'); hx defaults to zeros.

    >>> cell = nn.LSTMCell(10, 20)
    >>> h, c = cell(tc.randn(3, 10))
    >>> h.shape, c.shape
    ((3, 20), (3, 20))
    """

    _step = LSTM._cell

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """One step: the next (hidden state, cell state)."""
        batched = self._check_input(input)
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            z = _tc.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
            h, c = z, z
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"LSTMCell: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
            h = self._check_state(hx[0], "hx[0]", batched, x.shape[0])
            c = self._check_state(hx[1], "hx[1]", batched, x.shape[0])
        h, c = self._step(self._input_projection(x), [h, c], self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """r = sigma(.), z = sigma(.), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h' = (1 - z) n + z h.

    ``forward(input, hx=None)`` -> h'; hx defaults to zeros.

    >>> cell = nn.GRUCell(10, 20)
    >>> cell(tc.randn(10)).shape
    (20,)
    """

    _step = GRU._cell

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step: the next hidden state."""
        batched = self._check_input(input)
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h = _tc.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        else:
            h = self._check_state(hx, "hidden", batched, x.shape[0])
        (out,) = self._step(self._input_projection(x), [h], self.weight_hh, self.bias_hh)
        return out if batched else out.squeeze(0)

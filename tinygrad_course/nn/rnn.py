"""RNN, LSTM, GRU (multi-layer, bidirectional, batch_first), unrolled over time with tensor ops.

The input projection x W_ih^T + b_ih of a whole layer is one GEMM over all time steps; only
the recurrent h W_hh^T is done per step. Gate order and parameter names are PyTorch's
(LSTM: i, f, g, o; GRU: r, z, n), so state dicts move between the two.
"""
import math
import numbers
import warnings

import numpy as np

import tinygrad_course as _tc
from ..autograd import _array, _wrap
from ..autograd.function import Function
from ..autograd.tensor import Tensor
from . import functional as F
from . import init
from ._layer_utils import check_device, check_tensor_input, empty_param
from .functional._utils import shape_str
from .module import Module
from .utils.rnn import PackedSequence, _run_packed

__all__ = ["RNNBase", "RNN", "LSTM", "GRU"]

_A = np.ndarray


class Unbind(Function):
    """x -> the tuple of its slices along dim 0;  backward stacks the slices' gradients."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        x = a._data
        return tuple(x[i] for i in range(x.shape[0]))

    @staticmethod
    def backward(ctx, *grads):
        if all(g.__class__ is _A for g in grads):
            return np.stack(grads, 0)
        return _tc.stack([g if isinstance(g, Tensor) else Tensor._make(g) for g in grads], 0)


def _unbind(x):
    # Unbind returns views: copy-free, and one node for the whole sequence
    return Unbind.apply(x) if x.shape[0] > 1 else (x[0],)


class RNNBase(Module):
    """Common machinery: parameters weight_ih_l{k}[_reverse], weight_hh_l{k}..., bias_ih_l{k}..., bias_hh_l{k}...

    >>> [name for name, _ in nn.RNN(3, 5).named_parameters()]
    ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """

    _gates = 1

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        check_device(device, type(self).__name__)
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}"
            )
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size != 0:
            raise ValueError(f"{type(self).__name__}: proj_size is not supported (got {proj_size})")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        gate_size = self._gates * hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                shapes = [(gate_size, layer_input_size), (gate_size, hidden_size)]
                if bias:
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                    shapes += [(gate_size,), (gate_size,)]
                for name, shape in zip(names, shapes):
                    setattr(self, name, empty_param(shape, dtype))
                self._flat_weights_names.extend(names)
        self.reset_parameters()

    def flatten_parameters(self):
        """A no-op, kept so PyTorch code that calls it runs: PyTorch compacts the weights for
        cuDNN on a GPU (and does nothing on the CPU); our weights are separate arrays on the CPU."""

    def reset_parameters(self):
        """Every weight and bias ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def all_weights(self):
        """The parameters as a list per layer and direction: [w_ih, w_hh, b_ih, b_hh] each (PyTorch's layout)."""
        return [[getattr(self, n) for n in self._layer_names(layer, d)]
                for layer in range(self.num_layers) for d in range(2 if self.bidirectional else 1)]

    def _layer_names(self, layer, direction):
        suffix = "_reverse" if direction == 1 else ""
        names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
        if self.bias:
            names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
        return names

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ------------------------------------------------------------------ forward
    def _prepare(self, input, hx):
        """(L, N, H_in) input, list of initial states shaped (layers*D, N, H), batched flag."""
        check_tensor_input(self, input)
        if input.ndim not in (2, 3):
            raise RuntimeError(
                f"{self!r}: expected input of 2 (unbatched (L, H_in)) or 3 dimensions "
                f"({'(N, L, H_in)' if self.batch_first else '(L, N, H_in)'}), got shape {shape_str(input.shape)}"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"{self!r}: input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {input.shape[-1]} (input shape {shape_str(input.shape)})"
            )
        batched = input.ndim == 3
        if not batched:
            x = input.unsqueeze(1)
        else:
            x = input.transpose(0, 1) if self.batch_first else input
        N = x.shape[1]
        D = 2 if self.bidirectional else 1
        expected = (self.num_layers * D, N, self.hidden_size)
        n_states = 2 if self.mode == "LSTM" else 1
        if hx is None:
            z = _wrap(np.zeros(expected, _array(x).dtype))
            states = [z] * n_states
        else:
            states = list(hx) if n_states == 2 else [hx]
            if n_states == 2 and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
                raise RuntimeError(f"{self!r}: hx must be a tuple (h_0, c_0)")
            out = []
            for s in states:
                if not isinstance(s, Tensor):
                    raise TypeError(f"{self!r}: hidden state must be a Tensor, got {type(s).__name__}")
                if not batched:
                    if s.ndim != 2:
                        raise RuntimeError(
                            f"{self!r}: For unbatched 2-D input, hx should also be 2-D but got {s.ndim}-D tensor"
                        )
                    s = s.unsqueeze(1)
                if tuple(s.shape) != expected:
                    raise RuntimeError(f"{self!r}: Expected hidden size {expected}, got {shape_str(s.shape)}")
                out.append(s)
            states = out
        return x, states, batched

    def _run(self, x, states, lengths=None):
        D = 2 if self.bidirectional else 1
        L = x.shape[0]
        # packed input: sequence b runs for lengths[b] steps; past them its state is carried unchanged
        masks = None if lengths is None else [_tc.from_numpy((lengths > t)[:, None]) for t in range(L)]
        layer_input = x
        finals = [[] for _ in states]
        for layer in range(self.num_layers):
            dir_outputs = []
            for direction in range(D):
                params = [getattr(self, n) for n in self._layer_names(layer, direction)]
                w_ih, w_hh = params[0], params[1]
                b_ih, b_hh = (params[2], params[3]) if self.bias else (None, None)
                k = layer * D + direction
                state = [s[k] for s in states]
                xp = layer_input @ w_ih.T  # (L, N, G): one GEMM for all steps
                if b_ih is not None:
                    xp = xp + b_ih
                steps = _unbind(xp)
                outs = [None] * L
                order = range(L) if direction == 0 else range(L - 1, -1, -1)
                for t in order:
                    new = self._cell(steps[t], state, w_hh, b_hh)
                    state = new if masks is None else [_tc.where(masks[t], n, s) for n, s in zip(new, state)]
                    outs[t] = state[0]
                dir_outputs.append(_tc.stack(outs, 0))
                for i, s in enumerate(state):
                    finals[i].append(s)
            layer_input = dir_outputs[0] if D == 1 else _tc.cat(dir_outputs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, [_tc.stack(f, 0) for f in finals]

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            return _run_packed(self, input, hx)
        x, states, batched = self._prepare(input, hx)
        output, finals = self._run(x, states)
        if not batched:
            output = output.squeeze(1)
            finals = [f.squeeze(1) for f in finals]
        elif self.batch_first:
            output = output.transpose(0, 1)
        if self.mode == "LSTM":
            return output, (finals[0], finals[1])
        return output, finals[0]


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    Returns (output (L, N, D*H), h_n (num_layers*D, N, H)).

    >>> out, h = nn.RNN(3, 5, num_layers=2)(tc.randn(7, 2, 3))
    >>> out.shape, h.shape
    (tinygrad_course.Size([7, 2, 5]), tinygrad_course.Size([2, 2, 5]))
    """

    _gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self_mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(self_mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def _cell(self, xp_t, state, w_hh, b_hh):
        a = xp_t + state[0] @ w_hh.T
        if b_hh is not None:
            a = a + b_hh
        return [a.tanh() if self.nonlinearity == "tanh" else a.relu()]


class LSTM(RNNBase):
    """LSTM: i, f, g, o = sigma, sigma, tanh, sigma of (x W_ih^T + b_ih + h W_hh^T + b_hh);
    c_t = f c_{t-1} + i g, h_t = o tanh(c_t).  Returns (output, (h_n, c_n)).

    >>> out, (h, c) = nn.LSTM(3, 5, batch_first=True)(tc.randn(2, 7, 3))
    >>> out.shape, h.shape, c.shape
    (tinygrad_course.Size([2, 7, 5]), tinygrad_course.Size([1, 2, 5]), tinygrad_course.Size([1, 2, 5]))
    """

    _gates = 4

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)

    def _cell(self, xp_t, state, w_hh, b_hh):
        h, c = state
        H = self.hidden_size
        gates = xp_t + h @ w_hh.T
        if b_hh is not None:
            gates = gates + b_hh
        s = gates.sigmoid()  # one sigmoid for i, f, o (g's slice is unused)
        i, f, o = s[:, :H], s[:, H:2 * H], s[:, 3 * H:]
        g = gates[:, 2 * H:3 * H].tanh()
        c = f * c + i * g
        return [o * c.tanh(), c]


class GRU(RNNBase):
    """GRU: r = sigma(.), z = sigma(.), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),
    h_t = (1 - z) n + z h_{t-1}.  Returns (output, h_n).

    >>> out, h = nn.GRU(3, 5, bidirectional=True)(tc.randn(7, 2, 3))
    >>> out.shape, h.shape
    (tinygrad_course.Size([7, 2, 10]), tinygrad_course.Size([2, 2, 5]))
    """

    _gates = 3

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)

    def _cell(self, xp_t, state, w_hh, b_hh):
        (h,) = state
        H = self.hidden_size
        gh = h @ w_hh.T
        if b_hh is not None:
            gh = gh + b_hh
        rz = (xp_t[:, :2 * H] + gh[:, :2 * H]).sigmoid()
        r, z = rz[:, :H], rz[:, H:]
        n = (xp_t[:, 2 * H:] + r * gh[:, 2 * H:]).tanh()
        return [n + z * (h - n)]

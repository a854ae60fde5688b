"""SimpleRNN, LSTM and GRU with Keras 2.2's formulas and weight layouts.

Inputs are (batch, timesteps, features). Weights, in Keras' layout (``get_weights()`` order):
``kernel`` (features, k * units), ``recurrent_kernel`` (units, k * units), ``bias`` (k * units,),
with the k gate blocks side by side: LSTM ``i, f, c, o`` (k = 4), GRU ``z, r, h`` (k = 3), SimpleRNN
k = 1. Inside, the kernels are stored transposed (PyTorch's (out, in) layout) so that the
initializers see Keras' fan_in / fan_out.

Keras 2.2 (followed here), per time step t, with ``act = activation`` (tanh) and
``rec = recurrent_activation`` (Keras 2.2 default ``hard_sigmoid(x) = clip(0.2 x + 0.5, 0, 1)``):

- SimpleRNN: ``h = act(x W + b + h_prev U)``
- LSTM: ``i = rec(x W_i + h_prev U_i + b_i)``, ``f = rec(...f)``, ``o = rec(...o)``,
  ``c = f * c_prev + i * act(x W_c + h_prev U_c + b_c)``, ``h = o * act(c)``
- GRU (``reset_after=False``, Keras 2.2's default): ``z = rec(x W_z + h_prev U_z + b_z)``,
  ``r = rec(x W_r + h_prev U_r + b_r)``, ``hh = act(x W_h + (r * h_prev) U_h + b_h)``,
  ``h = z * h_prev + (1 - z) * hh``. With ``reset_after=True`` (Keras 3's default, cuDNN's) the
  bias is (2, 3 units) = [input bias; recurrent bias] and ``hh = act(x W_h + b_h + r * (h_prev U_h + b'_h))``.

Every step is made of differentiable tc ops, so the layers differentiate twice.
"""
from typing import List, Optional

from ...autograd.factories import empty, zeros
from ...autograd.sampling import rand
from ...autograd.ops.join import cat, stack
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor
from ...nn.parameter import Parameter
from .. import activations, initializers
from .base import Layer, shape_str

__all__ = ["SimpleRNN", "LSTM", "GRU"]


class _RNN(Layer):
    """Shared machinery: argument checks, weights, dropout masks, the time loop and return options."""

    _gates = 1

    def __init__(self, units: int, activation="tanh", recurrent_activation="hard_sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, implementation: int = 1, input_shape=None, input_dim: Optional[int] = None,
                 input_length: Optional[int] = None, **kwargs):
        who = type(self).__name__
        if input_shape is None and input_dim is not None:
            input_shape = (input_length, input_dim)
        super().__init__(input_shape=input_shape, **kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(f"{who}: units must be a positive integer, got {units!r}")
        for what, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
                raise ValueError(f"{who}: {what} must be a number in [0, 1), got {rate!r}")
        if stateful:
            raise ValueError(f"{who}: stateful=True is not supported (state is reset at every batch)")
        if implementation not in (1, 2):
            raise ValueError(f"{who}: implementation must be 1 or 2, got {implementation!r}")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful, self.unroll = bool(go_backwards), False, bool(unroll)
        self.implementation = implementation  # 1 and 2 are the same mathematics in Keras

    # ------------------------------------------------------------------ shapes
    @property
    def _n_states(self) -> int:
        return 1

    def compute_output_shape(self, shape):
        if len(shape) != 2 or shape[-1] is None:
            raise ValueError(
                f"Input 0 of layer {self.name!r} ({type(self).__name__}) is incompatible with the layer: expected "
                f"ndim=3 (batch, timesteps, features) with known features, found shape "
                f"{shape_str((None,) + tuple(shape))}")
        out = (shape[0], self.units) if self.return_sequences else (self.units,)
        if self.return_state:
            return [out] + [(self.units,)] * self._n_states
        return out

    def build(self, input_shape) -> None:
        """Create the weights for inputs (timesteps, features)."""
        super().build(input_shape)
        if self.return_state:  # several outputs: keep the list, not a tuple of tuples
            self._out_shape = self.compute_output_shape(self._in_shape)

    @property
    def output_shape(self):
        """The output shape with ``None`` for the batch: (None, units), or (None, steps, units) with ``return_sequences``."""
        if not self.built:
            raise AttributeError(f"The layer {self.name!r} has never been called and thus has no defined output shape.")
        if self.return_state:
            return [(None,) + tuple(s) for s in self._out_shape]
        return (None,) + tuple(self._out_shape)

    def _bias_shape(self):
        return (self._gates * self.units,)

    def _build(self, shape):
        n, k = shape[-1], self._gates * self.units
        # PyTorch layout (out, in): the initializers' fans are then Keras' (fan_in = in)
        self.kernel = Parameter(empty((k, n)))
        self.recurrent_kernel = Parameter(empty((k, self.units)))
        with no_grad():
            self.kernel_initializer(self.kernel)
            # Keras initializes the whole (units, k*units) recurrent kernel at once, not per gate
            self.recurrent_initializer(self.recurrent_kernel)
        if self.use_bias:
            self.bias = Parameter(empty(self._bias_shape()))
            with no_grad():
                self._init_bias()

    def _init_bias(self):
        self.bias_initializer(self.bias)

    def _keras_weights(self):
        if not self.built:
            return []
        w = [(self.kernel, (1, 0), True), (self.recurrent_kernel, (1, 0), True)]
        if self.use_bias:
            w.append((self.bias, None, True))
        return w

    # ----------------------------------------------------------------- running
    def _mask(self, n: int, size: int, rate: float, like: Tensor) -> Optional[Tensor]:
        """Inverted dropout mask (n, size), one per sequence, reused at every time step (as Keras)."""
        if rate == 0.0 or not self.training:
            return None
        keep = (rand((n, size), dtype=like.dtype) >= rate).to(like.dtype)
        return keep / (1.0 - rate)

    def _initial(self, x: Tensor, initial_state) -> List[Tensor]:
        if initial_state is None:
            return [zeros((x.shape[0], self.units), dtype=x.dtype) for _ in range(self._n_states)]
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != self._n_states:
            raise ValueError(f"{type(self).__name__} {self.name!r}: initial_state must hold {self._n_states} "
                             f"tensor(s), got {len(states)}")
        for s in states:
            if tuple(s.shape) != (x.shape[0], self.units):
                raise ValueError(f"{type(self).__name__} {self.name!r}: each initial state must have shape "
                                 f"{shape_str((x.shape[0], self.units))}, got {shape_str(tuple(s.shape))}")
        return states

    def forward(self, x: Tensor, initial_state=None, training=None):
        if not self.built:
            self.build(tuple(x.shape[1:]))
        if x.ndim != 3 or x.shape[-1] != self._in_shape[-1]:
            raise ValueError(f"Input 0 of layer {self.name!r} ({type(self).__name__}) is incompatible with the layer: "
                             f"expected shape {shape_str((None,) + tuple(self._in_shape))}, found shape "
                             f"{shape_str(tuple(x.shape))}")
        return self.call(x, initial_state)

    def call(self, x: Tensor, initial_state=None):
        n, steps, feats = x.shape
        states = self._initial(x, initial_state)
        if self.go_backwards:
            x = x.flip(1)
        in_mask = self._masks(n, feats, self.dropout, x)
        rec_mask = self._masks(n, self.units, self.recurrent_dropout, x)
        if in_mask is None:
            # x W + b for every step in one matmul
            xw = x @ self.kernel.t()
            if self.use_bias:
                xw = xw + self._input_bias()
        outputs = []
        for t in range(steps):
            xt = xw[:, t] if in_mask is None else self._masked_input(x[:, t], in_mask)
            states = self._step(xt, states, rec_mask)
            if self.return_sequences:
                outputs.append(states[0])
        if self.return_sequences:
            out = stack(outputs, 1) if outputs else zeros((n, 0, self.units), dtype=x.dtype)
        else:
            out = states[0]
        if self.return_state:
            return [out] + list(states)
        return out

    def _masks(self, n, size, rate, like):
        """One dropout mask per gate block (Keras 2.2 ``implementation=1`` draws them separately)."""
        if rate == 0.0 or not self.training:
            return None
        return [self._mask(n, size, rate, like) for _ in range(self._gates)]

    def _input_bias(self) -> Tensor:
        return self.bias

    def _masked_input(self, xt: Tensor, masks) -> Tensor:
        """x_t W + b with a separate dropout mask on the input of each gate block."""
        u, parts = self.units, []
        for g in range(self._gates):
            w = self.kernel[g * u:(g + 1) * u]
            parts.append((xt * masks[g]) @ w.t())
        out = cat(parts, -1)
        return out + self._input_bias() if self.use_bias else out

    def _rec(self, h: Tensor, masks, g: int) -> Tensor:
        """(h * mask_g) U_g for gate block g."""
        u = self.units
        if masks is not None:
            h = h * masks[g]
        return h @ self.recurrent_kernel[g * u:(g + 1) * u].t()

    def _step(self, xt, states, rec_mask):
        raise NotImplementedError

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("stateful", None)
        return config

    def extra_repr(self) -> str:
        return (f"name={self.name!r}, units={self.units}, return_sequences={self.return_sequences}, "
                f"return_state={self.return_state}")


class SimpleRNN(_RNN):
    """Fully connected recurrence ``h_t = activation(x_t W + b + h_{t-1} U)`` (Keras 2.2).

    >>> layer = SimpleRNN(8, input_shape=(5, 3))   # (batch, 5, 3) -> (batch, 8)
    """

    _gates = 1

    def __init__(self, units: int, activation="tanh", use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, **kwargs):
        super().__init__(units, activation=activation, recurrent_activation="sigmoid", use_bias=use_bias,
                         kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, dropout=dropout, recurrent_dropout=recurrent_dropout,
                         return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, **kwargs)

    def _step(self, xt, states, rec_mask):
        return [self.activation(xt + self._rec(states[0], rec_mask, 0))]


class LSTM(_RNN):
    """Long short-term memory, Keras 2.2: gates ``i, f, c, o`` side by side in the (in, 4 units) kernel.

    ``recurrent_activation='hard_sigmoid'`` (Keras 2.2's default; Keras 3 uses 'sigmoid'),
    ``unit_forget_bias=True`` starts the forget-gate bias at 1. With ``return_state=True`` the
    layer returns ``[output, h, c]``.

    >>> layer = LSTM(16, return_sequences=True, input_shape=(None, 8))
    """

    _gates = 4

    def __init__(self, units: int, activation="tanh", recurrent_activation="hard_sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 implementation: int = 1, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, dropout=dropout, recurrent_dropout=recurrent_dropout,
                         return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, implementation=implementation, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def _n_states(self) -> int:
        return 2

    def _init_bias(self):
        self.bias_initializer(self.bias)
        if self.unit_forget_bias:
            u = self.units
            # the forget-gate block starts at 1 (Jozefowicz et al., 2015), the rest as bias_initializer
            self.bias[u:2 * u] = 1.0

    def _step(self, xt, states, rec_mask):
        h, c = states
        u, rec, act = self.units, self.recurrent_activation, self.activation
        i = rec(xt[:, :u] + self._rec(h, rec_mask, 0))
        f = rec(xt[:, u:2 * u] + self._rec(h, rec_mask, 1))
        c = f * c + i * act(xt[:, 2 * u:3 * u] + self._rec(h, rec_mask, 2))
        o = rec(xt[:, 3 * u:] + self._rec(h, rec_mask, 3))
        return [o * act(c), c]


class GRU(_RNN):
    """Gated recurrent unit, Keras 2.2: gates ``z, r, h`` side by side in the (in, 3 units) kernel.

    ``reset_after=False`` (Keras 2.2's default): the reset gate multiplies the previous state
    before the recurrent matmul. ``reset_after=True`` (Keras 3's default, PyTorch's formula) applies
    it after, with a (2, 3 units) bias. With ``return_state=True`` the layer returns ``[output, h]``.

    >>> layer = GRU(16, input_shape=(10, 8))
    """

    _gates = 3

    def __init__(self, units: int, activation="tanh", recurrent_activation="hard_sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, implementation: int = 1,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, reset_after: bool = False, **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, dropout=dropout, recurrent_dropout=recurrent_dropout,
                         return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, implementation=implementation, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self) -> Tensor:
        return self.bias[0] if self.reset_after else self.bias

    def _step(self, xt, states, rec_mask):
        (h,) = states
        u, rec, act = self.units, self.recurrent_activation, self.activation
        if self.reset_after:
            rb = self.bias[1] if self.use_bias else None
            hu = [self._rec(h, rec_mask, g) for g in range(3)]
            if rb is not None:
                hu = [hu[g] + rb[g * u:(g + 1) * u] for g in range(3)]
            z = rec(xt[:, :u] + hu[0])
            r = rec(xt[:, u:2 * u] + hu[1])
            hh = act(xt[:, 2 * u:] + r * hu[2])
        else:
            z = rec(xt[:, :u] + self._rec(h, rec_mask, 0))
            r = rec(xt[:, u:2 * u] + self._rec(h, rec_mask, 1))
            hh = act(xt[:, 2 * u:] + self._rec(r * h, rec_mask, 2))
        return [z * h + (1 - z) * hh]

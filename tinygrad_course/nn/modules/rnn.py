"""``tinygrad_course.nn.modules.rnn``: PyTorch's import path of the recurrent layers and cells."""
from ..rnn import GRU, LSTM, RNN, RNNBase
from ._reexport import reexport

__all__ = ["RNNBase", "RNN", "LSTM", "GRU"]
__all__ += reexport(globals(), "cells", ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"])

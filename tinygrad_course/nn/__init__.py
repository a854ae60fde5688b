"""``tinygrad_course.nn``: Module, Parameter, containers, layers, activations and losses (PyTorch's names).

>>> from tinygrad_course import nn
>>> model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
"""
from . import functional, init, utils  # noqa: F401
from .activation import (ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU, ReLU6, Sigmoid, SiLU, Softmax,
                         Softmin, Softplus, Tanh)
from .containers import ModuleDict, ModuleList, Sequential
from .conv import Conv1d, Conv2d
from .dropout import Dropout
from .embedding import Embedding
from .linear import Flatten, Identity, Linear, Unflatten
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from .parameter import Parameter
from .pooling import AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d
from .rnn import GRU, LSTM, RNN, RNNBase
from .cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from .attention import MultiheadAttention
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)

# issue 8: more layers real programs use, lazy modules, and the tinygrad_course.nn.modules import paths
from .adaptive_max_pool import AdaptiveMaxPool1d, AdaptiveMaxPool2d
from .conv_transpose import ConvTranspose1d, ConvTranspose2d
from .data_parallel import DataParallel
from .dropout_channels import AlphaDropout, Dropout1d, Dropout2d, FeatureAlphaDropout
from .instancenorm import InstanceNorm1d, InstanceNorm2d
from .lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyConv1d, LazyConv2d, LazyConvTranspose1d, LazyConvTranspose2d,
                   LazyLinear, UninitializedBuffer, UninitializedParameter)
from .prelu import PReLU
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = [
    "Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "Identity", "Flatten", "Unflatten",
    "Linear", "Conv1d", "Conv2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d", "Dropout", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "Embedding",
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention",
    "Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer", "TransformerDecoderLayer",
    "ReLU", "ReLU6", "Hardtanh", "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh", "SiLU", "LogSigmoid", "Softmax",
    "Softmin", "LogSoftmax", "Softplus",
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    "KLDivLoss",
    "functional", "init", "utils",
]
__all__ += [
    "ConvTranspose1d", "ConvTranspose2d", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyBatchNorm1d", "LazyBatchNorm2d", "UninitializedParameter", "UninitializedBuffer",
    "Dropout1d", "Dropout2d", "AlphaDropout", "FeatureAlphaDropout", "Upsample", "UpsamplingNearest2d",
    "UpsamplingBilinear2d", "PReLU", "InstanceNorm1d", "InstanceNorm2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d",
    "DataParallel", "modules",
]
from . import modules  # noqa: E402,F401  (last: it re-exports the classes above)
from . import parallel  # noqa: E402,F401  (PyTorch's nn.parallel import path of DataParallel)

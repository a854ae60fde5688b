"""Helpers shared by the layer modules: fresh parameter arrays, device/dtype arguments, shape errors."""
import math

import numpy as np

from ..autograd.dtypes import as_dtype, get_default_dtype
from ..autograd.tensor import Tensor
from . import init
from .functional._utils import shape_str
from .parameter import Parameter


def check_device(device, layer):
    if device is not None and str(device) != "cpu":
        raise RuntimeError(f"{layer}: only the 'cpu' device exists, got device={device!r}")


def empty_param(shape, dtype=None, requires_grad=True):
    """An uninitialised float Parameter (the layer's reset_parameters fills it)."""
    npd = float_dtype(dtype)
    if npd.kind != "f":
        raise TypeError(f"parameters must have a floating-point dtype, got {dtype}")
    if any(s < 0 for s in shape):  # PyTorch's error (nn.Linear(-1, 2)), not NumPy's
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    return Parameter(np.zeros(shape, npd), requires_grad=requires_grad)


def float_dtype(dtype=None):
    return as_dtype(dtype).np if dtype is not None else get_default_dtype().np


def weight_and_bias(layer, weight_shape, bias, dtype):
    """Give ``layer`` an uninitialised ``weight`` of ``weight_shape`` and a ``bias`` of
    ``(weight_shape[0],)``, or a registered ``bias = None`` when ``bias`` is false."""
    layer.weight = empty_param(weight_shape, dtype)
    if bias:
        layer.bias = empty_param((weight_shape[0],), dtype)
    else:
        layer.register_parameter("bias", None)


def reset_kaiming_uniform(weight, bias, bias_without_fan_in):
    """PyTorch's default init of Linear/Conv: kaiming_uniform_(a=sqrt(5)) for the weight,
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.

    With fan_in 0 the bias is filled with U(0, 0) if ``bias_without_fan_in`` (Linear), else
    left alone (the conv layers), as PyTorch does.
    """
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        if fan_in > 0 or bias_without_fan_in:
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(bias, -bound, bound)


def check_tensor_input(layer, input):
    """TypeError naming the layer unless ``input`` is a Tensor."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{layer!r}: expected a Tensor input, got {type(input).__name__}")


def input_error(layer, expected, input):
    """RuntimeError naming the layer (its repr), the expected and the actual input shape."""
    return RuntimeError(f"{layer!r}: expected input {expected}, got shape {shape_str(input.shape)}")

"""Helpers shared by the layer modules: fresh parameter arrays, device/dtype arguments, shape errors."""
import numpy as np

from ..autograd.dtypes import as_dtype, get_default_dtype
from .functional._utils import shape_str
from .parameter import Parameter


def check_device(device, layer):
    if device is not None and str(device) != "cpu":
        raise RuntimeError(f"{layer}: only the 'cpu' device exists, got device={device!r}")


def empty_param(shape, dtype=None, requires_grad=True):
    """An uninitialised float Parameter (the layer's reset_parameters fills it)."""
    npd = as_dtype(dtype).np if dtype is not None else get_default_dtype().np
    if npd.kind != "f":
        raise TypeError(f"parameters must have a floating-point dtype, got {dtype}")
    return Parameter(np.zeros(shape, npd), requires_grad=requires_grad)


def float_dtype(dtype=None):
    return as_dtype(dtype).np if dtype is not None else get_default_dtype().np


def input_error(layer, expected, input):
    """RuntimeError naming the layer (its repr), the expected and the actual input shape."""
    return RuntimeError(f"{layer!r}: expected input {expected}, got shape {shape_str(input.shape)}")

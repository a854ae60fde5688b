"""``tc.onnx.export``: write a model as an ONNX file (as ``torch.onnx.export`` does) for onnxruntime & co.

The exporter follows the model's structure: a ``Sequential`` (nested ones too) or a single layer
from the table below. It runs the model once on ``args`` (in eval mode, as torch's exporter does)
and converts each layer with the shapes it actually saw; each layer's ONNX nodes compute what
its ``forward`` computes. A module with its own ``forward`` (or a layer not in the table) is
refused with ``UnsupportedOperatorError`` naming it: its graph cannot be known without tracing,
and a wrong graph would be worse than none.

Needs the optional ``onnx`` package (``pip install tinygrad_course[onnx]``).
"""
from __future__ import annotations

import math
import os
from typing import Any, BinaryIO, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from ..autograd import _array
from ..autograd.tensor import Tensor
from ..utils.atomic import atomic_write

__all__ = ["export", "UnsupportedOperatorError", "supported_modules"]

_MIN_OPSET = 13  # Softmax/LogSoftmax take one axis (torch's meaning) from opset 13


class UnsupportedOperatorError(RuntimeError):
    """A model (or one of its layers) the exporter cannot write (``torch.onnx.errors.UnsupportedOperatorError``)."""


def _onnx():
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError:
        raise ImportError("tc.onnx.export needs the 'onnx' package: pip install onnx (or tinygrad_course[onnx])") from None
    return onnx, helper, numpy_helper


class _Graph:
    """The nodes and initializers being built, with unique names."""

    def __init__(self, dtype: np.dtype, opset: int):
        self.onnx, self.helper, self.numpy_helper = _onnx()
        self.nodes: list = []
        self.inits: list = []
        self.names: set = set()
        self.dtype, self.opset = dtype, opset

    def name(self, base: str) -> str:
        base = base.replace("/", ".") or "t"
        n, i = base, 0
        while n in self.names:
            i += 1
            n = f"{base}_{i}"
        self.names.add(n)
        return n

    def const(self, value, base: str, dtype=None) -> str:
        arr = np.asarray(value, dtype=dtype if dtype is not None else self.dtype)
        name = self.name(base)
        self.inits.append(self.numpy_helper.from_array(np.ascontiguousarray(arr) if arr.ndim else arr, name))
        return name

    def node(self, op: str, inputs: Sequence[str], base: str, n_out: int = 1, **attrs) -> str:
        outs = [self.name(f"{base}.{op}" if n_out == 1 else f"{base}.{op}.{i}") for i in range(n_out)]
        self.nodes.append(self.helper.make_node(op, list(inputs), outs, name=self.name(f"{base}/{op}"), **attrs))
        return outs[0]


def _pair(v, n: int) -> List[int]:
    return list(v) if isinstance(v, (tuple, list)) else [int(v)] * n


# --------------------------------------------------------------------------- one converter per layer
# Each takes (graph, module, input name, input array, output array, name prefix) and returns the
# output's name. The arrays are what the layer saw and gave on the example input (for ranks/shapes).
def _linear(g, m, x, xin, yout, p):
    w = _array(m.weight)
    y = g.node("MatMul", [x, g.const(w.T, f"{p}.weight_t", w.dtype)], p)
    if m.bias is not None:
        y = g.node("Add", [y, g.const(_array(m.bias), f"{p}.bias", w.dtype)], p)
    return y


def _conv(g, m, x, xin, yout, p):
    if m.padding_mode != "zeros":
        raise UnsupportedOperatorError(f"tc.onnx.export: {p} ({type(m).__name__}) has padding_mode={m.padding_mode!r}; "
                                       "only 'zeros' is exported")
    nd = len(m.kernel_size)
    pad = m.padding
    if isinstance(pad, str):
        if pad == "valid":
            pads = [0] * (2 * nd)
        else:  # 'same' (stride 1): torch puts the odd extra padding at the end
            total = [d * (k - 1) for d, k in zip(m.dilation, m.kernel_size)]
            pads = [t // 2 for t in total] + [t - t // 2 for t in total]
    else:
        pads = list(pad) * 2
    ins = [x, g.const(_array(m.weight), f"{p}.weight", _array(m.weight).dtype)]
    if m.bias is not None:
        ins.append(g.const(_array(m.bias), f"{p}.bias", _array(m.bias).dtype))
    return g.node("Conv", ins, p, kernel_shape=list(m.kernel_size), strides=list(m.stride), pads=pads,
                  dilations=list(m.dilation), group=m.groups)


def _pool(op):
    def convert(g, m, x, xin, yout, p):
        nd = xin.ndim - 2
        k = _pair(m.kernel_size, nd)
        s = _pair(m.stride if m.stride is not None else m.kernel_size, nd)
        pads = _pair(m.padding, nd) * 2
        attrs = dict(kernel_shape=k, strides=s, pads=pads, ceil_mode=int(bool(m.ceil_mode)))
        if op == "MaxPool":
            if getattr(m, "return_indices", False):
                raise UnsupportedOperatorError(f"tc.onnx.export: {p} (MaxPool with return_indices=True) is not exported")
            attrs["dilations"] = _pair(m.dilation, nd)
        else:
            if getattr(m, "divisor_override", None) is not None:
                raise UnsupportedOperatorError(f"tc.onnx.export: {p} (AvgPool with divisor_override) is not exported")
            attrs["count_include_pad"] = int(bool(m.count_include_pad))
        return g.node(op, [x], p, **attrs)

    return convert


def _adaptive(op, glob):
    def convert(g, m, x, xin, yout, p):
        nd = xin.ndim - 2
        ins, outs = xin.shape[2:], yout.shape[2:]
        if all(o == 1 for o in outs):
            return g.node(glob, [x], p)
        if all(i % o == 0 for i, o in zip(ins, outs)):
            k = [i // o for i, o in zip(ins, outs)]
            return g.node(op, [x], p, kernel_shape=k, strides=k, pads=[0] * (2 * nd))
        raise UnsupportedOperatorError(
            f"tc.onnx.export: {p} ({type(m).__name__}) from {tuple(ins)} to {tuple(outs)}: only output sizes that "
            "divide the input size are exported"
        )

    return convert


def _batchnorm(g, m, x, xin, yout, p):
    if m.running_mean is None:
        raise UnsupportedOperatorError(f"tc.onnx.export: {p} ({type(m).__name__}) has track_running_stats=False: "
                                       "it normalises with batch statistics even in eval mode, which is not exported")
    c, dt = m.num_features, _array(m.running_mean).dtype
    scale = _array(m.weight) if m.weight is not None else np.ones(c, dt)
    bias = _array(m.bias) if m.bias is not None else np.zeros(c, dt)
    ins = [x, g.const(scale, f"{p}.weight", dt), g.const(bias, f"{p}.bias", dt),
           g.const(_array(m.running_mean), f"{p}.running_mean", dt), g.const(_array(m.running_var), f"{p}.running_var", dt)]
    return g.node("BatchNormalization", ins, p, epsilon=float(m.eps))


def _layernorm(g, m, x, xin, yout, p):
    if g.opset < 17:
        raise UnsupportedOperatorError(f"tc.onnx.export: {p} (LayerNorm) needs opset_version >= 17, got {g.opset}")
    shape = tuple(m.normalized_shape)
    dt = xin.dtype
    scale = _array(m.weight) if m.weight is not None else np.ones(shape, dt)
    ins = [x, g.const(scale, f"{p}.weight", dt)]
    if getattr(m, "bias", None) is not None:
        ins.append(g.const(_array(m.bias), f"{p}.bias", dt))
    return g.node("LayerNormalization", ins, p, axis=-len(shape), epsilon=float(m.eps))


def _flatten(g, m, x, xin, yout, p):
    nd = xin.ndim
    start, end = m.start_dim % max(nd, 1), m.end_dim % max(nd, 1)
    # 0 copies a leading dim (so a dynamic batch stays dynamic); the trailing dims are the example's
    shape = [0] * start + [-1] + list(xin.shape[end + 1:])
    return g.node("Reshape", [x, g.const(shape, f"{p}.shape", np.int64)], p)


def _gelu(g, m, x, xin, yout, p):
    half = g.node("Mul", [x, g.const(0.5, f"{p}.half")], p)
    if m.approximate == "tanh":
        # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        x3 = g.node("Mul", [g.node("Mul", [x, x], p), x], p)
        inner = g.node("Add", [x, g.node("Mul", [x3, g.const(0.044715, f"{p}.c")], p)], p)
        t = g.node("Tanh", [g.node("Mul", [inner, g.const(math.sqrt(2 / math.pi), f"{p}.k")], p)], p)
    else:
        # 0.5 x (1 + erf(x / sqrt 2))
        t = g.node("Erf", [g.node("Div", [x, g.const(math.sqrt(2.0), f"{p}.sqrt2")], p)], p)
    return g.node("Mul", [half, g.node("Add", [t, g.const(1.0, f"{p}.one")], p)], p)


def _softplus(g, m, x, xin, yout, p):
    # torch: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold
    beta, thr = float(m.beta), float(m.threshold)
    bx = x if beta == 1.0 else g.node("Mul", [x, g.const(beta, f"{p}.beta")], p)
    sp = g.node("Softplus", [bx], p)
    if beta != 1.0:
        sp = g.node("Div", [sp, g.const(beta, f"{p}.beta")], p)
    return g.node("Where", [g.node("Greater", [bx, g.const(thr, f"{p}.threshold")], p), x, sp], p)


def _clip(lo, hi):
    def convert(g, m, x, xin, yout, p):
        a = lo if lo is not None else float(m.min_val)
        b = hi if hi is not None else float(m.max_val)
        return g.node("Clip", [x, g.const(a, f"{p}.min"), g.const(b, f"{p}.max")], p)

    return convert


def _prelu(g, m, x, xin, yout, p):
    w = _array(m.weight)
    # the slope is per channel (dim 1): shape it to broadcast against (N, C, ...)
    slope = w.reshape((-1,) + (1,) * max(xin.ndim - 2, 0)) if w.size > 1 and xin.ndim >= 2 else w
    return g.node("PRelu", [x, g.const(slope, f"{p}.weight", w.dtype)], p)


def _embedding(g, m, x, xin, yout, p):
    if m.max_norm is not None:
        raise UnsupportedOperatorError(f"tc.onnx.export: {p} (Embedding with max_norm) is not exported")
    w = _array(m.weight)
    return g.node("Gather", [g.const(w, f"{p}.weight", w.dtype), x], p, axis=0)


def _simple(op, **fixed):
    def convert(g, m, x, xin, yout, p):
        return g.node(op, [x], p, **fixed)

    return convert


def _with_attrs(op, **attrs):
    """An op whose attributes are read off the module: attrs maps ONNX name -> (module attr, type)."""
    def convert(g, m, x, xin, yout, p):
        vals = {k: typ(getattr(m, a)) for k, (a, typ) in attrs.items()}
        return g.node(op, [x], p, **vals)

    return convert


def _silu(g, m, x, xin, yout, p):
    return g.node("Mul", [x, g.node("Sigmoid", [x], p)], p)


def _logsigmoid(g, m, x, xin, yout, p):
    # log sigmoid(x) = -softplus(-x)
    return g.node("Neg", [g.node("Softplus", [g.node("Neg", [x], p)], p)], p)


def _converters() -> Dict[type, Callable]:
    from .. import nn

    table = {
        "Linear": _linear, "Conv1d": _conv, "Conv2d": _conv,
        "MaxPool1d": _pool("MaxPool"), "MaxPool2d": _pool("MaxPool"),
        "AvgPool1d": _pool("AveragePool"), "AvgPool2d": _pool("AveragePool"),
        "AdaptiveAvgPool1d": _adaptive("AveragePool", "GlobalAveragePool"),
        "AdaptiveAvgPool2d": _adaptive("AveragePool", "GlobalAveragePool"),
        "AdaptiveMaxPool1d": _adaptive("MaxPool", "GlobalMaxPool"),
        "AdaptiveMaxPool2d": _adaptive("MaxPool", "GlobalMaxPool"),
        "BatchNorm1d": _batchnorm, "BatchNorm2d": _batchnorm, "LayerNorm": _layernorm,
        "Dropout": _simple("Identity"), "Dropout1d": _simple("Identity"), "Dropout2d": _simple("Identity"),
        "AlphaDropout": _simple("Identity"), "FeatureAlphaDropout": _simple("Identity"),
        "Identity": _simple("Identity"), "Flatten": _flatten,
        "ReLU": _simple("Relu"), "Sigmoid": _simple("Sigmoid"), "Tanh": _simple("Tanh"),
        "LeakyReLU": _with_attrs("LeakyRelu", alpha=("negative_slope", float)),
        "ELU": _with_attrs("Elu", alpha=("alpha", float)),
        "Softmax": _with_attrs("Softmax", axis=("dim", int)),
        "LogSoftmax": _with_attrs("LogSoftmax", axis=("dim", int)),
        "GELU": _gelu, "Softplus": _softplus, "SiLU": _silu, "LogSigmoid": _logsigmoid,
        "ReLU6": _clip(0.0, 6.0), "Hardtanh": _clip(None, None), "PReLU": _prelu, "Embedding": _embedding,
    }
    return {getattr(nn, k): v for k, v in table.items() if hasattr(nn, k)}


def supported_modules() -> List[str]:
    """The layer names ``export`` converts (besides ``Sequential``, which it walks)."""
    return sorted(c.__name__ for c in _converters())


def _layers(model, prefix: str, table) -> List[tuple]:
    """The model as a flat list of (qualified name, layer), Sequentials unrolled."""
    from ..nn import Sequential

    if type(model) is Sequential:
        out = []
        for name, child in model.named_children():
            out += _layers(child, f"{prefix}.{name}" if prefix else name, table)
        return out
    if type(model) in table:
        return [(prefix or type(model).__name__, model)]
    if isinstance(model, Sequential) or type(model) in tuple(table):
        kind = "a subclass of " + ("Sequential" if isinstance(model, Sequential) else type(model).__mro__[1].__name__)
    else:
        kind = "not a supported layer"
    raise UnsupportedOperatorError(
        f"tc.onnx.export: cannot export {prefix or 'the model'} ({type(model).__name__}, {kind}): the exporter walks "
        f"Sequential models of these layers: {', '.join(sorted(c.__name__ for c in table))}"
    )


def _value_info(helper, name, arr, dyn: Dict[int, str], elem_type):
    dims = [dyn.get(i, int(s)) for i, s in enumerate(arr.shape)]
    return helper.make_tensor_value_info(name, elem_type, dims)


def _dynamic(spec, names: Sequence[str]) -> Dict[str, Dict[int, str]]:
    out = {}
    for name in names:
        axes = (spec or {}).get(name)
        if axes is None:
            continue
        if isinstance(axes, dict):
            out[name] = {int(k): str(v) for k, v in axes.items()}
        elif isinstance(axes, (list, tuple)):
            out[name] = {int(k): f"{name}_dynamic_axes_{i + 1}" for i, k in enumerate(axes)}
        else:
            raise TypeError(f"tc.onnx.export: dynamic_axes[{name!r}] must be a dict or a list, got {type(axes).__name__}")
    return out


def export(model, args: Union[Tensor, Sequence[Tensor]], f: Union[str, os.PathLike, BinaryIO],
           input_names: Optional[Sequence[str]] = None, output_names: Optional[Sequence[str]] = None,
           dynamic_axes: Optional[Dict[str, Any]] = None, opset_version: int = 17, export_params: bool = True,
           verbose: bool = False) -> None:
    """Write ``model`` as an ONNX model to ``f`` (a path, written atomically, or a binary file).

    As ``torch.onnx.export``: the model runs once on ``args`` in eval mode (its mode is restored
    afterwards); ``input_names``/``output_names`` name the graph's input and output (default
    ``"input"``/``"output"``); ``dynamic_axes`` maps a name to the axes left symbolic
    (``{"input": {0: "batch"}, "output": {0: "batch"}}`` or ``{"input": [0]}``).

    The model must be a ``Sequential`` (nested ones too) of the layers ``supported_modules()``
    lists, or one such layer; anything else raises ``UnsupportedOperatorError`` naming it.

    Example
    -------
    >>> model = tc.nn.Sequential(tc.nn.Linear(4, 8), tc.nn.ReLU(), tc.nn.Linear(8, 2))
    >>> tc.onnx.export(model, tc.randn(1, 4), "mlp.onnx", input_names=["x"], output_names=["y"],
    ...                dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    """
    onnx, helper, numpy_helper = _onnx()
    from ..autograd.grad_mode import no_grad
    from ..nn import Module

    if not isinstance(model, Module):
        raise TypeError(f"tc.onnx.export: model must be a tc.nn.Module, got {type(model).__name__}")
    if not export_params:
        raise NotImplementedError("tc.onnx.export: export_params=False (weights as graph inputs) is not supported")
    top = onnx.defs.onnx_opset_version()
    if not isinstance(opset_version, int) or not _MIN_OPSET <= opset_version <= top:
        raise ValueError(f"tc.onnx.export: opset_version must be an int in [{_MIN_OPSET}, {top}], got {opset_version!r}")
    inputs = (args,) if isinstance(args, Tensor) else tuple(args)
    if isinstance(args, dict) or len(inputs) != 1 or not isinstance(inputs[0], Tensor):
        raise TypeError("tc.onnx.export: args must be one Tensor (or a 1-tuple of one): the exported models take one input")
    in_names = list(input_names) if input_names is not None else ["input"]
    out_names = list(output_names) if output_names is not None else ["output"]
    if len(in_names) != 1 or len(out_names) != 1:
        raise ValueError(f"tc.onnx.export: the model has 1 input and 1 output; got input_names={in_names}, "
                         f"output_names={out_names}")
    unknown = set(dynamic_axes or {}) - set(in_names) - set(out_names)
    if unknown:
        raise ValueError(f"tc.onnx.export: dynamic_axes names {sorted(unknown)} are neither input nor output names")
    table = _converters()
    layers = _layers(model, "", table)
    x = inputs[0].detach()
    xin = _array(x)
    dtype = xin.dtype if xin.dtype.kind == "f" else np.dtype(np.float32)
    g = _Graph(dtype, opset_version)
    g.names.update(in_names + out_names)
    was_training = model.training
    model.eval()
    try:
        name = in_names[0]
        with no_grad():
            cur = x
            for qual, layer in layers:
                if _array(cur).dtype.kind == "f":
                    g.dtype = _array(cur).dtype  # constants match the values they meet
                y = layer(cur)
                if not isinstance(y, Tensor):
                    raise UnsupportedOperatorError(f"tc.onnx.export: {qual} returned {type(y).__name__}, not a Tensor")
                name = table[type(layer)](g, layer, name, _array(cur), _array(y), qual)
                cur = y
    finally:
        model.train(was_training)
    # the last node writes the graph output directly
    if g.nodes:
        last = g.nodes[-1]
        last.output[0] = out_names[0]
    else:
        g.node("Identity", [name], "output")
        g.nodes[-1].output[0] = out_names[0]
    dyn = _dynamic(dynamic_axes, in_names + out_names)
    yout = _array(cur)
    elem = helper.np_dtype_to_tensor_dtype
    graph = helper.make_graph(
        g.nodes, type(model).__name__,
        [_value_info(helper, in_names[0], xin, dyn.get(in_names[0], {}), elem(xin.dtype))],
        [_value_info(helper, out_names[0], yout, dyn.get(out_names[0], {}), elem(yout.dtype))],
        initializer=g.inits,
    )
    from .. import __version__

    proto = helper.make_model(graph, producer_name="tinygrad_course", producer_version=__version__,
                              opset_imports=[helper.make_opsetid("", opset_version)])
    proto.ir_version = min(proto.ir_version, _max_ir(onnx, opset_version))
    onnx.checker.check_model(proto, full_check=True)
    data = proto.SerializeToString()
    if verbose:
        print(helper.printable_graph(graph))
    if isinstance(f, (str, bytes, os.PathLike)):
        atomic_write(f, data)
    else:
        f.write(data)


def _max_ir(onnx, opset: int) -> int:
    # the IR version that came with this opset (older runtimes refuse newer IR versions)
    for entry in onnx.helper.VERSION_TABLE:
        if entry[2] == opset:
            return entry[1]
    return onnx.IR_VERSION

"""``.safetensors`` files (flat dicts of named tensors) through the ``safetensors`` package's NumPy API.

The bytes are made by ``safetensors.numpy.save`` and written by our atomic writer (never
``save_file``, which bypasses it and creates 0600 files). The files are what
``safetensors.torch.save_file`` writes (header metadata ``{"format": "pt"}``), so
``safetensors.torch.load_file`` and Hugging Face loaders read them unchanged.
"""
from __future__ import annotations

import json
import os
import struct
from collections import OrderedDict
from typing import BinaryIO, Dict, Union

import numpy as np

from ..autograd import _array, _wrap
from ..autograd.dtypes import _BY_NP
from ..autograd.tensor import Tensor
from ..utils.atomic import atomic_write

__all__ = ["save_safetensors", "load_safetensors", "looks_like_safetensors"]

_MAX_HEADER = 100_000_000  # the safetensors spec's own limit on the JSON header


def _module():
    try:
        import safetensors.numpy as stn
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportError("tc.save/tc.load of .safetensors files needs the 'safetensors' package: pip install safetensors") from None
    return stn


def _flat_arrays(obj, where: str) -> Dict[str, np.ndarray]:
    if not isinstance(obj, dict):
        raise TypeError(
            f"tc.save(): {where}: a .safetensors file holds a flat dict of named tensors (e.g. model.state_dict()), "
            f"got {type(obj).__name__}; save other objects to the default .npz format or to .pt"
        )
    arrays = OrderedDict()
    for k, v in obj.items():
        if not isinstance(k, str):
            raise TypeError(f"tc.save(): {where}: .safetensors keys must be str, got {type(k).__name__} ({k!r})")
        if isinstance(v, Tensor):
            a = _array(v)
        elif isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
            a = v
        else:
            raise TypeError(
                f"tc.save(): {where}: .safetensors holds only tensors, but {k!r} is a {type(v).__name__}; "
                "save nested state (optimizer state, epochs, ...) to the default .npz format or to .pt"
            )
        arrays[k] = a if a.flags.c_contiguous else a.copy(order="C")  # (np.ascontiguousarray makes 0-d 1-d)
    return arrays


def save_safetensors(obj: Dict[str, Tensor], f: Union[str, os.PathLike, BinaryIO], metadata: Dict[str, str] = None) -> None:
    """Write a flat ``{name: tensor}`` dict as ``.safetensors`` (atomically for a path).

    Example
    -------
    >>> save_safetensors(model.state_dict(), "model.safetensors")
    """
    where = repr(os.fspath(f)) if isinstance(f, (str, bytes, os.PathLike)) else repr(f)
    arrays = _flat_arrays(obj, where)
    meta = {"format": "pt"}
    meta.update(metadata or {})
    data = _module().save(arrays, metadata=meta)
    if isinstance(f, (str, bytes, os.PathLike)):
        atomic_write(f, data)
    else:
        f.write(data)


def looks_like_safetensors(head: bytes) -> bool:
    """Whether the first bytes of a file are a safetensors header: a little-endian u64 size, then '{'."""
    if len(head) < 9:
        return False
    (n,) = struct.unpack("<Q", head[:8])
    return 2 <= n <= _MAX_HEADER and head[8:9] == b"{"


def load_safetensors(f: Union[str, os.PathLike, BinaryIO], where: str = None) -> "OrderedDict[str, Tensor]":
    """Read a ``.safetensors`` file as an ordered ``{name: tensor}`` dict (the file's order).

    Raises RuntimeError naming the file for a truncated, lying or foreign file, or for a dtype
    tinygrad_course lacks (bfloat16, complex, ...).

    Example
    -------
    >>> model.load_state_dict(load_safetensors("model.safetensors"))
    """
    where = where or (repr(os.fspath(f)) if isinstance(f, (str, bytes, os.PathLike)) else repr(f))
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "rb") as fh:
            data = fh.read()
    else:
        data = f.read()
    # the header names every tensor's byte range; check it before handing the bytes over
    if len(data) < 8:
        raise RuntimeError(f"tc.load(): {where} is truncated ({len(data)} bytes; a .safetensors file starts with an 8-byte header size)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(_MAX_HEADER, len(data) - 8):
        raise RuntimeError(f"tc.load(): {where} is truncated or not a .safetensors file (its header claims {n} bytes, "
                           f"the file holds {len(data)})")
    try:
        arrays = _module().load(data)
    except Exception as e:  # safetensors raises its own SafetensorError (and ValueError/TypeError from NumPy)
        if type(e).__name__ not in ("SafetensorError", "ValueError", "TypeError", "KeyError"):
            raise
        raise RuntimeError(f"tc.load(): {where} is not a readable .safetensors file ({type(e).__name__}: {e})") from None
    try:
        order = [k for k in json.loads(data[8:8 + n]) if k != "__metadata__"]
    except ValueError:
        order = list(arrays)
    out = OrderedDict()
    pos = {k: i for i, k in enumerate(order)}
    for k in sorted(arrays, key=lambda k: pos.get(k, len(pos))):
        a = arrays[k]
        if a.dtype not in _BY_NP:
            raise RuntimeError(f"tc.load(): {where}: tensor {k!r} has dtype {a.dtype}, which tinygrad_course does not support")
        out[k] = _wrap(a if a.flags.writeable else a.copy())
    return out

"""Writing PyTorch's checkpoint format (what ``torch.load(weights_only=True)`` reads); see ``pt_format``."""
from __future__ import annotations

import os
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict
from typing import Any, BinaryIO, Union

import numpy as np

from ..autograd.tensor import Tensor
from ..utils.atomic import atomic_write

from .pt_common import (_DTYPE_STORAGE)
_P = pickle  # opcode constants


def _global(module: str, name: str) -> bytes:
    return _P.GLOBAL + f"{module}\n{name}\n".encode("ascii")


def _str(s: str) -> bytes:
    b = s.encode("utf-8", "surrogatepass")
    return _P.BINUNICODE + struct.pack("<I", len(b)) + b


def _int_op(n: int) -> bytes:
    if 0 <= n < 256:
        return _P.BININT1 + bytes([n])
    if 0 <= n < 65536:
        return _P.BININT2 + struct.pack("<H", n)
    if -(2 ** 31) <= n < 2 ** 31:
        return _P.BININT + struct.pack("<i", n)
    b = pickle.encode_long(n)
    if len(b) < 256:
        return _P.LONG1 + bytes([len(b)]) + b
    return _P.LONG4 + struct.pack("<i", len(b)) + b


def _size_type():
    from ..autograd.device import Size

    return Size


class _Writer:
    """Emits protocol-2 pickle opcodes for the objects torch.save writes, the way torch writes them.

    Hand-written rather than a ``pickle.Pickler`` subclass because the globals it names
    (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage``) must not be imported.
    """

    def __init__(self):
        self.out = bytearray()
        self.storages: "OrderedDict[int, tuple]" = OrderedDict()  # id(root) -> (key, root, flat)
        self.active: set = set()

    def dump(self, obj) -> bytes:
        self.out += _P.PROTO + b"\x02"
        self.save(obj)
        self.out += _P.STOP
        return bytes(self.out)

    def save(self, obj, path="obj"):
        out = self.out
        if obj is None:
            out += _P.NONE
        elif isinstance(obj, (bool, np.bool_)):
            out += _P.NEWTRUE if obj else _P.NEWFALSE
        elif isinstance(obj, (int, np.integer)):
            out += _int_op(int(obj))
        elif isinstance(obj, (float, np.floating)):
            out += _P.BINFLOAT + struct.pack(">d", float(obj))
        elif isinstance(obj, str):
            out += _str(obj)
        elif isinstance(obj, bytes):
            # protocol 2 has no bytes opcode: torch's pickler writes _codecs.encode(latin1 str, 'latin1')
            out += _global("_codecs", "encode") + _str(obj.decode("latin1")) + _str("latin1") + _P.TUPLE2 + _P.REDUCE
        elif isinstance(obj, Tensor):
            self.save_tensor(obj, path)
        elif isinstance(obj, _size_type()):
            # as torch pickles torch.Size: torch.Size((d0, d1, ...))
            out += _global("torch", "Size")
            self.save_tuple(tuple(int(d) for d in obj), path)
            out += _P.TUPLE1 + _P.REDUCE
        elif isinstance(obj, (dict, list, tuple)):
            if id(obj) in self.active:
                raise ValueError(f"tc.save(): {path} contains itself (a circular reference)")
            self.active.add(id(obj))
            if isinstance(obj, dict):
                self.save_dict(obj, path)
            elif isinstance(obj, list):
                out += _P.EMPTY_LIST
                if obj:
                    out += _P.MARK
                    for i, v in enumerate(obj):
                        self.save(v, f"{path}[{i}]")
                    out += _P.APPENDS
            else:
                self.save_tuple(obj, path)
            self.active.discard(id(obj))
        elif hasattr(obj, "np") and hasattr(obj, "is_floating_point") and type(obj).__name__ == "dtype":
            out += _global("torch", obj.name)
        elif isinstance(obj, np.ndarray):
            raise TypeError(
                f"tc.save(): {path} is a NumPy array; torch.load(weights_only=True) refuses NumPy arrays in a .pt "
                "file: convert it with tc.from_numpy(...) or save to the default .npz format"
            )
        else:
            raise TypeError(
                f"tc.save(): cannot write {path} of type {type(obj).__name__} to a PyTorch checkpoint; supported: "
                "Tensors, numbers, strings, bytes, None and dicts/lists/tuples of them"
            )

    def save_tuple(self, obj, path):
        if not obj:
            self.out += _P.EMPTY_TUPLE
            return
        if len(obj) > 3:
            self.out += _P.MARK
        for i, v in enumerate(obj):
            self.save(v, f"{path}[{i}]")
        self.out += (_P.TUPLE1, _P.TUPLE2, _P.TUPLE3)[len(obj) - 1] if len(obj) <= 3 else _P.TUPLE

    def save_dict(self, obj, path):
        ordered = isinstance(obj, OrderedDict)
        if ordered:
            self.out += _global("collections", "OrderedDict") + _P.EMPTY_TUPLE + _P.REDUCE
        else:
            self.out += _P.EMPTY_DICT
        if obj:
            self.out += _P.MARK
            for k, v in obj.items():
                if not isinstance(k, (str, int, float, bool, type(None), tuple)):
                    raise TypeError(f"tc.save(): {path} has a key of type {type(k).__name__}; keys must be plain values")
                self.save(k, f"{path} key")
                self.save(v, f"{path}[{k!r}]")
            self.out += _P.SETITEMS
        state = getattr(obj, "__dict__", None) if ordered else None
        if state:  # torch's state dicts carry _metadata as an attribute
            self.save(dict(state), f"{path}.__dict__")
            self.out += _P.BUILD

    def _storage_of(self, arr: np.ndarray):
        """(key, storage numel, storage offset, strides in elements) with tensors on one buffer sharing one storage."""
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        item = arr.itemsize
        if root is not arr and root.dtype == arr.dtype and root.flags.c_contiguous:
            delta = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            if delta >= 0 and delta % item == 0 and all(s >= 0 and s % item == 0 for s in arr.strides):
                entry = self.storages.get(id(root))
                if entry is None:
                    entry = self.storages[id(root)] = (str(len(self.storages)), root, root.reshape(-1))
                return entry[0], entry[2].size, delta // item, tuple(s // item for s in arr.strides)
        # its own buffer (or one we cannot describe as a torch storage): a contiguous copy
        if arr.flags.c_contiguous and root is arr:
            flat = arr.reshape(-1)
            entry = self.storages.get(id(arr))
            if entry is None:
                entry = self.storages[id(arr)] = (str(len(self.storages)), arr, flat)
        else:
            flat = np.ascontiguousarray(arr).reshape(-1)
            key = str(len(self.storages))
            entry = self.storages[("copy", key)] = (key, flat, flat)
        strides, acc = [], 1
        for s in reversed(arr.shape):
            strides.append(acc)
            acc *= max(s, 1)
        return entry[0], flat.size, 0, tuple(reversed(strides))

    def save_tensor(self, t: Tensor, path: str):
        from ..autograd import _array
        from ..nn.parameter import Parameter

        arr = _array(t)
        if arr.dtype not in _DTYPE_STORAGE:
            raise TypeError(f"tc.save(): {path} has dtype {arr.dtype}, which has no PyTorch storage type")
        is_param = isinstance(t, Parameter)
        if is_param:
            self.out += _global("torch._utils", "_rebuild_parameter")
        key, numel, offset, strides = self._storage_of(arr)
        out = self.out
        out += _global("torch._utils", "_rebuild_tensor_v2") + _P.MARK
        out += _P.MARK + _str("storage") + _global("torch", _DTYPE_STORAGE[arr.dtype]) + _str(key) + _str("cpu")
        out += _int_op(numel) + _P.TUPLE + _P.BINPERSID
        out += _int_op(offset)
        self.save_tuple(tuple(int(s) for s in arr.shape), path)
        self.save_tuple(strides, path)
        out += _P.NEWTRUE if (t.requires_grad and not is_param) else _P.NEWFALSE
        out += _global("collections", "OrderedDict") + _P.EMPTY_TUPLE + _P.REDUCE
        out += _P.TUPLE + _P.REDUCE
        if is_param:
            out += _P.NEWTRUE if t.requires_grad else _P.NEWFALSE
            out += _global("collections", "OrderedDict") + _P.EMPTY_TUPLE + _P.REDUCE + _P.TUPLE3 + _P.REDUCE


_ALIGN = 64  # torch aligns each storage to 64 bytes in the file (so it can be memory-mapped)


def _write_archive(fh: BinaryIO, pkl: bytes, storages) -> None:
    prefix = "archive/"

    def put(zf, name, data):
        info = zipfile.ZipInfo(prefix + name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        if name.startswith("data/"):
            # pad the local header's extra field so the data starts on a 64-byte boundary, as torch does
            head = fh.tell() + 30 + len(info.filename.encode()) + 4
            pad = (-head) % _ALIGN
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        zf.writestr(info, data)

    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        put(zf, "data.pkl", pkl)
        put(zf, ".format_version", b"1")
        put(zf, ".storage_alignment", str(_ALIGN).encode())
        put(zf, "byteorder", sys.byteorder.encode())
        for key, _root, flat in storages:
            put(zf, f"data/{key}", memoryview(np.ascontiguousarray(flat)).cast("B"))
        put(zf, "version", b"3\n")


def save_pt(obj: Any, f: Union[str, os.PathLike, BinaryIO]) -> None:
    """Write ``obj`` in PyTorch's zip checkpoint format, readable by ``torch.load(f, weights_only=True)``.

    ``obj``: tensors (Parameters stay Parameters), numbers, strings, bytes, None and nested
    dicts/lists/tuples of them (``model.state_dict()``, ``optimizer.state_dict()``,
    ``{"model": ..., "epoch": 3}``). Tensors viewing one buffer share one storage in the file,
    as in PyTorch. A path is written atomically.

    Example
    -------
    >>> save_pt(model.state_dict(), "model.pt")   # then in PyTorch: torch.load("model.pt")
    """
    w = _Writer()
    pkl = w.dump(obj)
    storages = list(w.storages.values())
    if isinstance(f, (str, bytes, os.PathLike)):
        atomic_write(f, lambda fh: _write_archive(fh, pkl, storages))
    else:
        _write_archive(f, pkl, storages)

"""PyTorch's checkpoint format (``torch.save``'s zip archive) both ways, without importing torch.

The archive (stored, uncompressed members under one folder, ``archive/`` here)::

    archive/data.pkl            the object, pickled (protocol 2); each tensor is a call
                                torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
                                requires_grad, OrderedDict()) whose storage is a persistent id
                                ('storage', torch.FloatStorage, key, 'cpu', numel)
    archive/data/<key>          the raw bytes of storage <key>
    archive/byteorder           'little' or 'big'
    archive/version             '3'

Reading is as safe as ``torch.load(weights_only=True)``: a pure-Python unpickler whose
``find_class`` accepts only the tensor rebuild functions, the storage types, torch dtypes,
``torch.Size``/``torch.device`` and ``collections.OrderedDict`` (plus the builtins torch allows
for bytes, sets and complex numbers); any other global is refused by name *before* anything is
called, and the opcodes that instantiate arbitrary classes (INST, OBJ, NEWOBJ, EXT*) are refused
outright. Every size a file claims (member sizes, storage sizes, tensor extents) is checked
against the bytes actually present before anything is allocated, so a lying file cannot make us
allocate more than the file itself holds.
"""
from __future__ import annotations

import io
import math
import os
import pickle
import struct
import sys
import zipfile
from collections import Counter, OrderedDict
from typing import Any, BinaryIO, Union

import numpy as np

from ..autograd import _wrap
from ..autograd.tensor import Tensor
from ..utils.atomic import atomic_write

__all__ = ["save_pt", "load_pt", "is_pt_archive", "UnpicklingError"]


class UnpicklingError(pickle.UnpicklingError, RuntimeError):
    """A refused or malformed pickle inside a checkpoint (both ``pickle.UnpicklingError``, as
    ``torch.load(weights_only=True)`` raises, and ``RuntimeError``, as every other bad file)."""


# storage class name -> NumPy dtype (only the dtypes tinygrad_course has)
_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}
_DTYPE_STORAGE = {np.dtype(v): k for k, v in _STORAGE_DTYPES.items()}
# storages torch writes that we recognise but cannot represent
_FOREIGN_STORAGES = {
    "BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
    "QInt8Storage": "qint8", "QUInt8Storage": "quint8", "QInt32Storage": "qint32",
    "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
_TORCH_DTYPES = ("float16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool")
# what zipfile raises on a damaged archive (a flipped byte in a header can surface as any of these)
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
               RuntimeError, struct.error, UnicodeDecodeError, KeyError, IndexError, OverflowError, TypeError)
_MAX_SMALL_RECORD = 64  # byteorder / version records are a few bytes


def _name(path: Any) -> str:
    return repr(os.fspath(path)) if isinstance(path, (str, bytes, os.PathLike)) else repr(path)


# --------------------------------------------------------------------------- reading
class _StorageType:
    """What ``find_class('torch', 'FloatStorage')`` returns: a marker carrying the dtype."""

    def __init__(self, name: str, dtype):
        self.name, self.dtype = name, dtype

    def __repr__(self):
        return f"torch.{self.name}"


class _Storage:
    """A loaded storage: a flat, writable array that every tensor built on it views."""

    __slots__ = ("array", "key")

    def __init__(self, array: np.ndarray, key: str):
        self.array, self.key = array, key


def _int(value, what: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnpicklingError(f"tc.load(): {where} is corrupted: {what} must be an int, got {type(value).__name__}")
    return value


def _ints(value, what: str, where: str) -> tuple:
    if not isinstance(value, (tuple, list)):
        raise UnpicklingError(f"tc.load(): {where} is corrupted: {what} must be a tuple, got {type(value).__name__}")
    return tuple(_int(v, what, where) for v in value)


class _Reader:
    """Reads one archive: the members, the storages (each once) and the pickle."""

    def __init__(self, zf: zipfile.ZipFile, prefix: str, archive_size: int, where: str):
        self.zf, self.prefix, self.size, self.where = zf, prefix, archive_size, where
        self.storages: dict = {}
        self.byteorder = "little"
        info = self._info("byteorder", required=False)
        if info is not None:
            raw = self._read(info, _MAX_SMALL_RECORD).decode("ascii", "replace").strip()
            if raw not in ("little", "big"):
                raise RuntimeError(f"tc.load(): {where} is corrupted: unknown byte order {raw[:20]!r}")
            self.byteorder = raw

    def _info(self, name: str, required: bool = True):
        try:
            return self.zf.getinfo(self.prefix + name)
        except KeyError:
            if required:
                raise RuntimeError(f"tc.load(): {self.where} is corrupted: the member {self.prefix + name!r} is missing") from None
            return None

    def _read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        # a member cannot hold more than the archive does: check the claim before reading it
        if info.file_size > limit or info.compress_size > self.size:
            raise RuntimeError(
                f"tc.load(): {self.where} is corrupted: the member {info.filename!r} claims {info.file_size} bytes "
                f"(at most {limit} possible)"
            )
        try:
            data = self.zf.read(info)
        except _ZIP_ERRORS as e:
            raise RuntimeError(f"tc.load(): {self.where} is truncated or corrupted (reading {info.filename!r}: {e})") from None
        if len(data) != info.file_size:
            raise RuntimeError(f"tc.load(): {self.where} is truncated: {info.filename!r} holds {len(data)} of {info.file_size} bytes")
        return data

    def pickle_bytes(self) -> bytes:
        return self._read(self._info("data.pkl"), self.size)

    def storage(self, pid) -> _Storage:
        if not isinstance(pid, tuple) or len(pid) != 5 or pid[0] not in ("storage", b"storage"):
            raise UnpicklingError(f"tc.load(): {self.where} is corrupted: unknown persistent id {str(pid)[:80]}")
        _, stype, key, _location, numel = pid
        if not isinstance(stype, _StorageType):
            raise UnpicklingError(f"tc.load(): {self.where} is corrupted: {str(stype)[:40]} is not a storage type")
        key = key.decode("ascii", "replace") if isinstance(key, bytes) else key
        if not isinstance(key, str) or not key or "/" in key or ".." in key:
            raise UnpicklingError(f"tc.load(): {self.where} is corrupted: bad storage key {str(key)[:40]!r}")
        numel = _int(numel, "a storage size", self.where)
        if key in self.storages:
            return self.storages[key]
        dtype = np.dtype(stype.dtype)
        info = self._info(f"data/{key}")
        nbytes = numel * dtype.itemsize
        if numel < 0 or nbytes != info.file_size:
            raise RuntimeError(
                f"tc.load(): {self.where} is corrupted: storage {key!r} claims {numel} elements of {dtype} "
                f"({nbytes} bytes) but its member holds {info.file_size} bytes"
            )
        raw = bytearray(self._read(info, self.size))  # bytearray: the loaded tensors must be writable
        arr = np.frombuffer(raw, dtype=dtype.newbyteorder("<" if self.byteorder == "little" else ">"))
        if not arr.dtype.isnative:
            arr = arr.astype(dtype)
        st = _Storage(arr, key)
        self.storages[key] = st
        return st

    def rebuild_tensor(self, storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None, *extra):
        """``torch._utils._rebuild_tensor_v2``: a strided view of the storage, bounds-checked first."""
        w = self.where
        if extra or not isinstance(storage, _Storage):
            raise UnpicklingError(f"tc.load(): {w} is corrupted: bad arguments to _rebuild_tensor_v2")
        offset = _int(storage_offset, "a storage offset", w)
        size, stride = _ints(size, "a tensor size", w), _ints(stride, "a tensor stride", w)
        if len(size) != len(stride) or offset < 0 or any(s < 0 for s in size) or any(s < 0 for s in stride):
            raise RuntimeError(
                f"tc.load(): {w} is corrupted: a tensor on storage {storage.key!r} has size {size}, stride {stride} "
                f"and offset {offset}"
            )
        n = storage.array.size
        if math.prod(size) == 0:
            arr = np.zeros(size, dtype=storage.array.dtype)
        else:
            last = offset + sum((s - 1) * st for s, st in zip(size, stride))
            if last >= n:
                raise RuntimeError(
                    f"tc.load(): {w} is corrupted: a tensor of size {size}, stride {stride}, offset {offset} reaches "
                    f"element {last} of storage {storage.key!r}, which has {n} elements"
                )
            item = storage.array.itemsize
            # an ndarray over the storage's buffer (base = the storage): tensors on one storage share memory
            arr = np.ndarray(size, storage.array.dtype, buffer=storage.array, offset=offset * item,
                             strides=tuple(s * item for s in stride))
        t = _wrap(arr)
        if requires_grad is True and arr.dtype.kind == "f":
            t.requires_grad_(True)
        return t

    def rebuild_parameter(self, data, requires_grad=True, backward_hooks=None, state=None):
        """``torch._utils._rebuild_parameter`` (and ``..._with_state``): a ``tc.nn.Parameter``."""
        if not isinstance(data, Tensor):
            raise UnpicklingError(f"tc.load(): {self.where} is corrupted: _rebuild_parameter got {type(data).__name__}")
        from ..nn.parameter import Parameter

        return Parameter(data.detach(), requires_grad=bool(requires_grad) and data.dtype.is_floating_point)

    def rebuild_from_type(self, func, new_type, args, state):
        """``torch._tensor._rebuild_from_type_v2`` for plain tensors and Parameters (what torch.save of
        a tensor carrying Python attributes writes); the attributes are dropped."""
        if not callable(func) or not isinstance(args, tuple):
            raise UnpicklingError(f"tc.load(): {self.where} is corrupted: bad arguments to _rebuild_from_type_v2")
        t = func(*args)
        if new_type == "Parameter" and isinstance(t, Tensor):
            return self.rebuild_parameter(t, True)
        return t


def _torch_size(*args):
    from ..autograd.device import Size

    if len(args) > 1 or (args and not isinstance(args[0], (tuple, list))):
        raise UnpicklingError("torch.Size takes one tuple of ints")
    return Size(args[0] if args else ())


def _encode(text="", encoding="utf-8", errors="strict"):
    # _codecs.encode is how protocol 2 pickles bytes: allow it for str input only
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8", "ascii"):
        raise UnpicklingError("_codecs.encode is only allowed on a str with a standard encoding")
    return text.encode(encoding, errors)


def _bytearray(*args):
    # bytearray(n) would allocate n bytes the file does not hold: only copies of bytes are allowed
    if len(args) > 2 or (args and not isinstance(args[0], (bytes, bytearray, str))):
        raise UnpicklingError("bytearray is only allowed on bytes or a str (not a size)")
    return bytearray(*args)


def _device(*args):
    from ..autograd.device import device

    return device(*args)


def _safe_globals(reader: _Reader) -> dict:
    from ..autograd import dtypes as dt

    g = {
        ("collections", "OrderedDict"): OrderedDict,
        ("collections", "Counter"): Counter,
        ("torch._utils", "_rebuild_tensor_v2"): reader.rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): reader.rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): reader.rebuild_parameter,
        ("torch._tensor", "_rebuild_from_type_v2"): reader.rebuild_from_type,
        ("torch", "Tensor"): "Tensor",
        ("torch.nn.parameter", "Parameter"): "Parameter",
        ("torch", "Size"): _torch_size,
        ("torch", "device"): _device,
        ("_codecs", "encode"): _encode,
        ("builtins", "set"): set,
        ("builtins", "bytearray"): _bytearray,
        ("builtins", "complex"): complex,
    }
    for mod in ("torch", "torch.storage"):
        for name, npd in _STORAGE_DTYPES.items():
            g[(mod, name)] = _StorageType(name, npd)
    g[("torch.storage", "UntypedStorage")] = g[("torch", "UntypedStorage")] = _StorageType("UntypedStorage", np.uint8)
    for name in _TORCH_DTYPES:
        g[("torch", name)] = getattr(dt, name)
    return g


class _Unpickler(pickle._Unpickler):
    """Pure-Python unpickler restricted like ``torch.load(weights_only=True)``.

    The pure-Python one (not the C one) so each dangerous opcode can be refused and the
    container opcodes checked: SETITEM only on dicts, APPEND only on lists, BUILD only on
    OrderedDicts (torch's ``_metadata``) and tensors (ignored).
    """

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, data: bytes, reader: _Reader):
        super().__init__(io.BytesIO(data))
        self.reader, self.where = reader, reader.where
        self.allowed = _safe_globals(reader)

    def find_class(self, module, name):
        if module == "__builtin__":  # protocol 2 names Python 3's builtins by their Python 2 module
            module = "builtins"
        found = self.allowed.get((module, name))
        if found is None:
            if (module in ("torch", "torch.storage")) and name in _FOREIGN_STORAGES:
                raise RuntimeError(
                    f"tc.load(): {self.where} holds a {_FOREIGN_STORAGES[name]} tensor, which tinygrad_course does not "
                    "support (convert it in PyTorch first, e.g. .float())"
                )
            raise UnpicklingError(
                f"tc.load(): {self.where}: refused to load the global {module}.{name} (only tensors, containers and "
                "plain values are allowed, as torch.load(weights_only=True) does; the file was not trusted)"
            )
        return found

    def persistent_load(self, pid):
        return self.reader.storage(pid)

    def _refuse(self, op: str):
        raise UnpicklingError(f"tc.load(): {self.where}: refused the pickle opcode {op} (not allowed in a weights-only load)")

    def load_reduce(self):
        args = self.stack[-1]
        func = self.stack[-2]
        if not callable(func) or isinstance(func, type) and func not in (OrderedDict, Counter, set, bytearray, complex):
            self._refuse(f"REDUCE on {str(func)[:40]}")
        if not isinstance(args, tuple):
            raise UnpicklingError(f"tc.load(): {self.where} is corrupted: REDUCE arguments are not a tuple")
        super().load_reduce()

    def load_build(self):
        state, inst = self.stack[-1], self.stack[-2]
        if type(inst) is OrderedDict and isinstance(state, dict):
            self.stack.pop()
            inst.__dict__.update(state)  # torch's state dicts carry _metadata this way
        elif isinstance(inst, Tensor):
            self.stack.pop()  # Python attributes of a tensor: dropped
        else:
            self._refuse(f"BUILD on {type(inst).__name__}")

    def load_setitem(self):
        if not isinstance(self.stack[-3], dict):
            self._refuse(f"SETITEM on {type(self.stack[-3]).__name__}")
        super().load_setitem()

    def load_setitems(self):
        items = self.pop_mark()
        target = self.stack[-1]
        if not isinstance(target, dict) or len(items) % 2:
            self._refuse(f"SETITEMS on {type(target).__name__}")
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def load_append(self):
        if not isinstance(self.stack[-2], list):
            self._refuse(f"APPEND on {type(self.stack[-2]).__name__}")
        super().load_append()

    def load_appends(self):
        items = self.pop_mark()
        target = self.stack[-1]
        if not isinstance(target, list):
            self._refuse(f"APPENDS on {type(target).__name__}")
        target.extend(items)

    def load_additems(self):
        items = self.pop_mark()
        target = self.stack[-1]
        if not isinstance(target, set):
            self._refuse(f"ADDITEMS on {type(target).__name__}")
        target.update(items)

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.BUILD[0]] = load_build
    dispatch[pickle.SETITEM[0]] = load_setitem
    dispatch[pickle.SETITEMS[0]] = load_setitems
    dispatch[pickle.APPEND[0]] = load_append
    dispatch[pickle.APPENDS[0]] = load_appends
    dispatch[pickle.ADDITEMS[0]] = load_additems


def _refuser(op):
    def refuse(self):
        self._refuse(op)

    return refuse


for _op in ("INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "EXT1", "EXT2", "EXT4", "BYTEARRAY8", "NEXT_BUFFER",
            "READONLY_BUFFER"):
    if hasattr(pickle, _op):
        _Unpickler.dispatch[getattr(pickle, _op)[0]] = _refuser(_op)


def _archive_prefix(zf: zipfile.ZipFile, where: str) -> str:
    pkls = [n for n in zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pkls) != 1:
        raise RuntimeError(
            f"tc.load(): {where} is not a PyTorch checkpoint (expected one '<folder>/data.pkl' member, found {len(pkls)})"
        )
    return pkls[0][: -len("data.pkl")]


def is_pt_archive(zf: zipfile.ZipFile) -> bool:
    """Whether an open zip archive looks like ``torch.save``'s format (a ``<folder>/data.pkl`` member)."""
    return any(n.endswith("/data.pkl") and n.count("/") == 1 for n in zf.namelist())


def load_pt(f: Union[str, os.PathLike, BinaryIO], where: str = None) -> Any:
    """Read a PyTorch zip checkpoint as ``torch.load(f, weights_only=True)`` does, returning tc tensors.

    Parameters
    ----------
    f : path or readable, seekable binary file
    where : how to name the file in error messages (default: ``repr(f)``)

    Example
    -------
    >>> sd = load_pt("model.pt")     # written by torch.save(model.state_dict(), "model.pt")
    """
    where = where or _name(f)
    if isinstance(f, (str, bytes, os.PathLike)):
        size = os.path.getsize(f)
    else:
        pos = f.tell()
        size = f.seek(0, io.SEEK_END) - pos
        f.seek(pos)
    try:
        zf = zipfile.ZipFile(f)
    except _ZIP_ERRORS as e:
        raise RuntimeError(f"tc.load(): {where} is not a readable PyTorch checkpoint (truncated or corrupted zip: {e})") from None
    with zf:
        reader = _Reader(zf, _archive_prefix(zf, where), size, where)
        data = reader.pickle_bytes()
        try:
            return _Unpickler(data, reader).load()
        except MemoryError:
            raise
        except Exception as e:  # whatever a damaged pickle makes the unpickler raise: one kind, naming the file
            if isinstance(e, RuntimeError) and where in str(e):
                raise
            raise UnpicklingError(f"tc.load(): {where} is corrupted (its data.pkl does not unpickle: "
                                  f"{type(e).__name__}: {str(e)[:200]})") from None


# --------------------------------------------------------------------------- writing
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

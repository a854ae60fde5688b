"""Reading PyTorch's checkpoint format safely (weights only); see ``pt_format``."""
from __future__ import annotations

import io
import math
import os
import pickle
import zipfile
from collections import Counter, OrderedDict
from typing import Any, BinaryIO, Union

import numpy as np

from ..autograd import _wrap
from ..autograd.tensor import Tensor

from .pt_common import UnpicklingError
from .pt_common import (_FOREIGN_STORAGES, _MAX_SMALL_RECORD, _STORAGE_DTYPES, _TORCH_DTYPES,
                        _ZIP_ERRORS, _name)
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
        if math.prod(size) * storage.array.itemsize > np.iinfo(np.intp).max:  # zero strides can claim that
            raise RuntimeError(f"tc.load(): {w} holds a tensor of size {size}: more elements than a NumPy array "
                               "can hold")
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

"""``tc.save`` / ``tc.load``: state dicts (and nested dicts/lists of tensors and numbers) as ``.npz``.

Other formats by extension (``.pt``/``.pth``: PyTorch's checkpoint, ``.safetensors``) live in
``tc.interchange``; ``load`` recognises them (and plain ``.npz`` archives of arrays) by content.

The archive holds one ``.npy`` entry per tensor (for a flat state dict the entry names are the
state-dict keys, so ``numpy.load(path)["fc.weight"]`` works too) plus ``__tinygrad_course__``, a
JSON description of the nesting. No pickle is used in either direction (``allow_pickle=False``),
so loading a file cannot run code. Writes go through ``tc.utils.atomic.atomic_write``: a
temporary file in the destination folder moved into place with ``os.replace``, so if anything
fails no partial file is left behind and an older file of that name is untouched; the file gets
the mode ``open()`` (and ``torch.save``) would give it.
"""
import json
import math
import os
import struct
import zipfile
from collections import OrderedDict

import numpy as np

from .autograd import _array
from .autograd.dtypes import _BY_NP
from .autograd.tensor import Tensor
from .utils.atomic import atomic_write

__all__ = ["save", "load"]

_META = "__tinygrad_course__"
# what numpy/zipfile raise on a damaged archive (a flipped header byte can give NotImplementedError
# "zip file version ..." or a struct/decoding error, not only BadZipFile)
_DAMAGED = (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, struct.error, KeyError,
            IndexError, OverflowError)
_FORMAT = "tinygrad_course.save"
_VERSION = 1


def _describe(path):
    return repr(os.fspath(path)) if isinstance(path, (str, bytes, os.PathLike)) else repr(path)


class _Encoder:
    """Turns a nested object into a JSON tree plus a dict of arrays."""

    def __init__(self, flat_names):
        self.arrays = OrderedDict()
        self.flat_names = flat_names

    def _key(self, preferred):
        if preferred is not None and preferred not in self.arrays and preferred != _META:
            return preferred
        return f"tensor_{len(self.arrays)}"

    def encode(self, obj, name=None):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter

            key = self._key(name if self.flat_names else None)
            self.arrays[key] = _array(obj)  # (np.ascontiguousarray would turn 0-d into 1-d)
            node = {"__tensor__": key}
            if obj.requires_grad:
                node["requires_grad"] = True
            if isinstance(obj, Parameter):
                node["parameter"] = True
            return node
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind not in "biufc":
                raise TypeError(f"tc.save(): cannot save a NumPy array of dtype {obj.dtype} (numeric arrays only)")
            key = self._key(name if self.flat_names else None)
            self.arrays[key] = obj
            return {"__ndarray__": key}
        if isinstance(obj, (bool, np.bool_)):
            return bool(obj)
        if isinstance(obj, (int, np.integer)):
            return int(obj)
        if isinstance(obj, (float, np.floating)):
            f = float(obj)
            return f if np.isfinite(f) else {"__float__": repr(f)}
        if obj is None or isinstance(obj, str):
            return obj
        if isinstance(obj, dict):
            items = [[self.encode(k), self.encode(v, k if isinstance(k, str) else None)] for k, v in obj.items()]
            return {"__dict__": items, "ordered": isinstance(obj, OrderedDict)}
        if isinstance(obj, tuple):
            return {"__tuple__": [self.encode(v) for v in obj]}
        if isinstance(obj, list):
            return {"__list__": [self.encode(v) for v in obj]}
        raise TypeError(
            f"tc.save(): cannot save an object of type {type(obj).__name__}; supported: Tensors, NumPy arrays, "
            "numbers, strings, None and dicts/lists/tuples of them (e.g. model.state_dict(), optimizer.state_dict())"
        )


# torch.save's pre-1.6 format starts with the pickled magic number 0x1950a86a20f9469cfc6c
_LEGACY_MAGIC = b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little")
_EXTENSIONS = {".pt": "pt", ".pth": "pt", ".safetensors": "safetensors"}


def _format_of(f):
    """The file format a path asks for by its extension (``.pt``/``.pth``, ``.safetensors``; else ours)."""
    if not isinstance(f, (str, bytes, os.PathLike)):
        return None
    return _EXTENSIONS.get(os.path.splitext(os.fsdecode(os.fspath(f)))[1].lower())


def _checked_path(f):
    path = os.fsdecode(os.fspath(f))
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise FileNotFoundError(f"tc.save(): the folder of {path!r} does not exist")
    return path


def _sniff(f):
    """'pt', 'safetensors' or None (ours / a plain .npz / foreign), from the file's first bytes and zip listing."""
    from .interchange.safetensors_format import looks_like_safetensors

    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "rb") as fh:
            head = fh.read(16)
    else:
        pos = f.tell()
        head = f.read(16)
        f.seek(pos)
    if looks_like_safetensors(head):
        return "safetensors"
    if head[:2] == b"PK":
        from .interchange.pt_format import is_pt_archive

        try:
            with zipfile.ZipFile(f) as zf:
                found = is_pt_archive(zf)
        except Exception:  # a damaged zip: not recognisable as a checkpoint; np.load reports the damage
            found = False
        finally:
            if not isinstance(f, (str, bytes, os.PathLike)):
                f.seek(pos)
        return "pt" if found else None
    if head.startswith(_LEGACY_MAGIC):
        return "legacy-pt"
    return None


_SAFE_GLOBALS = []


class safe_globals:
    """Context manager that allow-lists classes for ``tc.load`` (PyTorch's
    ``torch.serialization.safe_globals``), so programs written for PyTorch run unchanged.

    ``tc.load`` is always weights-only and rebuilds no user classes, so the list is only kept
    (``get_safe_globals``): a file that pickles any other object is still refused by name.

    >>> with tc.serialization.safe_globals([dict]):
    ...     pass
    """

    def __init__(self, safe_globals):
        self.safe_globals = list(safe_globals)

    def __enter__(self):
        self._n = len(_SAFE_GLOBALS)
        _SAFE_GLOBALS.extend(self.safe_globals)

    def __exit__(self, *exc):
        del _SAFE_GLOBALS[self._n:]
        return False


def add_safe_globals(safe_globals):
    """Allow-list classes for ``tc.load`` for the rest of the process (kept only: see ``safe_globals``).

    >>> tc.serialization.add_safe_globals([dict])
    """
    _SAFE_GLOBALS.extend(safe_globals)


def get_safe_globals():
    """The classes allow-listed so far.

    >>> isinstance(tc.serialization.get_safe_globals(), list)
    True
    """
    return list(_SAFE_GLOBALS)


def clear_safe_globals():
    """Empty the allow-list.

    >>> tc.serialization.clear_safe_globals()
    """
    _SAFE_GLOBALS.clear()


def save(obj, f, _use_new_zipfile_serialization=True):
    """Save a state dict (or nested dicts/lists of tensors and numbers) to ``f``; the format follows the extension.

    ``f`` is a path (written atomically, the name is used as given) or a writable binary file
    (always ``.npz``). By extension: ``.pt``/``.pth`` write PyTorch's zip checkpoint (read it with
    ``torch.load(f, weights_only=True)``), ``.safetensors`` a flat ``{name: tensor}`` dict through
    the ``safetensors`` package; anything else our ``.npz`` format.

    >>> tc.save(model.state_dict(), "model.npz")
    >>> model.load_state_dict(tc.load("model.npz"))
    """
    fmt = _format_of(f)
    if fmt == "pt":
        from .interchange.pt_format import save_pt

        return save_pt(obj, _checked_path(f))
    if fmt == "safetensors":
        from .interchange.safetensors_format import save_safetensors

        return save_safetensors(obj, _checked_path(f))
    flat = isinstance(obj, dict) and all(isinstance(k, str) for k in obj) and \
        all(isinstance(v, (Tensor, np.ndarray)) for v in obj.values())
    enc = _Encoder(flat_names=flat)
    tree = enc.encode(obj)
    meta = json.dumps({"format": _FORMAT, "version": _VERSION, "tree": tree})
    arrays = dict(enc.arrays)
    arrays[_META] = np.array(meta)
    if not isinstance(f, (str, bytes, os.PathLike)):
        if not hasattr(f, "write"):
            raise TypeError(f"tc.save(): f must be a path or a writable binary file, got {type(f).__name__}")
        np.savez(f, **arrays)
        return
    path = os.fspath(f)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"tc.save(): the folder of {path!r} does not exist")
    atomic_write(path, lambda fh: np.savez(fh, **arrays))


def _decode(node, npz, path, parameters):
    if isinstance(node, dict):
        if "__tensor__" in node or "__ndarray__" in node:
            key = node.get("__tensor__", node.get("__ndarray__"))
            try:
                arr = npz[key]
            except KeyError:
                raise RuntimeError(f"tc.load(): {path} is corrupted: entry {key!r} is missing") from None
            except _DAMAGED as e:
                raise RuntimeError(f"tc.load(): {path} is truncated or corrupted (reading {key!r}: {e})") from None
            if "__ndarray__" in node:
                return arr
            if node.get("parameter"):
                return parameters(Tensor(arr), bool(node.get("requires_grad", True)))
            t = Tensor(arr)
            if node.get("requires_grad") and arr.dtype.kind == "f":
                t.requires_grad_(True)
            return t
        if "__dict__" in node:
            pairs = [(_decode(k, npz, path, parameters), _decode(v, npz, path, parameters)) for k, v in node["__dict__"]]
            return OrderedDict(pairs) if node.get("ordered") else dict(pairs)
        if "__list__" in node:
            return [_decode(v, npz, path, parameters) for v in node["__list__"]]
        if "__tuple__" in node:
            return tuple(_decode(v, npz, path, parameters) for v in node["__tuple__"])
        if "__float__" in node:
            return float(node["__float__"])
        raise RuntimeError(f"tc.load(): {path} is corrupted: unknown entry {sorted(node)}")
    return node


# deflate cannot expand data more than ~1032 times
_MAX_INFLATE = 1100


def _check_npz_sizes(f, path):
    """Refuse an archive whose arrays claim more bytes than its members hold, before NumPy
    allocates them (a 16-byte member claiming 10^6 x 10^6 float64 would ask for 7 TiB), and one
    whose member is no ``.npy`` array (NumPy would read it whole, as bytes)."""
    pos = f.tell() if hasattr(f, "tell") else None
    try:
        try:
            zf = zipfile.ZipFile(f)
        except Exception:  # not a readable zip: np.load below says what is wrong
            return
        with zf:
            for info in zf.infolist():
                if info.file_size > _MAX_INFLATE * max(info.compress_size, 1) + 4096:
                    raise RuntimeError(
                        f"tc.load(): {path}: member {info.filename!r} claims {info.file_size:,} bytes from "
                        f"{info.compress_size:,} compressed: more than deflate can expand (a lying or bomb archive)"
                    )
                try:
                    with zf.open(info) as m:
                        version = np.lib.format.read_magic(m)
                        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                                       else np.lib.format.read_array_header_2_0)
                        shape, _, dtype = read_header(m)
                        header = m.tell()
                except Exception as e:
                    raise RuntimeError(
                        f"tc.load(): {path}: member {info.filename!r} is not a readable .npy array "
                        f"(truncated, corrupted or foreign: {type(e).__name__})"
                    ) from None
                need = math.prod(shape) * dtype.itemsize
                have = info.file_size - header
                if need > have:
                    raise RuntimeError(
                        f"tc.load(): {path}: array {info.filename[:-4]!r} claims shape {tuple(shape)} of {dtype} "
                        f"({need:,} bytes) but the file holds {have:,}: truncated or lying"
                    )
    finally:
        if pos is not None:
            f.seek(pos)


def _plain_npz(npz, path):
    """A plain ``.npz`` of arrays (``np.savez(path, **state_dict)``) as a dict of tensors, in the file's order."""
    out = OrderedDict()
    for name in npz.files:
        try:
            arr = npz[name]
        except _DAMAGED as e:
            raise RuntimeError(f"tc.load(): {path} is truncated or corrupted (reading {name!r}: {e})") from None
        if arr.dtype not in _BY_NP:
            raise RuntimeError(f"tc.load(): {path}: array {name!r} has dtype {arr.dtype}, which tinygrad_course does not support")
        out[name] = Tensor(arr)
    return out


def load(f, map_location=None, weights_only=True, **kwargs):
    """Load what ``tc.save`` wrote: Tensors come back as Tensors, dicts/lists as saved.

    Also reads, by content: PyTorch zip checkpoints (``torch.save``; only tensors, containers and
    plain values, as ``torch.load(weights_only=True)``: any other pickled global is refused by
    name, never run), ``.safetensors`` files, and plain ``.npz`` archives of arrays
    (``np.savez(path, **arrays)``, as an ordered ``{name: tensor}`` dict).

    Raises FileNotFoundError for a missing file, RuntimeError naming the file for a truncated,
    corrupted, lying or foreign one. ``weights_only`` is accepted for PyTorch compatibility, but
    loading is always weights-only (``weights_only=False`` does not enable arbitrary pickles);
    every tensor is loaded on the CPU, whatever device the file recorded.

    >>> model.load_state_dict(tc.load("model.pt"))
    """
    if map_location not in (None, "cpu") and str(map_location) != "cpu":
        raise RuntimeError(f"tc.load(): only map_location='cpu' is supported, got {map_location!r}")
    path = _describe(f)
    if isinstance(f, (str, bytes, os.PathLike)):
        p = os.fspath(f)
        if not os.path.exists(p):
            raise FileNotFoundError(2, f"tc.load(): no such file: {path}", os.fsdecode(p) if isinstance(p, bytes) else p)
        if os.path.isdir(p):
            raise IsADirectoryError(21, f"tc.load(): {path} is a directory", p)
    fmt = _format_of(f) if _format_of(f) == "safetensors" else _sniff(f)
    if fmt == "safetensors":
        from .interchange.safetensors_format import load_safetensors

        return load_safetensors(f, path)
    if fmt == "pt":
        from .interchange.pt_format import load_pt

        return load_pt(f, path)
    if fmt == "legacy-pt":
        raise RuntimeError(
            f"tc.load(): {path} is a PyTorch checkpoint in the legacy (pre-1.6, non-zip) format, which tc.load does "
            "not read: re-save it with a recent torch.save"
        )
    _check_npz_sizes(f, path)
    try:
        npz = np.load(f, allow_pickle=False)
    except _DAMAGED as e:
        why = f": {e}" if isinstance(e, (zipfile.BadZipFile, EOFError, NotImplementedError)) else ""
        raise RuntimeError(
            f"tc.load(): {path} is not a tinygrad_course save file (not a readable .npz archive: truncated, "
            f"corrupted or foreign){why}"
        ) from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise RuntimeError(f"tc.load(): {path} is a plain .npy array, not a tinygrad_course save file (use numpy.load)")
    with npz:
        names = set(npz.files)
        if _META not in names:
            return _plain_npz(npz, path)
        try:
            meta = json.loads(str(npz[_META]))
        except _DAMAGED as e:
            raise RuntimeError(f"tc.load(): {path} is truncated or corrupted: {e}") from None
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise RuntimeError(f"tc.load(): {path} is not a tinygrad_course save file (unknown format marker)")
        if meta.get("version", 0) > _VERSION:
            raise RuntimeError(
                f"tc.load(): {path} was written by a newer tinygrad_course (format version {meta.get('version')}, "
                f"this one reads up to {_VERSION})"
            )

        def parameters(t, requires_grad):
            from .nn.parameter import Parameter

            return Parameter(t, requires_grad=requires_grad)

        return _decode(meta.get("tree"), npz, path, parameters)

"""Reading IDX files (the MNIST format), raw or gzip-compressed, with strict validation."""
import gzip
import math
import os
import struct
import zlib

import numpy as np

from ..utils.atomic import atomic_write

# IDX type byte -> big-endian numpy dtype (LeCun's format description).
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


# deflate cannot expand data more than ~1032 times: a header claiming more is a lie (or a bomb)
_MAX_INFLATE = 1100
_CHUNK = 1 << 20


def _expected_size(head: bytes, name: str):
    """The total byte size an IDX header promises (header + data), from its first bytes."""
    if len(head) < 4:
        raise ValueError(f"{name}: not an IDX file (only {len(head)} bytes, need a 4-byte magic number)")
    ndim = head[3]
    n = 4 + 4 * ndim
    if len(head) < n:
        raise ValueError(f"{name}: truncated IDX header ({len(head)} bytes, need {n} for {ndim} dims)")
    code = head[2]
    if head[:2] != b"\0\0" or code not in IDX_DTYPES:
        return None  # not IDX: parse_idx says what is wrong with the first bytes
    item = IDX_DTYPES[code].itemsize
    return n + math.prod(struct.unpack(f">{ndim}I", head[4:n])) * item


def _gunzip_bounded(raw: bytes, name: str) -> bytes:
    """Decompress gzip ``raw`` without ever holding more than the IDX header says the file is."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = bytearray(d.decompress(raw, 4 + 4 * 255))
        while len(out) < 4 + 4 * 255 and not d.eof and d.unconsumed_tail:
            out += d.decompress(d.unconsumed_tail, 4 + 4 * 255 - len(out))
        limit = _expected_size(bytes(out[: 4 + 4 * 255]), name) if len(out) >= 4 else None
        if limit is None:
            return bytes(out)
        if limit > _MAX_INFLATE * len(raw) + 4096:
            raise ValueError(
                f"{name}: the IDX header claims {limit:,} bytes but the gzip file has only {len(raw):,}: more than "
                "deflate can expand (a lying header or a decompression bomb)"
            )
        while not d.eof:
            tail = d.unconsumed_tail
            if not tail:
                break
            out += d.decompress(tail, _CHUNK)
            if len(out) > limit:
                raise ValueError(f"{name}: IDX data has trailing bytes: more than the {limit:,} bytes its header gives")
        if not d.eof:
            raise ValueError(f"{name}: corrupt gzip data (the compressed stream ends early); delete the file and "
                             "fetch it again")
    except zlib.error as e:
        raise ValueError(f"{name}: corrupt gzip data ({e}); delete the file and fetch it again") from None
    return bytes(out)


def _read_bytes(path) -> bytes:
    name = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    return _gunzip_bounded(raw, name)


def parse_idx(raw: bytes, name: str = "<bytes>") -> np.ndarray:
    """Decode IDX bytes: magic ``00 00 <type> <ndim>``, ``ndim`` big-endian uint32 sizes, the data."""
    if len(raw) < 4:
        raise ValueError(f"{name}: not an IDX file (only {len(raw)} bytes, need a 4-byte magic number)")
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0:
        raise ValueError(f"{name}: not an IDX file (magic number {raw[:4].hex()} must start with 0000)")
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise ValueError(f"{name}: unknown IDX data type code 0x{code:02X} (known: {known})")
    if ndim == 0:
        raise ValueError(f"{name}: IDX header says 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{name}: truncated IDX header ({len(raw)} bytes, need {header} for {ndim} dims)")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = IDX_DTYPES[code]
    expected = math.prod(dims) * dtype.itemsize  # Python ints: no overflow for lying dims
    got = len(raw) - header
    if got != expected:
        what = "truncated" if got < expected else "has trailing bytes"
        raise ValueError(
            f"{name}: IDX data {what}: dims {dims} of {dtype.name} need {expected} bytes, found {got}"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return data.astype(dtype.newbyteorder("="))  # native byte order, and a writable copy


def read_idx(path) -> np.ndarray:
    """Read an IDX file (raw or ``.gz``, detected from its first bytes) into a numpy array.

    Raises ``ValueError`` naming the file when it is corrupt or truncated.

    Example
    -------
    >>> images = read_idx("~/.cache/tinygrad_course/mnist/t10k-images-idx3-ubyte.gz")
    >>> images.shape, images.dtype
    ((10000, 28, 28), dtype('uint8'))
    """
    path = os.path.expanduser(os.fspath(path))
    return parse_idx(_read_bytes(path), path)


def write_idx(path, array) -> None:
    """Write ``array`` as an IDX file (gzip-compressed when ``path`` ends with ``.gz``), atomically.

    Example
    -------
    >>> write_idx("labels-idx1-ubyte.gz", np.array([3, 1, 4], dtype=np.uint8))
    """
    array = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in IDX_DTYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise ValueError(f"write_idx: dtype {array.dtype} has no IDX type code (use uint8, int8, int16, int32, float32 or float64)")
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"write_idx: need 1..255 dimensions, got {array.ndim}")
    code = codes[native]
    raw = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    raw += np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    path = os.path.expanduser(os.fspath(path))
    atomic_write(path, gzip.compress(raw) if path.endswith(".gz") else raw)

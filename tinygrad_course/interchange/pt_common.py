"""Shared by the reader and the writer of PyTorch's checkpoint format (see ``pt_format``)."""
from __future__ import annotations

import os
import pickle
import struct
import zipfile
from typing import Any

import numpy as np




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

"""Loaders keep their promise on hostile files: one exception kind naming the file, memory
bounded by the file, never NumPy's or zlib's bare message (issue: lying headers, bombs, flips)."""
import gzip
import io
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import tinygrad_course as tc
from tinygrad_course.datasets import read_idx, write_idx

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _bounded(fn, limit_bytes):
    """Run fn; return (exception or None, peak traced bytes)."""
    tracemalloc.start()
    try:
        fn()
        err = None
    except Exception as e:  # the kind is asserted by the caller
        err = e
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < limit_bytes, f"peak {peak:,} bytes"
    return err


# ---- IDX (MNIST) -------------------------------------------------------------------------------

def _idx_bytes(arr):
    buf = io.BytesIO()
    path = "/dev/null"  # not used: build the bytes as write_idx does
    del path
    code = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D}[arr.dtype]
    buf.write(struct.pack(">HBB", 0, code, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape))
    buf.write(arr.astype(arr.dtype.newbyteorder(">")).tobytes())
    return buf.getvalue()


def test_idx_round_trip_raw_and_gzip(tmp_path):
    a = np.arange(60, dtype=np.uint8).reshape(3, 4, 5)
    for name in ("a.idx", "a.idx.gz"):
        write_idx(tmp_path / name, a)
        np.testing.assert_array_equal(read_idx(tmp_path / name), a)


def test_idx_gzip_bomb_is_refused_with_bounded_memory(tmp_path):
    header = struct.pack(">HBB", 0, 0x08, 1) + struct.pack(">I", 1)
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = comp.compress(header + b"\0" * (200 << 20)) + comp.flush()  # 200 MB of zeros in ~200 kB
    path = tmp_path / "bomb.gz"
    path.write_bytes(bomb)
    err = _bounded(lambda: read_idx(path), 20 << 20)
    assert isinstance(err, ValueError) and "bomb.gz" in str(err) and "trailing" in str(err)


def test_idx_lying_dims_that_overflow_int64(tmp_path):
    header = struct.pack(">HBB", 0, 0x08, 4) + struct.pack(">4I", *(2**31,) * 4)
    for name, data in (("ov", header), ("ov.gz", gzip.compress(header))):
        (tmp_path / name).write_bytes(data)
        err = _bounded(lambda: read_idx(tmp_path / name), 5 << 20)
        assert isinstance(err, ValueError) and name in str(err), err
        assert "cannot reshape" not in str(err)


@FUZZ
@given(data=st.data(), gz=st.booleans())
def test_idx_fuzz_truncation_and_flips(tmp_path_factory, data, gz):
    a = np.arange(48, dtype=np.uint8).reshape(4, 12)
    raw = _idx_bytes(a)
    blob = bytearray(gzip.compress(raw) if gz else raw)
    kind = data.draw(st.sampled_from(["truncate", "flip"]))
    if kind == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    else:
        for _ in range(data.draw(st.integers(1, 3))):
            i = data.draw(st.integers(0, len(blob) - 1))
            blob[i] ^= data.draw(st.integers(1, 255))
    path = tmp_path_factory.mktemp("idx") / ("f.gz" if gz else "f.idx")
    path.write_bytes(bytes(blob))
    err = _bounded(lambda: read_idx(path), 20 << 20)
    if err is not None:  # a flip inside the data leaves a valid file
        assert isinstance(err, ValueError), repr(err)
        assert str(path) in str(err)


# ---- tc.load (.npz) ----------------------------------------------------------------------------

def _lying_npz(path, shape=(10**6, 10**6)):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    buf.write(b"\0" * 16)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("w.npy", buf.getvalue())


def test_npz_entry_claiming_terabytes_is_refused_before_allocating(tmp_path):
    path = tmp_path / "lie.npz"
    _lying_npz(path)
    err = _bounded(lambda: tc.load(path), 20 << 20)
    assert isinstance(err, RuntimeError) and "lie.npz" in str(err) and "(1000000, 1000000)" in str(err)


def test_npz_deflate_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("w.npy", b"\0" * (50 << 20))
    info = zipfile.ZipFile(path).infolist()[0]
    assert info.file_size > 1000 * info.compress_size  # deflate's best ratio: 50 MB in ~50 kB
    err = _bounded(lambda: tc.load(path), 20 << 20)
    assert isinstance(err, RuntimeError) and "bomb.npz" in str(err)


@FUZZ
@given(data=st.data())
def test_npz_fuzz_truncation_flips_and_lies(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("npz")
    path = folder / "m.npz"
    tc.save({"w": tc.ones(3, 4), "b": tc.zeros(4)}, path)
    blob = bytearray(path.read_bytes())
    kind = data.draw(st.sampled_from(["truncate", "flip"]))
    if kind == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    else:
        for _ in range(data.draw(st.integers(1, 3))):
            i = data.draw(st.integers(0, len(blob) - 1))
            blob[i] ^= data.draw(st.integers(1, 255))
    path.write_bytes(bytes(blob))
    err = _bounded(lambda: tc.load(path), 20 << 20)
    if err is not None:
        assert isinstance(err, RuntimeError), repr(err)
        assert "m.npz" in str(err)


def test_safe_globals_is_a_harmless_context_manager(tmp_path):
    import os

    path = tmp_path / "evil.pt"
    import pickle
    import zipfile as zf

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with zf.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps(Evil(), protocol=2))
        z.writestr("archive/version", "3\n")
    with tc.serialization.safe_globals([os.system]):
        assert os.system in tc.serialization.get_safe_globals()
        with pytest.raises(RuntimeError, match="system"):
            tc.load(path)  # still refused by name: the loader never rebuilds user objects
    assert os.system not in tc.serialization.get_safe_globals()


def test_bfloat16_says_what_to_use_instead():
    with pytest.raises(AttributeError, match="NumPy has no bfloat16.*float32"):
        tc.bfloat16  # noqa: B018

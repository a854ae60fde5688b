"""Interchange formats of tc.save / tc.load: PyTorch's .pt/.pth zip checkpoints (both ways, no torch
import), .safetensors, plain .npz; a fuzzed .pt reader (truncation, flipped bytes, lying sizes,
pickles naming os.system) that must refuse with RuntimeError naming the file, within bounded memory.

The oracle tests hand files to and from the real PyTorch / safetensors.torch.
"""
import io
import itertools
import math
import os
import pickle
import stat
import struct
import tracemalloc
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_course as tc
import tinygrad_course.interchange.pt_format  # noqa: F401  (imported here so the memory bounds below
import tinygrad_course.interchange.safetensors_format  # noqa: F401  measure loading, not importing)
import tinygrad_course.serialization  # noqa: F401
from tinygrad_course.autograd import _array

DTYPES = ["float32", "float64", "int64", "bool"]


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _values(dtype, n, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(n) > 0.5
    if dtype == "int64":
        return rng.integers(-(2 ** 40), 2 ** 40, n)
    return rng.standard_normal(n).astype(dtype)


# --------------------------------------------------------------------------- PyTorch -> tc
@pytest.mark.oracle
@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_checkpoint_loads_with_views_shared(dtype, tmp_path):
    torch = pytest.importorskip("torch")
    base = torch.from_numpy(_values(dtype, 24)).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "row": base[2], "cols": base[:, 1::2], "scalar": base[1, 1].clone(),
           "empty": torch.zeros(0, 3, dtype=base.dtype), "epoch": 3, "lr": 0.5, "name": "m",
           "nested": [(1, None, True), {"k": base[0]}], "size": base.shape}
    path = tmp_path / "ck.pt"
    torch.save(obj, path)
    got = tc.load(path)
    for k in ("base", "t", "row", "cols", "scalar", "empty"):
        assert isinstance(got[k], tc.Tensor) and tuple(got[k].shape) == tuple(obj[k].shape), k
        assert str(got[k].dtype).split(".")[-1] == dtype, k
        np.testing.assert_array_equal(got[k].numpy(), obj[k].numpy(), err_msg=k)
    assert got["epoch"] == 3 and got["lr"] == 0.5 and got["name"] == "m"
    assert isinstance(got["size"], tc.Size) and got["size"] == (4, 6)
    assert got["nested"][0] == (1, None, True)
    np.testing.assert_array_equal(got["nested"][1]["k"].numpy(), base[0].numpy())
    # one storage in the file -> one buffer here: views stay views of each other
    arrays = [_array(got[k]) for k in ("base", "t", "row", "cols")]
    assert all(np.shares_memory(arrays[0], a) for a in arrays[1:])
    assert not np.shares_memory(arrays[0], _array(got["scalar"]))
    if dtype == "float32":
        got["base"].data[2, 0] = 42.0  # a write through one shows through the others, as in PyTorch
        assert got["row"][0].item() == 42.0 and got["t"][0, 2].item() == 42.0


@pytest.mark.oracle
def test_torch_parameter_and_requires_grad(tmp_path):
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.ones(2, 2))
    frozen = torch.nn.Parameter(torch.zeros(3), requires_grad=False)
    torch.save({"p": p, "frozen": frozen, "g": torch.ones(2, requires_grad=True)}, tmp_path / "p.pth")
    got = tc.load(tmp_path / "p.pth")
    assert isinstance(got["p"], tc.nn.Parameter) and got["p"].requires_grad
    assert isinstance(got["frozen"], tc.nn.Parameter) and not got["frozen"].requires_grad
    assert got["g"].requires_grad and got["g"].is_leaf


# --------------------------------------------------------------------------- tc -> PyTorch
@pytest.mark.oracle
@pytest.mark.parametrize("dtype", DTYPES)
def test_tc_checkpoint_loads_in_torch_weights_only(dtype, tmp_path):
    torch = pytest.importorskip("torch")
    base = tc.tensor(_values(dtype, 24, seed=1)).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "row": base[2], "cols": base[:, 1::2], "flip": base.flip(0),
           "scalar": tc.tensor(_values(dtype, 1)[0]), "empty": tc.zeros(0, 2), "epoch": 3, "big": 2 ** 70,
           "lst": [1.5, float("inf"), (2, "a", b"\x00\xff")], "od": OrderedDict(a=base[0], b=None), "size": base.shape}
    path = tmp_path / "ours.pt"
    tc.save(obj, path)
    got = torch.load(path, weights_only=True)
    for k in ("base", "t", "row", "cols", "flip", "scalar", "empty"):
        assert isinstance(got[k], torch.Tensor) and tuple(got[k].shape) == tuple(obj[k].shape), k
        np.testing.assert_array_equal(got[k].numpy(), obj[k].numpy(), err_msg=k)
        assert got[k].dtype == getattr(torch, str(obj[k].dtype).split(".")[-1]), k
    assert got["epoch"] == 3 and got["big"] == 2 ** 70 and got["lst"] == [1.5, float("inf"), (2, "a", b"\x00\xff")]
    assert isinstance(got["od"], OrderedDict) and got["od"]["b"] is None
    assert isinstance(got["size"], torch.Size) and got["size"] == (4, 6)
    # views of one tensor share one storage in PyTorch too, with PyTorch's strides
    ptr = got["base"].untyped_storage().data_ptr()
    for k in ("t", "row", "cols"):
        assert got[k].untyped_storage().data_ptr() == ptr, k
    tb = got["base"]
    assert got["t"].stride() == tb.t().stride() and got["cols"].stride() == tb[:, 1::2].stride()
    assert got["row"].storage_offset() == tb[2].storage_offset()


@pytest.mark.oracle
def test_tc_parameter_and_state_dict_metadata_in_torch(tmp_path):
    torch = pytest.importorskip("torch")
    p = tc.nn.Parameter(tc.ones(3))
    tc.save({"p": p, "frozen": tc.nn.Parameter(tc.zeros(2), requires_grad=False),
             "g": tc.ones(2, requires_grad=True)}, tmp_path / "p.pt")
    got = torch.load(tmp_path / "p.pt", weights_only=True)
    assert isinstance(got["p"], torch.nn.Parameter) and got["p"].requires_grad
    assert isinstance(got["frozen"], torch.nn.Parameter) and not got["frozen"].requires_grad
    assert got["g"].requires_grad


def _conv_pair(torch):
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                             torch.nn.Flatten(), torch.nn.Linear(4 * 5 * 5, 3))
    m = tc.nn.Sequential(tc.nn.Conv2d(2, 4, 3, padding=1), tc.nn.BatchNorm2d(4), tc.nn.ReLU(),
                         tc.nn.Flatten(), tc.nn.Linear(4 * 5 * 5, 3))
    return tm.eval(), m.eval(), np.random.default_rng(0).standard_normal((2, 2, 5, 5)).astype(np.float32)


def _lstm_pair(torch):
    torch.manual_seed(0)
    tm = torch.nn.LSTM(3, 4, num_layers=2, batch_first=True)
    m = tc.nn.LSTM(3, 4, num_layers=2, batch_first=True)
    return tm, m, np.random.default_rng(1).standard_normal((2, 5, 3)).astype(np.float32)


def _out(y):
    return (y[0] if isinstance(y, tuple) else y).detach().numpy()


@pytest.mark.oracle
@pytest.mark.parametrize("pair", [_conv_pair, _lstm_pair], ids=["convnet", "lstm"])
def test_model_state_dicts_both_ways(pair, tmp_path):
    torch = pytest.importorskip("torch")
    tm, m, x = pair(torch)
    with torch.no_grad():  # give BatchNorm non-trivial running statistics
        for p in tm.parameters():
            p.add_(0.1 * torch.randn_like(p))
        for name, b in tm.named_buffers():
            if b.dtype.is_floating_point:
                b.add_(torch.rand_like(b))
    torch.save(tm.state_dict(), tmp_path / "torch.pt")
    m.load_state_dict(tc.load(tmp_path / "torch.pt"))
    np.testing.assert_allclose(_out(m(tc.tensor(x))), _out(tm(torch.from_numpy(x))), rtol=1e-5, atol=1e-5)
    # and back: our state dict (after a change) into a fresh torch model
    with tc.no_grad():
        for p in m.parameters():
            p.mul_(0.5)
    tc.save(m.state_dict(), tmp_path / "ours.pth")
    sd = torch.load(tmp_path / "ours.pth", weights_only=True)
    assert list(sd) == list(tm.state_dict())
    tm2, _, _ = pair(torch)
    tm2.load_state_dict(sd)
    np.testing.assert_allclose(_out(tm2(torch.from_numpy(x))), _out(m(tc.tensor(x))), rtol=1e-5, atol=1e-5)
    # storages are 64-byte aligned in the file, as torch writes them, so torch can memory-map it
    mapped = torch.load(tmp_path / "ours.pth", weights_only=True, mmap=True)
    for k, v in sd.items():
        assert torch.equal(mapped[k], v), k
    if "1.num_batches_tracked" in sd:
        assert sd["1.num_batches_tracked"].dtype == torch.int64 and sd["1.num_batches_tracked"].dim() == 0


@pytest.mark.oracle
def test_optimizer_state_dicts_both_ways(tmp_path):
    torch = pytest.importorskip("torch")
    tm = torch.nn.Linear(3, 2)
    m = tc.nn.Linear(3, 2)
    m.load_state_dict({k: tc.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    topt, opt = torch.optim.Adam(tm.parameters(), lr=0.1), tc.optim.Adam(m.parameters(), lr=0.1)

    def step(model, o, lib):
        o.zero_grad()
        (model(lib.tensor(x)) ** 2).sum().backward()
        o.step()

    step(tm, topt, torch)
    step(m, opt, tc)
    # ours -> torch: a fresh torch optimizer resumes from our state and takes the same step as ours
    tc.save({"model": m.state_dict(), "optimizer": opt.state_dict(), "epoch": 1}, tmp_path / "ck.pt")
    ck = torch.load(tmp_path / "ck.pt", weights_only=True)
    tm2 = torch.nn.Linear(3, 2)
    tm2.load_state_dict(ck["model"])
    topt2 = torch.optim.Adam(tm2.parameters(), lr=0.1)
    topt2.load_state_dict(ck["optimizer"])
    assert ck["epoch"] == 1
    step(tm2, topt2, torch)
    step(m, opt, tc)
    np.testing.assert_allclose(tm2.weight.detach().numpy(), m.weight.detach().numpy(), rtol=1e-5, atol=1e-6)
    # torch -> ours
    step(tm, topt, torch)
    torch.save({"model": tm.state_dict(), "optimizer": topt.state_dict()}, tmp_path / "t.pt")
    ck = tc.load(tmp_path / "t.pt")
    m3 = tc.nn.Linear(3, 2)
    m3.load_state_dict(ck["model"])
    opt3 = tc.optim.Adam(m3.parameters(), lr=0.1)
    opt3.load_state_dict(ck["optimizer"])
    step(tm, topt, torch)
    step(m3, opt3, tc)
    np.testing.assert_allclose(m3.weight.detach().numpy(), tm.weight.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.oracle
@settings(max_examples=25, deadline=None)
@given(arr=hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
                      hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)),
       transpose=st.booleans())
def test_random_arrays_round_trip_through_torch(arr, transpose, tmp_path_factory):
    torch = pytest.importorskip("torch")
    folder = tmp_path_factory.mktemp("rt")
    a = arr.T if transpose else arr
    tc.save({"a": tc.tensor(a)}, folder / "x.pt")
    got = torch.load(folder / "x.pt", weights_only=True)["a"]
    np.testing.assert_array_equal(got.numpy(), a)
    t = torch.from_numpy(arr.copy())
    torch.save({"a": t.permute(*reversed(range(arr.ndim))) if transpose and arr.ndim else t}, folder / "y.pt")
    np.testing.assert_array_equal(tc.load(folder / "y.pt")["a"].numpy(), a)


def test_round_trip_without_torch(tmp_path):
    x = tc.arange(12.0).reshape(3, 4)
    obj = {"x": x, "t": x.t(), "p": tc.nn.Parameter(tc.ones(2)), "steps": [1, 2], "cfg": {"lr": 0.1, "b": (0.9, 0.99)},
           "i": tc.tensor([1, 2]), "dt": tc.float64}
    tc.save(obj, tmp_path / "m.pt")
    got = tc.load(tmp_path / "m.pt")
    np.testing.assert_array_equal(got["t"].numpy(), x.numpy().T)
    assert np.shares_memory(_array(got["x"]), _array(got["t"]))
    assert isinstance(got["p"], tc.nn.Parameter) and got["steps"] == [1, 2] and got["cfg"] == obj["cfg"]
    assert got["i"].dtype == tc.int64 and got["dt"] == tc.float64


def test_unsupported_objects_are_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match="NumPy array"):
        tc.save({"a": np.ones(2)}, tmp_path / "a.pt")
    with pytest.raises(TypeError, match="object"):
        tc.save({"a": object()}, tmp_path / "a.pt")
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="circular"):
        tc.save(loop, tmp_path / "a.pt")
    assert not os.path.exists(tmp_path / "a.pt")
    assert [f for f in os.listdir(tmp_path)] == []  # no temporary file left either


# --------------------------------------------------------------------------- safetensors
def test_safetensors_round_trip_and_refusals(tmp_path):
    sd = OrderedDict(w=tc.randn(3, 2).t(), b=tc.zeros(2, dtype=tc.float64), n=tc.tensor(7), m=tc.tensor([True]))
    path = tmp_path / "m.safetensors"
    tc.save(sd, path)
    got = tc.load(path)
    assert set(got) == set(sd)
    for k in sd:
        np.testing.assert_array_equal(got[k].numpy(), sd[k].numpy())
        assert got[k].dtype == sd[k].dtype and tuple(got[k].shape) == tuple(sd[k].shape)
    got["w"].add_(1)  # loaded tensors are writable
    for bad, what in [({"a": {"b": tc.ones(1)}}, "only tensors"), ([tc.ones(1)], "flat dict"), ({"e": 3}, "default .npz"),
                      ({1: tc.ones(1)}, "keys must be str")]:
        with pytest.raises(TypeError, match=what):
            tc.save(bad, tmp_path / "bad.safetensors")
    assert not os.path.exists(tmp_path / "bad.safetensors")
    data = path.read_bytes()
    for cut in (0, 5, 8, 20, len(data) - 1):
        (tmp_path / "cut.safetensors").write_bytes(data[:cut])
        with pytest.raises(RuntimeError) as e:
            tc.load(tmp_path / "cut.safetensors")
        assert "cut.safetensors" in str(e.value)
    lying = struct.pack("<Q", 10 ** 12) + data[8:]
    (tmp_path / "lie.safetensors").write_bytes(lying)
    with pytest.raises(RuntimeError, match="lie.safetensors"):
        tc.load(tmp_path / "lie.safetensors")


@pytest.mark.oracle
def test_safetensors_read_by_safetensors_torch_and_back(tmp_path):
    torch = pytest.importorskip("torch")
    stt = pytest.importorskip("safetensors.torch")
    _, m, _ = _conv_pair(torch)
    tc.save(m.state_dict(), tmp_path / "m.safetensors")
    sd = stt.load_file(str(tmp_path / "m.safetensors"))
    ours = m.state_dict()
    assert set(sd) == set(ours)
    for k, v in ours.items():
        np.testing.assert_array_equal(sd[k].numpy(), v.numpy())
        assert sd[k].dtype == getattr(torch, str(v.dtype).split(".")[-1])
    stt.save_file({"a": torch.arange(6.0).reshape(2, 3), "i": torch.tensor([1, 2])}, str(tmp_path / "t.safetensors"))
    got = tc.load(tmp_path / "t.safetensors")
    np.testing.assert_array_equal(got["a"].numpy(), np.arange(6.0, dtype=np.float32).reshape(2, 3))
    assert got["i"].dtype == tc.int64


# --------------------------------------------------------------------------- plain .npz and file modes
def test_plain_npz_of_arrays_loads_as_tensors(tmp_path):
    arrays = {"fc.weight": np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32),
              "fc.bias": np.zeros(2), "steps": np.arange(3)}
    np.savez(tmp_path / "p.npz", **arrays)
    got = tc.load(tmp_path / "p.npz")
    assert list(got) == list(arrays)
    for k, v in arrays.items():
        assert isinstance(got[k], tc.Tensor) and got[k].dtype == v.dtype
        np.testing.assert_array_equal(got[k].numpy(), v)
    np.savez(tmp_path / "o.npz", a=np.array([{"x": 1}], dtype=object))
    with pytest.raises(RuntimeError, match="o.npz"):
        tc.load(tmp_path / "o.npz")  # object arrays would need pickle: refused


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@pytest.mark.parametrize("ext", [".npz", ".pt", ".pth", ".safetensors"])
def test_every_format_gets_the_mode_open_gives(ext, umask, tmp_path):
    path = tmp_path / f"m{ext}"
    tc.save({"w": tc.ones(2)}, path)
    assert _mode(path) == 0o666 & ~umask
    with open(tmp_path / "ref", "wb"):
        pass
    assert _mode(path) == _mode(tmp_path / "ref")
    os.chmod(path, 0o640)  # rewriting keeps an existing file's mode, as open() does
    tc.save({"w": tc.zeros(2)}, path)
    assert _mode(path) == 0o640 and tc.load(path)["w"].sum().item() == 0
    assert sorted(os.listdir(tmp_path)) == sorted([path.name, "ref"])


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    from tinygrad_course.interchange import pt_write

    path = tmp_path / "m.pt"
    tc.save({"w": tc.ones(2)}, path)
    old = path.read_bytes()

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pt_write, "_write_archive", broken)
    with pytest.raises(OSError, match="disk full"):
        tc.save({"w": tc.zeros(2)}, path)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["m.pt"]


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    tc.save({"w": tc.ones(2)}, buf)  # a file object gets our default .npz format
    buf.seek(0)
    np.testing.assert_array_equal(tc.load(buf)["w"].numpy(), np.ones(2, np.float32))
    tc.save({"w": tc.arange(3)}, tmp_path / "m.pt")
    with open(tmp_path / "m.pt", "rb") as f:
        assert tc.load(f)["w"].tolist() == [0, 1, 2]


# --------------------------------------------------------------------------- hostile and broken .pt files
def _pkl_tensor(numel, offset, size, stride, storage="FloatStorage", key="0"):
    """A data.pkl holding one _rebuild_tensor_v2 call (text opcodes, so any int can be written)."""
    def tup(xs):
        return b"(" + b"".join(b"I%d\n" % x for x in xs) + b"t"

    return (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n(" +
            b"(Vstorage\nctorch\n" + storage.encode() + b"\nV" + key.encode() + b"\nVcpu\nI%d\ntQ" % numel +
            b"I%d\n" % offset + tup(size) + tup(stride) + b"\x89ccollections\nOrderedDict\n)Rt" + b"R.")


def _archive(path, pkl, storages=None):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/byteorder", "little")
        for key, raw in (storages or {}).items():
            z.writestr(f"archive/data/{key}", raw)
        z.writestr("archive/version", "3\n")
    return path


def _refused(path, match=None):
    """tc.load(path) must raise RuntimeError naming the file, within bounded memory."""
    size = os.path.getsize(path)
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match=match) as e:
            tc.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(e.value)
    assert peak < 8 * size + 2_000_000, f"loading a {size}-byte file used {peak} bytes"
    return e.value


def test_the_hand_built_archive_is_valid(tmp_path):
    # the fixtures below are only meaningful if the unmodified one loads
    p = _archive(tmp_path / "ok.pt", _pkl_tensor(6, 0, (2, 3), (3, 1)), {"0": np.arange(6, dtype=np.float32).tobytes()})
    np.testing.assert_array_equal(tc.load(p).numpy(), np.arange(6.0).reshape(2, 3))
    p = _archive(tmp_path / "t.pt", _pkl_tensor(6, 1, (2, 2), (1, 3)), {"0": np.arange(6, dtype=np.float32).tobytes()})
    np.testing.assert_array_equal(tc.load(p).numpy(), [[1, 4], [2, 5]])


def test_big_endian_checkpoint(tmp_path):
    values = np.arange(6, dtype=np.float64) - 2.5
    p = _archive(tmp_path / "be.pt", _pkl_tensor(6, 0, (3, 2), (2, 1), storage="DoubleStorage"),
                 {"0": values.astype(">f8").tobytes()})
    with zipfile.ZipFile(p) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["archive/byteorder"] = b"big"
    with zipfile.ZipFile(p, "w") as z:
        for n, raw in members.items():
            z.writestr(n, raw)
    got = tc.load(p)
    assert got.dtype == tc.float64
    np.testing.assert_array_equal(got.numpy(), values.reshape(3, 2))
    got.add_(1)  # writable, native order


@pytest.mark.parametrize("numel,offset,size,stride", [
    (10 ** 12, 0, (10 ** 6, 10 ** 6), (10 ** 6, 1)),   # storage claims far more than its member holds
    (6, 0, (10 ** 6, 10 ** 6), (10 ** 6, 1)),          # tensor reaches far past its storage
    (6, 4, (2, 3), (3, 1)),                            # offset pushes it past the end
    (6, 0, (2, 4), (3, 1)),                            # one element too far
    (6, -1, (2, 3), (3, 1)),                           # negative offset
    (6, 0, (2, -3), (3, 1)),                           # negative size
    (6, 0, (2, 3), (3, -1)),                           # negative stride
    (6, 0, (2, 3), (3,)),                              # size and stride disagree
    (2 ** 62, 0, (2, 3), (3, 1)),                      # numel * itemsize overflows int64
])
def test_lying_sizes_are_refused_before_allocating(numel, offset, size, stride, tmp_path):
    p = _archive(tmp_path / "lie.pt", _pkl_tensor(numel, offset, size, stride),
                 {"0": np.arange(6, dtype=np.float32).tobytes()})
    _refused(p, "lie.pt")


@settings(max_examples=150, deadline=None)
@given(numel=st.one_of(st.just(8), st.integers(0, 12), st.integers(-5, 2 ** 64)), offset=st.integers(-3, 14),
       size=st.lists(st.one_of(st.integers(0, 5), st.integers(-2, 10 ** 9)), max_size=3),
       stride=st.lists(st.one_of(st.integers(0, 4), st.integers(-2, 10 ** 9)), max_size=3))
def test_drawn_tensor_geometry_loads_exactly_or_is_refused(numel, offset, size, stride, tmp_path_factory):
    storage = np.arange(8, dtype=np.float32)
    p = _archive(tmp_path_factory.mktemp("geo") / "geo.pt", _pkl_tensor(numel, offset, size, stride),
                 {"0": storage.tobytes()})
    valid = (numel == 8 and len(size) == len(stride) and offset >= 0 and min(size + stride + [0]) >= 0 and
             (0 in size or offset + sum((n - 1) * s for n, s in zip(size, stride)) < 8)
             and math.prod(size) * 4 <= np.iinfo(np.intp).max)  # beyond NumPy's largest array: refused
    if not valid:
        _refused(p)
        return
    got = tc.load(p).numpy()
    assert got.shape == tuple(size)
    # element by element from the definition of a strided view; a zero stride makes a valid view
    # of up to 10^27 elements out of 8, so the first and last 500 indices stand for them all
    idxs = list(itertools.islice(np.ndindex(*size), 500))
    if got.size > 500:
        idxs += [tuple(n - 1 - i for n, i in zip(size, idx)) for idx in idxs]
    for idx in idxs:
        assert got[idx] == storage[offset + sum(i * s for i, s in zip(idx, stride))]


def test_lying_member_size_in_the_zip_directory(tmp_path):
    p = _archive(tmp_path / "good.pt", _pkl_tensor(6, 0, (2, 3), (3, 1)), {"0": np.zeros(6, np.float32).tobytes()})
    data = bytearray(p.read_bytes())
    # patch the uncompressed size of archive/data/0 in its central directory entry to 2**31
    cd = data.rfind(b"PK\x01\x02", 0, data.rfind(b"archive/data/0") + 1)
    data[cd + 24:cd + 28] = struct.pack("<I", 2 ** 31)
    data[cd + 20:cd + 24] = struct.pack("<I", 2 ** 31)
    bad = tmp_path / "bigclaim.pt"
    bad.write_bytes(bytes(data))
    _refused(bad, "bigclaim.pt")


class _Evil:
    def __init__(self, func, arg):
        self.func, self.arg = func, arg

    def __reduce__(self):
        return self.func, (self.arg,)


@pytest.mark.parametrize("payload", ["os.system", "eval", "exec", "subprocess", "import", "nested"])
def test_pickles_naming_other_globals_are_refused_not_run(payload, tmp_path):
    import builtins
    import subprocess

    marker = tmp_path / "pwned"
    cmd = f"touch {marker}"
    evil = {
        "os.system": _Evil(os.system, cmd),
        "eval": _Evil(builtins.eval, f"open({str(marker)!r}, 'w')"),
        "exec": _Evil(builtins.exec, f"open({str(marker)!r}, 'w')"),
        "subprocess": _Evil(subprocess.call, ["touch", str(marker)]),
        "import": _Evil(builtins.__import__, "os"),
        "nested": {"model": OrderedDict(w=[1, 2]), "x": [_Evil(os.system, cmd)]},
    }[payload]
    p = _archive(tmp_path / "evil.pt", pickle.dumps(evil, protocol=2))
    err = _refused(p, "refused")
    assert isinstance(err, pickle.UnpicklingError)  # what torch.load(weights_only=True) raises
    name = {"os.system": "system", "eval": "eval", "exec": "exec", "subprocess": "call", "import": "__import__",
            "nested": "system"}[payload]
    assert name in str(err)
    assert not marker.exists()


@pytest.mark.parametrize("pkl", [
    b"\x80\x02cos\nsystem\n)\x81.",                                    # NEWOBJ on a refused global
    b"\x80\x02ccollections\nOrderedDict\n)\x81.",                       # NEWOBJ on an allowed one
    b"\x80\x02(cos\nsystem\nVtouch x\no.",                              # OBJ
    b"\x80\x02(Vtouch x\nios\nsystem\n.",                               # INST
    b"\x80\x02\x82\x01.",                                              # EXT1
    b"\x80\x02ccollections\nOrderedDict\n)R}Vx\nI1\nsb.",               # BUILD allowed on OrderedDict...
    b"\x80\x02]}b.",                                                   # ...but not on a list
    b"\x80\x02]I1\nI2\ns.",                                            # SETITEM on a list
    b"\x80\x02}I1\na.",                                                # APPEND on a dict
    b"\x80\x02ctorch\nFloatStorage\n)R.",                               # calling a storage type
    b"\x80\x02ctorch\nBFloat16Storage\n.",                              # a dtype we lack
    b"\x80\x02(Vstorage\nctorch\nFloatStorage\nV../x\nVcpu\nI1\ntQ.",   # path tricks in a storage key
    b"\x80\x02(Vother\ntQ.",                                           # unknown persistent id
    b"\x80\x02c__builtin__\nbytearray\nI1000000000000\n\x85R.",          # bytearray(10**12): no allocation
    b"\x80\x02\xff.",                                                  # unknown opcode
    b"\x80\x02(((((((((",                                              # truncated
])
def test_malformed_and_refused_opcodes(pkl, tmp_path):
    p = _archive(tmp_path / "bad.pt", pkl, {"0": b"\x00" * 4})
    if pkl.endswith(b"sb."):  # the one legal pickle here: an OrderedDict with an attribute
        assert tc.load(p) == OrderedDict()
        return
    _refused(p)


@pytest.fixture(scope="module")
def good_pt(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "good.pt"
    x = tc.arange(12.0).reshape(3, 4)
    tc.save({"model": OrderedDict(w=x, t=x.t(), b=tc.tensor([True, False])), "i": tc.tensor(3),
             "opt": {"lr": 0.1, "steps": [1, 2]}}, path)
    assert set(tc.load(path)) == {"model", "i", "opt"}
    return path.read_bytes()


def test_every_truncation_is_refused(good_pt, tmp_path):
    for cut in range(0, len(good_pt), 3):
        p = tmp_path / f"cut{cut}.pt"
        p.write_bytes(good_pt[:cut])
        with pytest.raises(RuntimeError) as e:
            tc.load(p)
        assert str(p) in str(e.value), (cut, str(e.value))
        p.unlink()


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_flipped_bytes_never_escape_as_another_error(good_pt, tmp_path_factory, data):
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(good_pt) - 1), st.integers(1, 255)), min_size=1,
                               max_size=3))
    raw = bytearray(good_pt)
    for pos, xor in flips:
        raw[pos] ^= xor
    p = tmp_path_factory.mktemp("flip") / "flipped.pt"
    p.write_bytes(bytes(raw))
    size = len(raw)
    tracemalloc.start()
    try:
        try:
            tc.load(p)  # a flip in padding or a timestamp changes nothing: loading is fine then
        except RuntimeError as e:
            assert str(p) in str(e)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * size + 2_000_000


@settings(max_examples=100, deadline=None)
@given(pkl=st.binary(max_size=200), prefix=st.sampled_from([b"", b"\x80\x02", b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n("]))
def test_random_pickles_never_escape(pkl, prefix, tmp_path_factory):
    p = _archive(tmp_path_factory.mktemp("rnd") / "rnd.pt", prefix + pkl, {"0": b"\x00" * 24})
    try:
        tc.load(p)
    except RuntimeError as e:
        assert str(p) in str(e)


@pytest.mark.oracle
def test_legacy_torch_format_and_plain_pickles_are_refused(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"a": torch.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    _refused(tmp_path / "old.pt", "legacy")
    with open(tmp_path / "x.pkl", "wb") as f:
        pickle.dump({"a": 1}, f, protocol=2)
    _refused(tmp_path / "x.pkl", "not a tinygrad_course save file")


def test_zero_strides_load_as_views_or_are_refused_beyond_numpy(tmp_path):
    # an expanded tensor of 3 * 10^9 elements over 8 stored ones: a view, nothing allocated
    storage = np.arange(8, dtype=np.float32)
    p = _archive(tmp_path / "wide.pt", _pkl_tensor(8, 0, (10 ** 9, 3), (0, 1)), {"0": storage.tobytes()})
    got = tc.load(p).numpy()
    assert got.shape == (10 ** 9, 3) and got.strides == (0, 4)
    assert got[123_456_789].tolist() == [0.0, 1.0, 2.0]
    # 5 * 10^18 elements: more than a NumPy array can index, refused by name (not NumPy's message)
    p = _archive(tmp_path / "huge.pt", _pkl_tensor(8, 0, (10 ** 9, 10 ** 9, 5), (0, 0, 1)), {"0": storage.tobytes()})
    assert "more elements than a NumPy array can hold" in str(_refused(p))

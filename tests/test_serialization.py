"""tc.save / tc.load: round trips, no pickle, atomic writes, clear errors for bad files."""
import io
import os
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import nn
from tinygrad_course import serialization


def _model():
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))


def test_state_dict_round_trip(tmp_path):
    m = _model()
    m(tc.randn(2, 1, 6, 6))  # move the running statistics
    path = tmp_path / "model.npz"
    tc.save(m.state_dict(), path)
    sd = tc.load(path)
    assert isinstance(sd, OrderedDict) and list(sd) == list(m.state_dict())
    for (k, v), w in zip(m.state_dict().items(), sd.values()):
        assert isinstance(w, tc.Tensor) and w.dtype == v.dtype and w.shape == v.shape
        np.testing.assert_array_equal(v.numpy(), w.numpy(), err_msg=k)
    assert sd["1.num_batches_tracked"].dtype == tc.int64 and sd["1.num_batches_tracked"].shape == ()
    m2 = _model()
    m2.load_state_dict(sd)
    m.eval()
    m2.eval()
    x = tc.randn(2, 1, 6, 6)
    np.testing.assert_array_equal(m(x).detach().numpy(), m2(x).detach().numpy())
    # the archive is plain .npz: NumPy reads it without pickle, entries named as in the state dict
    with np.load(path, allow_pickle=False) as z:
        assert "0.weight" in z.files and z["3.bias"].shape == (3,)
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind


def test_nested_objects_round_trip(tmp_path):
    obj = {
        "state": {0: {"step": tc.tensor(3.0), "exp_avg": tc.zeros(2, 2, dtype=tc.float64)}, 1: {}},
        "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "eps": float("inf"), "amsgrad": False,
                          "foreach": None, "name": "group"}],
        "array": np.arange(4, dtype=np.int32),
        "param": nn.Parameter(tc.ones(2)),
        "grad": tc.ones(3, requires_grad=True),
        "empty": [],
    }
    tc.save(obj, tmp_path / "opt.npz")
    back = tc.load(tmp_path / "opt.npz")
    assert back["state"][0]["step"].shape == () and back["state"][0]["step"].item() == 3.0
    assert back["state"][0]["exp_avg"].dtype == tc.float64 and back["state"][1] == {}
    g = back["param_groups"][0]
    assert g["betas"] == (0.9, 0.999) and g["params"] == [0, 1] and g["eps"] == float("inf")
    assert g["amsgrad"] is False and g["foreach"] is None and g["name"] == "group"
    assert isinstance(back["array"], np.ndarray) and back["array"].dtype == np.int32
    assert isinstance(back["param"], nn.Parameter) and back["param"].requires_grad
    assert back["grad"].requires_grad and back["empty"] == []


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    tc.save({"w": tc.ones(2)}, buf)
    buf.seek(0)
    assert tc.load(buf)["w"].tolist() == [1.0, 1.0]


def test_unsupported_objects_raise_before_writing(tmp_path):
    path = tmp_path / "bad.npz"
    with pytest.raises(TypeError, match="cannot save an object of type"):
        tc.save({"w": object()}, path)
    with pytest.raises(TypeError, match="dtype"):
        tc.save({"w": np.array(["a"])}, path)
    assert os.listdir(tmp_path) == []


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    tc.save({"w": tc.ones(2)}, path)
    original = path.read_bytes()

    def broken_savez(f, **arrays):
        f.write(b"PK\x03\x04 partial data")
        raise OSError("disk full")

    monkeypatch.setattr(serialization.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        tc.save({"w": tc.zeros(2)}, path)
    with pytest.raises(OSError, match="disk full"):
        tc.save({"w": tc.zeros(2)}, tmp_path / "new.npz")
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    assert path.read_bytes() == original


def test_missing_truncated_foreign_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        tc.load(tmp_path / "nope.npz")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        tc.save({}, tmp_path / "no_dir" / "m.npz")
    good = tmp_path / "good.npz"
    tc.save(_model().state_dict(), good)
    data = good.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 30):
        bad = tmp_path / f"trunc{cut}.npz"
        bad.write_bytes(data[:cut])
        with pytest.raises(RuntimeError) as e:
            tc.load(bad)
        assert str(bad) in str(e.value)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(RuntimeError, match="not a tinygrad_course save file"):
        tc.load(text)
    plain = tmp_path / "plain.npz"
    np.savez(plain, a=np.ones(2))
    # a plain .npz of arrays loads as a dict of tensors (SPEC); a non-tensor dtype inside is refused
    assert list(tc.load(plain)) == ["a"]
    np.savez(plain, a=np.array(["x"]))
    with pytest.raises(RuntimeError, match="dtype"):
        tc.load(plain)
    npy = tmp_path / "a.npy"
    np.save(npy, np.ones(2))
    with pytest.raises(RuntimeError, match="plain .npy"):
        tc.load(npy)
    # a corrupted member (flipped bytes inside the archive) is caught as well
    corrupt = tmp_path / "corrupt.npz"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(corrupt, "w") as zout:
        for item in zin.infolist():
            raw = zin.read(item.filename)
            if item.filename == "0.weight.npy":
                raw = raw[:20]
            zout.writestr(item, raw)
    with pytest.raises(RuntimeError, match="corrupt"):
        tc.load(corrupt)
    with pytest.raises(IsADirectoryError):
        tc.load(tmp_path)


def test_pytorch_checkpoint_is_recognised(tmp_path):
    torch = pytest.importorskip("torch")
    p = tmp_path / "t.npz"  # recognised by content, whatever its name (tests/test_interchange.py covers the rest)
    torch.save({"a": torch.ones(2)}, p)
    np.testing.assert_array_equal(tc.load(p)["a"].numpy(), np.ones(2, np.float32))


def test_exported_at_top_level():
    assert tc.save is serialization.save and tc.load is serialization.load

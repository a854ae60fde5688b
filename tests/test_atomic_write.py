"""The one atomic writer (``tinygrad_course.utils.atomic``) and every file format the package writes.

Checked for each writer: the final mode is what ``open()`` gives under umask 022 and 077 (what
``torch.save`` gives too), the umask is never touched (a thread creating files meanwhile never
gets a world-writable one), and an error mid-write leaves the old file intact and no temp file.
"""
import gzip
import hashlib
import io
import os
import stat
import threading

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.utils import atomic
from tinygrad_course.utils.atomic import atomic_open, atomic_write

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and umask")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _open_mode(folder, umask) -> int:
    """The mode plain ``open(path, "w")`` gives a new file under ``umask`` (the reference)."""
    ref = os.path.join(folder, f"reference-{umask:o}")
    with open(ref, "w"):
        pass
    mode = _mode(ref)
    os.remove(ref)
    return mode


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- writers of every format
def _write_tc_save(folder):
    path = os.path.join(folder, "model.npz")
    tc.save({"w": tc.ones(2, 3), "b": tc.zeros(3)}, path)
    assert set(tc.load(path)) == {"w", "b"}
    return [path]


def _write_keras_weights(folder):
    from tinygrad_course import keras

    model = keras.Sequential()
    model.add(keras.layers.Dense(3, input_shape=(2,)))
    path = os.path.join(folder, "weights.npz")
    model.save_weights(path)
    model.load_weights(path)
    return [path]


def _write_keras_model(folder):
    from tinygrad_course import keras

    model = keras.Sequential()
    model.add(keras.layers.Dense(3, input_shape=(2,)))
    model.compile(loss="mean_squared_error", optimizer="sgd")
    path = os.path.join(folder, "model.keras")
    model.save(path)
    assert keras.models.load_model(path).count_params() == model.count_params()
    return [path]


def _write_csv_logger(folder):
    from tinygrad_course import keras

    model = keras.Sequential()
    model.add(keras.layers.Dense(1, input_shape=(2,)))
    model.compile(loss="mean_squared_error", optimizer="sgd")
    path = os.path.join(folder, "log.csv")
    x, y = np.zeros((4, 2), np.float32), np.zeros((4, 1), np.float32)
    # append=True: a run keeps the old rows (without it a run starts by emptying the file, as Keras)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[keras.callbacks.CSVLogger(path, append=True)])
    with open(path) as f:
        assert f.read().splitlines()[0] == "epoch,loss"
    return [path]


def _write_plot_model(folder):
    graphviz = pytest.importorskip("graphviz")
    from unittest import mock

    from tinygrad_course import keras

    model = keras.Sequential()
    model.add(keras.layers.Dense(3, input_shape=(2,)))
    path = os.path.join(folder, "model.svg")
    with mock.patch.object(graphviz.Digraph, "pipe", lambda self, format="svg", **kw: b"<svg>a model</svg>"):
        keras.utils.plot_model(model, to_file=path)
    return [path]


def _write_plot(folder):
    pytest.importorskip("matplotlib")
    path = os.path.join(folder, "pics", "history.png")
    tc.viz.plot_history({"loss": [1.0, 0.5]}, path)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    return [path]


class _FakeDigraph:
    """Stands in for ``graphviz.Digraph`` where Graphviz's ``dot`` is not installed."""

    source = "digraph { a -> b }"

    def pipe(self, format="svg"):
        return b"<svg>" + format.encode() + b"</svg>"


def _write_render(folder):
    pytest.importorskip("graphviz")
    path = tc.viz.render(_FakeDigraph(), os.path.join(folder, "graph"), format="svg")
    with open(path, "rb") as f:
        assert f.read() == b"<svg>svg</svg>"
    return [path]


def _write_cli(folder):
    from tinygrad_course import cli_train

    out = os.path.join(folder, "run")
    summary = cli_train.train(dataset="moons", epochs=1, out=out, progress=False, stdout=io.StringIO())
    assert "history.csv" in summary["files"] and "model.npz" in summary["files"]
    return [os.path.join(out, name) for name in summary["files"]]


def _write_idx(folder):
    paths = [os.path.join(folder, "labels-idx1-ubyte"), os.path.join(folder, "images-idx3-ubyte.gz")]
    tc.datasets.write_idx(paths[0], np.arange(5, dtype=np.uint8))
    tc.datasets.write_idx(paths[1], np.zeros((2, 28, 28), np.uint8))
    assert tc.datasets.read_idx(paths[0]).tolist() == [0, 1, 2, 3, 4]
    return paths


class _FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _fake_mirrors(monkeypatch, payloads):
    """Serve ``payloads[filename]`` instead of the network; the published sha256 is the payload's."""
    from tinygrad_course.datasets import mnist

    def urlopen(url, timeout=None):
        return _FakeResponse(payloads[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(mnist.request, "urlopen", urlopen)
    monkeypatch.setattr(mnist, "SHA256", {k: hashlib.sha256(v).hexdigest() for k, v in payloads.items()})


def _mnist_payloads():
    from tinygrad_course.datasets import idx, mnist

    out = {}
    for key, base in mnist.FILES.items():
        buf = io.BytesIO()
        arr = np.zeros((3, 28, 28), np.uint8) if "images" in key else np.array([1, 2, 3], np.uint8)
        import struct

        raw = struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()
        buf.write(gzip.compress(raw))
        out[base + ".gz"] = buf.getvalue()
    assert idx.parse_idx(gzip.decompress(out["t10k-labels-idx1-ubyte.gz"])).tolist() == [1, 2, 3]
    return out


def _write_mnist_cache(folder, monkeypatch):
    _fake_mirrors(monkeypatch, _mnist_payloads())
    root = os.path.join(folder, "mnist")
    (x_train, y_train), _ = tc.datasets.load_mnist(root=root)
    assert x_train.shape == (3, 28, 28) and y_train.tolist() == [1, 2, 3]
    return [os.path.join(root, name) for name in sorted(os.listdir(root))]


WRITERS = {
    "tc.save": _write_tc_save,
    "keras.save_weights": _write_keras_weights,
    "keras.Model.save": _write_keras_model,
    "keras.CSVLogger": _write_csv_logger,
    "keras.utils.plot_model": _write_plot_model,
    "viz.plot_history": _write_plot,
    "viz.render": _write_render,
    "cli.train": _write_cli,
    "datasets.write_idx": _write_idx,
}


@pytest.mark.parametrize("name", sorted(WRITERS) + ["datasets.load_mnist"])
def test_every_written_file_has_the_mode_open_gives(name, umask, tmp_path, monkeypatch):
    folder = str(tmp_path)
    if name == "datasets.load_mnist":
        paths = _write_mnist_cache(folder, monkeypatch)
        assert len(paths) == 4
    else:
        paths = WRITERS[name](folder)
    want = _open_mode(folder, umask)
    assert want == 0o666 & ~umask
    for path in paths:
        assert _mode(path) == want, f"{name} wrote {os.path.basename(path)} with mode {_mode(path):o}, open() gives {want:o}"
    leftovers = [f for _, _, files in os.walk(folder) for f in files if f.endswith(".tmp")]
    assert leftovers == []


@pytest.mark.oracle
def test_tc_save_mode_equals_torch_save(umask, tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "t.pt")
    tc.save({"w": tc.ones(2)}, tmp_path / "ours.npz")
    assert _mode(tmp_path / "ours.npz") == _mode(tmp_path / "t.pt")


# --------------------------------------------------------------------------- the umask is never changed
@pytest.fixture
def _folders(tmp_path):
    for name in WRITERS:
        (tmp_path / name).mkdir()
    return tmp_path


def test_writers_never_touch_the_umask(_folders, monkeypatch):
    calls = []
    real_umask = os.umask

    def spy(mask):
        calls.append(mask)
        return real_umask(mask)

    monkeypatch.setattr(os, "umask", spy)
    for name, write in WRITERS.items():
        write(str(_folders / name))
    _write_mnist_cache(str(_folders), monkeypatch)
    assert calls == []


def test_no_file_created_meanwhile_is_world_writable(_folders, monkeypatch):
    """A thread creating files in a loop while every writer runs: none may come out 0o666."""
    old = os.umask(0o022)
    stop = threading.Event()
    created = []
    side = _folders / "side"
    side.mkdir()

    def create_files():
        i = 0
        while not stop.is_set():
            p = side / f"f{i}"
            with open(p, "w"):
                pass
            created.append(_mode(p))
            i += 1

    thread = threading.Thread(target=create_files)
    thread.start()
    try:
        for _ in range(3):
            for name, write in WRITERS.items():
                write(str(_folders / name))
    finally:
        stop.set()
        thread.join()
        os.umask(old)
    assert created, "the side thread did not run"
    assert [oct(m) for m in created if m & 0o002] == []


# --------------------------------------------------------------------------- errors mid-write
class _Boom(Exception):
    pass


@pytest.mark.parametrize("error", [_Boom, KeyboardInterrupt])
def test_error_mid_write_keeps_the_old_file_and_no_temp(tmp_path, error):
    path = tmp_path / "data.bin"
    path.write_bytes(b"old content")
    os.chmod(path, 0o640)

    def half(f):
        f.write(b"new half")
        f.flush()
        assert len(os.listdir(tmp_path)) == 2  # the temp file exists, in the target folder
        raise error("interrupted")

    with pytest.raises(error):
        atomic_write(path, half)
    assert path.read_bytes() == b"old content"
    assert _mode(path) == 0o640
    assert os.listdir(tmp_path) == ["data.bin"]


class _FailingFile:
    """A file object whose writes fail once ``limit`` bytes went through (a full disk, say)."""

    def __init__(self, f, limit):
        self._f, self._left = f, limit

    def write(self, data):
        if len(data) > self._left:
            self._f.write(bytes(data[:self._left]))
            raise _Boom("No space left on device (simulated)")
        self._left -= len(data)
        return self._f.write(data)

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._f.__exit__(*exc)


def _fail_writes_after(monkeypatch, limit):
    """Make the writer's file objects (and only the writer's) fail after ``limit`` bytes."""
    import types

    real = os

    def fdopen(fd, *args, **kwargs):
        return _FailingFile(real.fdopen(fd, *args, **kwargs), limit)

    proxy = types.SimpleNamespace(**{k: getattr(real, k) for k in dir(real) if not k.startswith("__")})
    proxy.fdopen = fdopen
    monkeypatch.setattr(atomic, "os", proxy)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_failure_mid_write_keeps_every_old_file(name, _folders, monkeypatch):
    folder = str(_folders / name)
    old = WRITERS[name](folder)
    before = {p: open(p, "rb").read() for p in old}
    listing = sorted(os.listdir(os.path.dirname(old[0])))
    _fail_writes_after(monkeypatch, 10)
    with pytest.raises(_Boom):
        WRITERS[name](folder)
    monkeypatch.undo()
    assert {p: open(p, "rb").read() for p in old} == before
    assert sorted(os.listdir(os.path.dirname(old[0]))) == listing  # no temp file left


def test_failed_savefig_keeps_the_old_picture(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot")
    path = tmp_path / "pic.png"
    path.write_bytes(b"old picture")
    fig = plt.figure()

    def savefig(f, **kwargs):
        f.write(b"\x89PNG half")
        raise _Boom("renderer crashed")

    fig.savefig = savefig
    from tinygrad_course.viz import _mpl

    with pytest.raises(_Boom):
        _mpl.save(fig, path)
    assert path.read_bytes() == b"old picture"
    assert os.listdir(tmp_path) == ["pic.png"]
    assert not plt.fignum_exists(fig.number)  # closed even so


def test_download_with_a_wrong_checksum_leaves_nothing(tmp_path, monkeypatch):
    from tinygrad_course.datasets import mnist

    payloads = _mnist_payloads()
    _fake_mirrors(monkeypatch, payloads)
    monkeypatch.setattr(mnist, "SHA256", {k: "0" * 64 for k in payloads})
    with pytest.raises(RuntimeError, match="sha256"):
        tc.datasets.load_mnist(root=tmp_path)
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- the writer itself
def test_atomic_write_kinds_of_data(tmp_path):
    assert atomic_write(tmp_path / "a.txt", "é,1\r\n") == str(tmp_path / "a.txt")
    assert (tmp_path / "a.txt").read_bytes() == "é,1\r\n".encode()  # utf-8, newlines as given
    atomic_write(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    atomic_write(str(tmp_path / "c.bin").encode(), lambda f: f.write(b"xyz"))
    assert (tmp_path / "c.bin").read_bytes() == b"xyz"
    with atomic_open(tmp_path / "d.bin") as f:
        f.write(b"opened")
    assert (tmp_path / "d.bin").read_bytes() == b"opened"
    with pytest.raises(TypeError, match="atomic_write: data must be bytes, str or a callable"):
        atomic_write(tmp_path / "e.bin", 3)
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.bin", "c.bin", "d.bin"]


def test_overwrite_keeps_the_existing_mode_like_open(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("x")
    os.chmod(path, 0o604)
    with open(tmp_path / "g.txt", "w"):
        pass
    atomic_write(path, "y")
    assert path.read_text() == "y" and _mode(path) == 0o604


def test_a_symlink_is_written_through(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    (tmp_path / "link.txt").symlink_to(target)
    atomic_write(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink() and target.read_text() == "new"


def test_missing_folder_and_directory_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="the folder .*nope.* does not exist"):
        atomic_write(tmp_path / "nope" / "f.txt", "x")
    atomic_write(tmp_path / "made" / "f.txt", "x", makedirs=True)
    assert (tmp_path / "made" / "f.txt").read_text() == "x"
    with pytest.raises(IsADirectoryError, match="is a directory"):
        atomic_write(tmp_path / "made", "x")


def test_old_helpers_are_gone():
    from tinygrad_course.viz import render

    assert not hasattr(render, "default_file_mode")
    assert atomic.__all__ == ["atomic_open", "atomic_write"]


# --------------------------------------------------------------------------- one writer, no other
def _other_writers(source: str):
    """Calls that write or place a file without the atomic writer: ``open`` in a write mode,
    temp files, renames, mode and umask changes."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
        owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else None
        if name == "open" and owner in (None, "io", "gzip", "bz2", "lzma", "codecs"):
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"),
                                                                None)
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
                found.append((node.lineno, f"open(..., {mode.value!r})"))
            elif mode is not None and not isinstance(mode, ast.Constant):
                found.append((node.lineno, "open() with a computed mode"))
        elif name in ("mkstemp", "NamedTemporaryFile", "umask", "chmod", "fchmod") or \
                (owner in ("os", "shutil") and name in ("replace", "rename", "copy", "copyfile", "move")):
            found.append((node.lineno, f"{owner + '.' if owner else ''}{name}()"))
    return found


def test_every_file_goes_through_the_one_writer():
    from pathlib import Path

    package = Path(tc.__file__).resolve().parent
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel == "utils/atomic.py":
            continue
        found += [f"tinygrad_course/{rel}:{line}: {what}" for line, what in _other_writers(path.read_text("utf-8"))]
    assert not found, "write files with tinygrad_course.utils.atomic (atomic_write / atomic_open):\n  " + \
        "\n  ".join(found)


@pytest.mark.parametrize("code, n", [
    ("open(p, 'w')", 1), ("open(p, mode='ab')", 1), ("gzip.open(p, 'wb')", 1), ("open(p)", 0),
    ("open(p, 'rb')", 0), ("tempfile.mkstemp()", 1), ("os.replace(a, b)", 1), ("os.umask(0)", 1),
    ("os.chmod(p, 0o644)", 1), ("open(p, m)", 1), ("zf.open(name)", 0),
])
def test_the_writer_scan_finds_what_it_must(code, n):
    assert len(_other_writers(code)) == n

"""tc.datasets: bundled digits, the MNIST IDX reader/downloader (no network), generators, letters."""
import configparser
import gzip
import hashlib
import io
import struct
import tempfile
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_course import datasets
from tinygrad_course.autograd import random as tc_random
from tinygrad_course.datasets import mnist as mnist_mod

PKG_DIR = Path(datasets.__file__).parent
MNIST_NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any test that reaches for the network fails instead of downloading."""
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr("urllib.request.urlopen", refuse)


# ---------------------------------------------------------------- digits

def test_load_digits_shapes_dtypes_values():
    X, y = datasets.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16
    np.testing.assert_array_equal(X, np.round(X))  # counts of on pixels: integers
    np.testing.assert_array_equal(y[:10], np.arange(10))
    counts = np.bincount(y, minlength=10)
    np.testing.assert_array_equal(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])


def test_load_digits_first_image_is_the_known_zero():
    X, _ = datasets.load_digits()
    first = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]
    np.testing.assert_array_equal(X[0, :16], first)
    # A zero has an empty middle: the centre of the 8x8 image is darker than its ring.
    img = X[0].reshape(8, 8)
    assert img[3:5, 3:5].mean() < img[1:7, 1:7].mean()


def test_load_digits_returns_fresh_arrays():
    X1, y1 = datasets.load_digits()
    X1[:] = -1
    y1[:] = -1
    X2, y2 = datasets.load_digits()
    assert X2.min() == 0 and y2.min() == 0


def test_digits_file_is_packaged_with_its_source_note():
    data = (PKG_DIR / "digits.csv.gz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
    note = (PKG_DIR / "DIGITS_SOURCE.txt").read_text()
    assert "Alpaydin" in note and "CC BY 4.0" in note
    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    patterns = cfg["options.package_data"]["tinygrad_course.datasets"]
    assert "*.gz" in patterns and "*.txt" in patterns


def test_load_digits_detects_a_damaged_file(monkeypatch):
    from tinygrad_course.datasets import digits as digits_mod

    monkeypatch.setattr(digits_mod, "_SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match="damaged"):
        datasets.load_digits()


# ---------------------------------------------------------------- IDX

def _idx_bytes(code, dims, payload):
    return struct.pack(">HBB", 0, code, len(dims)) + struct.pack(f">{len(dims)}I", *dims) + payload


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, dtype, suffix):
    a = (np.arange(2 * 3 * 4) - 5).astype(dtype).reshape(2, 3, 4)
    path = tmp_path / f"a.idx{suffix}"
    datasets.write_idx(path, a)
    raw = path.read_bytes()
    assert (raw[:2] == b"\x1f\x8b") == (suffix == ".gz")
    b = datasets.read_idx(path)
    assert b.dtype == np.dtype(dtype) and b.shape == (2, 3, 4)
    np.testing.assert_array_equal(a, b)
    b[0, 0, 0] = 1  # a writable array, not a view on a bytes buffer


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(st.sampled_from([np.uint8, np.int16, np.int32, np.float32]),
                  hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)))
def test_idx_round_trip_any_shape(a):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "a.idx"
        datasets.write_idx(path, a)
        b = datasets.read_idx(path)
    assert b.shape == a.shape and b.dtype == a.dtype
    np.testing.assert_array_equal(b, a)


def test_idx_is_big_endian(tmp_path):
    path = tmp_path / "be.idx"
    path.write_bytes(_idx_bytes(0x0B, [2], b"\x01\x02\xff\xfe"))
    np.testing.assert_array_equal(datasets.read_idx(path), [258, -2])


@pytest.mark.parametrize("raw, message", [
    (b"\x00\x00", "only 2 bytes"),
    (b"\x08\x03\x00\x01" + b"\x00" * 8, "magic number"),
    (_idx_bytes(0x07, [2], b"\x00\x00"), "unknown IDX data type code 0x07"),
    (struct.pack(">HBB", 0, 8, 0), "0 dimensions"),
    (struct.pack(">HBB", 0, 8, 3) + b"\x00\x00\x00\x02", "truncated IDX header"),
    (_idx_bytes(0x08, [2, 3], b"\x00" * 5), "truncated"),
    (_idx_bytes(0x08, [2, 3], b"\x00" * 7), "trailing bytes"),
    (_idx_bytes(0x0C, [2], b"\x00" * 7), "need 8 bytes, found 7"),
])
def test_idx_corrupt_files_raise_value_error_naming_the_file(tmp_path, raw, message):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=message) as info:
        datasets.read_idx(path)
    assert str(path) in str(info.value)


def test_idx_truncated_gzip_is_a_value_error(tmp_path):
    good = gzip.compress(_idx_bytes(0x08, [100], bytes(range(100))))
    path = tmp_path / "cut.gz"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match="corrupt gzip") as info:
        datasets.read_idx(path)
    assert str(path) in str(info.value)


def test_write_idx_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(ValueError, match="int64"):
        datasets.write_idx(tmp_path / "x.idx", np.zeros(3, dtype=np.int64))


# ---------------------------------------------------------------- MNIST

def _write_mnist(root, n_train=5, n_test=3, gz=(False, False, True, True), seed=0):
    """Tiny MNIST-shaped IDX files; returns the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = [
        rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_train, dtype=np.uint8),
        rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_test, dtype=np.uint8),
    ]
    root.mkdir(parents=True, exist_ok=True)
    for name, a, z in zip(MNIST_NAMES, arrays, gz):
        datasets.write_idx(root / (name + (".gz" if z else "")), a)
    return arrays


@pytest.mark.parametrize("gz", [(False,) * 4, (True,) * 4, (False, True, True, False)])
def test_load_mnist_reads_raw_and_gz(tmp_path, gz):
    arrays = _write_mnist(tmp_path, gz=gz)
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist(tmp_path, download=False)
    assert x_train.dtype == np.uint8 and x_train.shape == (5, 28, 28)
    assert x_test.shape == (3, 28, 28)
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    for got, want in zip([x_train, y_train, x_test, y_test], arrays):
        np.testing.assert_array_equal(got, want)


def test_load_mnist_missing_files_without_download(tmp_path):
    root = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError) as info:
        datasets.load_mnist(root, download=False)
    msg = str(info.value)
    assert str(root) in msg
    for name in MNIST_NAMES:
        assert name + ".gz" in msg
    assert not root.exists()  # nothing created when not downloading


def test_load_mnist_default_root_is_under_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=str(tmp_path / ".cache" / "tinygrad_course" / "mnist")):
        datasets.load_mnist(download=False)


def test_load_mnist_offline_message(tmp_path, monkeypatch):
    calls = []

    def offline(url, timeout=None):
        calls.append(url)
        raise URLError("no network")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    root = tmp_path / "cache"
    with pytest.raises(RuntimeError) as info:
        datasets.load_mnist(root)
    msg = str(info.value)
    assert str(root) in msg and "no network" in msg
    for name in MNIST_NAMES:
        assert name + ".gz" in msg
    assert len(calls) == len(mnist_mod.MIRRORS)  # every mirror tried once, then a clear stop
    assert list(root.iterdir()) == []  # no half-written files left behind


def test_load_mnist_offline_oserror_too(tmp_path, monkeypatch):
    def broken(url, timeout=None):
        raise ConnectionResetError("reset by peer")

    monkeypatch.setattr("urllib.request.urlopen", broken)
    with pytest.raises(RuntimeError, match="reset by peer"):
        datasets.load_mnist(tmp_path / "c")


class _FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _serve(monkeypatch, files, log=None):
    """Make urlopen serve ``files`` (name -> bytes) by the URL's last component."""
    def fake(url, timeout=None):
        if log is not None:
            log.append(url)
        return _FakeResponse(files[url.rsplit("/", 1)[1]])

    monkeypatch.setattr("urllib.request.urlopen", fake)


def _gz_archives(tmp_path):
    src = tmp_path / "src"
    arrays = _write_mnist(src, gz=(True,) * 4)
    files = {name + ".gz": (src / (name + ".gz")).read_bytes() for name in MNIST_NAMES}
    return arrays, files


def test_load_mnist_downloads_verifies_and_caches(tmp_path, monkeypatch):
    arrays, files = _gz_archives(tmp_path)
    monkeypatch.setattr(mnist_mod, "SHA256", {k: hashlib.sha256(v).hexdigest() for k, v in files.items()})
    log = []
    _serve(monkeypatch, files, log)
    root = tmp_path / "cache" / "mnist"
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist(root)
    np.testing.assert_array_equal(x_train, arrays[0])
    np.testing.assert_array_equal(y_test, arrays[3])
    assert sorted(p.name for p in root.iterdir()) == sorted(files)
    assert len(log) == 4 and log[0].startswith(mnist_mod.MIRRORS[0])
    # Second call: served from the cache, no download.
    log.clear()
    datasets.load_mnist(root)
    assert log == []


def test_load_mnist_downloads_only_missing_files(tmp_path, monkeypatch):
    arrays, files = _gz_archives(tmp_path)
    monkeypatch.setattr(mnist_mod, "SHA256", {k: hashlib.sha256(v).hexdigest() for k, v in files.items()})
    root = tmp_path / "cache"
    root.mkdir()
    (root / "train-images-idx3-ubyte").write_bytes(gzip.decompress(files["train-images-idx3-ubyte.gz"]))
    log = []
    _serve(monkeypatch, files, log)
    datasets.load_mnist(root)
    assert len(log) == 3 and not any("train-images" in u for u in log)


def test_load_mnist_rejects_a_bad_checksum(tmp_path, monkeypatch):
    _, files = _gz_archives(tmp_path)
    # The real checksums stay in place, so the tiny fake archives must all be refused.
    _serve(monkeypatch, files)
    root = tmp_path / "cache"
    with pytest.raises(RuntimeError, match="sha256") as info:
        datasets.load_mnist(root)
    assert "train-images-idx3-ubyte.gz" in str(info.value)
    assert list(root.iterdir()) == []


def test_load_mnist_falls_back_to_the_next_mirror(tmp_path, monkeypatch):
    arrays, files = _gz_archives(tmp_path)
    monkeypatch.setattr(mnist_mod, "SHA256", {k: hashlib.sha256(v).hexdigest() for k, v in files.items()})

    def flaky(url, timeout=None):
        if url.startswith(mnist_mod.MIRRORS[0]):
            raise URLError("403 Forbidden")
        return _FakeResponse(files[url.rsplit("/", 1)[1]])

    monkeypatch.setattr("urllib.request.urlopen", flaky)
    (x_train, _), _ = datasets.load_mnist(tmp_path / "c")
    np.testing.assert_array_equal(x_train, arrays[0])


def test_load_mnist_corrupt_cached_file_names_it(tmp_path):
    _write_mnist(tmp_path)
    bad = tmp_path / "t10k-images-idx3-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:30])
    with pytest.raises(ValueError) as info:
        datasets.load_mnist(tmp_path, download=False)
    assert str(bad) in str(info.value)


def test_load_mnist_count_mismatch(tmp_path):
    _write_mnist(tmp_path, gz=(False,) * 4)
    datasets.write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(4, dtype=np.uint8))
    with pytest.raises(ValueError, match="5 images but .* 4 labels"):
        datasets.load_mnist(tmp_path, download=False)


def test_load_mnist_wrong_image_shape_and_label_range(tmp_path):
    _write_mnist(tmp_path, gz=(False,) * 4)
    datasets.write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((3, 27, 28), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte: expected uint8 images of shape \(N, 28, 28\)"):
        datasets.load_mnist(tmp_path, download=False)
    _write_mnist(tmp_path, gz=(False,) * 4)
    datasets.write_idx(tmp_path / "train-labels-idx1-ubyte", np.full(5, 10, dtype=np.uint8))
    with pytest.raises(ValueError, match="labels must be 0..9"):
        datasets.load_mnist(tmp_path, download=False)


def test_mnist_checksums_table_names_the_four_archives():
    assert sorted(mnist_mod.SHA256) == sorted(n + ".gz" for n in MNIST_NAMES)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in mnist_mod.SHA256.values())


# ---------------------------------------------------------------- generators

GENERATORS = [datasets.make_moons, datasets.make_circles, datasets.make_spirals]


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_generators_shapes_dtypes_balance(make, n):
    X, y = make(n, noise=0.1, seed=0)
    assert X.shape == (n, 2) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=2)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make", GENERATORS + [datasets.make_regression_1d])
def test_generators_are_reproducible(make):
    a = make(50, noise=0.2, seed=3)
    b = make(50, noise=0.2, seed=3)
    c = make(50, noise=0.2, seed=4)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    tc_random.manual_seed(11)
    d = make(50, noise=0.2)
    tc_random.manual_seed(11)
    e = make(50, noise=0.2)
    np.testing.assert_array_equal(d[0], e[0])
    gen = np.random.default_rng(5)
    f = make(50, noise=0.2, seed=gen)
    np.testing.assert_array_equal(f[0], make(50, noise=0.2, seed=np.random.default_rng(5))[0])


def test_make_moons_geometry():
    X, y = datasets.make_moons(200, seed=0)
    upper, lower = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1, atol=1e-6)
    assert (upper[:, 1] >= -1e-6).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1, atol=1e-6)
    assert (lower[:, 1] <= 0.5 + 1e-6).all()


def test_make_circles_geometry_and_factor_check():
    X, y = datasets.make_circles(100, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-6)
    for bad in (1.0, -0.1, 2):
        with pytest.raises(ValueError, match="factor"):
            datasets.make_circles(10, factor=bad)


def test_make_spirals_classes_and_radius():
    X, y = datasets.make_spirals(301, n_classes=3, seed=0)
    np.testing.assert_array_equal(np.bincount(y), [101, 100, 100])
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.1 - 1e-6 and r.max() <= 1 + 1e-6
    # The arms are distinct curves: no point of one arm lies on another.
    d = np.linalg.norm(X[y == 0][:, None] - X[y == 1][None], axis=-1)
    assert d.min() > 0.01


def test_noise_has_the_requested_std():
    X0, y0 = datasets.make_moons(4000, noise=0.0, seed=1, shuffle=False)
    X1, y1 = datasets.make_moons(4000, noise=0.3, seed=1, shuffle=False)
    assert abs((X1 - X0).std() - 0.3) < 0.02
    np.testing.assert_array_equal(y0, y1)


def test_make_regression_1d():
    X, y = datasets.make_regression_1d(64, seed=0)
    assert X.shape == (64, 1) and y.shape == (64, 1)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert (np.diff(X[:, 0]) >= 0).all()
    assert X.min() >= -np.pi and X.max() <= np.pi
    np.testing.assert_allclose(y, np.sin(X), atol=1e-6)
    X2, y2 = datasets.make_regression_1d(64, seed=0, fn=lambda x: x ** 2, low=0.0, high=2.0)
    np.testing.assert_allclose(y2, X2 ** 2, rtol=1e-5)
    assert X2.min() >= 0 and X2.max() <= 2
    with pytest.raises(ValueError, match="fn must return shape"):
        datasets.make_regression_1d(5, seed=0, fn=lambda x: x[:2])
    with pytest.raises(TypeError, match="callable"):
        datasets.make_regression_1d(5, fn=3)
    with pytest.raises(ValueError, match="low < high"):
        datasets.make_regression_1d(5, low=1.0, high=1.0)


@pytest.mark.parametrize("make", GENERATORS + [datasets.make_regression_1d])
def test_generators_validate_arguments(make):
    with pytest.raises(ValueError, match="n_samples"):
        make(0)
    with pytest.raises(ValueError, match="n_samples"):
        make(2.5)
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=-1)
    with pytest.raises(TypeError, match="seed"):
        make(10, seed="abc")
    with pytest.raises(ValueError, match="seed"):
        make(10, seed=-1)


def test_make_spirals_needs_a_class():
    with pytest.raises(ValueError, match="n_classes"):
        datasets.make_spirals(10, n_classes=0)


# ---------------------------------------------------------------- letters

def test_letters_shapes_and_labels():
    X, y = datasets.letters(seed=0)
    assert X.shape == (26 * 10, 20, 20) and X.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, np.repeat(np.arange(26), 10))
    assert set(np.unique(X)) <= {0.0, 1.0}
    ink = X.sum(axis=(1, 2))
    assert ink.min() > 15 and ink.max() < 0.5 * 400


def test_letters_without_jitter_are_templates_and_all_distinct():
    X, y = datasets.letters(16, letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ", n_per_letter=3, jitter=0, seed=0)
    np.testing.assert_array_equal(X[0::3], X[1::3])
    templates = X[0::3].reshape(26, -1)
    diff = (templates[:, None] != templates[None]).sum(-1) + np.eye(26, dtype=int) * 999
    assert diff.min() >= 4  # every pair of letters differs in several pixels


def test_jittered_letters_stay_recognisable():
    X, y = datasets.letters(20, n_per_letter=10, seed=1)
    assert not np.array_equal(X[0], X[1])  # jitter makes distinct samples
    # A fresh draw is classified by its nearest neighbour in the first: the letters are learnable.
    X2, y2 = datasets.letters(20, n_per_letter=10, seed=2)
    d = ((X2.reshape(len(X2), 1, -1) - X.reshape(1, len(X), -1)) ** 2).sum(-1)
    assert (y[d.argmin(1)] == y2).mean() > 0.85


def test_letters_noise_flips_pixels():
    clean, _ = datasets.letters(20, letters="AB", n_per_letter=20, jitter=0, seed=0)
    noisy, _ = datasets.letters(20, letters="AB", n_per_letter=20, jitter=0, noise=0.1, seed=0)
    assert abs((clean != noisy).mean() - 0.1) < 0.02


def test_letters_shuffle_seed_and_size():
    X1, y1 = datasets.letters(12, letters="XO", n_per_letter=5, seed=2, shuffle=True)
    X2, y2 = datasets.letters(12, letters="XO", n_per_letter=5, seed=2, shuffle=True)
    assert X1.shape == (10, 12, 12)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert sorted(y1.tolist()) == [0] * 5 + [1] * 5
    assert y1.tolist() != sorted(y1.tolist())


@pytest.mark.parametrize("kwargs, match", [
    (dict(letters="Ab"), "no strokes for 'b'"),
    (dict(letters=""), "non-empty string"),
    (dict(size=3), "size"),
    (dict(n_per_letter=0), "n_per_letter"),
    (dict(noise=1.5), "flip probability"),
    (dict(jitter=-0.1), "jitter"),
])
def test_letters_validate_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.letters(**kwargs)

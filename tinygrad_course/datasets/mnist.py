"""MNIST from IDX files: found in a cache folder, or downloaded there with checksum verification."""
import hashlib
import os
from http.client import HTTPException
from urllib import request
from urllib.error import URLError

import numpy as np

from ..utils.atomic import atomic_open
from .idx import read_idx

# The four files as LeCun distributes them, with the sha256 of the .gz archives.
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
DEFAULT_ROOT = "~/.cache/tinygrad_course/mnist"
_TIMEOUT = 30


def _how_to_fix(root: str) -> str:
    names = "\n".join(f"  {name}.gz" for name in FILES.values())
    return (
        f"Put these four files (raw or .gz) in {root}:\n{names}\n"
        f"(from e.g. {MIRRORS[0]}), or call load_mnist(root=<folder holding them>)."
    )


def _find(root: str, base: str):
    """Path of ``base`` or ``base.gz`` in ``root`` (raw first), or None."""
    for name in (base, base + ".gz"):
        path = os.path.join(root, name)
        if os.path.isfile(path):
            return path
    return None


class _ChecksumMismatch(Exception):
    """A mirror served a file whose sha256 is not the published one."""


def _download_one(root: str, filename: str) -> None:
    """Fetch ``filename`` from the first mirror that serves it with the right sha256;
    written to a temporary file in ``root`` and moved into place only once verified."""
    errors = []
    for mirror in MIRRORS:
        url = mirror + filename
        try:
            with request.urlopen(url, timeout=_TIMEOUT) as response, \
                    atomic_open(os.path.join(root, filename)) as out:
                digest = hashlib.sha256()
                while True:
                    chunk = response.read(1 << 20)
                    if not chunk:
                        break
                    digest.update(chunk)
                    out.write(chunk)
                if digest.hexdigest() != SHA256[filename]:
                    # raised inside the writer: the download is discarded, nothing lands in root
                    raise _ChecksumMismatch(f"{url}: sha256 {digest.hexdigest()} != expected {SHA256[filename]}")
            return
        except _ChecksumMismatch as e:
            errors.append(str(e))
        except (URLError, OSError, HTTPException, ValueError) as e:  # ValueError: a malformed URL
            errors.append(f"{url}: {type(e).__name__}: {e}")
    raise RuntimeError(
        f"load_mnist: could not download {filename} (offline?):\n  " + "\n  ".join(errors)
        + "\n" + _how_to_fix(root)
    )


def _check_split(images: np.ndarray, labels: np.ndarray, img_path: str, lbl_path: str) -> None:
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(
            f"{img_path}: expected uint8 images of shape (N, 28, 28), got {images.dtype} {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise ValueError(f"{lbl_path}: expected uint8 labels of shape (N,), got {labels.dtype} {labels.shape}")
    if labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"MNIST: {img_path} holds {images.shape[0]} images but {lbl_path} holds {labels.shape[0]} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"{lbl_path}: labels must be 0..9, found {int(labels.max())}")


def load_mnist(root=DEFAULT_ROOT, download=True):
    """Return ``((x_train, y_train), (x_test, y_test))`` as Keras does: uint8 images (N, 28, 28)
    and int64 labels (60,000 training and 10,000 test digits).

    Looks in ``root`` for the four IDX files (raw or ``.gz``). Missing ones are downloaded from
    the usual mirrors when ``download=True``: each archive is checked against its sha256 and
    moved into ``root`` only when complete. Offline, raises ``RuntimeError`` naming the folder
    and the files to put there; with ``download=False`` a missing file raises
    ``FileNotFoundError`` with the same message. A corrupt file raises ``ValueError`` naming it.

    Example
    -------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()
    >>> x_train.shape, y_train.dtype
    ((60000, 28, 28), dtype('int64'))
    """
    root = os.path.abspath(os.path.expanduser(os.fspath(root)))
    missing = [base for base in FILES.values() if _find(root, base) is None]
    if missing and download:
        try:
            os.makedirs(root, exist_ok=True)
        except OSError as e:
            raise RuntimeError(f"load_mnist: cannot create the cache folder {root}: {e}\n" + _how_to_fix(root)) from e
        for base in missing:
            _download_one(root, base + ".gz")
        missing = [base for base in FILES.values() if _find(root, base) is None]
    if missing:
        raise FileNotFoundError(
            f"load_mnist: missing {', '.join(missing)} in {root} (download=False).\n" + _how_to_fix(root)
        )
    out = []
    for split in ("train", "test"):
        img_path = _find(root, FILES[f"{split}_images"])
        lbl_path = _find(root, FILES[f"{split}_labels"])
        images, labels = read_idx(img_path), read_idx(lbl_path)
        _check_split(images, labels, img_path, lbl_path)
        out.append((images, labels.astype(np.int64)))
    return tuple(out)

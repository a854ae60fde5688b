"""The real UCI optical handwritten digits (8x8, values 0..16), shipped inside the package."""
import gzip
import hashlib
import io
from importlib import resources

import numpy as np

_FILE = "digits.csv.gz"
# Checked on load so that a damaged install fails loudly instead of training on garbage.
_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def load_digits():
    """Return ``(X, y)``: 1797 handwritten digits, ``X`` float32 (1797, 64) in 0..16, ``y`` int64 0..9.

    Each row of ``X`` is an 8x8 image read row by row (``X.reshape(-1, 8, 8)`` for pictures).
    Source: UCI "Optical Recognition of Handwritten Digits" (Alpaydin & Kaynak, 1998; CC BY 4.0),
    the copy scikit-learn ships; see ``DIGITS_SOURCE.txt`` beside this module. No network.

    Example
    -------
    >>> X, y = load_digits()
    >>> X.shape, X.dtype, y[:5]
    ((1797, 64), dtype('float32'), array([0, 1, 2, 3, 4]))
    """
    raw = resources.files(__package__).joinpath(_FILE).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != _SHA256:
        raise RuntimeError(
            f"load_digits: the bundled {_FILE} is damaged (sha256 {digest}, expected {_SHA256}); "
            "reinstall tinygrad_course"
        )
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.int64)
    return table[:, :64].astype(np.float32), table[:, 64].astype(np.int64)

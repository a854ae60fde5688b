"""Small 2D toy problems for classification and a 1D regression problem, as numpy arrays."""
import numpy as np

from ._checks import count, nonneg, rng


def _finish(X, y, noise, shuffle, gen):
    if noise > 0:
        X = X + gen.normal(scale=noise, size=X.shape)
    if shuffle:
        perm = gen.permutation(len(y))
        X, y = X[perm], y[perm]
    return X.astype(np.float32), y.astype(np.int64)


def make_moons(n_samples=100, noise=0.0, seed=None, *, shuffle=True):
    """Two interleaving half circles: ``(X float32 (n, 2), y int64 in {0, 1})``.

    Class 0 is ``(cos t, sin t)``, class 1 is ``(1 - cos t, 1/2 - sin t)`` for t in [0, pi]
    (scikit-learn's construction), plus Gaussian noise of std ``noise``. ``seed``: None (the
    library's generator, so ``tc.manual_seed`` applies), an int, or a numpy Generator.

    Example
    -------
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    """
    n = count(n_samples, "n_samples", "make_moons")
    noise = nonneg(noise, "noise", "make_moons")
    gen = rng(seed, "make_moons")
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], 1),
        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1),
    ])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return _finish(X, y, noise, shuffle, gen)


def make_circles(n_samples=100, noise=0.0, factor=0.8, seed=None, *, shuffle=True):
    """A unit circle (class 0) around a circle of radius ``factor`` (class 1), plus noise.

    Returns ``(X float32 (n, 2), y int64 in {0, 1})``; ``0 <= factor < 1``.

    Example
    -------
    >>> X, y = make_circles(200, noise=0.05, factor=0.5, seed=0)
    """
    n = count(n_samples, "n_samples", "make_circles")
    noise = nonneg(noise, "noise", "make_circles")
    if not isinstance(factor, (int, float, np.floating)) or isinstance(factor, bool) or not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor has to be between 0 and 1 (0 <= factor < 1), got {factor!r}")
    gen = rng(seed, "make_circles")
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate([
        np.stack([np.cos(t_out), np.sin(t_out)], 1),
        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1),
    ])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return _finish(X, y, noise, shuffle, gen)


def make_spirals(n_samples=100, noise=0.0, n_classes=2, seed=None, *, turns=1.0, shuffle=True):
    """``n_classes`` interleaved spiral arms, one per class: ``(X float32 (n, 2), y int64)``.

    Arm k: radius ``r`` from 0.1 to 1, angle ``2 pi (k / n_classes + turns * r)``, plus Gaussian
    noise of std ``noise``. Samples are split as evenly as possible between the arms.

    Example
    -------
    >>> X, y = make_spirals(300, noise=0.05, n_classes=3, seed=0)
    """
    n = count(n_samples, "n_samples", "make_spirals")
    noise = nonneg(noise, "noise", "make_spirals")
    k = count(n_classes, "n_classes", "make_spirals", minimum=1)
    turns = nonneg(turns, "turns", "make_spirals")
    gen = rng(seed, "make_spirals")
    sizes = [n // k + (1 if c < n % k else 0) for c in range(k)]
    parts, labels = [], []
    for c, m in enumerate(sizes):
        r = np.linspace(0.1, 1.0, m)  # start off-centre: at r=0 every arm meets
        theta = 2 * np.pi * (c / k + turns * r)
        parts.append(np.stack([r * np.cos(theta), r * np.sin(theta)], 1))
        labels.append(np.full(m, c))
    return _finish(np.concatenate(parts), np.concatenate(labels), noise, shuffle, gen)


def make_regression_1d(n_samples=100, noise=0.0, seed=None, fn=None, *, low=-np.pi, high=np.pi):
    """Samples of a 1D function: ``x ~ U(low, high)`` sorted, ``y = fn(x) + noise * N(0, 1)``.

    ``fn`` maps a numpy array to an array of the same shape (default ``np.sin``). Returns
    ``(X float32 (n, 1), y float32 (n, 1))``: column vectors, ready for ``nn.Linear(1, ...)`` and
    ``mse_loss``; ``X`` is sorted so ``plt.plot(X, y)`` draws the curve.

    Example
    -------
    >>> X, y = make_regression_1d(50, noise=0.1, seed=0, fn=lambda x: x ** 2)
    """
    n = count(n_samples, "n_samples", "make_regression_1d")
    noise = nonneg(noise, "noise", "make_regression_1d")
    if not low < high:
        raise ValueError(f"make_regression_1d: need low < high, got low={low!r}, high={high!r}")
    if fn is None:
        fn = np.sin
    elif not callable(fn):
        raise TypeError(f"make_regression_1d: fn must be callable, got {type(fn).__name__}")
    gen = rng(seed, "make_regression_1d")
    x = np.sort(gen.uniform(low, high, size=n))
    y = np.asarray(fn(x), dtype=np.float64)
    if y.shape != x.shape:
        raise ValueError(f"make_regression_1d: fn must return shape {x.shape} for input shape {x.shape}, got {y.shape}")
    if noise > 0:
        y = y + gen.normal(scale=noise, size=n)
    return x.reshape(-1, 1).astype(np.float32), y.reshape(-1, 1).astype(np.float32)

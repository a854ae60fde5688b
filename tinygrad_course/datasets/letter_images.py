"""Binary images of capital letters drawn from hand-made strokes (for the Mark I perceptron)."""
import numpy as np

from ._checks import count, nonneg, rng


def _arc(cx, cy, rx, ry, start, stop, n=12):
    """Points of an elliptical arc; angles in degrees, 0 = right, 90 = up (image y grows down)."""
    a = np.radians(np.linspace(start, stop, n))
    return list(zip(cx + rx * np.cos(a), cy - ry * np.sin(a)))


def _strokes():
    """Letter -> list of polylines on the unit square (x right, y down)."""
    L, R, T, B, M = 0.22, 0.78, 0.15, 0.85, 0.5
    left = [(L, T), (L, B)]
    bowl_top = [(L, T)] + _arc(0.58, 0.325, 0.2, 0.175, 90, -90) + [(L, M)]
    return {
        "A": [[(0.2, B), (M, T), (0.8, B)], [(0.32, 0.58), (0.68, 0.58)]],
        "B": [left, bowl_top, [(L, M)] + _arc(0.6, 0.675, 0.2, 0.175, 90, -90) + [(L, B)]],
        "C": [_arc(M, M, 0.32, 0.35, 45, 315, 20)],
        "D": [left, [(L, T), (0.45, T)] + _arc(0.45, M, 0.33, 0.35, 90, -90, 16) + [(L, B)]],
        "E": [left, [(L, T), (R, T)], [(L, M), (0.68, M)], [(L, B), (R, B)]],
        "F": [left, [(L, T), (R, T)], [(L, M), (0.68, M)]],
        "G": [_arc(M, M, 0.32, 0.35, 45, 360, 20), [(0.82, M), (0.55, M)]],
        "H": [left, [(R, T), (R, B)], [(L, M), (R, M)]],
        "I": [[(M, T), (M, B)], [(0.35, T), (0.65, T)], [(0.35, B), (0.65, B)]],
        "J": [[(0.4, T), (0.8, T)], [(0.65, T), (0.65, 0.65)] + _arc(0.45, 0.65, 0.2, 0.2, 0, -180)],
        "K": [left, [(R, T), (L, 0.58)], [(0.4, 0.45), (R, B)]],
        "L": [left, [(L, B), (R, B)]],
        "M": [[(0.2, B), (0.2, T), (M, 0.6), (0.8, T), (0.8, B)]],
        "N": [[(L, B), (L, T), (R, B), (R, T)]],
        "O": [_arc(M, M, 0.3, 0.35, 0, 360, 24)],
        "P": [left, bowl_top],
        "Q": [_arc(M, M, 0.3, 0.35, 0, 360, 24), [(0.58, 0.68), (0.85, 0.9)]],
        "R": [left, bowl_top, [(0.45, M), (R, B)]],
        "S": [_arc(M, 0.325, 0.27, 0.175, 30, 270, 14) + _arc(M, 0.675, 0.27, 0.175, 90, -150, 14)],
        "T": [[(0.2, T), (0.8, T)], [(M, T), (M, B)]],
        "U": [[(L, T), (L, 0.6)] + _arc(M, 0.6, 0.28, 0.25, 180, 360, 14) + [(R, T)]],
        "V": [[(0.2, T), (M, B), (0.8, T)]],
        "W": [[(0.15, T), (0.32, B), (M, 0.4), (0.68, B), (0.85, T)]],
        "X": [[(L, T), (R, B)], [(R, T), (L, B)]],
        "Y": [[(0.2, T), (M, M), (0.8, T)], [(M, M), (M, B)]],
        "Z": [[(0.2, T), (0.8, T), (0.2, B), (0.8, B)]],
    }


STROKES = _strokes()
ALPHABET = "".join(sorted(STROKES))


def _segments(strokes):
    """(S, 2) start points and (S, 2) end points of all polyline segments."""
    starts, ends = [], []
    for line in strokes:
        pts = np.asarray(line, dtype=np.float64)
        starts.append(pts[:-1])
        ends.append(pts[1:])
    return np.concatenate(starts), np.concatenate(ends)


def _rasterize(a, b, size, thickness):
    """Pixels whose centre is within ``thickness / 2`` pixels of a segment: (size, size) of 0/1."""
    c = (np.arange(size) + 0.5) / size
    p = np.stack(np.meshgrid(c, c), -1).reshape(-1, 1, 2)  # (x, y) of every pixel centre
    d = b - a
    # closest point on each segment: a + t d, t = clip((p - a).d / |d|^2, 0, 1)
    t = np.clip(((p - a) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-12), 0.0, 1.0)
    dist = np.linalg.norm(p - (a + t[..., None] * d), axis=-1).min(1) * size
    return (dist <= thickness / 2).reshape(size, size)


def _distort(a, b, jitter, gen):
    """Random small rotation, scale and shift of the whole letter, then per-point wobble."""
    if jitter == 0:
        return a, b
    angle = gen.normal(0, jitter * 2)  # radians: 0.03 -> about 3.4 degrees
    scale = 1 + gen.normal(0, jitter, size=2)
    shift = gen.normal(0, jitter, size=2)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])

    def move(p):
        p = ((p - 0.5) * scale) @ rot.T + 0.5 + shift
        return p + gen.normal(0, jitter / 3, size=p.shape)

    return move(a), move(b)


def letters(size=20, letters=ALPHABET, n_per_letter=10, noise=0.0, seed=None, *,
            jitter=0.03, thickness=None, shuffle=False):
    """Images of capital letters: ``(X float32 (N, size, size) of 0/1, y int64)``, N = len(letters) * n_per_letter.

    Each letter is a set of line strokes on the unit square, randomly rotated, scaled, shifted
    and wobbled by ``jitter`` (0 draws every sample identically), rasterised with stroke width
    ``thickness`` pixels (default ``max(1, size / 10)``), then each pixel flipped with
    probability ``noise``. ``y[i]`` is the index of the letter in ``letters``; samples come
    grouped by letter unless ``shuffle``. ``seed``: None (the library's generator), an int, or a
    numpy Generator. The default 20x20 matches the Mark I perceptron's 400 photocells.

    Example
    -------
    >>> X, y = letters(20, letters="XO", n_per_letter=5, seed=0)
    >>> X.shape, y.tolist()
    ((10, 20, 20), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    """
    size = count(size, "size", "letters", minimum=5)
    n = count(n_per_letter, "n_per_letter", "letters")
    noise = nonneg(noise, "noise", "letters")
    if noise > 1:
        raise ValueError(f"letters: noise is a flip probability in [0, 1], got {noise}")
    jitter = nonneg(jitter, "jitter", "letters")
    thickness = max(1.0, size / 10) if thickness is None else thickness
    thickness = nonneg(thickness, "thickness", "letters")
    if not isinstance(letters, str) or not letters:
        raise ValueError(f"letters: letters must be a non-empty string of capitals, got {letters!r}")
    unknown = sorted(set(letters) - set(STROKES))
    if unknown:
        raise ValueError(f"letters: no strokes for {''.join(unknown)!r}; known letters: {ALPHABET}")
    gen = rng(seed, "letters")
    images = np.empty((len(letters) * n, size, size), dtype=np.float32)
    labels = np.repeat(np.arange(len(letters), dtype=np.int64), n)
    for k, ch in enumerate(letters):
        a0, b0 = _segments(STROKES[ch])
        for j in range(n):
            a, b = _distort(a0, b0, jitter, gen)
            images[k * n + j] = _rasterize(a, b, size, thickness)
    if noise > 0:
        flip = gen.random(images.shape) < noise
        images[flip] = 1.0 - images[flip]
    if shuffle:
        perm = gen.permutation(len(labels))
        images, labels = images[perm], labels[perm]
    return images, labels

"""The one random number generator behind init, dropout, shuffling and the factories."""
import numpy as np

_state = {"gen": np.random.default_rng(), "seed": None}


def _seed_value(seed):
    """PyTorch's rule: any int in [-2**63, 2**64 - 1] (negatives wrap to 2**64 + seed); a float
    is truncated."""
    if isinstance(seed, bool) or not isinstance(seed, (int, float, np.integer, np.floating)):
        raise TypeError(f"manual_seed(): seed must be an int, got {type(seed).__name__}")
    seed = int(seed)
    if not -(2**63) <= seed < 2**64:
        raise ValueError(f"manual_seed(): Overflow when unpacking long long (seed {seed})")
    return seed % 2**64


def manual_seed(seed: int) -> np.random.Generator:
    """Seed every random draw of the library (like ``torch.manual_seed``).

    >>> tc.manual_seed(0); a = tc.rand(2); tc.manual_seed(0); bool((a == tc.rand(2)).all())
    True
    """
    seed = _seed_value(seed)
    _state["gen"] = np.random.default_rng(seed)
    _state["seed"] = seed
    return _state["gen"]


def initial_seed():
    """The seed of the library's generator (the last ``manual_seed``, or the entropy it started from).

    >>> _ = tc.manual_seed(42)
    >>> tc.initial_seed()
    42
    """
    if _state["seed"] is None:
        _state["seed"] = int(np.random.SeedSequence().entropy % (2**63))
        _state["gen"] = np.random.default_rng(_state["seed"])
    return _state["seed"]


def default_generator():
    """The library's numpy Generator (reseeded by ``manual_seed``).

    >>> tc.default_generator() is not None
    True
    """
    return _state["gen"]


def seed():
    """Reseed from fresh entropy and return the seed used.

    >>> isinstance(tc.seed(), int)
    True
    """
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s


class Generator:
    """A random number generator object, as ``torch.Generator``: pass it as ``generator=`` to the
    factories, ``random_split``, the samplers and ``DataLoader``.

    It wraps a ``numpy.random.Generator`` (attribute ``rng``) and answers its methods, so code
    that takes a NumPy generator takes this one too.

    >>> g = tc.Generator().manual_seed(42)
    >>> tc.rand(2, generator=g).shape
    tinygrad_course.Size([2])
    """

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"Generator(): only the 'cpu' device is available, got {device!r}")
        self.device = device
        self._initial = int(np.random.SeedSequence().entropy % (2**63))
        self.rng = np.random.default_rng(self._initial)

    def manual_seed(self, seed):
        """Reseed this generator; returns it (``tc.Generator().manual_seed(0)``)."""
        self._initial = _seed_value(seed)
        self.rng = np.random.default_rng(self._initial)
        return self

    def seed(self):
        """Reseed from fresh entropy and return the seed used."""
        return self.manual_seed(int(np.random.SeedSequence().entropy % (2**63)))._initial

    def initial_seed(self):
        """The seed this generator was last seeded with."""
        return self._initial

    def get_state(self):
        """The generator's state (a dict, NumPy's bit-generator state)."""
        return self.rng.bit_generator.state

    def set_state(self, state):
        """Restore a state from ``get_state()``; returns the generator."""
        self.rng.bit_generator.state = state
        return self

    def __getattr__(self, name):
        # the NumPy generator's methods (random, standard_normal, integers, permutation, ...)
        return getattr(self.__dict__["rng"], name)

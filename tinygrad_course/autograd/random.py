"""The one random number generator behind init, dropout, shuffling and the factories."""
import numpy as np

_state = {"gen": np.random.default_rng()}


def manual_seed(seed):
    """Seed every random draw of the library (like ``torch.manual_seed``)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed(): seed must be an int, got {type(seed).__name__}")
    _state["gen"] = np.random.default_rng(int(seed))
    return _state["gen"]


def default_generator():
    """The library's numpy Generator (reseeded by ``manual_seed``)."""
    return _state["gen"]


def seed():
    """Reseed from fresh entropy and return the seed used."""
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s

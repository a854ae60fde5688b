"""Lazy access to the core package, so ``tinygrad_course.data`` imports without Tensors."""
import numpy as np


def tc():
    """The ``tinygrad_course`` module (imported on first use, not at import time)."""
    import tinygrad_course

    return tinygrad_course


def is_tensor(obj) -> bool:
    """True if ``obj`` is a ``tinygrad_course.Tensor``."""
    return isinstance(obj, tc().Tensor)


def to_tensor(array) -> "object":
    """Wrap a numpy array (or scalar) as a Tensor, keeping its dtype and sharing memory."""
    return tc().from_numpy(np.asarray(array))


def resolve_generator(generator, where: str) -> np.random.Generator:
    """A numpy Generator from ``None`` (the library's, reseeded by ``tc.manual_seed``),
    an int seed, or a Generator."""
    if generator is None:
        from ..autograd.random import default_generator

        return default_generator()
    if isinstance(generator, np.random.Generator):
        return generator
    rng = getattr(generator, "rng", None)  # a tc.Generator
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, (bool, np.bool_)):
        return np.random.default_rng(int(generator))
    raise TypeError(
        f"{where}: generator must be None, an int seed, a tc.Generator or a numpy.random.Generator, "
        f"got {type(generator).__name__}"
    )

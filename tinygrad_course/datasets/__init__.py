"""Datasets as numpy arrays: the bundled real digits, MNIST, and small generated problems.

Everything here returns numpy arrays (wrap them with ``tc.from_numpy`` or ``tc.data.TensorDataset``),
so importing this package does not import the Tensor engine.
"""
from .digits import load_digits
from .idx import read_idx, write_idx
from .letter_images import letters
from .mnist import load_mnist
from .synthetic import make_circles, make_moons, make_regression_1d, make_spirals

__all__ = [
    "load_digits", "load_mnist", "read_idx", "write_idx",
    "make_moons", "make_circles", "make_spirals", "make_regression_1d", "letters",
]

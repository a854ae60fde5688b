"""Property-testing helpers: Hypothesis strategies that draw shapes and Tensors, and
``check_gradients``, which checks a function's gradients on many drawn inputs.

>>> import tinygrad_course as tc
>>> from tinygrad_course.testing import tensors, check_gradients
>>> check_gradients(lambda x: (x * x).sum(), tensors(shape=(3,)), max_examples=5)
"""
from .strategies import shapes, broadcastable_shapes, tensors
from .gradients import check_gradients, describe_inputs

__all__ = ["shapes", "broadcastable_shapes", "tensors", "check_gradients", "describe_inputs"]

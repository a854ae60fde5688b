"""The public Hypothesis strategies and ``check_gradients`` (tc.testing), tested themselves."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.errors import InvalidArgument

import tinygrad_course as tc
from tinygrad_course.testing import broadcastable_shapes, check_gradients, describe_inputs, shapes, tensors


@given(st.data(), st.integers(0, 3), st.integers(0, 3), st.integers(1, 3), st.integers(0, 3))
def test_shapes_respect_bounds(data, min_dims, extra_dims, min_side, extra_side):
    max_dims, max_side = min_dims + extra_dims, min_side + extra_side
    s = data.draw(shapes(min_dims, max_dims, min_side, max_side))
    assert isinstance(s, tuple)
    assert min_dims <= len(s) <= max_dims
    assert all(min_side <= side <= max_side for side in s)


@given(shapes())
def test_shapes_default_bounds(s):
    assert 0 <= len(s) <= 4 and all(1 <= side <= 5 for side in s)


@given(st.data(), shapes(max_dims=3, max_side=4))
def test_broadcastable_shapes_really_broadcast(data, shape):
    other = data.draw(broadcastable_shapes(shape, max_dims=4))
    assert len(other) <= 4
    # NumPy's rule, and our ops agree: adding tensors of both shapes works and the result has the broadcast shape
    expected = np.broadcast_shapes(shape, other)
    out = tc.zeros(shape) + tc.zeros(other)
    assert out.shape == expected
    for a, b in zip(reversed(shape), reversed(other)):
        assert a == b or a == 1 or b == 1


@given(st.data(), shapes(max_dims=2, max_side=3))
def test_broadcastable_shapes_min_side_and_dims(data, shape):
    other = data.draw(broadcastable_shapes(shape, min_dims=1, max_dims=3, min_side=2, max_side=4))
    assert 1 <= len(other) <= 3
    np.broadcast_shapes(shape, other)
    # a side may only fall below min_side where it must match ``shape``
    for i, side in enumerate(reversed(other)):
        if side < 2:
            assert i < len(shape) and side == shape[len(shape) - 1 - i]


@given(tensors(shape=(2, 3), elements=(-0.5, 0.25)))
def test_tensors_fixed_shape_and_bounds(x):
    assert isinstance(x, tc.Tensor)
    assert x.shape == (2, 3) and x.dtype == tc.float64
    assert x.requires_grad and x.is_leaf
    d = x.detach().numpy()
    assert np.all(np.isfinite(d)) and d.min() >= -0.5 and d.max() <= 0.25


@given(tensors())
def test_tensors_defaults(x):
    assert x.dtype == tc.float64 and x.requires_grad
    assert x.ndim <= 4 and all(1 <= s <= 5 for s in x.shape)
    d = x.detach().numpy()
    assert np.all(np.isfinite(d)) and np.all(np.abs(d) <= 3)


@given(tensors(shape=shapes(min_dims=1, max_dims=2), dtype=tc.float32, elements=(0.1, 0.3)))
def test_tensors_float32_inexact_bounds(x):
    # 0.1 and 0.3 are not float32 values: the bounds are rounded inwards
    d = x.detach().numpy()
    assert x.dtype == tc.float32 and 1 <= x.ndim <= 2
    assert d.min() >= 0.1 and d.max() <= 0.3


@given(tensors(shape=4, dtype=tc.int64, requires_grad=False, elements=(0, 5)),
       tensors(shape=(3,), dtype=tc.bool, requires_grad=False))
def test_tensors_integer_and_bool(i, b):
    assert i.dtype == tc.int64 and i.shape == (4,) and not i.requires_grad
    assert 0 <= int(i.min()) and int(i.max()) <= 5
    assert b.dtype == tc.bool


@given(tensors(shape=(3,), elements=st.sampled_from([1.0, 2.0])))
def test_tensors_element_strategy(x):
    assert set(x.detach().numpy().tolist()) <= {1.0, 2.0}


def test_tensors_invalid_arguments():
    with pytest.raises(InvalidArgument, match="floating point"):
        tensors(dtype=tc.int64, requires_grad=True)
    with pytest.raises(InvalidArgument, match="lo <= hi"):
        tensors(elements=(2.0, 1.0))
    with pytest.raises(InvalidArgument, match="strategy or"):
        tensors(elements=3.0)
    with pytest.raises(InvalidArgument):
        shapes(min_dims=3, max_dims=1).validate()


def test_describe_inputs_is_exact():
    x = tc.tensor([0.1, -2.5], dtype=tc.float64)
    text = describe_inputs((x, 3))
    assert "shape (2,)" in text and "float64" in text and "0.1" in text and "-2.5" in text
    assert "input 1: 3" in text


class Cube(tc.autograd.Function):
    """x^3 with a correct backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x


class WrongCube(tc.autograd.Function):
    """x^3 whose backward forgets the sign: 3 x |x| (wrong for x < 0)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x.abs()


def test_check_gradients_passes_on_correct_function():
    check_gradients(Cube.apply, tensors(shape=shapes(max_dims=2, max_side=3)), max_examples=10, second_order=True)
    check_gradients(lambda a, b: (a * b).sum(), tensors(shape=(2, 3)), tensors(shape=(3,)), max_examples=5)


def test_check_gradients_fails_with_shrunk_example():
    with pytest.raises(AssertionError) as info:
        check_gradients(WrongCube.apply, tensors(shape=shapes(min_dims=1, max_dims=3)), max_examples=100)
    msg = str(info.value)
    # shrunk: one element, the simplest negative value
    assert "WrongCube.apply" in msg and "gradcheck failed" in msg
    assert "shape (1,)" in msg and "values: [-1.0]" in msg
    assert "Jacobian mismatch for output 0 with respect to input 0" in msg
    assert "numerical 3, analytical -3" in msg


class WrongSecondOrder(tc.autograd.Function):
    """x^2 whose backward is right but not differentiable in x (x is detached)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x.detach()


def test_check_gradients_second_order():
    check_gradients(WrongSecondOrder.apply, tensors(shape=(2,)), max_examples=3)
    with pytest.raises(AssertionError, match="gradgradcheck failed"):
        check_gradients(WrongSecondOrder.apply, tensors(shape=(2,)), max_examples=3, second_order=True)


def test_check_gradients_argument_errors():
    with pytest.raises(TypeError, match="strategy"):
        check_gradients(Cube.apply)
    with pytest.raises(TypeError, match="argument 1 must be a Hypothesis strategy"):
        check_gradients(Cube.apply, tc.ones(3))


def test_check_gradients_in_a_plain_script(tmp_path):
    script = tmp_path / "check.py"
    script.write_text(textwrap.dedent("""
        import tinygrad_course as tc
        from tinygrad_course.testing import check_gradients, tensors

        def wrong_sin(x):
            return WrongSin.apply(x)

        class WrongSin(tc.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x.sin()

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * x.sin()  # should be cos

        check_gradients(lambda x: x.sin(), tensors(shape=(3,)), max_examples=5)
        print("correct ok")
        try:
            check_gradients(wrong_sin, tensors(shape=(3,)), max_examples=20)
        except AssertionError as e:
            print("caught:", str(e).splitlines()[0])
    """))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "correct ok" in r.stdout
    assert "caught: check_gradients(wrong_sin): gradcheck failed" in r.stdout

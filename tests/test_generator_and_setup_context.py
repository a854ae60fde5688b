"""tc.Generator, manual_seed's range (as torch.manual_seed) and Function.setup_context."""
import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.utils.data import TensorDataset, random_split


def test_generator_reproduces_draws_and_works_everywhere_a_generator_goes():
    g = tc.Generator().manual_seed(42)
    a = tc.rand(3, generator=g)
    assert g.manual_seed(42) is g and g.initial_seed() == 42
    np.testing.assert_array_equal(a.numpy(), tc.rand(3, generator=g).numpy())
    state = g.get_state()
    b = tc.randn(4, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(b.numpy(), tc.randn(4, generator=g).numpy())
    parts = random_split(TensorDataset(tc.arange(10.0)), [0.7, 0.3], generator=tc.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [7, 3]
    again = random_split(TensorDataset(tc.arange(10.0)), [0.7, 0.3], generator=tc.Generator().manual_seed(1))
    assert list(parts[0].indices) == list(again[0].indices)
    with pytest.raises(RuntimeError, match="cpu"):
        tc.Generator("cuda")


@pytest.mark.parametrize("seed,expected", [(-1, 2**64 - 1), (2**64 - 1, 2**64 - 1), (1.5, 1), (0, 0)])
def test_manual_seed_accepts_torchs_range(seed, expected):
    tc.manual_seed(seed)
    assert tc.initial_seed() == expected


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_manual_seed_out_of_range_is_a_value_error(seed):
    with pytest.raises(ValueError, match="Overflow"):
        tc.manual_seed(seed)


@pytest.mark.oracle
def test_manual_seed_range_matches_torch():
    torch = pytest.importorskip("torch")
    for s in (-1, 2**64 - 1, 1.5):
        torch.manual_seed(s)
        tc.manual_seed(s)
        assert tc.initial_seed() == torch.initial_seed()
    for s in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError):
            torch.manual_seed(s)
        with pytest.raises(ValueError):
            tc.manual_seed(s)


class _Square(tc.autograd.Function):
    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def test_setup_context_style_function_differentiates_twice():
    x = tc.tensor([1.0, -2.0, 3.0], dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(_Square.apply, (x,))
    assert tc.autograd.gradgradcheck(_Square.apply, (x,))
    _Square.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, -4.0, 6.0])
    assert type(_Square.apply(x).grad_fn).__name__ == "_SquareBackward"


class _WrongShape(tc.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.sum(0)  # (2,) for an input of (3, 2): not a shape the input broadcasts to


class _Bigger(tc.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.expand(4, 3, 2)  # the input broadcasts to it: summed back, as PyTorch does


def test_user_backward_gradient_shapes_are_checked_as_pytorch():
    x = tc.ones(3, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"_WrongShapeBackward returned an invalid gradient at index 0 - "
                                           r"got \[2\] but expected shape compatible with \[3, 2\]"):
        _WrongShape.apply(x).sum().backward()
    _Bigger.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 2), 4.0))
    g, = tc.autograd.grad(_Bigger.apply(x).sum(), x, create_graph=True)
    assert tuple(g.shape) == (3, 2)


class _ArrayOut(tc.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return np.asarray(x.detach().numpy() * 2)  # an ndarray result

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_output_requires_grad_only_when_recorded():
    assert not _ArrayOut.apply(tc.ones(2)).requires_grad
    with tc.no_grad():
        assert not _ArrayOut.apply(tc.ones(2, requires_grad=True)).requires_grad
    y = _ArrayOut.apply(tc.ones(2, requires_grad=True))
    assert y.requires_grad and type(y.grad_fn).__name__ == "_ArrayOutBackward"

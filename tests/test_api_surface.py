"""The public names the op table cannot hold (factories, random fills, conversions, introspection,
Python protocols), each with a dedicated test, plus the known gaps to PyTorch the op table found,
as strict xfails (each turns into a failure the day it is fixed, so the row can be widened).

Values come from PyTorch's documented behaviour; ``test_surface_matches_torch`` (oracle) runs the
same calls on both libraries."""
import math

import numpy as np
import pytest

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course.autograd import gradcheck


# --------------------------------------------------------------------------------- factories
def test_deterministic_factories():
    a = np.arange(3.0)
    t = tc.as_tensor(a)
    assert t.dtype == tc.float64 and t.numpy().tolist() == [0.0, 1.0, 2.0]
    x = tc.tensor([1.5, 2.0])
    assert tc.ones_like(x).tolist() == [1.0, 1.0] and tc.empty(2, 3).shape == (2, 3)
    assert tc.empty_like(x).shape == (2,) and tc.empty_like(x).dtype == tc.float32
    assert tc.full_like(x, 7).tolist() == [7.0, 7.0] and tc.full_like(x, 7).dtype == tc.float32
    np.testing.assert_allclose(tc.logspace(0, 2, 3).numpy(), [1.0, 10.0, 100.0], rtol=1e-6)
    np.testing.assert_allclose(tc.logspace(0, 3, 4, base=2.0).numpy(), [1.0, 2.0, 4.0, 8.0], rtol=1e-6)
    assert tc.numel(tc.zeros(2, 3)) == 6
    assert tc.is_tensor(x) and not tc.is_tensor(a)
    assert tc.is_floating_point(x) and not tc.is_floating_point(tc.tensor([1]))


def test_random_factories_have_the_right_law():
    tc.manual_seed(0)
    n = tc.normal(2.0, 0.5, size=(20000,))
    assert n.dtype == tc.float32 and abs(n.numpy().mean() - 2.0) < 0.02 and abs(n.numpy().std() - 0.5) < 0.02
    b = tc.bernoulli(tc.full((20000,), 0.3))
    assert set(np.unique(b.numpy())) <= {0.0, 1.0} and abs(b.numpy().mean() - 0.3) < 0.02
    p = tc.randperm(7)
    assert p.dtype == tc.int64 and sorted(p.tolist()) == list(range(7))
    m = tc.multinomial(tc.tensor([0.0, 0.5, 0.5, 0.0]), 2)
    assert m.dtype == tc.int64 and sorted(m.tolist()) == [1, 2]  # without replacement, zero mass never drawn
    x = tc.zeros(2, 3, dtype=tc.float64)
    r = tc.rand_like(x)
    assert r.dtype == tc.float64 and r.shape == (2, 3) and (r.numpy() >= 0).all() and (r.numpy() < 1).all()
    ri = tc.randint_like(x, 2, 5)
    assert ri.dtype == tc.float64 and set(np.unique(ri.numpy())) <= {2.0, 3.0, 4.0}
    s = tc.seed()
    assert isinstance(s, int)


def test_random_in_place_fills_bernoulli_and_exponential():
    tc.manual_seed(1)
    t = tc.zeros(20000)
    assert t.bernoulli_(0.25) is t and abs(t.numpy().mean() - 0.25) < 0.02
    assert set(np.unique(t.numpy())) <= {0.0, 1.0}
    assert t.exponential_(2.0) is t and (t.numpy() >= 0).all() and abs(t.numpy().mean() - 0.5) < 0.02
    tc.manual_seed(5)
    a = tc.zeros(4).exponential_()
    tc.manual_seed(5)
    np.testing.assert_array_equal(a.numpy(), tc.zeros(4).exponential_().numpy())


def test_new_factories_keep_dtype():
    x = tc.zeros(2, dtype=tc.float64)
    for t in (x.new_zeros(3), x.new_ones(3), x.new_empty(3), x.new_full((3,), 2.0)):
        assert t.shape == (3,) and t.dtype == tc.float64
    assert x.new_zeros(3).tolist() == [0.0] * 3 and x.new_ones(3).tolist() == [1.0] * 3
    assert x.new_full((3,), 2.0).tolist() == [2.0] * 3
    assert tc.tensor([1.0]).new_tensor([1, 2]).dtype == tc.float32  # the data's dtype follows self
    assert not x.new_zeros(2).requires_grad


# ------------------------------------------------------------------------- conversions
def test_conversions_dtypes_and_gradients():
    x = tc.tensor([1.5, -2.0])
    assert x.half().dtype == tc.float16 and x.float().dtype == tc.float32 and x.double().dtype == tc.float64
    assert x.long().dtype == tc.int64 and x.long().tolist() == [1, -2] and x.int().dtype == tc.int32
    assert x.bool().dtype == tc.bool and x.bool().tolist() == [True, True]
    assert x.type().endswith(".FloatTensor") and x.type(tc.float64).dtype == tc.float64
    assert x.type_as(tc.zeros(1, dtype=tc.float64)).dtype == tc.float64
    assert x.to(tc.float64).dtype == tc.float64 and x.to("cpu") is x and x.cpu() is x
    # float conversions are differentiable; the gradient comes back in the leaf's dtype
    w = tc.tensor([0.5, 2.0], dtype=tc.float64, requires_grad=True)
    # (through float32: a large step, exact for this quadratic up to float32 rounding)
    assert gradcheck(lambda t: t.float().double() * t.to(tc.float32).double(), (w,), eps=1e-2, atol=1e-3, rtol=1e-3)
    (w.float() * 3).sum().backward()
    assert w.grad.dtype == tc.float64 and w.grad.tolist() == [3.0, 3.0]


def test_data_is_a_detached_view_and_assignment_keeps_identity():
    w = tc.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert not d.requires_grad and d.grad_fn is None
    d.mul_(2)  # shares memory: no autograd error, the parameter changes
    assert w.detach().tolist() == [2.0, 4.0]
    w.data = tc.tensor([5.0, 6.0])
    assert w.requires_grad and w.is_leaf and w.detach().tolist() == [5.0, 6.0]


def test_legacy_typed_tensors_and_device_refusals():
    for name, dt in [("FloatTensor", tc.float32), ("DoubleTensor", tc.float64), ("HalfTensor", tc.float16),
                     ("LongTensor", tc.int64), ("IntTensor", tc.int32), ("ShortTensor", tc.int16),
                     ("CharTensor", tc.int8), ("ByteTensor", tc.uint8), ("BoolTensor", tc.bool)]:
        t = getattr(tc, name)([1, 0])
        assert t.dtype == dt and t.tolist() == ([True, False] if dt == tc.bool else [1, 0]), name
    assert tc.DoubleTensor(2, 3).shape == (2, 3)  # sizes, uninitialised
    assert str(tc.get_default_device()) == "cpu"
    tc.set_default_device("cpu")
    assert str(tc.zeros(1).device) == "cpu"
    # no CUDA here: the same kinds as a CPU-only PyTorch
    with pytest.raises(AssertionError):
        tc.ones(1).cuda()
    with pytest.raises(RuntimeError):
        tc.ones(1).pin_memory()
    assert tc.ones(1).is_pinned() is False


def test_introspection():
    x = tc.zeros(2, 3)
    assert x.dim() == x.ndimension() == x.ndim == 2
    assert x.nelement() == x.numel() == 6
    assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-2) == 2
    assert x.element_size() == 4 and tc.zeros(1, dtype=tc.float64).element_size() == 8
    assert x.is_contiguous() and not x.t().is_contiguous()
    assert not x.is_cuda and str(x.device) == "cpu"
    assert x.is_floating_point() and not tc.tensor([1]).is_floating_point()


def test_equal_and_allclose_return_python_bools():
    x = tc.tensor([1.0, 2.0])
    assert tc.equal(x, tc.tensor([1.0, 2.0])) is True and x.equal(x + 1) is False
    assert tc.equal(x, tc.tensor([1.0])) is False  # other shape: not equal, no broadcasting
    assert tc.allclose(x, x + 1e-9) is True and x.allclose(x + 1) is False
    assert x.allclose(x + 0.05, atol=0.1) is True


def test_python_protocols():
    # __float__ __int__ __complex__ __bool__ __index__ __len__ __iter__ __array__ __array_ufunc__
    s = tc.tensor(2.5)
    assert float(s) == 2.5 and int(s) == 2 and complex(s) == 2.5 + 0j and bool(s)
    assert [10, 20, 30][tc.tensor(1)] == 20  # __index__ for integer tensors
    with pytest.raises(TypeError):
        [10, 20][tc.tensor(1.0)]
    with pytest.raises(RuntimeError):
        bool(tc.tensor([1.0, 2.0]))  # ambiguous, as PyTorch
    x = tc.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert len(x) == 2 and [r.tolist() for r in x] == [[1.0, 2.0], [3.0, 4.0]]
    a = np.asarray(x)  # __array__
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    # __array_ufunc__ = None: NumPy defers to the tensor, so ndarray (op) tensor is a tensor
    r = np.ones(2) + tc.tensor([1.0, 2.0])
    assert isinstance(r, tc.Tensor) and r.tolist() == [2.0, 3.0]


def test_functional_spellings_agree_with_their_general_form():
    x = tc.tensor(np.random.default_rng(0).standard_normal((1, 2, 3, 4)))
    same = np.testing.assert_array_equal
    same(F.upsample(x, scale_factor=2).numpy(), F.interpolate(x, scale_factor=2).numpy())
    same(F.upsample_nearest(x, scale_factor=2).numpy(), F.interpolate(x, scale_factor=2, mode="nearest").numpy())
    # PyTorch documents upsample_bilinear as interpolate(..., mode='bilinear', align_corners=True)
    same(F.upsample_bilinear(x, size=5).numpy(), F.interpolate(x, size=5, mode="bilinear", align_corners=True).numpy())
    for a, b in zip(F.adaptive_max_pool2d_with_indices(x, 2), F.adaptive_max_pool2d(x, 2, return_indices=True)):
        same(a.numpy(), b.numpy())
    for a, b in zip(F.adaptive_max_pool1d_with_indices(x[0], 2), F.adaptive_max_pool1d(x[0], 2, return_indices=True)):
        same(a.numpy(), b.numpy())
    # feature_alpha_dropout drops whole channels: each (n, c) plane is one affine image of x or one constant
    tc.manual_seed(0)
    ones = tc.ones(8, 6, 5, dtype=tc.float64)
    y = F.feature_alpha_dropout(ones, 0.5, training=True).numpy()
    assert (y == y[:, :, :1]).all() and len(np.unique(y.round(12))) == 2
    assert F.feature_alpha_dropout(ones, 0.5, training=False).numpy().tolist() == ones.numpy().tolist()


# ------------------------------------------------------------------------------- oracle
SURFACE = {
    "as_tensor": lambda L: L.as_tensor(np.arange(3.0)),
    "full_like": lambda L: L.full_like(L.tensor([1.5, 2.0]), 7),
    "logspace": lambda L: L.logspace(0, 2, 3),
    "logspace_base": lambda L: L.logspace(-1, 2, 4, base=2.0),
    "new_tensor": lambda L: L.tensor([1.0]).new_tensor([1, 2]),
    "new_full": lambda L: L.zeros(2, dtype=L.float64).new_full((3,), 2),
    "type_as": lambda L: L.tensor([1.5]).type_as(L.tensor([1])),
    "long": lambda L: L.tensor([1.7, -1.7]).long(),
    "int": lambda L: L.tensor([1.7, -1.7]).int(),
    "bool": lambda L: L.tensor([0.0, -1.7]).bool(),
    "half": lambda L: L.tensor([1.7]).half(),
    "numel": lambda L: L.tensor(L.numel(L.zeros(2, 3))),
    "element_size": lambda L: L.tensor([L.zeros(1, dtype=d).element_size() for d in (L.float16, L.int32, L.int64)]),
    "equal": lambda L: L.tensor([L.equal(L.ones(2), L.ones(2)), L.equal(L.ones(2), L.ones(1)), L.ones(2).equal(L.zeros(2))]),
    "allclose": lambda L: L.tensor([L.allclose(L.ones(2), L.ones(2) + 1e-9), L.ones(2).allclose(L.zeros(2))]),
    "is_contiguous": lambda L: L.tensor([L.ones(2, 3).is_contiguous(), L.ones(2, 3).t().is_contiguous()]),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SURFACE))
def test_surface_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = SURFACE[name](tc), SURFACE[name](torch)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64), rtol=1e-6)


# ----------------------------------------------------- known gaps to PyTorch (strict xfails)
def test_remainder_is_differentiable():
    a = tc.tensor([2.5, -1.0], dtype=tc.float64, requires_grad=True)
    b = tc.tensor([0.75, -1.25], dtype=tc.float64, requires_grad=True)
    assert gradcheck(lambda a, b: a % b, (a, b))


def test_masked_select_broadcasts_the_mask():
    x = tc.tensor(np.arange(4.0).reshape(2, 2))
    assert x.masked_select(tc.tensor([True, False])).tolist() == [0.0, 2.0]


def test_zero_and_fill_on_a_non_leaf_stay_in_the_graph():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 1).zero_()
    assert y.requires_grad
    (y.sum() + (x * 1).fill_(3.0).sum()).backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_nonzero_of_a_0d_tensor():
    # PyTorch: shape (n, 0) (the op table's nonzero row draws 0-d inputs too)
    assert tc.tensor(1.0).nonzero().shape == (1, 0) and tc.tensor(0.0).nonzero().shape == (0, 0)


def test_erf_and_gelu_backward_of_a_0d_input():
    x = tc.tensor(0.5, dtype=tc.float64, requires_grad=True)
    (F.erf(x) + F.gelu(x)).backward()
    want = 2 / math.sqrt(math.pi) * math.exp(-0.25)
    assert x.grad is not None and abs(x.grad.item() - want - 0.5 * (1 + math.erf(0.5 / math.sqrt(2)))
                                      - 0.5 * math.exp(-0.125) / math.sqrt(2 * math.pi)) < 1e-12


def test_bce_without_grad_inputs_has_no_history():
    assert not F.binary_cross_entropy(tc.tensor([0.5]), tc.tensor([0.0])).requires_grad


def test_list_matmul_tensor_raises_type_error():
    # as PyTorch's operator: a list or number operand is refused, t @ ndarray is taken
    with pytest.raises(TypeError, match="unsupported operand"):
        [[1.0, 2.0]] @ tc.ones(2, 1)
    with pytest.raises(TypeError, match="unsupported operand"):
        tc.ones(1, 2) @ [[1.0], [2.0]]
    with pytest.raises(TypeError, match="unsupported operand"):
        np.ones((1, 2), np.float32) @ tc.ones(2, 1)
    with pytest.raises(TypeError, match="unsupported operand"):
        tc.ones(1, 2) @ 2.0
    assert (tc.ones(1, 2) @ np.ones((2, 1), np.float32)).tolist() == [[2.0]]

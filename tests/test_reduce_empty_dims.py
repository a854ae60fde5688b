"""``dim=()`` / ``dim=[]`` as PyTorch reads it: every dim for sum, mean, var, std, nansum, norm,
count_nonzero and logsumexp(keepdim=True); no dim for any/all. And the binary ops PyTorch gives
only a Tensor ``other`` (maximum, minimum, logical_and, logical_or) refuse a Python number."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_course as tc

torch = pytest.importorskip("torch")

REDUCTIONS = {
    "sum": lambda t, d: t.sum(dim=d),
    "sum_keepdim": lambda t, d: t.sum(dim=d, keepdim=True),
    "mean": lambda t, d: t.mean(dim=d),
    "var": lambda t, d: t.var(dim=d),
    "std": lambda t, d: t.std(dim=d),
    "nansum": lambda t, d: t.nansum(dim=d),
    "norm": lambda t, d: t.norm(dim=d),
    "norm_p1": lambda t, d: t.norm(p=1, dim=d),
    "logsumexp_keepdim": lambda t, d: t.logsumexp(dim=d, keepdim=True),
    "count_nonzero": lambda t, d: t.count_nonzero(dim=d),
    "any": lambda t, d: t.any(dim=d),
    "amax": lambda t, d: t.amax(dim=d),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("empty", [(), []], ids=["tuple", "list"])
@settings(max_examples=15, deadline=None)
@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
                    elements=st.floats(-3, 3)))
def test_empty_dim_list_matches_torch(name, empty, x):
    f = REDUCTIONS[name]
    ours, theirs = f(tc.tensor(x), empty), f(torch.tensor(x), empty)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64), rtol=1e-10, atol=1e-12)


def test_empty_dim_gradient_is_over_all_elements():
    x = tc.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tc.float64, requires_grad=True)
    x.mean(dim=()).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 2), 0.25))
    assert tc.autograd.gradcheck(lambda t: t.var(dim=[]), (x,))


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["maximum", "minimum", "logical_and", "logical_or"])
@pytest.mark.parametrize("other", [3, 1.5, True])
def test_tensor_only_other_refuses_a_number(name, other):
    for lib in (tc, torch):
        with pytest.raises(TypeError, match=rf"{name}\(\): argument 'other'.*must be Tensor, not {type(other).__name__}"):
            getattr(lib, name)(lib.ones(2), other)
        with pytest.raises(TypeError):
            getattr(lib.ones(2), name)(other)
    assert getattr(tc, name)(tc.ones(2), tc.zeros(2)).shape == (2,)

"""The fused cross-entropy path (2-D logits, class indices) agrees with the general one."""
import numpy as np
import pytest

import tinygrad_course as tc
import tinygrad_course.nn.functional as F


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_fused_equals_general_path(reduction, scale):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((7, 4)) * scale
    t = tc.tensor(rng.integers(0, 4, 7))
    x1 = tc.tensor(A, requires_grad=True)
    x2 = tc.tensor(A, requires_grad=True)
    fused = F.cross_entropy(x1, t, reduction=reduction)
    general = F.cross_entropy(x2, t, reduction=reduction, weight=tc.ones(4, dtype=tc.float64))
    assert fused.grad_fn.name() == "CrossEntropyBackward0"
    assert general.grad_fn.name() != "CrossEntropyBackward0"
    np.testing.assert_allclose(fused.item(), general.item(), rtol=1e-12)
    fused.backward()
    general.backward()
    np.testing.assert_allclose(x1.grad.numpy(), x2.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert np.isfinite(fused.item())


def test_fused_path_differentiates_twice():
    x = tc.tensor(np.random.default_rng(2).standard_normal((5, 3)), requires_grad=True)
    t = tc.tensor([0, 2, 1, 1, 0])
    assert tc.autograd.gradcheck(lambda a: F.cross_entropy(a, t), (x,))
    assert tc.autograd.gradgradcheck(lambda a: F.cross_entropy(a, t, reduction="sum"), (x,))


def test_targets_out_of_range_or_ignored_take_the_general_path():
    x = tc.zeros(3, 4, requires_grad=True)
    with pytest.raises(IndexError, match="out of bounds"):
        F.cross_entropy(x, tc.tensor([0, 4, 1]))
    loss = F.cross_entropy(x, tc.tensor([0, 1, 1]), ignore_index=1)
    assert loss.grad_fn.name() != "CrossEntropyBackward0"
    np.testing.assert_allclose(loss.item(), np.log(4.0))

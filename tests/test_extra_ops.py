"""Ops beyond SPEC's list that PyTorch users reach for: values vs PyTorch, gradients vs finite differences."""
import numpy as np
import pytest

import tinygrad_course as tc

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4, 5))

CASES = {
    "sort": (lambda m, x: m.sort(x, 1)[0], lambda m, x: m.sort(x, 1)[0]),
    "sort desc": (lambda m, x: m.sort(x, -1, descending=True)[0], lambda m, x: m.sort(x, -1, descending=True)[0]),
    "topk": (lambda m, x: m.topk(x, 2, 2)[0], lambda m, x: m.topk(x, 2, 2)[0]),
    "topk smallest": (lambda m, x: m.topk(x, 3, 0, largest=False)[0], lambda m, x: m.topk(x, 3, 0, largest=False)[0]),
    "narrow": (lambda m, x: m.narrow(x, 2, 1, 3), lambda m, x: m.narrow(x, 2, 1, 3)),
    "roll": (lambda m, x: m.roll(x, (1, -2), (0, 2)), lambda m, x: m.roll(x, (1, -2), (0, 2))),
    "roll flat": (lambda m, x: m.roll(x, 3), lambda m, x: m.roll(x, 3)),
    "tril": (lambda m, x: m.tril(x, 1), lambda m, x: m.tril(x, 1)),
    "triu": (lambda m, x: m.triu(x, -1), lambda m, x: m.triu(x, -1)),
    "diagonal": (lambda m, x: m.diagonal(x, 1, 1, 2), lambda m, x: m.diagonal(x, 1, 1, 2)),
    "diagonal neg": (lambda m, x: m.diagonal(x, -1, 2, 0), lambda m, x: m.diagonal(x, -1, 2, 0)),
    "diag 2d": (lambda m, x: m.diag(x[0], 1), lambda m, x: m.diag(x[0], 1)),
    "diag 1d": (lambda m, x: m.diag(x[0, 0], -2), lambda m, x: m.diag(x[0, 0], -2)),
    "trace": (lambda m, x: m.trace(x[1]), lambda m, x: m.trace(x[1])),
    "cumprod": (lambda m, x: m.cumprod(x, 1), lambda m, x: m.cumprod(x, 1)),
    "exp2": (lambda m, x: m.exp2(x), lambda m, x: m.exp2(x)),
    "addmm": (lambda m, x: m.addmm(x[0, :, :4], x[1, :, :4], x[2, :4, :4], beta=0.5, alpha=2),
              lambda m, x: m.addmm(x[0, :, :4], x[1, :, :4], x[2, :4, :4], beta=0.5, alpha=2)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_finite_differences(name):
    f = CASES[name][0]
    x = tc.tensor(A, requires_grad=True)
    assert tc.autograd.gradcheck(lambda t: f(tc, t), (x,))


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch(name):
    torch = pytest.importorskip("torch")
    f_tc, f_t = CASES[name]
    x = tc.tensor(A, requires_grad=True)
    xt = torch.tensor(A, requires_grad=True)
    y, yt = f_tc(tc, x), f_t(torch, xt)
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(yt.shape)
    (y * tc.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_sort_indices_argsort_unique_match_torch():
    torch = pytest.importorskip("torch")
    v = [3.0, 1.0, 2.0, 1.0]
    assert tc.tensor(v).sort().indices.tolist() == torch.tensor(v).sort(stable=True).indices.tolist()
    assert tc.tensor(v).argsort(descending=True).tolist()[0] == 0
    assert tc.unique(tc.tensor([3, 1, 3])).tolist() == torch.unique(torch.tensor([3, 1, 3])).tolist()
    assert tc.tensor([1.0, -2.0]).abs_().tolist() == [1.0, 2.0]


def test_bad_arguments():
    x = tc.ones(2, 3)
    with pytest.raises(RuntimeError, match="topk"):
        x.topk(5)
    with pytest.raises(IndexError, match="narrow"):
        x.narrow(1, 2, 2)
    with pytest.raises(RuntimeError, match="tril"):
        tc.ones(3).tril()
    with pytest.raises(RuntimeError, match="diagonal"):
        x.diagonal(0, 1, 1)


def test_function_forms_of_inplace_and_shape_methods():
    x = tc.tensor([-1.0, 4.0])
    for name in ("abs_", "neg_", "relu_", "sigmoid_", "tanh_", "zero_"):
        a, b = x.clone(), x.clone()
        assert getattr(tc, name)(a) is a
        assert getattr(b, name)().tolist() == a.tolist()
    assert tc.clamp_(x.clone(), 0, 1).tolist() == [0.0, 1.0]
    assert tc.fill_(x.clone(), 3.0).tolist() == [3.0, 3.0]
    assert tc.expand(tc.ones(1, 2), 3, 2).shape == (3, 2)
    assert tc.repeat(tc.tensor([1, 2]), 2).tolist() == [1, 2, 1, 2]
    assert tc.view(tc.arange(4), 2, 2).shape == (2, 2)

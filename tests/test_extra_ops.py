"""Ops beyond SPEC's list that PyTorch users reach for: what the op table cannot say.

Values, gradients (finite differences, double backward) and PyTorch agreement of sort, topk,
narrow, roll, tril, triu, diagonal, diag, trace, cumprod, exp2 and addmm are rows of
tests/op_table.py; here: sort stability, unique, error messages, function forms."""
import pytest

import tinygrad_course as tc


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
    with pytest.raises(RuntimeError, match="narrow"):  # PyTorch: RuntimeError (issue 9)
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

"""isclose/allclose refuse what PyTorch refuses, with PyTorch's exception kinds (no NumPy message)."""
import pytest

import tinygrad_course as tc

torch = pytest.importorskip("torch")

BAD = {
    "number": lambda L: L.ones(3),  # other = 3 below
    "shapes": lambda L: L.ones(2),
    "dtypes": lambda L: L.ones(3, dtype=L.float64),
}


@pytest.mark.oracle
@pytest.mark.parametrize("op", ["isclose", "allclose"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_other_raises_the_kind_torch_raises(op, case):
    kinds = []
    for L in (tc, torch):
        other = 3 if case == "number" else BAD[case](L)
        with pytest.raises((TypeError, RuntimeError)) as e:
            getattr(L, op)(L.ones(3), other)
        kinds.append(e.type)
    assert kinds[0] is kinds[1]
    if case != "number":
        with pytest.raises(RuntimeError, match=op):
            getattr(tc, op)(tc.ones(3), BAD[case](tc))


@pytest.mark.oracle
def test_values_match_torch_bool_int_nan():
    cases = [([True, False], [True, True], {}), ([1, 2], [1, 3], {}), ([float("nan"), 1.0], [float("nan"), 1.0], {"equal_nan": True}),
             ([1.0, 2.0], [1.0 + 1e-6, 2.1], {"rtol": 0, "atol": 1e-5})]
    for a, b, kw in cases:
        ours = tc.isclose(tc.tensor(a), tc.tensor(b), **kw).tolist()
        assert ours == torch.isclose(torch.tensor(a), torch.tensor(b), **kw).tolist()
        assert tc.allclose(tc.tensor(a), tc.tensor(b), **kw) == torch.allclose(torch.tensor(a), torch.tensor(b), **kw)

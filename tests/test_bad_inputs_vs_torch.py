"""Bad input gets PyTorch's behaviour (issue 9): the same exception class, or the same value
where PyTorch returns one. Each case runs on both engines; no NumPy message may reach the user."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_course as tc

pytestmark = pytest.mark.oracle


def _x(lib):
    return lib.arange(6.0).reshape(2, 3)


def _setitem(lib, idx, value):
    x = _x(lib)
    x[idx] = value
    return x


def _F(lib):
    return lib.nn.functional


# (id, fn(lib) -> result): lib is tinygrad_course or torch
CASES = [
    # silent wrong results
    ("int_floordiv_zero", lambda L: L.tensor([4, 5]) // 0),
    ("int_remainder_zero", lambda L: L.tensor([4, 5]) % 0),
    ("int_div_trunc_zero", lambda L: L.tensor([4, 5]).div(0, rounding_mode="trunc")),
    ("float_floordiv_zero", lambda L: L.tensor([4.0, -5.0, 0.0]) // 0),
    ("nan_to_int64", lambda L: L.tensor([float("nan")], dtype=L.int64)),
    ("inf_to_int64", lambda L: L.tensor([float("inf")], dtype=L.int64)),
    ("gather_negative_index", lambda L: L.tensor([1.0, 2.0, 3.0]).gather(0, L.tensor([-1]))),
    ("gather_index_too_big", lambda L: L.tensor([1.0, 2.0, 3.0]).gather(0, L.tensor([3]))),
    ("view_of_transpose", lambda L: _x(L).t().view(6)),
    ("view_of_transpose_ok", lambda L: _x(L).t().view(3, 2)),
    ("cat_of_a_tensor", lambda L: L.cat(_x(L))),
    ("stack_of_a_tensor", lambda L: L.stack(_x(L))),
    ("sum_0d_dim5", lambda L: L.tensor(1.0).sum(dim=5)),
    ("sum_0d_dim0", lambda L: L.tensor(1.0).sum(dim=0)),
    ("sum_0d_dim_minus1", lambda L: L.tensor(1.0).sum(dim=-1)),
    ("flatten_0d", lambda L: L.tensor(1.0).flatten(3, -2)),
    ("flatten_0d_ok", lambda L: L.tensor(1.0).flatten(0, -1)),
    ("amax_0d", lambda L: L.tensor(1.0).amax(dim=3)),
    ("var_0d", lambda L: L.tensor(1.0).var(dim=2)),
    ("logsumexp_0d", lambda L: L.tensor(1.0).logsumexp(dim=4)),
    ("mean_0d", lambda L: L.tensor(1.0).mean(dim=1)),
    ("pad_negative_beyond", lambda L: _F(L).pad(L.zeros(1, 2), (-3, 0))),
    ("pad_negative_ok", lambda L: _F(L).pad(L.ones(1, 3), (-1, 0))),
    # spurious errors
    ("softmax_empty_dim", lambda L: L.zeros(2, 0).softmax(1)),
    ("log_softmax_empty_dim", lambda L: L.zeros(2, 0).log_softmax(1)),
    ("logsumexp_empty_dim", lambda L: L.zeros(2, 0).logsumexp(1)),
    ("amax_kept_empty_dim", lambda L: L.zeros(2, 0).amax(dim=0)),
    ("amax_empty_reduced_dim", lambda L: L.zeros(2, 0).amax(dim=1)),
    ("manual_seed_minus1", lambda L: L.manual_seed(-1) and None),
    # wrong kinds
    ("zeros_2_40", lambda L: L.zeros(2 ** 40)),
    ("zeros_2_62", lambda L: L.zeros(2 ** 62)),
    ("ones_huge_2d", lambda L: L.ones(2 ** 30, 2 ** 30)),
    ("arange_inf", lambda L: L.arange(0, float("inf"))),
    ("arange_nan", lambda L: L.arange(0, float("nan"))),
    ("arange_step0", lambda L: L.arange(0, 5, 0)),
    ("arange_wrong_sign", lambda L: L.arange(0, 5, -1)),
    ("add_mixed_list", lambda L: _x(L) + [1, "a"]),
    ("add_str", lambda L: _x(L) + "a"),
    ("argmax_empty", lambda L: L.zeros(0).argmax()),
    ("argmin_empty", lambda L: L.zeros(0).argmin()),
    ("max_empty", lambda L: L.zeros(0).max()),
    ("linear_negative", lambda L: L.nn.Linear(-1, 2)),
    ("index_float", lambda L: _x(L)[1.5]),
    ("index_out_of_range", lambda L: _x(L)[5]),
    ("index_out_of_range_2", lambda L: _x(L)[0, 7]),
    ("narrow_out_of_range", lambda L: _x(L).narrow(1, 2, 5)),
    ("narrow_bad_dim", lambda L: _x(L).narrow(4, 0, 1)),
    ("narrow_0d", lambda L: L.tensor(1.0).narrow(0, 0, 1)),
    ("narrow_negative_length", lambda L: _x(L).narrow(1, 0, -1)),
    ("clamp_min_str", lambda L: _x(L).clamp(min="a")),
    ("setitem_out_of_range", lambda L: _setitem(L, 5, 1)),
    ("setitem_str", lambda L: _setitem(L, 0, "a")),
    ("ragged", lambda L: L.tensor([[1, 2], [3]])),
    ("tensor_of_str", lambda L: L.tensor(["a"])),
    # op_db error inputs where we returned silently
    ("linspace_1d_ends", lambda L: L.linspace(L.tensor([0.0, 1.0]), L.tensor([1.0, 2.0]), 3)),
    ("logspace_1d_ends", lambda L: L.logspace(L.tensor([0.0, 1.0]), L.tensor([1.0, 2.0]), 3)),
    ("linspace_negative_steps", lambda L: L.linspace(0, 1, -1)),
    ("isclose_negative_rtol", lambda L: L.isclose(L.ones(2), L.ones(2), rtol=-1)),
    ("isclose_negative_atol", lambda L: L.isclose(L.ones(2), L.ones(2), atol=-1)),
    ("hardtanh_min_gt_max", lambda L: _F(L).hardtanh(L.ones(2), 2.0, 1.0)),
    ("multinomial_int_probs", lambda L: L.multinomial(L.tensor([1, 2]), 1)),
    ("multinomial_n0", lambda L: L.multinomial(L.tensor([0.5, 0.5]), 0)),
    ("embedding_3d_weight", lambda L: _F(L).embedding(L.tensor([0]), L.ones(2, 2, 2))),
    ("mean_int_dtype", lambda L: L.ones(3).mean(dtype=L.int64)),
    ("mean_of_ints", lambda L: L.ones(3, dtype=L.int64).mean()),
    ("sign_nan", lambda L: L.tensor([float("nan"), -2.0, 0.0]).sign()),
    ("clamp_nan_bound", lambda L: L.tensor([1.0, 2.0]).clamp(min=L.tensor([float("nan"), 0.0]))),
    ("clamp_nan_max_bound", lambda L: L.tensor([1.0, 2.0]).clamp(max=L.tensor([0.0, float("nan")]))),
    ("masked_select_broadcast", lambda L: L.ones(2, 3).masked_select(L.tensor([True, False, True]))),
    ("masked_select_bad_shape", lambda L: L.ones(2, 3).masked_select(L.ones(2, 2, dtype=L.bool))),
    ("var_unbiased_positional", lambda L: L.var(_x(L), True)),
    ("cumsum_dtype", lambda L: L.cumsum(L.tensor([1, 2]), 0, dtype=L.float64)),
    ("movedim_lists", lambda L: L.movedim(L.zeros(2, 3, 4), [0, 1], [2, 0]).shape),
]


def _builtin_base(exc_type):
    for k in exc_type.__mro__:
        if k.__module__ == "builtins":
            return k
    return Exception


def _run(fn, lib):
    try:
        return fn(lib), None
    except Exception as e:  # noqa: BLE001 - compared below
        return None, e


def _numpy_text(msg: str) -> bool:
    """NumPy's own wording (our messages name the op instead)."""
    return any(s in msg for s in ("inhomogeneous", "ufunc", "numpy.", "setting an array element with a sequence",
                                  "could not broadcast", "negative dimensions are not allowed", "Unable to allocate"))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_matches_torch(case):
    torch = pytest.importorskip("torch")
    _, fn = case
    want, t_err = _run(fn, torch)
    got, o_err = _run(fn, tc)
    if t_err is not None:
        base = _builtin_base(type(t_err))
        assert o_err is not None, f"torch raises {type(t_err).__name__}({t_err}); we return {got!r}"
        assert isinstance(o_err, base), f"torch raises {base.__name__}, we {type(o_err).__name__}: {o_err}"
        assert not _numpy_text(str(o_err)), f"NumPy's text reaches the user: {o_err}"
        return
    assert o_err is None, f"torch returns {want!r}; we raise {type(o_err).__name__}: {o_err}"
    if isinstance(want, torch.Tensor):
        assert isinstance(got, tc.Tensor)
        assert tuple(got.shape) == tuple(want.shape)
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6, equal_nan=True)
        assert got.requires_grad == want.requires_grad
    elif isinstance(want, tuple):
        assert tuple(got) == tuple(want)


def test_setitem_out_of_range_message():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 2"):
        _setitem(tc, 5, 1)


def test_view_of_transpose_message():
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size and stride"):
        _x(tc).t().view(6)


def test_zeros_too_big_names_the_size():
    with pytest.raises(RuntimeError, match=str(2 ** 40 * 4)):
        tc.zeros(2 ** 40)


def test_integer_division_by_zero_message():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        tc.tensor([4, 5]) // 0

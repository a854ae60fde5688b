"""F.interpolate's volumetric and cubic modes: 5-D 'nearest' / 'nearest-exact' / 'area', 'trilinear'
(5-D) and 'bicubic' (4-D), plus ``F.upsample_nearest`` and ``nn.Upsample`` with them.

PyTorch oracle: Hypothesis-drawn shapes, sizes and scale factors (float64), same outputs and same
input gradients for a random upstream gradient; the same exception kinds on bad input.
Gradients: gradcheck and gradgradcheck in float64 (the ops are gathers times constant weights).
"""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(11)


def _torch():
    return pytest.importorskip("torch")


def T(a, rg=True):
    return tc.tensor(np.asarray(a, np.float64), requires_grad=rg)


def _compare(x, call_ours, call_theirs, tol=1e-10, grad=True):
    """Same output and (with ``grad``) the same gradient of sum(out * g) for both engines."""
    torch = _torch()
    xo, xt = tc.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt = call_theirs(xt)
    yo = call_ours(xo)
    assert tuple(yo.shape) == tuple(yt.shape)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    if not grad:
        return
    g = RNG.standard_normal(tuple(yt.shape)).astype(x.dtype)
    (yo * tc.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


_sizes3 = st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))


@st.composite
def _resize_args(draw, n):
    """Either {size: ...} or {scale_factor: ..., recompute_scale_factor: ...}, for n spatial dims."""
    if draw(st.booleans()):
        size = draw(st.tuples(*[st.integers(1, 7)] * n))
        return dict(size=size if draw(st.booleans()) else size[0])
    scales = draw(st.tuples(*[st.sampled_from([0.5, 0.7, 1.0, 1.19, 1.3, 1.5, 2.0, 2.1, 2.5, 3.0])] * n))
    return dict(scale_factor=scales if draw(st.booleans()) else scales[0],
                recompute_scale_factor=draw(st.sampled_from([None, True])))


def _ok_sizes(shape, kw):
    """The output sizes are all >= 1 (PyTorch refuses an empty output for the interpolating modes)."""
    n = len(shape) - 2
    if "size" in kw:
        return True
    s = kw["scale_factor"]
    s = s if isinstance(s, tuple) else (s,) * n
    return all(int(np.floor(shape[2 + i] * s[i])) >= 1 for i in range(n))


# ------------------------------------------------------------------------------ oracle: forward and backward
@pytest.mark.oracle
@given(sp=_sizes3, mode=st.sampled_from(["nearest", "nearest-exact", "area", "trilinear"]), kw=_resize_args(3),
       ac=st.booleans())
def test_volumetric_modes_match_torch(sp, mode, kw, ac):
    torch = _torch()
    shape = (2, 2) + sp
    if not _ok_sizes(shape, kw):
        return
    ac = ac if mode == "trilinear" else None
    x = RNG.standard_normal(shape)
    _compare(x, lambda t: F.interpolate(t, mode=mode, align_corners=ac, **kw),
             lambda t: torch.nn.functional.interpolate(t, mode=mode, align_corners=ac, **kw),
             grad=not _torch_backward_disagrees(shape, mode, kw))


def _torch_backward_disagrees(shape, mode, kw, ac=None):
    """Where PyTorch's gradient is not the derivative of its own output (ours is, the gather's).

    Its 1-D/3-D 'nearest' forward picks floor(dst / scale_factor), but the backward takes the
    shortcuts of nearest_idx (copy when out == in, dst >> 1 when out == 2 in); its 'bicubic'
    forward uses the scale factor when out == in, the backward copies.
    """
    if "scale_factor" not in kw or kw.get("recompute_scale_factor"):
        return False
    s = kw["scale_factor"]
    s = s if isinstance(s, tuple) else (s,) * (len(shape) - 2)
    outs = [int(np.floor(n * f)) for n, f in zip(shape[2:], s)]
    if mode == "nearest" and len(shape) != 4:
        return any(o in (n, 2 * n) and f not in (1.0, 2.0) for o, n, f in zip(outs, shape[2:], s))
    if mode == "bicubic" and not ac:
        return any(o == n and f != 1.0 for o, n, f in zip(outs, shape[2:], s))
    return False


def test_nearest_gradient_is_the_gathers_where_torchs_backward_shortcuts():
    # forward as PyTorch: in 2, scale 1.3 -> out 2, src = floor(dst / 1.3) = [0, 0]
    x = T([[[5.0, 7.0]]])
    y = F.interpolate(x, scale_factor=1.3)
    np.testing.assert_array_equal(y.detach().numpy(), [[[5.0, 5.0]]])
    (y * tc.tensor([[[1.0, 2.0]]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[3.0, 0.0]]])  # PyTorch's backward says [1, 2]


@pytest.mark.oracle
@given(sp=st.tuples(st.integers(1, 6), st.integers(1, 6)), kw=_resize_args(2), ac=st.booleans())
def test_bicubic_matches_torch(sp, kw, ac):
    torch = _torch()
    shape = (2, 3) + sp
    if not _ok_sizes(shape, kw):
        return
    x = RNG.standard_normal(shape)
    _compare(x, lambda t: F.interpolate(t, mode="bicubic", align_corners=ac, **kw),
             lambda t: torch.nn.functional.interpolate(t, mode="bicubic", align_corners=ac, **kw),
             grad=not _torch_backward_disagrees(shape, "bicubic", kw, ac))


@pytest.mark.oracle
@pytest.mark.parametrize("mode,shape,kw", [
    ("bicubic", (1, 2, 5, 4), dict(scale_factor=0.3)),  # downsampling: taps past both borders
    ("bicubic", (1, 1, 1, 1), dict(size=(3, 4))),  # a single pixel: every tap clamps to it
    ("bicubic", (1, 2, 3, 7), dict(size=(3, 7))),  # same size: the identity
    ("trilinear", (1, 1, 1, 2, 3), dict(size=(4, 1, 5))),
    ("trilinear", (1, 2, 2, 4, 3), dict(scale_factor=(1.3, 1.19, 0.5))),  # out == in: PyTorch copies
    ("bicubic", (1, 2, 4, 3), dict(scale_factor=(2.1, 1.5))),
    ("nearest", (1, 2, 4, 3), dict(scale_factor=(1.19, 2.1))),  # 4-D nearest: nearest_idx's shortcuts
    ("nearest", (1, 2, 2, 4, 3), dict(scale_factor=(1.0, 1.19, 2.1))),  # 5-D: the formula alone
    ("nearest-exact", (1, 2, 2, 5, 3), dict(scale_factor=(1.3, 1.19, 2.1))),
    ("area", (1, 2, 7, 5, 3), dict(size=(3, 2, 2))),  # windows of unequal length
    ("area", (1, 2, 4, 4, 4), dict(size=(0, 2, 2))),  # an empty output is allowed (torch's backward refuses it)
    ("nearest", (0, 2, 3, 3, 3), dict(size=2)),  # an empty batch
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_edge_cases_match_torch(mode, shape, kw, dtype):
    torch = _torch()
    x = RNG.standard_normal(shape).astype(dtype)
    ac = False if mode in ("bicubic", "trilinear") else None
    _compare(x, lambda t: F.interpolate(t, mode=mode, align_corners=ac, **kw),
             lambda t: torch.nn.functional.interpolate(t, mode=mode, align_corners=ac, **kw),
             tol=1e-10 if dtype == np.float64 else 2e-5,
             grad=np.prod(kw.get("size", 1)) != 0 and not _torch_backward_disagrees(shape, mode, kw, ac))


@pytest.mark.oracle
def test_upsample_nearest_and_module_match_torch():
    torch = _torch()
    x = RNG.standard_normal((1, 2, 2, 3, 2))
    _compare(x, lambda t: F.upsample_nearest(t, scale_factor=2),
             lambda t: torch.nn.functional.upsample_nearest(t, scale_factor=2))
    for args, shape in [(dict(scale_factor=2, mode="trilinear"), (1, 2, 2, 3, 2)),
                        (dict(size=(3, 4, 5), mode="trilinear", align_corners=True), (1, 1, 2, 2, 2)),
                        (dict(scale_factor=(1.5, 2), mode="bicubic"), (1, 2, 3, 4)),
                        (dict(size=5, mode="bicubic", align_corners=True), (2, 1, 3, 3)),
                        (dict(scale_factor=0.5, mode="area"), (1, 2, 4, 4, 6)),
                        (dict(size=(2, 3, 4), mode="nearest-exact"), (1, 1, 3, 3, 3))]:
        ours, theirs = nn.Upsample(**args), torch.nn.Upsample(**args)
        assert repr(ours) == repr(theirs)
        _compare(RNG.standard_normal(shape), ours, theirs)


# ------------------------------------------------------------------------------ gradients
@pytest.mark.parametrize("mode,shape,kw", [
    ("trilinear", (1, 1, 2, 3, 2), dict(size=(3, 2, 4), align_corners=False)),
    ("trilinear", (1, 1, 2, 2, 3), dict(scale_factor=1.5, align_corners=True)),
    ("bicubic", (1, 2, 3, 3), dict(size=(4, 5), align_corners=False)),
    ("bicubic", (1, 1, 4, 3), dict(scale_factor=0.6, align_corners=True)),
    ("area", (1, 1, 3, 4, 5), dict(size=(2, 3, 2))),
    ("nearest", (1, 1, 2, 2, 3), dict(scale_factor=1.5)),
    ("nearest-exact", (1, 1, 3, 2, 2), dict(size=(2, 3, 3))),
])
def test_gradcheck_and_gradgradcheck(mode, shape, kw):
    x = T(RNG.standard_normal(shape))
    fn = lambda x: F.interpolate(x, mode=mode, **kw)  # noqa: E731
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_bicubic_weights_sum_to_one_and_reproduce_the_cubic_kernel():
    # a constant image stays constant; along one axis out = sum_j W(src - i_j) x[i_j], W Keys' A = -0.75
    x = tc.ones(1, 1, 3, 4, dtype=tc.float64)
    np.testing.assert_allclose(F.interpolate(x, size=(7, 5), mode="bicubic").numpy(), 1.0, atol=1e-12)

    def w(d):
        d, a = abs(d), -0.75
        return ((a + 2) * d - (a + 3)) * d * d + 1 if d <= 1 else ((a * d - 5 * a) * d + 8 * a) * d - 4 * a if d < 2 else 0

    row = RNG.standard_normal(6)
    out = F.interpolate(tc.tensor(row.reshape(1, 1, 1, 6)), size=(1, 9), mode="bicubic").numpy().reshape(-1)
    for o in range(9):
        src = (o + 0.5) * 6 / 9 - 0.5
        i0 = int(np.floor(src))
        want = sum(w(src - (i0 + j)) * row[min(max(i0 + j, 0), 5)] for j in (-1, 0, 1, 2))
        assert abs(out[o] - want) < 1e-12


# ------------------------------------------------------------------------------ errors
ERROR_CALLS = [
    ("bicubic on 5-D", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2), size=3, mode="bicubic")),
    ("bicubic on 3-D", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2), size=3, mode="bicubic")),
    ("trilinear on 4-D", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2), size=3, mode="trilinear")),
    ("bilinear on 5-D", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2), size=3, mode="bilinear")),
    ("6-D", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2, 2), size=3)),
    ("unknown mode", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2), size=3, mode="cubic")),
    ("trilinear output 0", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2), size=(0, 2, 2), mode="trilinear")),
    ("nearest 5-D no channels", lambda Fm, t: Fm.interpolate(t.zeros(2, 0, 2, 2, 2), size=3)),
    ("area 5-D empty depth", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 0, 2, 2), size=3, mode="area")),
    ("area 5-D negative size", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2), size=-1, mode="area")),
    ("bicubic size rank", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2), size=(2, 2, 2), mode="bicubic")),
    ("trilinear float size", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2), size=(2, 2.0, 2),
                                                          mode="trilinear")),
    ("bicubic int64", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, dtype=t.int64), size=3, mode="bicubic")),
    ("nearest 5-D int64", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2, dtype=t.int64), size=3)),
    ("area 5-D int64", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2, dtype=t.int64), size=3, mode="area")),
    ("antialias nearest", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2), size=3, antialias=True)),
    ("align_corners nearest", lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 2, 2, 2), size=3, align_corners=True)),
]


@pytest.mark.oracle
@pytest.mark.parametrize("name,call", ERROR_CALLS, ids=[n for n, _ in ERROR_CALLS])
def test_errors_are_torchs_kinds(name, call):
    torch = _torch()
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, torch)
    with pytest.raises(type(theirs.value)):
        call(F, tc)


def test_nearest_5d_keeps_uint8():
    x = tc.tensor(np.arange(8, dtype=np.uint8).reshape(1, 1, 2, 2, 2))
    y = F.interpolate(x, scale_factor=2)
    assert y.dtype == tc.uint8 and tuple(y.shape) == (1, 1, 4, 4, 4)
    assert y.numpy()[0, 0, 3, 3, 3] == 7

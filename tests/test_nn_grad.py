"""nn: gradients vs central finite differences (float64) for functional ops, layers and losses
beyond the op table (tests/op_table.py holds the activations and the plain losses), and second
derivatives (gradgradcheck) where the ops allow. Shapes drawn by Hypothesis where free."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.autograd import gradcheck, gradgradcheck


def rnd(*shape, seed=0, scale=1.0, low=None, high=None):
    rng = np.random.default_rng(seed)
    if low is not None:
        a = rng.uniform(low, high, shape)
    else:
        a = rng.standard_normal(shape) * scale
    return tc.tensor(a, dtype=tc.float64, requires_grad=True)


def away_from_kinks(*shape, seed=0, gap=0.05):
    """Values with |x| > gap so finite differences do not straddle relu/abs kinks."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    a = np.where(np.abs(a) < gap, np.sign(a + 1e-12) * (gap + np.abs(a)), a)
    return tc.tensor(a, dtype=tc.float64, requires_grad=True)


def distinct(*shape, seed=0):
    """A permutation of well-separated values: max/argmax never ties within eps."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    a = rng.permutation(n).astype(np.float64).reshape(shape) * 0.1
    return tc.tensor(a, requires_grad=True)


# --------------------------------------------------------------------------- convolution
conv_geometry = st.tuples(
    st.integers(1, 2),  # N
    st.integers(1, 3),  # C_in / groups
    st.integers(1, 2),  # groups
    st.integers(1, 2),  # C_out / groups
    st.integers(1, 3), st.integers(1, 3),  # kernel
    st.integers(1, 2), st.integers(1, 2),  # stride
    st.integers(0, 1), st.integers(0, 1),  # padding
    st.integers(1, 2), st.integers(1, 2),  # dilation
    st.integers(3, 6), st.integers(3, 6),  # H, W
)


@settings(max_examples=15, deadline=None)
@given(conv_geometry, st.booleans())
def test_conv2d_gradcheck(g, bias):
    N, cg, groups, og, kh, kw, sh, sw, ph, pw, dh, dw, H, W = g
    C, O = cg * groups, og * groups
    if H + 2 * ph < dh * (kh - 1) + 1 or W + 2 * pw < dw * (kw - 1) + 1:
        return
    x = rnd(N, C, H, W, seed=1)
    w = rnd(O, cg, kh, kw, seed=2)
    b = rnd(O, seed=3) if bias else None
    args = (x, w, b) if bias else (x, w)

    def f(*a):
        return F.conv2d(a[0], a[1], a[2] if bias else None, stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw),
                        groups=groups)

    assert gradcheck(f, args)


def test_conv2d_gradgradcheck():
    x = rnd(2, 2, 5, 4, seed=1)
    w = rnd(3, 2, 2, 3, seed=2)
    b = rnd(3, seed=3)
    assert gradgradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1), (x, w, b))


def test_conv2d_same_padding_and_conv1d_gradcheck():
    x = rnd(2, 2, 5, 6, seed=1)
    w = rnd(3, 2, 2, 3, seed=2)
    assert gradcheck(lambda x, w: F.conv2d(x, w, padding="same"), (x, w))
    x1 = rnd(2, 4, 7, seed=4)
    w1 = rnd(6, 2, 3, seed=5)
    assert gradcheck(lambda x, w: F.conv1d(x, w, stride=2, padding=1, groups=2), (x1, w1))
    assert gradgradcheck(lambda x, w: F.conv1d(x, w, padding="same", dilation=2, groups=2), (x1, w1))


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 1), st.integers(1, 2))
def test_unfold_fold_gradcheck(kh, kw, s, p, d):
    x = rnd(1, 2, 5, 6, seed=1)
    if 5 + 2 * p < d * (kh - 1) + 1 or 6 + 2 * p < d * (kw - 1) + 1:
        return
    assert gradcheck(lambda x: F.unfold(x, (kh, kw), dilation=d, padding=p, stride=s), (x,))
    L = F.unfold(x, (kh, kw), dilation=d, padding=p, stride=s).shape[-1]
    c = rnd(1, 2 * kh * kw, L, seed=2)
    assert gradcheck(lambda c: F.fold(c, (5, 6), (kh, kw), dilation=d, padding=p, stride=s), (c,))


def test_unfold_fold_are_adjoint_and_double_differentiable():
    x = rnd(2, 3, 6, 5, seed=1)
    assert gradgradcheck(lambda x: F.unfold(x, 3, padding=1) ** 2, (x,))
    c = rnd(2, 3 * 4, 42, seed=2)
    assert gradgradcheck(lambda c: F.fold(c, (6, 5), 2, padding=1) ** 2, (c,))


# ------------------------------------------------------------------------------- pooling
@settings(max_examples=12, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.sampled_from([None, 1, 2]), st.integers(0, 1), st.integers(1, 2),
       st.booleans())
def test_max_pool2d_gradcheck(kh, kw, stride, pad, dil, ceil):
    if pad * 2 > min(kh, kw):
        return
    x = distinct(2, 2, 6, 5, seed=3)
    assert gradcheck(lambda x: F.max_pool2d(x, (kh, kw), stride, pad, dil, ceil_mode=ceil), (x,))


def test_max_pool_double_backward():
    x = distinct(1, 2, 4, 6, seed=1)
    assert gradgradcheck(lambda x: F.max_pool2d(x, 2) ** 2, (x,))
    assert gradgradcheck(lambda x: F.max_pool1d(x[0], 3, stride=2) ** 2, (x,))


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.sampled_from([None, 1, 2]), st.integers(0, 1), st.booleans(),
       st.booleans())
def test_avg_pool2d_gradcheck(kh, kw, stride, pad, ceil, include_pad):
    if pad * 2 > min(kh, kw):
        return
    x = rnd(2, 2, 5, 6, seed=4)
    f = lambda x: F.avg_pool2d(x, (kh, kw), stride, pad, ceil_mode=ceil, count_include_pad=include_pad)  # noqa: E731
    assert gradcheck(f, (x,))
    assert gradgradcheck(lambda x: f(x) ** 2, (x,))


@pytest.mark.parametrize("size", [(1, 1), (2, 3), (3, 3), (5, 4), (None, 2)])
def test_adaptive_avg_pool2d_gradcheck(size):
    x = rnd(2, 2, 5, 4, seed=5)
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, size), (x,))
    assert gradgradcheck(lambda x: F.adaptive_avg_pool2d(x, size) ** 2, (x,))


def test_pool1d_gradcheck():
    x = rnd(2, 3, 9, seed=6)
    assert gradcheck(lambda x: F.avg_pool1d(x, 3, stride=2, padding=1), (x,))
    assert gradcheck(lambda x: F.adaptive_avg_pool1d(x, 4), (x,))
    assert gradcheck(lambda x: F.max_pool1d(x, 2), (distinct(2, 3, 9),))


# ----------------------------------------------------------------------------- activations
# relu leaky_relu elu gelu sigmoid tanh softplus silu logsigmoid relu6 hardtanh softmax
# log_softmax softmin erf: rows of tests/op_table.py (gradcheck, gradgradcheck, shared subgraph)
def test_erf_gradcheck_and_values():
    x = rnd(20, seed=8, scale=2.0)
    assert gradcheck(F.erf, (x,))
    assert gradgradcheck(F.erf, (x,))
    import math

    pts = np.array([-30.0, -5.5, -2.0, -0.6, -0.3, -1e-9, 0.0, 1e-9, 0.2, 0.49, 0.51, 1.0, 3.0, 6.0, 27.0])
    got = F.erf(tc.tensor(pts)).numpy()
    want = np.array([math.erf(v) for v in pts])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)


# ---------------------------------------------------------------------------------- losses
REDUCTIONS = ["mean", "sum", "none"]


# mse_loss l1_loss huber_loss smooth_l1_loss, every reduction: rows of tests/op_table.py


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.integers(2, 5), st.sampled_from(REDUCTIONS), st.booleans(),
       st.sampled_from([0.0, 0.25]), st.booleans())
def test_cross_entropy_gradcheck(n, c, reduction, use_weight, smoothing, ignore):
    rng = np.random.default_rng(n * 10 + c)
    x = rnd(n, c, seed=n + c)
    t = rng.integers(0, c, n)
    if ignore:
        t[0] = -100
    w = tc.tensor(rng.uniform(0.5, 2.0, c)) if use_weight else None
    if ignore and reduction == "mean" and n == 1:
        return  # every target ignored: 0/0, NaN as in PyTorch
    f = lambda a: F.cross_entropy(a, tc.tensor(t), weight=w, reduction=reduction, label_smoothing=smoothing)  # noqa
    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))


def test_cross_entropy_probabilities_and_nd_gradcheck():
    x = rnd(3, 4, seed=1)
    p = tc.tensor(np.random.default_rng(2).dirichlet(np.ones(4), 3), requires_grad=True)
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1), (x, p))
    assert gradgradcheck(lambda a, b: F.cross_entropy(a, b), (x, p))
    x4 = rnd(2, 3, 2, 2, seed=3)
    t4 = tc.tensor(np.random.default_rng(4).integers(0, 3, (2, 2, 2)))
    assert gradcheck(lambda a: F.cross_entropy(a, t4, reduction="sum"), (x4,))
    x1 = rnd(5, seed=5)
    assert gradcheck(lambda a: F.cross_entropy(a, tc.tensor(2)), (x1,))


def test_nll_loss_gradcheck():
    lp = rnd(4, 3, seed=1)
    t = tc.tensor([0, 2, 1, 2])
    w = tc.tensor([0.3, 1.0, 2.0], dtype=tc.float64)
    for red in REDUCTIONS:
        assert gradcheck(lambda a: F.nll_loss(a, t, weight=w, reduction=red), (lp,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_gradcheck(reduction):
    x = rnd(3, 4, seed=1, low=0.05, high=0.95)
    y = rnd(3, 4, seed=2, low=0.0, high=1.0)
    w = tc.tensor(np.random.default_rng(3).uniform(0.5, 2, (3, 4)))
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight=w, reduction=reduction), (x, y))
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), (x, y))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_gradcheck(reduction):
    x = rnd(3, 4, seed=1, scale=3.0)
    y = rnd(3, 4, seed=2, low=0.0, high=1.0)
    pw = tc.tensor([1.0, 2.0, 0.5, 3.0], dtype=tc.float64)
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw, reduction=reduction), (x, y))
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), (x, y))


def test_bce_with_logits_gradient_at_zero_is_sigmoid_minus_target():
    x = tc.zeros(3, dtype=tc.float64, requires_grad=True)
    y = tc.tensor([0.0, 0.3, 1.0], dtype=tc.float64)
    F.binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), 0.5 - y.numpy())


def test_kl_div_gradcheck():
    lp = rnd(3, 4, seed=1)
    t = tc.tensor(np.random.default_rng(2).dirichlet(np.ones(4), 3))
    assert gradcheck(lambda a: F.kl_div(a, t, reduction="batchmean"), (lp,))


def test_losses_are_finite_for_huge_logits():
    x = tc.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], requires_grad=True)
    for loss in (F.cross_entropy(x, tc.tensor([1, 0])), F.cross_entropy(x, tc.tensor([0, 2]), label_smoothing=0.1)):
        loss.backward()
        assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()
        x.grad = None
    z = tc.tensor([1e4, -1e4, 0.0, 50.0, -50.0], requires_grad=True)
    y = tc.tensor([0.0, 1.0, 0.5, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(z, y, pos_weight=tc.tensor(2.0))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(z.grad.numpy()).all()
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(z, y, reduction="none").detach().numpy()[:2],
                               [1e4, 1e4])


# ------------------------------------------------------------------------- other functional
def test_linear_dropout_embedding_pad_gradcheck():
    x = rnd(2, 3, 4, seed=1)
    w = rnd(5, 4, seed=2)
    b = rnd(5, seed=3)
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(lambda x, w, b: F.linear(x, w, b) ** 2, (x, w, b))
    tc.manual_seed(0)
    mask_seed = 123

    def drop(t):
        tc.manual_seed(mask_seed)  # the same mask on every finite-difference call
        return F.dropout(t, 0.4, training=True)

    assert gradcheck(drop, (x,))
    W = rnd(6, 3, seed=4)
    idx = tc.tensor([[0, 2, 2], [5, 0, 1]])
    assert gradcheck(lambda w: F.embedding(idx, w), (W,))
    # padding_idx and scale_grad_by_freq change the gradient on purpose (not the derivative):
    # the padding row gets none, the others 1/count of it
    assert gradgradcheck(lambda w: F.embedding(idx, w, padding_idx=2) ** 2, (W,))
    F.embedding(idx, W, padding_idx=2, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_array_equal(W.grad.numpy()[:, 0], [1, 1, 0, 0, 0, 1])
    xp = rnd(1, 2, 4, 5, seed=5)
    for mode in ("constant", "reflect", "replicate", "circular"):
        assert gradcheck(lambda t: F.pad(t, (1, 2, 2, 1), mode=mode), (xp,))
    assert gradcheck(lambda t: F.pad(t, (-1, 2, 0, 1), value=2.0), (xp,))


def test_normalization_functional_gradcheck():
    x = rnd(4, 3, 2, seed=1)
    w = rnd(3, seed=2)
    b = rnd(3, seed=3)
    f = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)  # noqa: E731
    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))
    rm, rv = tc.tensor(np.zeros(3)), tc.tensor(np.ones(3) * 2)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), (x, w, b))
    wl, bl = rnd(3, 2, seed=4), rnd(3, 2, seed=5)
    assert gradcheck(lambda x, w, b: F.layer_norm(x, (3, 2), w, b), (x, wl, bl))
    assert gradgradcheck(lambda x, w, b: F.layer_norm(x, (3, 2), w, b), (x, wl, bl))
    assert gradcheck(lambda x, w, b: F.group_norm(x, 3, w, b), (x, w, b))


# ---------------------------------------------------------------------------------- layers
def _layer_check(layer, x, double=True):
    layer = layer.double()
    params = list(layer.parameters())
    n = len(params)

    def f(inp, *ps):
        # swap in the perturbed parameter arrays: gradcheck perturbs the tensors we hand it
        return _flatten_out(layer(inp))

    assert gradcheck(f, (x, *params))
    if double:
        assert gradgradcheck(lambda inp, *ps: _sq(f(inp, *ps)), (x, *params))
    return n


def _flatten_out(o):
    if isinstance(o, tuple):
        parts = []
        for item in o:
            parts.extend(_flatten_out(item) if isinstance(item, tuple) else (item,))
        return tuple(parts)
    return o


def _sq(o):
    return tuple(t * t for t in o) if isinstance(o, tuple) else o * o


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.Linear(4, 3), (2, 4)),
    (lambda: nn.Linear(4, 3, bias=False), (2, 5, 4)),
    (lambda: nn.Conv2d(2, 4, 3, stride=2, padding=1), (2, 2, 5, 5)),
    (lambda: nn.Conv2d(2, 2, (2, 3), padding="same", padding_mode="reflect", groups=2), (1, 2, 4, 5)),
    (lambda: nn.Conv1d(3, 2, 2, dilation=2), (2, 3, 6)),
    (lambda: nn.LayerNorm(4), (2, 3, 4)),
    (lambda: nn.GroupNorm(2, 4), (2, 4, 3)),
    (lambda: nn.AvgPool2d(2, stride=1), (1, 2, 4, 4)),
    (lambda: nn.AdaptiveAvgPool2d((2, 3)), (1, 2, 5, 4)),
    (lambda: nn.GELU(), (3, 4)),
    (lambda: nn.Softmax(dim=1), (3, 4)),
    (lambda: nn.LogSoftmax(dim=-1), (3, 4)),
    (lambda: nn.Flatten(), (2, 3, 2)),
])
def test_layer_gradcheck(make, shape):
    tc.manual_seed(0)
    _layer_check(make(), rnd(*shape, seed=1))


def test_batchnorm_layers_gradcheck():
    for layer, shape in ((nn.BatchNorm1d(3), (4, 3)), (nn.BatchNorm1d(3), (4, 3, 2)), (nn.BatchNorm2d(2), (3, 2, 2, 2))):
        x = rnd(*shape, seed=2)
        _layer_check(layer, x)  # training mode: batch statistics
        layer.eval()
        _layer_check(layer, x)  # eval mode: running statistics


def test_maxpool_and_dropout_layers_gradcheck():
    _layer_check(nn.MaxPool2d(2), distinct(1, 2, 4, 4))
    tc.manual_seed(0)
    d = nn.Dropout(0.3)

    def f(x):
        tc.manual_seed(7)
        return d(x)

    assert gradcheck(f, (rnd(3, 4),))
    d.eval()
    assert d(rnd(3, 4)).detach().numpy().tolist() == rnd(3, 4).detach().numpy().tolist()


def test_embedding_layer_gradcheck():
    e = nn.Embedding(5, 3, padding_idx=1).double()
    idx = tc.tensor([[1, 2], [4, 1]])
    assert gradcheck(lambda w: F.embedding(idx, w), (e.weight,))
    out = e(idx)
    out.sum().backward()
    assert np.all(e.weight.grad.numpy()[1] == 0)
    np.testing.assert_array_equal(e.weight.grad.numpy()[2], np.ones(3))


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=2, bidirectional=True, batch_first=True)])
def test_recurrent_gradcheck(cls, kw):
    tc.manual_seed(0)
    layer = cls(3, 2, **kw).double()
    x = rnd(2, 3, 3, seed=4)
    params = list(layer.parameters())
    assert gradcheck(lambda inp, *ps: _flatten_out(layer(inp)), (x, *params))


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_recurrent_gradgradcheck(cls):
    tc.manual_seed(0)
    layer = cls(2, 2).double()
    x = rnd(2, 1, 2, seed=4)
    params = list(layer.parameters())
    assert gradgradcheck(lambda inp, *ps: _sq(layer(inp)[0]), (x, *params))


@pytest.mark.parametrize("make", [nn.MSELoss, nn.L1Loss, nn.HuberLoss, nn.SmoothL1Loss])
def test_regression_loss_modules(make):
    x = away_from_kinks(3, 2, seed=1)
    y = tc.tensor(x.detach().numpy() + 0.3 * np.sign(x.detach().numpy()), dtype=tc.float64)
    for red in REDUCTIONS:
        assert gradcheck(lambda a: make(reduction=red)(a, y), (x,))


def test_classification_loss_modules():
    x = rnd(4, 3, seed=1)
    t = tc.tensor([0, 1, 2, 1])
    w = tc.tensor([1.0, 2.0, 0.5], dtype=tc.float64)
    assert gradcheck(lambda a: nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)(a, t), (x,))
    assert gradcheck(lambda a: nn.NLLLoss(weight=w, ignore_index=1)(a.log_softmax(1), t), (x,))
    p = rnd(4, 3, seed=2, low=0.1, high=0.9)
    y = tc.tensor(np.random.default_rng(3).uniform(0, 1, (4, 3)))
    assert gradcheck(lambda a: nn.BCELoss(weight=tc.tensor(np.full((4, 3), 0.5)))(a, y), (p,))
    assert gradcheck(lambda a: nn.BCEWithLogitsLoss(pos_weight=tc.tensor([1.0, 2.0, 3.0]))(a, y), (x,))
    assert gradcheck(lambda a: nn.KLDivLoss(reduction="batchmean", log_target=True)(a.log_softmax(1), p.log()), (x,))

"""nn against PyTorch (the oracle): same weights -> same outputs and gradients (float64), same
state-dict keys/shapes (loadable both ways), same repr, same default-init distributions."""
import numpy as np
import pytest

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional
tnn = torch.nn

pytestmark = pytest.mark.oracle

RTOL, ATOL = 1e-7, 1e-10


def _flat(o):
    if isinstance(o, (tuple, list)):
        out = []
        for item in o:
            out.extend(_flat(item))
        return out
    return [o]


def _compare(ours, theirs, *arrays):
    """Run both callables on the same float64 arrays (ints stay ints); compare outputs and grads."""
    ts = [tc.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    tt = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    o1, o2 = _flat(ours(*ts)), _flat(theirs(*tt))
    assert len(o1) == len(o2)
    rng = np.random.default_rng(0)
    loss1, loss2 = 0, 0
    for a, b in zip(o1, o2):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=RTOL, atol=ATOL)
        if b.requires_grad:
            g = rng.standard_normal(tuple(b.shape))
            loss1 = loss1 + (a * tc.tensor(g)).sum()
            loss2 = loss2 + (b * torch.tensor(g)).sum()
    if isinstance(loss2, int):
        return
    loss1.backward()
    loss2.backward()
    for a, b in zip(ts, tt):
        if b.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=RTOL, atol=ATOL)


RNG = np.random.default_rng(42)


def R(*shape, scale=1.0):
    return RNG.standard_normal(shape) * scale


# ---------------------------------------------------------------------------- functional
@pytest.mark.parametrize("kw", [
    dict(), dict(stride=2), dict(padding=1), dict(dilation=2, padding=2, stride=(2, 1)), dict(groups=2),
    dict(padding="same"), dict(groups=2, stride=3, padding=(1, 0)), dict(padding="same", dilation=(1, 3)),
    dict(padding="valid", stride=(1, 2)),
])
def test_conv2d(kw):
    x, b = R(2, 4, 9, 8), R(6)
    w = R(6, 4 // kw.get("groups", 1), 3, 2)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about even kernels with padding='same'
        _compare(lambda x, w, b: F.conv2d(x, w, b, **kw), lambda x, w, b: TF.conv2d(x, w, b, **kw), x, w, b)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2), dict(groups=2)])
def test_conv1d(kw):
    w = R(6, 4 // kw.get("groups", 1), 3)
    _compare(lambda x, w: F.conv1d(x, w, **kw), lambda x, w: TF.conv1d(x, w, **kw), R(2, 4, 11), w)


def test_conv_unbatched():
    _compare(lambda x, w: F.conv2d(x, w, padding=1), lambda x, w: TF.conv2d(x, w, padding=1), R(2, 5, 5), R(3, 2, 3, 3))
    _compare(lambda x, w: F.conv1d(x, w), lambda x, w: TF.conv1d(x, w), R(2, 7), R(3, 2, 3))


@pytest.mark.parametrize("kw", [
    dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=(2, 3), stride=1),
    dict(kernel_size=3, ceil_mode=True), dict(kernel_size=2, dilation=2), dict(kernel_size=3, stride=2, ceil_mode=True,
                                                                                 padding=1),
])
def test_max_pool2d(kw):
    x = RNG.permutation(2 * 3 * 9 * 7).reshape(2, 3, 9, 7).astype(np.float64)
    _compare(lambda x: F.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), x)
    a, i = F.max_pool2d(tc.tensor(x), return_indices=True, **kw)
    b, j = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    np.testing.assert_array_equal(i.numpy(), j.numpy())


def test_max_pool_ties_go_to_first_and_1d():
    x = np.zeros((1, 1, 4, 4))
    _compare(lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), x)
    _compare(lambda x: F.max_pool2d(x, 3, stride=1), lambda x: TF.max_pool2d(x, 3, stride=1), np.ones((1, 1, 4, 4)))
    x1 = R(2, 3, 10)
    _compare(lambda x: F.max_pool1d(x, 3, stride=2, padding=1), lambda x: TF.max_pool1d(x, 3, stride=2, padding=1), x1)
    a, i = F.max_pool1d(tc.tensor(x1), 2, return_indices=True)
    b, j = TF.max_pool1d(torch.tensor(x1), 2, return_indices=True)
    np.testing.assert_array_equal(i.numpy(), j.numpy())


@pytest.mark.parametrize("kw", [
    dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), dict(kernel_size=3, ceil_mode=True),
    dict(kernel_size=3, stride=2, ceil_mode=True, padding=1),
    dict(kernel_size=3, stride=2, ceil_mode=True, padding=1, count_include_pad=False),
    dict(kernel_size=2, divisor_override=3), dict(kernel_size=(1, 3), stride=(2, 1)),
])
def test_avg_pool2d(kw):
    _compare(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), R(2, 3, 9, 7))


def test_avg_pool1d_and_adaptive():
    _compare(lambda x: F.avg_pool1d(x, 3, 2, 1), lambda x: TF.avg_pool1d(x, 3, 2, 1), R(2, 3, 10))
    for size in [(1, 1), (3, 2), (4, 5), (9, 7), 2, (None, 3)]:
        _compare(lambda x: F.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size), R(2, 3, 9, 7))
    for size in [1, 3, 4, 7]:
        _compare(lambda x: F.adaptive_avg_pool1d(x, size), lambda x: TF.adaptive_avg_pool1d(x, size), R(2, 3, 7))


def test_unfold_fold():
    kw = dict(dilation=(1, 2), padding=1, stride=2)
    _compare(lambda x: F.unfold(x, (2, 3), **kw), lambda x: TF.unfold(x, (2, 3), **kw), R(2, 3, 9, 7))
    _compare(lambda c: F.fold(c, (5, 7), (2, 3), stride=2, padding=1),
             lambda c: TF.fold(c, (5, 7), (2, 3), stride=2, padding=1), R(2, 18, 12))
    # a case routed through the GEMM col2im and one through the strided-add loop
    _compare(lambda c: F.fold(c, (12, 12), 5), lambda c: TF.fold(c, (12, 12), 5), R(2, 3 * 25, 64))
    _compare(lambda c: F.fold(c, (40, 40), 3), lambda c: TF.fold(c, (40, 40), 3), R(1, 9, 38 * 38))


ACTIVATIONS = [
    ("relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.5}), ("gelu", {}),
    ("gelu", {"approximate": "tanh"}), ("sigmoid", {}), ("tanh", {}), ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}), ("silu", {}), ("logsigmoid", {}), ("relu6", {}),
    ("hardtanh", {"min_val": -0.5, "max_val": 2.0}),
]


@pytest.mark.parametrize("name, kw", ACTIVATIONS)
def test_activations(name, kw):
    x = R(4, 5, scale=3.0)
    x[0, :3] = [0.0, 1e-5, -1e-5]
    _compare(lambda t: getattr(F, name)(t, **kw), lambda t: getattr(TF, name)(t, **kw), x)


def test_gelu_far_tails():
    x = np.array([-30.0, -10.0, -6.0, -3.0, -1e-5, 0.0, 1e-5, 3.0, 8.0, 40.0])
    _compare(F.gelu, TF.gelu, x)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_family(dim):
    x = R(3, 4, 2)
    for name in ("softmax", "log_softmax", "softmin"):
        _compare(lambda t: getattr(F, name)(t, dim), lambda t: getattr(TF, name)(t, dim), x)


def _kw(kw, mod):
    return {k: (mod.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}


@pytest.mark.parametrize("kw", [
    dict(), dict(reduction="sum"), dict(reduction="none"), dict(label_smoothing=0.2),
    dict(weight=np.array([1.0, 2, 3, 4])), dict(weight=np.array([1.0, 2, 3, 4]), label_smoothing=0.3, ignore_index=1),
    dict(ignore_index=3, reduction="none"), dict(ignore_index=0, label_smoothing=0.1, reduction="sum"),
])
def test_cross_entropy(kw):
    x, t = R(5, 4), np.array([0, 3, 1, 1, 2])
    _compare(lambda a, b: F.cross_entropy(a, b, **_kw(kw, tc)), lambda a, b: TF.cross_entropy(a, b, **_kw(kw, torch)), x, t)
    x4, t4 = R(2, 4, 3, 2), RNG.integers(0, 4, (2, 3, 2))
    _compare(lambda a, b: F.cross_entropy(a, b, **_kw(kw, tc)), lambda a, b: TF.cross_entropy(a, b, **_kw(kw, torch)), x4, t4)


@pytest.mark.parametrize("kw", [dict(), dict(label_smoothing=0.1), dict(weight=np.array([1.0, 2, 3, 4]),
                                                                        reduction="sum"), dict(reduction="none")])
def test_cross_entropy_probabilities(kw):
    x, p = R(5, 4), RNG.dirichlet(np.ones(4), 5)
    _compare(lambda a, b: F.cross_entropy(a, b, **_kw(kw, tc)), lambda a, b: TF.cross_entropy(a, b, **_kw(kw, torch)), x, p)


def test_all_targets_ignored_gives_nan_loss_and_zero_gradient():
    x, t = R(3, 4), np.array([2, 2, 2])
    for kw in (dict(ignore_index=2), dict(ignore_index=2, label_smoothing=0.2, weight=np.array([1.0, 2, 3, 4]))):
        _compare_nan(lambda a, b: F.cross_entropy(a, b, **_kw(kw, tc)), lambda a, b: TF.cross_entropy(a, b, **_kw(kw, torch)), x, t)


def _compare_nan(ours, theirs, x, t):
    a, b = tc.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    o, q = ours(a, tc.tensor(t)), theirs(b, torch.tensor(t))
    assert np.isnan(o.item()) and np.isnan(q.item())
    o.backward()
    q.backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_cross_entropy_single_sample_and_huge_logits():
    _compare(lambda a, b: F.cross_entropy(a, b), lambda a, b: TF.cross_entropy(a, b), R(4), np.array(2))
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    _compare(lambda a, b: F.cross_entropy(a, b), lambda a, b: TF.cross_entropy(a, b), x, np.array([1, 0]))


def test_nll_loss():
    lp = np.log(RNG.dirichlet(np.ones(4), 5))
    t = np.array([0, -100, 1, 3, 3])
    for kw in [dict(), dict(weight=np.array([0.5, 1, 2, 1.5])), dict(reduction="sum"), dict(reduction="none")]:
        _compare(lambda a, b: F.nll_loss(a, b, **_kw(kw, tc)), lambda a, b: TF.nll_loss(a, b, **_kw(kw, torch)), lp, t)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy(reduction):
    p, y = RNG.uniform(0.05, 0.95, (4, 3)), RNG.uniform(0, 1, (4, 3))
    w = RNG.uniform(0.5, 2, (4, 3))
    _compare(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
             lambda a, b: TF.binary_cross_entropy(a, b, reduction=reduction), p, y)
    _compare(lambda a, b: F.binary_cross_entropy(a, b, weight=tc.tensor(w), reduction=reduction),
             lambda a, b: TF.binary_cross_entropy(a, b, weight=torch.tensor(w), reduction=reduction), p, y)
    # exact 0 and 1: the logs are clamped at -100, the gradient's denominator at 1e-12
    edge = np.array([0.0, 1.0, 0.5, 1e-13])
    _compare(lambda a: F.binary_cross_entropy(a, tc.tensor([1.0, 0.0, 0.5, 0.3], dtype=tc.float64), reduction=reduction),
             lambda a: TF.binary_cross_entropy(a, torch.tensor([1.0, 0.0, 0.5, 0.3], dtype=torch.float64),
                                               reduction=reduction), edge)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_with_logits(reduction):
    z, y = R(4, 3, scale=3.0), RNG.uniform(0, 1, (4, 3))
    z[0, 0] = 0.0
    pw, w = np.array([1.0, 2.0, 0.5]), RNG.uniform(0.5, 2, (4, 3))
    _compare(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction),
             lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction=reduction), z, y)
    _compare(lambda a, b: F.binary_cross_entropy_with_logits(a, b, tc.tensor(w), pos_weight=tc.tensor(pw),
                                                             reduction=reduction),
             lambda a, b: TF.binary_cross_entropy_with_logits(a, b, torch.tensor(w), pos_weight=torch.tensor(pw),
                                                              reduction=reduction), z, y)
    big = np.array([1e4, -1e4, 50.0, -50.0])
    _compare(lambda a: F.binary_cross_entropy_with_logits(a, tc.tensor([0.0, 1.0, 1.0, 0.0], dtype=tc.float64),
                                                          reduction=reduction),
             lambda a: TF.binary_cross_entropy_with_logits(a, torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64),
                                                           reduction=reduction), big)


@pytest.mark.parametrize("name, kw", [("mse_loss", {}), ("l1_loss", {}), ("huber_loss", {}), ("huber_loss", {"delta": 0.5}),
                                      ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.3}),
                                      ("smooth_l1_loss", {"beta": 0.0})])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses(name, kw, reduction):
    a, b = R(4, 3), R(4, 3)
    a[0, 0] = b[0, 0]  # d = 0 exactly: the subgradient convention must match too
    _compare(lambda x, y: getattr(F, name)(x, y, reduction=reduction, **kw),
             lambda x, y: getattr(TF, name)(x, y, reduction=reduction, **kw), a, b)


def test_kl_div():
    lp, t = np.log(RNG.dirichlet(np.ones(4), 5)), RNG.dirichlet(np.ones(4), 5)
    for red in ("batchmean", "sum", "mean", "none"):
        _compare(lambda a, b: F.kl_div(a, b, reduction=red), lambda a, b: TF.kl_div(a, b, reduction=red), lp, t)
    t[0, 0] = 0.0  # 0 log 0 = 0 (the target's own gradient there is NaN in PyTorch: not compared)
    _compare(lambda a: F.kl_div(a, tc.tensor(t)), lambda a: TF.kl_div(a, torch.tensor(t)), lp)
    _compare(lambda a, b: F.kl_div(a, b, log_target=True), lambda a, b: TF.kl_div(a, b, log_target=True), lp, np.log(t + 0.1))


def test_norms_pad_embedding_one_hot():
    x = R(6, 3, 4)
    _compare(lambda x, w, b: F.layer_norm(x, (4,), w, b), lambda x, w, b: TF.layer_norm(x, (4,), w, b), x, R(4), R(4))
    _compare(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
             lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True), x, R(3), R(3))
    _compare(lambda x, w, b: F.group_norm(x, 3, w, b), lambda x, w, b: TF.group_norm(x, 3, w, b), x, R(3), R(3))
    xp = R(2, 3, 5, 4)
    for mode in ("constant", "reflect", "replicate", "circular"):
        _compare(lambda t: F.pad(t, (1, 2, 2, 1), mode=mode), lambda t: TF.pad(t, (1, 2, 2, 1), mode=mode), xp)
    _compare(lambda t: F.pad(t, (1, -2, 2, 1), value=3.0), lambda t: TF.pad(t, (1, -2, 2, 1), value=3.0), xp)
    W, idx = R(7, 3), np.array([[0, 2, 2], [6, 0, 1]])
    for kw in (dict(), dict(padding_idx=2), dict(scale_grad_by_freq=True), dict(padding_idx=0, scale_grad_by_freq=True)):
        _compare(lambda w: F.embedding(tc.tensor(idx), w, **kw), lambda w: TF.embedding(torch.tensor(idx), w, **kw), W)
    Wn, Wt = R(7, 3), None
    Wt = torch.tensor(Wn.copy())
    ours = tc.tensor(Wn.copy())
    F.embedding(tc.tensor(idx), ours, max_norm=1.0)
    TF.embedding(torch.tensor(idx), Wt, max_norm=1.0)
    np.testing.assert_allclose(ours.numpy(), Wt.numpy(), rtol=1e-6)
    t = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(F.one_hot(tc.tensor(t)).numpy(), TF.one_hot(torch.tensor(t)).numpy())
    np.testing.assert_array_equal(F.one_hot(tc.tensor(t), 6).numpy(), TF.one_hot(torch.tensor(t), 6).numpy())


# ---------------------------------------------------------------------------------- layers
def _to_torch(ours, theirs):
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})


def _check_layer(ours, theirs, *inputs, train_steps=0):
    ours, theirs = ours.double(), theirs.double()
    k1, k2 = list(ours.state_dict()), list(theirs.state_dict())
    assert k1 == k2
    for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
        assert tuple(a.shape) == tuple(b.shape) and a.dtype == b.numpy().dtype
    _to_torch(ours, theirs)
    assert repr(ours) == repr(theirs)
    ts = [tc.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a for a in inputs]
    tt = [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a for a in inputs]
    o1, o2 = _flat(ours(*ts)), _flat(theirs(*tt))
    rng = np.random.default_rng(1)
    l1 = l2 = 0
    for a, b in zip(o1, o2):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=RTOL, atol=ATOL)
        g = rng.standard_normal(tuple(b.shape))
        l1 = l1 + (a * tc.tensor(g)).sum()
        l2 = l2 + (b * torch.tensor(g)).sum()
    l1.backward()
    l2.backward()
    for a, b in zip(ts, tt):
        if isinstance(b, torch.Tensor) and b.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=RTOL, atol=ATOL)
    for (n1, p1), (n2, p2) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert n1 == n2
        np.testing.assert_allclose(p1.grad.numpy(), p2.grad.numpy(), rtol=RTOL, atol=ATOL, err_msg=n1)
    for (n1, b1), (n2, b2) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert n1 == n2
        np.testing.assert_allclose(b1.numpy(), b2.numpy(), rtol=RTOL, atol=ATOL, err_msg=n1)


RNN_KW = [dict(), dict(num_layers=2), dict(bidirectional=True), dict(num_layers=2, bidirectional=True, batch_first=True),
          dict(bias=False), dict(num_layers=3, batch_first=True)]


@pytest.mark.parametrize("kw", RNN_KW)
@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers(name, kw):
    _check_layer(getattr(nn, name)(4, 6, **kw), getattr(tnn, name)(4, 6, **kw), R(5, 3, 4))


def test_recurrent_initial_state_unbatched_and_relu():
    h0, c0 = R(2, 3, 6), R(2, 3, 6)
    x = R(5, 3, 4)
    ours, theirs = nn.LSTM(4, 6, num_layers=2).double(), tnn.LSTM(4, 6, num_layers=2).double()
    _to_torch(ours, theirs)
    _compare(lambda x, h, c: ours(x, (h, c)), lambda x, h, c: theirs(x, (h, c)), x, h0, c0)
    ours, theirs = nn.GRU(4, 6, num_layers=2).double(), tnn.GRU(4, 6, num_layers=2).double()
    _to_torch(ours, theirs)
    _compare(lambda x, h: ours(x, h), lambda x, h: theirs(x, h), x[:, 0], h0[:, 0])
    _check_layer(nn.RNN(4, 6, nonlinearity="relu"), tnn.RNN(4, 6, nonlinearity="relu"), R(5, 3, 4))
    _check_layer(nn.LSTM(4, 3, bidirectional=True), tnn.LSTM(4, 3, bidirectional=True), R(5, 4))


@pytest.mark.parametrize("ours, theirs, shape", [
    (lambda: nn.BatchNorm1d(4), lambda: tnn.BatchNorm1d(4), (8, 4)),
    (lambda: nn.BatchNorm1d(4, momentum=None), lambda: tnn.BatchNorm1d(4, momentum=None), (8, 4, 3)),
    (lambda: nn.BatchNorm2d(4, affine=False), lambda: tnn.BatchNorm2d(4, affine=False), (3, 4, 3, 2)),
    (lambda: nn.BatchNorm2d(4, track_running_stats=False), lambda: tnn.BatchNorm2d(4, track_running_stats=False),
     (3, 4, 3, 2)),
    (lambda: nn.LayerNorm((3, 4)), lambda: tnn.LayerNorm((3, 4)), (2, 3, 4)),
    (lambda: nn.LayerNorm(4, elementwise_affine=False), lambda: tnn.LayerNorm(4, elementwise_affine=False), (2, 4)),
    (lambda: nn.GroupNorm(2, 4), lambda: tnn.GroupNorm(2, 4), (2, 4, 3)),
    (lambda: nn.Linear(4, 3), lambda: tnn.Linear(4, 3), (2, 5, 4)),
    (lambda: nn.Linear(4, 3, bias=False), lambda: tnn.Linear(4, 3, bias=False), (4,)),
    (lambda: nn.Conv2d(2, 4, 3, padding=1, padding_mode="reflect"),
     lambda: tnn.Conv2d(2, 4, 3, padding=1, padding_mode="reflect"), (2, 2, 5, 5)),
    (lambda: nn.Conv2d(2, 4, 3, padding=(1, 2), padding_mode="circular", stride=2),
     lambda: tnn.Conv2d(2, 4, 3, padding=(1, 2), padding_mode="circular", stride=2), (2, 2, 5, 5)),
    (lambda: nn.Conv2d(2, 4, 3, padding=1, padding_mode="replicate", dilation=2, bias=False),
     lambda: tnn.Conv2d(2, 4, 3, padding=1, padding_mode="replicate", dilation=2, bias=False), (2, 2, 6, 6)),
    (lambda: nn.Conv1d(2, 4, 3, groups=2, bias=False), lambda: tnn.Conv1d(2, 4, 3, groups=2, bias=False), (2, 2, 7)),
    (lambda: nn.Conv2d(2, 4, 3), lambda: tnn.Conv2d(2, 4, 3), (2, 5, 5)),
    (lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
     lambda: tnn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (2, 2, 7, 6)),
    (lambda: nn.AvgPool2d(3, stride=2, padding=1), lambda: tnn.AvgPool2d(3, stride=2, padding=1), (2, 2, 7, 6)),
    (lambda: nn.AdaptiveAvgPool2d((3, 2)), lambda: tnn.AdaptiveAvgPool2d((3, 2)), (2, 2, 7, 6)),
    (lambda: nn.MaxPool1d(2), lambda: tnn.MaxPool1d(2), (2, 3, 7)),
    (lambda: nn.AvgPool1d(3, 2), lambda: tnn.AvgPool1d(3, 2), (2, 3, 7)),
    (lambda: nn.AdaptiveAvgPool1d(3), lambda: tnn.AdaptiveAvgPool1d(3), (2, 3, 7)),
    (lambda: nn.Flatten(0, 1), lambda: tnn.Flatten(0, 1), (2, 3, 4)),
    (lambda: nn.Unflatten(1, (2, 2)), lambda: tnn.Unflatten(1, (2, 2)), (3, 4)),
    (lambda: nn.Identity(), lambda: tnn.Identity(), (3, 4)),
] + [(lambda n=n, k=k: getattr(nn, n)(**k), lambda n=n, k=k: getattr(tnn, n)(**k), (3, 5)) for n, k in [
    ("ReLU", {}), ("LeakyReLU", {"negative_slope": 0.1}), ("ELU", {"alpha": 0.5}), ("GELU", {}),
    ("GELU", {"approximate": "tanh"}), ("Sigmoid", {}), ("Tanh", {}), ("Softmax", {"dim": 1}),
    ("LogSoftmax", {"dim": 0}), ("Softplus", {"beta": 2.0}), ("SiLU", {}), ("LogSigmoid", {}), ("ReLU6", {}),
    ("Hardtanh", {}), ("Softmin", {"dim": 1}),
]])
def test_layers(ours, theirs, shape):
    _check_layer(ours(), theirs(), R(*shape))


def test_batchnorm_running_stats_follow_pytorch_over_steps():
    for ours, theirs, shape in ((nn.BatchNorm2d(3), tnn.BatchNorm2d(3), (4, 3, 2, 2)),
                                (nn.BatchNorm1d(3, momentum=None), tnn.BatchNorm1d(3, momentum=None), (5, 3))):
        ours, theirs = ours.double(), theirs.double()
        for _ in range(4):
            x = R(*shape)
            ours(tc.tensor(x))
            theirs(torch.tensor(x))
        for k, v in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-12, err_msg=k)
        ours.eval()
        theirs.eval()
        _check_layer(ours, theirs, R(*shape))


def test_embedding_layer():
    idx = np.array([[1, 2], [4, 1]])
    ours, theirs = nn.Embedding(5, 3, padding_idx=1).double(), tnn.Embedding(5, 3, padding_idx=1).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    _to_torch(ours, theirs)
    _compare(lambda w: F.embedding(tc.tensor(idx), w, padding_idx=1), lambda w: TF.embedding(torch.tensor(idx), w,
                                                                                             padding_idx=1),
             ours.weight.detach().numpy())
    np.testing.assert_array_equal(ours(tc.tensor(idx)).detach().numpy(), theirs(torch.tensor(idx)).detach().numpy())


@pytest.mark.parametrize("name, kw", [("MSELoss", {}), ("L1Loss", {"reduction": "sum"}), ("HuberLoss", {"delta": 0.5}),
                                      ("SmoothL1Loss", {"beta": 0.5})])
def test_regression_loss_modules(name, kw):
    _compare(lambda a, b: getattr(nn, name)(**kw)(a, b), lambda a, b: getattr(tnn, name)(**kw)(a, b), R(4, 3), R(4, 3))
    assert repr(getattr(nn, name)(**kw)) == repr(getattr(tnn, name)(**kw))


def test_classification_loss_modules_and_weight_buffers():
    x, t = R(5, 4), np.array([0, 3, 1, 1, 2])
    w = np.array([1.0, 2, 3, 4])
    _compare(lambda a, b: nn.CrossEntropyLoss(weight=tc.tensor(w), label_smoothing=0.1)(a, b),
             lambda a, b: tnn.CrossEntropyLoss(weight=torch.tensor(w), label_smoothing=0.1)(a, b), x, t)
    _compare(lambda a, b: nn.NLLLoss(ignore_index=1, reduction="sum")(a, b),
             lambda a, b: tnn.NLLLoss(ignore_index=1, reduction="sum")(a, b), x, t)
    p, y = RNG.uniform(0.1, 0.9, (4, 3)), RNG.uniform(0, 1, (4, 3))
    _compare(lambda a, b: nn.BCELoss()(a, b), lambda a, b: tnn.BCELoss()(a, b), p, y)
    pw = np.array([1.0, 2.0, 3.0])
    _compare(lambda a, b: nn.BCEWithLogitsLoss(pos_weight=tc.tensor(pw))(a, b),
             lambda a, b: tnn.BCEWithLogitsLoss(pos_weight=torch.tensor(pw))(a, b), R(4, 3), y)
    # the class weights are buffers, as in PyTorch, so they show up in the state dict
    ce, tce = nn.CrossEntropyLoss(weight=tc.tensor(w)), tnn.CrossEntropyLoss(weight=torch.tensor(w))
    assert list(ce.state_dict()) == list(tce.state_dict()) == ["weight"]
    b, tb = nn.BCEWithLogitsLoss(pos_weight=tc.tensor(pw)), tnn.BCEWithLogitsLoss(pos_weight=torch.tensor(pw))
    assert list(b.state_dict()) == list(tb.state_dict())
    assert list(nn.CrossEntropyLoss().state_dict()) == list(tnn.CrossEntropyLoss().state_dict()) == []


# ------------------------------------------------------------------- state dicts both ways
def _mlp(N):
    return N.Sequential(N.Linear(784, 64), N.ReLU(), N.Dropout(0.2), N.Linear(64, 10))


def _convnet(N):
    return N.Sequential(
        N.Conv2d(1, 8, 3, padding=1), N.BatchNorm2d(8), N.ReLU(), N.MaxPool2d(2),
        N.Conv2d(8, 16, 3), N.ReLU(), N.AdaptiveAvgPool2d(1), N.Flatten(), N.Linear(16, 10),
    )


class _Tagger:
    """An LSTM tagger built the same way on both libraries (Module subclass with submodules)."""

    @staticmethod
    def make(N):
        class Tagger(N.Module):
            def __init__(self):
                super().__init__()
                self.emb = N.Embedding(20, 8, padding_idx=0)
                self.lstm = N.LSTM(8, 16, num_layers=2, batch_first=True, bidirectional=True)
                self.norm = N.LayerNorm(32)
                self.head = N.ModuleDict({"tags": N.Linear(32, 5)})

            def forward(self, idx):
                out, _ = self.lstm(self.emb(idx))
                return self.head["tags"](self.norm(out))

        return Tagger()


@pytest.mark.parametrize("build, make_input", [
    (_mlp, lambda: R(3, 784)),
    (_convnet, lambda: R(2, 1, 12, 12)),
    (_Tagger.make, lambda: RNG.integers(0, 20, (2, 7))),
])
def test_state_dict_moves_between_libraries(build, make_input, tmp_path):
    ours, theirs = build(nn).double(), build(tnn).double()
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd)
    assert [tuple(v.shape) for v in sd.values()] == [tuple(v.shape) for v in tsd.values()]
    assert repr(ours) == repr(theirs)
    # ours -> file -> torch
    ours.train()
    x = make_input()
    ours(tc.tensor(x))  # moves BatchNorm's running statistics
    tc.save(ours.state_dict(), tmp_path / "m.npz")
    loaded = tc.load(tmp_path / "m.npz")
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in loaded.items()})
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(ours(tc.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-7, atol=1e-9)
    # torch -> ours (after changing torch's weights)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(0.01)
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_allclose(ours(tc.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-7, atol=1e-9)


def test_repr_of_containers_and_custom_modules():
    def both(f):
        assert repr(f(nn)) == repr(f(tnn))

    both(lambda N: N.Sequential(N.Linear(3, 2), N.ReLU(), N.Linear(2, 2), N.Linear(2, 2)))
    both(lambda N: N.ModuleList([N.Linear(2, 2) for _ in range(3)] + [N.ReLU(), N.ReLU()]))
    both(lambda N: N.ModuleDict({"a": N.ReLU(), "b": N.Sequential(N.Linear(1, 1), N.Tanh())}))
    both(lambda N: N.Sequential(N.Sequential(N.Conv1d(1, 2, 3, stride=2, padding=1, dilation=2, groups=1, bias=False))))
    both(lambda N: N.Module())
    both(lambda N: N.ModuleList())
    both(lambda N: N.Sequential())
    both(lambda N: N.Conv2d(2, 2, 3, padding="same", padding_mode="circular"))
    both(lambda N: N.Embedding(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True))
    both(lambda N: N.GRU(2, 3, num_layers=2, dropout=0.5, bias=False))
    both(lambda N: N.Dropout(0.3))
    both(lambda N: N.BatchNorm1d(3, eps=1e-3, momentum=None, affine=False, track_running_stats=False))
    both(_Tagger.make)


def test_default_initialisation_distribution_matches():
    """Same bounds and scale as PyTorch's defaults (statistically: large tensors only)."""
    tc.manual_seed(0)
    torch.manual_seed(0)
    pairs = [(nn.Linear(400, 300), tnn.Linear(400, 300)), (nn.Conv2d(16, 32, 5), tnn.Conv2d(16, 32, 5)),
             (nn.LSTM(50, 100), tnn.LSTM(50, 100)), (nn.Embedding(1000, 20), tnn.Embedding(1000, 20)),
             (nn.Linear(20, 3000), tnn.Linear(20, 3000))]
    for ours, theirs in pairs:
        for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            a, b = p.detach().numpy(), q.detach().numpy()
            assert a.dtype == b.dtype == np.float32
            if b.size < 1000:
                continue
            if np.abs(b).max() < 2 * b.std():  # uniform (bounded): the bound must match
                assert abs(np.abs(a).max() - np.abs(b).max()) < 0.02 * np.abs(b).max(), n
            assert abs(a.std() - b.std()) < 0.05 * b.std(), n
            assert abs(a.mean()) < 4 * b.std() / np.sqrt(b.size), n

"""Forward conventions against NumPy written from PyTorch's documented formulas: no torch needed.

A self-consistent implementation can still follow the wrong convention (its gradients match its
own forward); these pin the convention itself, with parameters chosen so the wrong convention
gives a different number (dropout p=0.2 and p=0.8, not 0.5; momentum 0.3, not 0.5; ...).
Each test was checked to fail on the planted bug named in its docstring.
"""
import numpy as np
import pytest

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn


def _np(t):
    return t.detach().numpy()


# ---------------------------------------------------------------------------------- dropout
@pytest.mark.parametrize("p", [0.2, 0.8])
def test_dropout_scales_kept_values_by_one_over_one_minus_p(p):
    """Planted bug: scaling by 1/p (equal to 1/(1-p) only at p=0.5)."""
    tc.manual_seed(0)
    x = tc.tensor(np.linspace(0.5, 2.0, 20000))
    out = _np(F.dropout(x, p, training=True))
    kept = out != 0
    np.testing.assert_allclose(out[kept], _np(x)[kept] / (1 - p), rtol=1e-12)
    # E[out] = x: the kept fraction is 1-p, each kept value scaled by 1/(1-p)
    assert abs(kept.mean() - (1 - p)) < 0.02
    assert abs(out.mean() / _np(x).mean() - 1) < 0.05
    layer = nn.Dropout(p)
    out = _np(layer(x))
    np.testing.assert_allclose(out[out != 0], _np(x)[out != 0] / (1 - p), rtol=1e-12)
    layer.eval()
    np.testing.assert_array_equal(_np(layer(x)), _np(x))


# ---------------------------------------------------------------------------- cross-entropy
@pytest.mark.parametrize("eps", [0.1, 0.3])
def test_label_smoothing_spreads_eps_over_all_classes(eps):
    """loss = (1-eps) nll + eps/C sum_c -log p_c. Planted bug: eps * sum_c (not divided by C)."""
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    nll = -logp[np.arange(5), t]
    want = (1 - eps) * nll + eps / 4 * -logp.sum(1)
    got = F.cross_entropy(tc.tensor(x), tc.tensor(t), label_smoothing=eps, reduction="none")
    np.testing.assert_allclose(_np(got), want, rtol=1e-12)
    got = nn.CrossEntropyLoss(label_smoothing=eps)(tc.tensor(x), tc.tensor(t))
    np.testing.assert_allclose(got.item(), want.mean(), rtol=1e-12)


# --------------------------------------------------------------------------------- max pool
def test_max_pool_ties_go_to_the_first_maximum():
    """The gradient of a tied window lands on its first maximum (row-major), as PyTorch's index.
    Planted bug: ties to the last maximum."""
    x = tc.tensor(np.array([[[[1.0, 1.0, 0.0, 2.0],
                              [1.0, 0.0, 2.0, 2.0],
                              [3.0, 3.0, 0.0, 0.0],
                              [3.0, 3.0, 0.0, 0.0]]]]), requires_grad=True)
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    out.sum().backward()
    want = np.zeros((4, 4))
    want[0, 0] = want[0, 3] = want[2, 0] = want[2, 2] = 1
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], want)
    np.testing.assert_array_equal(idx.numpy()[0, 0], [[0, 3], [8, 10]])
    x1 = tc.tensor([[[5.0, 5.0, 5.0, 1.0]]], requires_grad=True)
    F.max_pool1d(x1, 3, stride=1).sum().backward()
    np.testing.assert_array_equal(x1.grad.numpy()[0, 0], [1, 1, 0, 0])


# ------------------------------------------------------------------------------- batch norm
def test_batch_norm_running_stats_momentum_and_unbiased_variance():
    """running = (1-momentum) running + momentum batch_stat, unbiased batch variance for
    running_var, biased for normalising. Planted bug: momentum on the old value instead."""
    rng = np.random.default_rng(2)
    bn = nn.BatchNorm1d(3, momentum=0.3).double()
    rm, rv = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = rng.standard_normal((6, 3)) * 2 + 1
        out = _np(bn(tc.tensor(x)))
        rm = 0.7 * rm + 0.3 * x.mean(0)
        rv = 0.7 * rv + 0.3 * x.var(0, ddof=1)
        np.testing.assert_allclose(out, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(bn.running_mean), rm, rtol=1e-12)
    np.testing.assert_allclose(_np(bn.running_var), rv, rtol=1e-12)
    assert int(bn.num_batches_tracked.item()) == 3


def test_batch_norm_eval_uses_running_stats():
    """Planted bug: batch statistics in eval mode."""
    rng = np.random.default_rng(3)
    bn = nn.BatchNorm2d(2).double()
    bn(tc.tensor(rng.standard_normal((4, 2, 3, 3)) * 3 + 2))
    rm, rv = _np(bn.running_mean).copy(), _np(bn.running_var).copy()
    bn.eval()
    x = rng.standard_normal((2, 2, 3, 3))
    w, b = _np(bn.weight), _np(bn.bias)
    want = (x - rm[:, None, None]) / np.sqrt(rv[:, None, None] + 1e-5) * w[:, None, None] + b[:, None, None]
    np.testing.assert_allclose(_np(bn(tc.tensor(x))), want, rtol=1e-10)
    np.testing.assert_array_equal(_np(bn.running_mean), rm)  # eval does not update them


# --------------------------------------------------------------------------------------- LSTM
def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_lstm_gate_order_is_input_forget_cell_output():
    """weight_ih rows are [W_i; W_f; W_g; W_o]. Planted bug: another order (e.g. i, f, o, g)."""
    tc.manual_seed(0)
    H, I = 3, 2
    lstm = nn.LSTM(I, H).double()
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 1, I))  # two steps, batch 1
    h0, c0 = rng.standard_normal((1, 1, H)), rng.standard_normal((1, 1, H))
    out, (hn, cn) = lstm(tc.tensor(x), (tc.tensor(h0), tc.tensor(c0)))
    W_ih, W_hh = _np(lstm.weight_ih_l0), _np(lstm.weight_hh_l0)
    b = _np(lstm.bias_ih_l0) + _np(lstm.bias_hh_l0)
    h, c = h0[0, 0], c0[0, 0]
    for step in range(2):
        z = W_ih @ x[step, 0] + W_hh @ h + b
        i, f, g, o = _sigmoid(z[:H]), _sigmoid(z[H:2 * H]), np.tanh(z[2 * H:3 * H]), _sigmoid(z[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        np.testing.assert_allclose(_np(out)[step, 0], h, rtol=1e-10)
    np.testing.assert_allclose(_np(hn)[0, 0], h, rtol=1e-10)
    np.testing.assert_allclose(_np(cn)[0, 0], c, rtol=1e-10)


# --------------------------------------------------------------------------------------- Adam
def _adam_numpy(p, grads, lr, betas, eps, wd, decoupled):
    """PyTorch's documented Adam (wd coupled: g += wd p) and AdamW (p *= 1 - lr wd) updates."""
    b1, b2 = betas
    m, v = np.zeros_like(p), np.zeros_like(p)
    out = []
    for t, gfn in enumerate(grads, 1):
        g = gfn(p)
        if decoupled:
            p = p * (1 - lr * wd)
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        out.append(p.copy())
    return out


@pytest.mark.parametrize("cls, decoupled", [("Adam", False), ("AdamW", True)])
def test_adam_weight_decay_is_coupled_and_adamw_decoupled(cls, decoupled):
    """Planted bug: Adam(weight_decay=...) applied decoupled (AdamW's rule)."""
    p0 = np.array([1.5, -2.0, 0.3])
    target = np.array([0.2, 0.1, -0.4])
    w = tc.tensor(p0.copy(), requires_grad=True)
    opt = getattr(tc.optim, cls)([w], lr=0.1, betas=(0.8, 0.9), eps=1e-8, weight_decay=0.5)
    want = _adam_numpy(p0, [lambda p: 2 * (p - target)] * 3, 0.1, (0.8, 0.9), 1e-8, 0.5, decoupled)
    other = _adam_numpy(p0, [lambda p: 2 * (p - target)] * 3, 0.1, (0.8, 0.9), 1e-8, 0.5, not decoupled)
    assert np.abs(want[-1] - other[-1]).max() > 1e-3  # the two conventions really differ here
    for step in range(3):
        opt.zero_grad()
        ((w - tc.tensor(target)) ** 2).sum().backward()
        opt.step()
        np.testing.assert_allclose(w.detach().numpy(), want[step], rtol=1e-10, atol=1e-12)

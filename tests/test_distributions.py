"""tc.distributions: closed forms, gradients (first and second order), sample statistics, validation,
and agreement with torch.distributions.

Sample statistics use CLT tolerances: a mean of N draws has standard error sigma / sqrt(N), a
sample variance about sigma^2 sqrt(2 / (N - 1)), a frequency sqrt(p (1 - p) / N); we allow 5 of
them (false failure ~1e-6 per check), whatever our generator returns.
"""
import math

import numpy as np
import pytest
from hypothesis import strategies as st

import tinygrad_course as tc
from tinygrad_course.autograd import gradcheck, gradgradcheck
from tinygrad_course.distributions import Bernoulli, Categorical, Distribution, Normal, Uniform, kl_divergence
from tinygrad_course.testing import check_gradients, tensors


def t64(a, requires_grad=False):
    return tc.tensor(np.asarray(a, dtype=np.float64), dtype=tc.float64, requires_grad=requires_grad)


def n(t):
    return t.detach().numpy()


# ---------------------------------------------------------------- closed forms (no torch)

def test_normal_closed_forms():
    loc, scale, x = np.array([0.0, 1.0, -2.0]), np.array([1.0, 0.5, 3.0]), np.array([0.3, -1.0, 4.0])
    d = Normal(t64(loc), t64(scale))
    want = -((x - loc) ** 2) / (2 * scale ** 2) - np.log(scale) - 0.5 * np.log(2 * np.pi)
    np.testing.assert_allclose(n(d.log_prob(t64(x))), want, rtol=1e-12)
    np.testing.assert_allclose(n(d.entropy()), 0.5 * np.log(2 * np.pi * np.e * scale ** 2), rtol=1e-12)
    np.testing.assert_allclose(n(d.mean), loc)
    np.testing.assert_allclose(n(d.variance), scale ** 2)
    np.testing.assert_allclose(n(d.stddev), scale)
    assert d.batch_shape == (3,) and d.event_shape == () and d.has_rsample
    s = Normal(0.0, 1.0)
    assert s.batch_shape == () and s.sample().shape == () and s.sample((2, 3)).shape == (2, 3)
    assert d.sample((4,)).shape == (4, 3) and d.sample((4,)).dtype == tc.float64


def test_uniform_closed_forms():
    lo, hi = np.array([-1.0, 0.0]), np.array([3.0, 0.5])
    d = Uniform(t64(lo), t64(hi))
    np.testing.assert_allclose(n(d.log_prob(t64([0.0, 0.25]))), -np.log(hi - lo), rtol=1e-12)
    np.testing.assert_allclose(n(d.entropy()), np.log(hi - lo), rtol=1e-12)
    np.testing.assert_allclose(n(d.mean), (lo + hi) / 2)
    np.testing.assert_allclose(n(d.variance), (hi - lo) ** 2 / 12)
    np.testing.assert_allclose(n(d.stddev), (hi - lo) / np.sqrt(12))
    np.testing.assert_allclose(n(d.cdf(t64([1.0, 0.125]))), [0.5, 0.25])
    np.testing.assert_allclose(n(d.icdf(t64([0.5, 0.25]))), [1.0, 0.125])
    unchecked = Uniform(t64(lo), t64(hi), validate_args=False)
    assert np.isneginf(n(unchecked.log_prob(t64([5.0, 0.25])))[0])


def test_bernoulli_closed_forms():
    p, x = np.array([0.2, 0.5, 0.9]), np.array([1.0, 0.0, 0.0])
    for d in (Bernoulli(probs=t64(p)), Bernoulli(logits=t64(np.log(p / (1 - p))))):
        np.testing.assert_allclose(n(d.log_prob(t64(x))), x * np.log(p) + (1 - x) * np.log(1 - p), rtol=1e-9)
        np.testing.assert_allclose(n(d.entropy()), -(p * np.log(p) + (1 - p) * np.log(1 - p)), rtol=1e-9)
        np.testing.assert_allclose(n(d.mean), p, rtol=1e-12)
        np.testing.assert_allclose(n(d.variance), p * (1 - p), rtol=1e-12)
        np.testing.assert_allclose(n(d.probs), p, rtol=1e-12)
    # large logits stay finite (log-sum-exp form)
    big = Bernoulli(logits=t64([1e4, -1e4]))
    np.testing.assert_allclose(n(big.log_prob(t64([1.0, 1.0]))), [0.0, -1e4])


def test_categorical_closed_forms():
    w = np.array([[1.0, 2.0, 5.0], [0.0, 1.0, 1.0]])
    p = w / w.sum(-1, keepdims=True)
    for d in (Categorical(probs=t64(w)), Categorical(logits=t64(np.log(w + 1e-300)))):
        np.testing.assert_allclose(n(d.log_prob(tc.tensor([2, 1]))), np.log([p[0, 2], p[1, 1]]), rtol=1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            ent = -np.nansum(p * np.log(p), -1)
        np.testing.assert_allclose(n(d.entropy()), ent, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(n(d.probs), p, rtol=1e-9, atol=1e-300)
        assert d.batch_shape == (2,) and d.event_shape == ()
        assert np.isnan(n(d.mean)).all() and np.isnan(n(d.variance)).all()
    # log_prob broadcasts a batch of values against the batch of distributions
    d = Categorical(probs=t64(w))
    lp = n(d.log_prob(tc.tensor([[0, 1], [2, 2]])))
    np.testing.assert_allclose(lp, np.log([[p[0, 0], p[1, 1]], [p[0, 2], p[1, 2]]]))
    np.testing.assert_array_equal(n(d.enumerate_support()), [[0, 0], [1, 1], [2, 2]])


def test_kl_normal_closed_form_and_zero_for_equal():
    p, q = Normal(t64([0.0, 1.0]), t64([1.0, 2.0])), Normal(t64([1.0, 1.0]), t64([2.0, 2.0]))
    s1, s2, m1, m2 = np.array([1.0, 2.0]), np.array([2.0, 2.0]), np.array([0.0, 1.0]), np.array([1.0, 1.0])
    want = np.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5
    np.testing.assert_allclose(n(kl_divergence(p, q)), want, rtol=1e-12)
    np.testing.assert_allclose(n(kl_divergence(p, p)), 0.0, atol=1e-15)
    b1, b2 = Bernoulli(probs=t64([0.3])), Bernoulli(probs=t64([0.6]))
    np.testing.assert_allclose(n(kl_divergence(b1, b2)), 0.3 * np.log(0.3 / 0.6) + 0.7 * np.log(0.7 / 0.4))
    np.testing.assert_allclose(n(kl_divergence(Uniform(0.0, 1.0), Uniform(-1.0, 3.0))), np.log(4.0))
    assert n(kl_divergence(Uniform(0.0, 1.0), Uniform(0.5, 3.0))) == np.inf
    c1, c2 = Categorical(probs=t64([0.5, 0.5, 0.0])), Categorical(probs=t64([0.25, 0.25, 0.5]))
    np.testing.assert_allclose(n(kl_divergence(c1, c2)), np.log(2.0))
    assert n(kl_divergence(c2, c1)) == np.inf
    with pytest.raises(NotImplementedError, match="No KL"):
        kl_divergence(Normal(0.0, 1.0), Bernoulli(probs=0.5))


# ---------------------------------------------------------------- gradients

def test_gradcheck_normal_log_prob_entropy_and_kl():
    loc, scale, x = t64([0.2, -1.0], True), t64([0.7, 1.5], True), t64([1.0, 0.3], True)
    f = lambda m, s, v: Normal(m, s).log_prob(v)  # noqa: E731
    assert gradcheck(f, (loc, scale, x)) and gradgradcheck(f, (loc, scale, x))
    assert gradgradcheck(lambda s: Normal(0.0, s).entropy(), (scale,))
    m2, s2 = t64([0.5, 0.0], True), t64([1.2, 0.4], True)
    g = lambda a, b, c, d: kl_divergence(Normal(a, b), Normal(c, d))  # noqa: E731
    assert gradcheck(g, (loc, scale, m2, s2)) and gradgradcheck(g, (loc, scale, m2, s2))


def test_gradcheck_normal_log_prob_hypothesis():
    check_gradients(lambda m, s, v: Normal(m, s).log_prob(v),
                    tensors(shape=(3,)), tensors(shape=(3,), elements=(0.3, 3.0)), tensors(shape=(2, 3)),
                    max_examples=10, second_order=True)


def test_gradcheck_rsample_and_its_value():
    loc, scale = t64([0.2, -1.0], True), t64([0.7, 1.5], True)

    def draw(m, s):
        tc.manual_seed(3)  # the same eps on every call, so rsample is a function of (m, s)
        return Normal(m, s).rsample((4,))

    assert gradcheck(draw, (loc, scale)) and gradgradcheck(draw, (loc, scale))
    x = draw(loc, scale)
    x.sum().backward()
    eps = (n(x) - n(loc)) / n(scale)
    np.testing.assert_allclose(n(loc.grad), [4.0, 4.0])  # d/dloc sum(loc + scale eps) = #samples
    np.testing.assert_allclose(n(scale.grad), eps.sum(0))
    lo, hi = t64([0.0, -2.0], True), t64([1.0, 3.0], True)

    def udraw(a, b):
        tc.manual_seed(4)
        return Uniform(a, b).rsample((3,))

    assert gradcheck(udraw, (lo, hi)) and gradgradcheck(udraw, (lo, hi))
    assert not Normal(loc, scale).sample((2,)).requires_grad


def test_gradcheck_uniform_log_prob():
    f = lambda a, b: Uniform(a, b).log_prob(t64([0.5, 0.0])) + Uniform(a, b).entropy()  # noqa: E731
    assert gradgradcheck(f, (t64([0.0, -2.0], True), t64([1.0, 3.0], True)))


def test_gradcheck_bernoulli():
    x = t64([1.0, 0.0, 1.0])
    fp = lambda p: Bernoulli(probs=p).log_prob(x) + Bernoulli(probs=p).entropy()  # noqa: E731
    fl = lambda z: Bernoulli(logits=z).log_prob(x) + Bernoulli(logits=z).entropy()  # noqa: E731
    assert gradgradcheck(fp, (t64([0.2, 0.5, 0.8], True),))
    assert gradgradcheck(fl, (t64([-2.0, 0.0, 1.5], True),))
    assert gradgradcheck(lambda a, b: kl_divergence(Bernoulli(logits=a), Bernoulli(logits=b)),
                         (t64([-1.0, 0.5], True), t64([0.3, 2.0], True)))


def test_gradcheck_categorical():
    v = tc.tensor([2, 0])
    fp = lambda p: Categorical(probs=p).log_prob(v) + Categorical(probs=p).entropy()  # noqa: E731
    fl = lambda z: Categorical(logits=z).log_prob(v) + Categorical(logits=z).entropy()  # noqa: E731
    assert gradgradcheck(fp, (t64([[1.0, 2.0, 3.0], [0.5, 0.2, 0.3]], True),))
    assert gradgradcheck(fl, (t64([[1.0, -2.0, 0.5], [0.0, 0.3, 3.0]], True),))
    assert gradgradcheck(lambda a, b: kl_divergence(Categorical(logits=a), Categorical(logits=b)),
                         (t64([1.0, -2.0, 0.5], True), t64([0.0, 0.3, 3.0], True)))


def test_categorical_log_prob_gradient_is_onehot_minus_softmax():
    z = t64([0.5, -1.0, 2.0], True)
    Categorical(logits=z).log_prob(tc.tensor(1)).backward()
    p = np.exp(n(z)) / np.exp(n(z)).sum()
    np.testing.assert_allclose(n(z.grad), np.eye(3)[1] - p, rtol=1e-12)


# ---------------------------------------------------------------- sampling statistics

N = 40000


def test_normal_sample_statistics():
    tc.manual_seed(0)
    loc, scale = np.array([0.0, 3.0]), np.array([1.0, 0.5])
    x = n(Normal(t64(loc), t64(scale)).sample((N,)))
    assert np.all(np.abs(x.mean(0) - loc) < 5 * scale / np.sqrt(N))
    assert np.all(np.abs(x.var(0, ddof=1) - scale ** 2) < 5 * scale ** 2 * np.sqrt(2 / (N - 1)))


def test_uniform_sample_statistics():
    tc.manual_seed(1)
    lo, hi = np.array([-1.0, 2.0]), np.array([1.0, 2.5])
    x = n(Uniform(t64(lo), t64(hi)).sample((N,)))
    assert np.all(x >= lo) and np.all(x < hi)
    sd = (hi - lo) / np.sqrt(12)
    assert np.all(np.abs(x.mean(0) - (lo + hi) / 2) < 5 * sd / np.sqrt(N))


def test_bernoulli_sample_statistics():
    tc.manual_seed(2)
    p = np.array([0.1, 0.5, 0.97])
    x = n(Bernoulli(probs=t64(p)).sample((N,)))
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert np.all(np.abs(x.mean(0) - p) < 5 * np.sqrt(p * (1 - p) / N))


def test_categorical_sample_statistics_and_zero_probability():
    tc.manual_seed(3)
    w = np.array([[0.0, 1.0, 3.0, 6.0], [0.25, 0.25, 0.25, 0.25]])
    x = n(Categorical(probs=t64(w)).sample((N,)))
    assert x.shape == (N, 2) and x.dtype == np.int64
    for row in range(2):
        p = w[row] / w[row].sum()
        freq = np.bincount(x[:, row], minlength=4) / N
        assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / N)), (row, freq)
    assert not np.any(x[:, 0] == 0)  # probability 0 is never drawn


def test_sampling_is_reproducible_with_manual_seed():
    draws = []
    for _ in range(2):
        tc.manual_seed(42)
        draws.append([n(d.sample((5,))) for d in (Normal(0.0, 1.0), Uniform(0.0, 1.0), Bernoulli(probs=0.3),
                                                 Categorical(logits=t64([0.1, 0.2, 0.3])))])
    for a, b in zip(*draws):
        np.testing.assert_array_equal(a, b)
    tc.manual_seed(43)
    assert not np.array_equal(n(Normal(0.0, 1.0).sample((5,))), draws[0][0])


# ---------------------------------------------------------------- validation

def test_parameter_validation():
    with pytest.raises(ValueError, match=r"Expected parameter scale .* GreaterThan\(lower_bound=0.0\)"):
        Normal(t64([0.0, 0.0]), t64([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"Expected parameter loc .* Real\(\)"):
        Normal(t64([np.nan]), t64([1.0]))
    Normal(t64([0.0]), t64([-1.0]), validate_args=False)  # no check when asked
    with pytest.raises(ValueError, match="probs.*Interval"):
        Bernoulli(probs=1.5)
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
        Bernoulli()
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified, but not both"):
        Categorical(probs=t64([0.5, 0.5]), logits=t64([0.0, 0.0]))
    with pytest.raises(ValueError, match="Simplex"):
        Categorical(probs=t64([-0.5, 1.5]))
    with pytest.raises(ValueError, match="at least one-dimensional"):
        Categorical(probs=t64(1.0))
    with pytest.raises(TypeError, match="must be a Tensor"):
        Categorical(probs=[0.5, 0.5])
    with pytest.raises(ValueError, match="Expected parameter low"):
        Uniform(2.0, 1.0)
    with pytest.raises(ValueError, match="must all be instances"):
        Normal("0", 1.0)


def test_sample_validation():
    d = Normal(t64([0.0, 1.0]), t64([1.0, 1.0]))
    with pytest.raises(ValueError, match="The value argument to log_prob must be a Tensor"):
        d.log_prob(0.5)
    with pytest.raises(ValueError, match="Value is not broadcastable with batch_shape"):
        d.log_prob(t64([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=r"Expected value argument .* within the support \(Boolean\(\)\)"):
        Bernoulli(probs=t64([0.5])).log_prob(t64([0.5]))
    with pytest.raises(ValueError, match="IntegerInterval"):
        Categorical(probs=t64([0.5, 0.5])).log_prob(tc.tensor(2))
    with pytest.raises(ValueError, match="Interval"):
        Uniform(0.0, 1.0).log_prob(t64(1.5))
    Normal(0.0, 1.0, validate_args=False).log_prob(0.5)  # numbers are fine without validation
    with pytest.raises(TypeError, match="sample_shape"):
        Normal(0.0, 1.0).sample(3)


def test_default_validation_switch():
    try:
        Distribution.set_default_validate_args(False)
        Normal(0.0, -1.0)
    finally:
        Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        Normal(0.0, -1.0)


def test_reachable_as_tc_distributions():
    assert tc.distributions.Normal is Normal and tc.distributions.kl_divergence is kl_divergence


# ---------------------------------------------------------------- oracle: torch.distributions

def _pair(name, m, t):
    return {
        "normal": lambda: m.Normal(t([0.0, 1.0, -1.0]), t([1.0, 2.0, 0.5])),
        "normal_scalar": lambda: m.Normal(0.5, 2.0),
        "uniform": lambda: m.Uniform(t([-2.0, 0.0]), t([3.0, 1.0])),
        "bernoulli_p": lambda: m.Bernoulli(probs=t([0.2, 0.7, 0.0])),
        "bernoulli_l": lambda: m.Bernoulli(logits=t([-3.0, 2.0, 5.0])),
        "categorical_p": lambda: m.Categorical(probs=t([[1.0, 2.0, 3.0], [0.0, 1.0, 1.0]])),
        "categorical_l": lambda: m.Categorical(logits=t([[1.0, 2.0, 3.0], [0.0, -np.inf, 1.0]])),
    }[name]()


VALUES = {"normal": [-1.0, 0.5, 2.0], "normal_scalar": [[0.1], [3.0]], "uniform": [0.5, 0.25],
          "bernoulli_p": [1.0, 0.0, 0.0], "bernoulli_l": [1.0, 0.0, 1.0], "categorical_p": [[2.0, 1.0]],
          "categorical_l": [0.0, 2.0]}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(VALUES))
def test_oracle_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours = _pair(name, tc.distributions, lambda a: t64(a))
    theirs = _pair(name, torch.distributions, lambda a: torch.tensor(a, dtype=torch.float64))
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    for attr in ("mean", "variance", "stddev"):
        np.testing.assert_allclose(n(getattr(ours, attr)), getattr(theirs, attr).numpy(), rtol=1e-12, atol=1e-15,
                                   err_msg=attr)
    np.testing.assert_allclose(n(ours.entropy()), theirs.entropy().numpy(), rtol=1e-10, atol=1e-12)
    v = VALUES[name]
    np.testing.assert_allclose(n(ours.log_prob(t64(v))), theirs.log_prob(torch.tensor(v, dtype=torch.float64)).numpy(),
                               rtol=1e-10)
    assert tuple(ours.sample((4, 2)).shape) == tuple(theirs.sample((4, 2)).shape)
    assert ours.has_rsample == theirs.has_rsample


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["normal", "uniform", "bernoulli_p", "bernoulli_l", "categorical_l"])
def test_oracle_log_prob_gradients_match_torch(name):
    torch = pytest.importorskip("torch")
    params_ours, params_torch = [], []

    def mk_ours(a):
        p = t64(a, True)
        params_ours.append(p)
        return p

    def mk_torch(a):
        p = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        params_torch.append(p)
        return p

    ours, theirs = _pair(name, tc.distributions, mk_ours), _pair(name, torch.distributions, mk_torch)
    v = VALUES[name]
    (ours.log_prob(t64(v)).sum() + ours.entropy().sum()).backward()
    (theirs.log_prob(torch.tensor(v, dtype=torch.float64)).sum() + theirs.entropy().sum()).backward()
    for a, b in zip(params_ours, params_torch):
        np.testing.assert_allclose(n(a.grad), b.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.oracle
def test_oracle_kl_matches_torch():
    torch = pytest.importorskip("torch")
    T = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    TD, OD = torch.distributions, tc.distributions
    pairs = [
        ("Normal", ([0.0, 1.0], [1.0, 2.0]), ([1.0, -1.0], [0.5, 2.0])),
        ("Uniform", ([0.0, 0.0], [1.0, 2.0]), ([-1.0, 0.5], [2.0, 3.0])),
    ]
    for cls, a, b in pairs:
        ours = kl_divergence(getattr(OD, cls)(*map(t64, a)), getattr(OD, cls)(*map(t64, b)))
        theirs = TD.kl_divergence(getattr(TD, cls)(*map(T, a)), getattr(TD, cls)(*map(T, b)))
        np.testing.assert_allclose(n(ours), theirs.numpy(), rtol=1e-12)
    ours = kl_divergence(Bernoulli(probs=t64([0.2, 0.0, 1.0])), Bernoulli(probs=t64([0.5, 0.3, 0.0])))
    theirs = TD.kl_divergence(TD.Bernoulli(probs=T([0.2, 0.0, 1.0])), TD.Bernoulli(probs=T([0.5, 0.3, 0.0])))
    np.testing.assert_allclose(n(ours), theirs.numpy(), rtol=1e-9)
    ours = kl_divergence(Categorical(probs=t64([[0.2, 0.8, 0.0]])), Categorical(probs=t64([[0.5, 0.3, 0.2]])))
    theirs = TD.kl_divergence(TD.Categorical(probs=T([[0.2, 0.8, 0.0]])), TD.Categorical(probs=T([[0.5, 0.3, 0.2]])))
    np.testing.assert_allclose(n(ours), theirs.numpy(), rtol=1e-9)


@pytest.mark.oracle
def test_oracle_error_kinds_match_torch():
    torch = pytest.importorskip("torch")

    def cases(m, t):
        return [
            lambda: m.Normal(t([0.0]), t([-1.0])),
            lambda: m.Normal(t([0.0]), t([1.0])).log_prob(0.5),
            lambda: m.Normal(t([0.0, 1.0]), t([1.0, 1.0])).log_prob(t([1.0, 2.0, 3.0])),
            lambda: m.Bernoulli(probs=t([1.5])),
            lambda: m.Bernoulli(),
            lambda: m.Bernoulli(probs=t([0.5])).log_prob(t([0.5])),
            lambda: m.Categorical(probs=t([-0.5, 1.5])),
            lambda: m.Categorical(probs=t(1.0)),
            lambda: m.Categorical(probs=t([0.5, 0.5])).log_prob(t(2.0)),
            lambda: m.Uniform(t(2.0), t(1.0)),
            lambda: m.Uniform(t(0.0), t(1.0)).log_prob(t(1.5)),
            lambda: m.kl_divergence(m.Normal(0.0, 1.0), m.Bernoulli(probs=0.5)),
        ]

    ours = cases(tc.distributions, t64)
    theirs = cases(torch.distributions, lambda a: torch.tensor(a, dtype=torch.float64))
    for i, (o, th) in enumerate(zip(ours, theirs)):
        kinds = []
        for fn in (o, th):
            try:
                fn()
                kinds.append(None)
            except Exception as e:  # noqa: BLE001 - we compare the kind
                kinds.append(type(e).__name__)
        assert kinds[0] == kinds[1], f"case {i}: {kinds}"

"""tc.distributions.Multinomial: closed form, gradients (first and second order), sample statistics,
validation, and agreement with torch.distributions.Multinomial.

Sample frequencies use CLT tolerances (5 standard errors sqrt(p (1 - p) / N)), whatever our
generator returns.
"""
import math

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.autograd import gradcheck, gradgradcheck
from tinygrad_course.distributions import Multinomial


def t64(a, requires_grad=False):
    return tc.tensor(np.asarray(a, dtype=np.float64), dtype=tc.float64, requires_grad=requires_grad)


def test_reachable_as_torch_spells_it():
    assert tc.distributions.multinomial.Multinomial is Multinomial
    assert "Multinomial" in tc.distributions.__all__


def test_log_prob_closed_form():
    p = np.array([0.2, 0.3, 0.5])
    x = np.array([2.0, 0.0, 3.0])
    want = math.lgamma(6) - sum(math.lgamma(v + 1) for v in x) + float((x * np.log(p)).sum())
    got = Multinomial(5, probs=t64(p)).log_prob(t64(x))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


def test_zero_probability_category_not_drawn_costs_nothing():
    d = Multinomial(3, logits=t64([0.0, float("-inf"), 0.0]))
    np.testing.assert_allclose(d.log_prob(t64([1.0, 0.0, 2.0])).numpy(), math.log(3 * 0.5 ** 3), rtol=1e-12)


def test_mean_variance_shapes():
    d = Multinomial(4, probs=t64([[1.0, 3.0], [1.0, 1.0]]))
    assert d.batch_shape == (2,) and d.event_shape == (2,)
    np.testing.assert_allclose(d.mean.numpy(), [[1.0, 3.0], [2.0, 2.0]])
    np.testing.assert_allclose(d.variance.numpy(), [[0.75, 0.75], [1.0, 1.0]])


def test_log_prob_gradients_first_and_second_order():
    x = t64([[1.0, 2.0, 0.0], [0.0, 1.0, 2.0]])

    def f(logits):
        return Multinomial(3, logits=logits).log_prob(x)

    logits = t64([[0.1, -0.4, 0.7], [1.2, 0.3, -0.5]], requires_grad=True)
    assert gradcheck(f, (logits,))
    assert gradgradcheck(f, (logits,))


def test_sample_shape_totals_dtype_and_seed():
    d = Multinomial(7, probs=tc.tensor([[0.1, 0.9, 0.0], [0.3, 0.3, 0.4]]))
    tc.manual_seed(3)
    s = d.sample((5,))
    assert tuple(s.shape) == (5, 2, 3) and s.dtype == tc.float32
    assert np.all(s.numpy().sum(-1) == 7)
    assert np.all(s.numpy()[:, 0, 2] == 0)  # probability 0 is never drawn
    tc.manual_seed(3)
    np.testing.assert_array_equal(d.sample((5,)).numpy(), s.numpy())
    assert tuple(Multinomial(2, probs=tc.ones(4)).sample().shape) == (4,)


def test_sample_frequencies():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    tc.manual_seed(0)
    n_draws = 20, 4000
    counts = Multinomial(n_draws[0], probs=tc.tensor(p)).sample((n_draws[1],)).numpy()
    freq = counts.sum(0) / (n_draws[0] * n_draws[1])
    se = np.sqrt(p * (1 - p) / (n_draws[0] * n_draws[1]))
    assert np.all(np.abs(freq - p) < 5 * se), (freq, p)


def test_validation_errors():
    with pytest.raises(NotImplementedError, match="total_count"):
        Multinomial(2.0, probs=tc.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match="probs"):
        Multinomial(2, probs=tc.tensor([0.5, -0.5]))
    with pytest.raises(ValueError, match="support"):
        Multinomial(1, probs=tc.tensor([0.5, 0.5])).log_prob(tc.tensor([1.0, 1.0]))
    with pytest.raises(ValueError, match="Either"):
        Multinomial(1, probs=tc.tensor([0.5, 0.5]), logits=tc.tensor([0.0, 0.0]))


@pytest.mark.oracle
def test_matches_torch():
    torch = pytest.importorskip("torch")
    gen = np.random.default_rng(0)
    logits = gen.standard_normal((3, 4))
    x = gen.multinomial(6, np.full(4, 0.25), size=(2, 3)).astype(np.float64)
    ours = Multinomial(6, logits=t64(logits, requires_grad=True))
    theirs = torch.distributions.Multinomial(6, logits=torch.tensor(logits, requires_grad=True))
    lp, tlp = ours.log_prob(t64(x)), theirs.log_prob(torch.tensor(x))
    np.testing.assert_allclose(lp.detach().numpy(), tlp.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.mean.detach().numpy(), theirs.mean.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.variance.detach().numpy(), theirs.variance.detach().numpy(), rtol=1e-12)
    g = tc.autograd.grad(lp.sum(), ours._categorical._param)[0]
    tg = torch.autograd.grad(tlp.sum(), theirs._categorical._param)[0]
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10)
    assert tuple(ours.sample((2,)).shape) == tuple(theirs.sample((2,)).shape)

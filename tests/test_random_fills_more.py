"""The in-place random fills PyTorch has beyond uniform_/normal_: geometric_, log_normal_, cauchy_
(their distributions, checked on 200,000 seeded draws), and the argument errors of every fill,
of PyTorch's kind (compared with torch when installed)."""
import numpy as np
import pytest

import tinygrad_course as tc

N = 200_000


def test_geometric_counts_trials_up_to_the_first_success():
    tc.manual_seed(0)
    x = tc.zeros(N).geometric_(0.25).numpy()
    assert x.min() >= 1 and np.all(x == np.round(x))
    # mean 1/p, variance (1 - p)/p^2
    assert abs(x.mean() - 4.0) < 0.05 and abs(x.var() - 12.0) < 0.5
    assert abs((x == 1).mean() - 0.25) < 0.01
    assert tc.zeros(3, dtype=tc.int64).geometric_(0.5).dtype == tc.int64


def test_log_normal_is_exp_of_a_normal():
    tc.manual_seed(1)
    x = tc.zeros(N).log_normal_(0.5, 0.3).numpy()
    assert x.min() > 0
    assert abs(np.log(x).mean() - 0.5) < 0.01 and abs(np.log(x).std() - 0.3) < 0.01
    x = tc.zeros(N, dtype=tc.float64).log_normal_().numpy()  # PyTorch's defaults: mean 1, std 2
    assert abs(np.log(x).mean() - 1.0) < 0.03 and abs(np.log(x).std() - 2.0) < 0.03


def test_cauchy_has_its_median_and_quartiles():
    tc.manual_seed(2)
    x = tc.zeros(N).cauchy_(2.0, 0.5).numpy()
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    # the quartiles of Cauchy(median, sigma) are median -/+ sigma
    assert abs(med - 2.0) < 0.02 and abs(q1 - 1.5) < 0.02 and abs(q3 - 2.5) < 0.02


def test_fills_are_reproducible_with_a_generator():
    a = tc.zeros(5).cauchy_(generator=tc.Generator().manual_seed(3))
    b = tc.zeros(5).cauchy_(generator=tc.Generator().manual_seed(3))
    assert a.tolist() == b.tolist()


BAD = {
    "uniform_(1,0)": lambda L: L.ones(3).uniform_(1.0, 0.0),
    "exponential_(0)": lambda L: L.ones(3).exponential_(0.0),
    "exponential_(-1)": lambda L: L.ones(3).exponential_(-1.0),
    "bernoulli_(1.5)": lambda L: L.ones(3).bernoulli_(1.5),
    "bernoulli_(-0.1)": lambda L: L.ones(3).bernoulli_(-0.1),
    "geometric_(0)": lambda L: L.ones(3).geometric_(0.0),
    "geometric_(1)": lambda L: L.ones(3).geometric_(1.0),
    "log_normal_(0,0)": lambda L: L.ones(3).log_normal_(0.0, 0.0),
    "cauchy_(0,-1)": lambda L: L.ones(3).cauchy_(0.0, -1.0),
    "normal_(0,-1)": lambda L: L.ones(3).normal_(0.0, -1.0),
    "normal_(vector mean)": lambda L: L.ones(3).normal_(L.zeros(3), 1.0),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_arguments_raise_pytorchs_kind_and_keep_the_tensor(case):
    t = tc.ones(3)
    with pytest.raises((RuntimeError, TypeError)) as info:
        BAD[case](type("L", (), {"ones": staticmethod(lambda *s: t), "zeros": tc.zeros}))
    assert t.tolist() == [1.0, 1.0, 1.0]  # nothing half-written
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        BAD[case](torch)
    assert type(info.value) is type(theirs.value)

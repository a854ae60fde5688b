"""Learning-rate schedulers: PyTorch's values for 30 steps, closed forms, state_dict, errors."""
import math
import warnings

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import optim
from tinygrad_course.optim import lr_scheduler as S


def _opt(lib=tc, lrs=(0.1, 0.02)):
    groups = [{"params": [lib.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    return (optim if lib is tc else lib.optim).SGD(groups, lr=1.0)


def _lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def _drive(sched, opt, steps, metrics=None):
    """opt.step() then sched.step() per epoch; the lrs after each epoch."""
    out = [list(sched.get_last_lr())]
    for t in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[t])
        assert sched.get_last_lr() == _lrs(opt)
        out.append(list(sched.get_last_lr()))
    return out


SCHEDULERS = [
    ("StepLR", {"step_size": 4, "gamma": 0.5}),
    ("StepLR", {"step_size": 1}),
    ("MultiStepLR", {"milestones": [3, 7, 7, 15], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}),
    ("LambdaLR", {"lr_lambda": lambda t: 0.95**t}),
    ("LambdaLR", {"lr_lambda": [lambda t: 1 / (t + 1), lambda t: t % 3]}),
]


def _sid(case):
    return case[0] + "-" + "-".join(f"{k}" for k in case[1])


@pytest.mark.oracle
@pytest.mark.parametrize("case", SCHEDULERS, ids=_sid)
def test_schedulers_match_pytorch_for_30_steps(case):
    torch = pytest.importorskip("torch")
    name, kwargs = case
    o1, o2 = _opt(tc), _opt(torch)
    s1 = getattr(S, name)(o1, **kwargs)
    s2 = getattr(torch.optim.lr_scheduler, name)(o2, **kwargs)
    ours, theirs = _drive(s1, o1, 30), _drive(s2, o2, 30)
    # same arithmetic in the same order: equal to the last bit
    assert ours == theirs
    assert s1.last_epoch == s2.last_epoch == 30
    assert s1.base_lrs == s2.base_lrs
    assert [g["initial_lr"] for g in o1.param_groups] == [g["initial_lr"] for g in o2.param_groups]


REDUCE_CASES = [
    {"patience": 2},
    {"patience": 0, "factor": 0.5, "cooldown": 2},
    {"mode": "max", "patience": 1, "threshold": 0.05, "threshold_mode": "abs"},
    {"patience": 1, "min_lr": [0.05, 0.001], "factor": 0.2},
    {"mode": "max", "patience": 3, "threshold_mode": "rel", "eps": 1e-3},
]
METRICS = [1.0, 0.9, 0.95, 0.95, 0.96, 0.8, 0.81, 0.82, 0.83, 0.83, 0.7, 0.7, 0.7, 0.71, 0.69,
           0.9, 0.9, 0.91, 0.6, 0.6, 0.61, 0.62, 0.63, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.45]


@pytest.mark.oracle
@pytest.mark.parametrize("kwargs", REDUCE_CASES)
def test_reduce_lr_on_plateau_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    o1, o2 = _opt(tc), _opt(torch)
    s1 = S.ReduceLROnPlateau(o1, **kwargs)
    s2 = torch.optim.lr_scheduler.ReduceLROnPlateau(o2, **kwargs)
    metrics = METRICS if kwargs.get("mode") != "max" else [-m for m in METRICS]
    ours = _drive(s1, o1, 30, metrics)
    assert ours == _drive(s2, o2, 30, metrics)
    assert ours[-1] != ours[0]  # the case does reduce
    assert (s1.best, s1.num_bad_epochs, s1.cooldown_counter) == \
        (s2.best, s2.num_bad_epochs, s2.cooldown_counter)


@pytest.mark.oracle
def test_inverse_time_equals_pytorch_lambda_lr():
    torch = pytest.importorskip("torch")
    decay = 0.05
    o1, o2 = _opt(tc), _opt(torch)
    s1 = S.InverseTimeLR(o1, decay=decay)
    s2 = torch.optim.lr_scheduler.LambdaLR(o2, lambda t: 1 / (1 + decay * t))
    ours, theirs = _drive(s1, o1, 30), _drive(s2, o2, 30)
    assert sum(ours, []) == pytest.approx(sum(theirs, []), rel=1e-15)


@pytest.mark.oracle
@pytest.mark.parametrize("case", SCHEDULERS[:6], ids=_sid)
def test_step_with_epoch_uses_closed_form_like_pytorch(case):
    torch = pytest.importorskip("torch")
    name, kwargs = case
    o1, o2 = _opt(tc), _opt(torch)
    s1 = getattr(S, name)(o1, **kwargs)
    s2 = getattr(torch.optim.lr_scheduler, name)(o2, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [3, 4, 9, 12, 20]:
            o1.step()
            o2.step()
            s1.step(epoch)
            s2.step(epoch)
            assert s1.get_last_lr() == s2.get_last_lr()


def test_closed_forms_without_torch():
    opt = _opt(lrs=(0.1,))
    s = S.StepLR(opt, step_size=3, gamma=0.5)
    assert [lr for (lr,) in _drive(s, opt, 7)] == pytest.approx(
        [0.1 * 0.5 ** (t // 3) for t in range(8)])
    opt = _opt(lrs=(0.1,))
    s = S.ExponentialLR(opt, gamma=0.9)
    assert [lr for (lr,) in _drive(s, opt, 10)] == pytest.approx([0.1 * 0.9**t for t in range(11)])
    opt = _opt(lrs=(0.1,))
    s = S.MultiStepLR(opt, milestones=[2, 5], gamma=0.1)
    assert [lr for (lr,) in _drive(s, opt, 6)] == pytest.approx(
        [0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001])


def test_cosine_annealing_follows_closed_form_and_period():
    opt = _opt(lrs=(0.1,))
    T, eta_min = 10, 0.01
    s = S.CosineAnnealingLR(opt, T_max=T, eta_min=eta_min)
    got = [lr for (lr,) in _drive(s, opt, 3 * T)]
    expected = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * t / T)) / 2
                for t in range(3 * T + 1)]
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert got[T] == pytest.approx(eta_min)
    assert got[2 * T] == pytest.approx(0.1)


def test_inverse_time_lr_is_keras_decay():
    opt = _opt(lrs=(0.01, 0.5))
    s = S.InverseTimeLR(opt, decay=1e-2)
    assert s.last_epoch == 0 and s.get_last_lr() == [0.01, 0.5]
    got = _drive(s, opt, 100)
    for t, lrs in enumerate(got):
        assert lrs == pytest.approx([0.01 / (1 + 1e-2 * t), 0.5 / (1 + 1e-2 * t)], rel=1e-15)
    with pytest.raises(ValueError, match="Invalid decay value: -1"):
        S.InverseTimeLR(_opt(), decay=-1)


def test_inverse_time_lr_drives_optimizer_steps():
    # with a constant gradient, SGD moves by exactly sum_t lr_t
    w = tc.tensor(np.zeros(1), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    sched = S.InverseTimeLR(opt, decay=0.5)
    for _ in range(5):
        opt.zero_grad()
        w.sum().backward()
        opt.step()
        sched.step()
    assert w.detach().numpy()[0] == pytest.approx(-sum(0.1 / (1 + 0.5 * t) for t in range(5)))


@pytest.mark.parametrize("case", SCHEDULERS[:5] + [("InverseTimeLR", {"decay": 0.1})], ids=_sid)
def test_scheduler_state_dict_round_trip(case):
    name, kwargs = case
    o1 = _opt()
    s1 = getattr(S, name)(o1, **kwargs)
    _drive(s1, o1, 5)
    sd = s1.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 5 and sd["base_lrs"] == [0.1, 0.02]
    o2 = _opt()
    s2 = getattr(S, name)(o2, **kwargs)
    o2.load_state_dict(o1.state_dict())
    s2.load_state_dict(sd)
    assert _drive(s1, o1, 10)[1:] == _drive(s2, o2, 10)[1:]


def test_lambda_lr_state_dict_skips_plain_functions():
    class Warmup:
        def __init__(self, n):
            self.n = n

        def __call__(self, t):
            return min(1.0, (t + 1) / self.n)

    opt = _opt()
    s = S.LambdaLR(opt, [Warmup(4), lambda t: 1.0])
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [{"n": 4}, None]
    sd["lr_lambdas"][0]["n"] = 10
    s.load_state_dict(sd)
    assert s.lr_lambdas[0].n == 10


def test_reduce_lr_on_plateau_state_dict_and_errors():
    opt = _opt()
    s = S.ReduceLROnPlateau(opt, patience=0)
    s.step(1.0)
    s.step(tc.tensor(2.0))  # a 0-d Tensor metric works
    assert _lrs(opt) == pytest.approx([0.01, 0.002])
    sd = s.state_dict()
    s2 = S.ReduceLROnPlateau(_opt(), patience=5)
    s2.load_state_dict(sd)
    assert s2.best == 1.0 and s2.patience == 0
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        S.ReduceLROnPlateau(_opt(), factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        S.ReduceLROnPlateau(_opt(), mode="avg")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
        S.ReduceLROnPlateau(_opt(), min_lr=[0.1])


def test_scheduler_errors():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.StepLR(object(), step_size=2)
    opt = _opt()
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(opt, step_size=2, last_epoch=3)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        S.LambdaLR(opt, [lambda t: 1.0])


def test_resume_with_last_epoch_uses_initial_lr():
    opt = _opt()
    S.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.02]
    s = S.ExponentialLR(opt, gamma=0.5, last_epoch=4)
    assert s.base_lrs == [0.1, 0.02] and s.last_epoch == 5  # the constructor steps once
    assert s.get_last_lr() == [0.1, 0.02]


def test_warns_when_scheduler_steps_before_optimizer():
    opt = _opt()
    s = S.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        s.step()
    opt2 = _opt()
    s2 = S.StepLR(opt2, step_size=2)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s2.step()

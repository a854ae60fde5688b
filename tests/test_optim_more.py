"""Adadelta, Adamax, RAdam, Rprop, ASGD: closed forms, PyTorch oracle step by step, state_dict,
schedulers, validation and PyTorch's foreach/capturable/differentiable options."""
import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_course as tc
from tinygrad_course import optim

NAMES = ["Adadelta", "Adamax", "RAdam", "Rprop", "ASGD"]

A = np.array([0.5, 2.0])
W0 = np.array([1.0, -2.0])
C = np.array([0.7, -1.3])


def _param(values, dtype=np.float64):
    return tc.tensor(np.array(values, dtype=dtype), requires_grad=True)


def _val(p):
    return p.detach().numpy().copy()


def _run(opt, params, loss_fn, steps):
    """zero_grad, backward, step ``steps`` times; the parameter values after each step."""
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
        out.append([_val(p) for p in params])
    return out


def _linear(w, c=C):
    """f(w) = sum(c * w): constant gradient c."""
    return (tc.tensor(c) * w).sum()


def _quadratic(w, a=A):
    """f(w) = 0.5 * sum(a * w^2): gradient a * w."""
    return 0.5 * (tc.tensor(a) * w * w).sum()


# --------------------------------------------------------------------- closed forms (no torch)


def test_adadelta_matches_its_equations():
    lr, rho, eps = 0.5, 0.8, 1e-3
    w = _param(W0)
    traj = _run(optim.Adadelta([w], lr=lr, rho=rho, eps=eps), [w], lambda: _quadratic(w), 10)
    W, v, u = W0.copy(), np.zeros(2), np.zeros(2)
    for (wt,) in traj:
        g = A * W
        v = rho * v + (1 - rho) * g**2
        dx = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * dx**2
        W = W - lr * dx
        np.testing.assert_allclose(wt, W, rtol=1e-12)


def test_adamax_constant_gradient_moves_lr_per_step():
    # m_t / (1 - beta1^t) = g and u_t = |g| + eps: each step moves lr * g / (|g| + eps)
    lr, eps = 0.05, 1e-3
    w = _param(W0)
    traj = _run(optim.Adamax([w], lr=lr, eps=eps), [w], lambda: _linear(w), 10)
    for t, (wt,) in enumerate(traj, 1):
        np.testing.assert_allclose(wt, W0 - t * lr * C / (np.abs(C) + eps), rtol=1e-12)


def test_adamax_infinity_norm_decays_then_takes_the_max():
    # gradient 4, then 1: u_1 = 4 + eps, u_2 = max(beta2 * u_1, 1 + eps)
    b1, b2, eps, lr = 0.9, 0.5, 1e-8, 0.1
    w = _param([0.0])
    opt = optim.Adamax([w], lr=lr, betas=(b1, b2), eps=eps)
    for c in (4.0, 1.0):
        opt.zero_grad()
        _linear(w, np.array([c])).backward()
        opt.step()
    u = max(b2 * (4 + eps), 1 + eps)
    m = b1 * (1 - b1) * 4 + (1 - b1) * 1
    expected = -lr * 4 / (4 + eps) - lr / (1 - b1**2) * m / u
    np.testing.assert_allclose(opt.state[w]["exp_inf"].numpy(), [u], rtol=1e-14)
    np.testing.assert_allclose(_val(w), [expected], rtol=1e-12)


@pytest.mark.parametrize("beta2", [0.999, 0.9])
def test_radam_constant_gradient_closed_form(beta2):
    # m^_t = g; v_t = (1 - beta2^t) g^2; no adaptivity while rho_t <= 5
    lr, eps = 0.01, 1e-8
    w = _param(W0)
    traj = _run(optim.RAdam([w], lr=lr, betas=(0.9, beta2), eps=eps), [w], lambda: _linear(w), 12)
    rho_inf = 2 / (1 - beta2) - 1
    expected, switched = W0.copy(), []
    for t, (wt,) in enumerate(traj, 1):
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t > 5:
            r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            bc2 = 1 - beta2**t
            expected = expected - lr * C * r * np.sqrt(bc2) / (np.sqrt(bc2 * C**2) + eps)
        else:
            expected = expected - lr * C
        switched.append(rho_t > 5)
        np.testing.assert_allclose(wt, expected, rtol=1e-12)
    assert switched[0] is False and switched[-1] is True  # both branches ran


def test_radam_decoupled_weight_decay_shrinks_the_parameter_first():
    lr, wd = 0.01, 0.5
    w = _param(W0)
    traj = _run(optim.RAdam([w], lr=lr, weight_decay=wd, decoupled_weight_decay=True), [w],
                lambda: _linear(w), 3)  # rho_t <= 5: plain steps of lr * g
    expected = W0.copy()
    for (wt,) in traj:
        expected = expected * (1 - lr * wd) - lr * C
        np.testing.assert_allclose(wt, expected, rtol=1e-12)


def test_rprop_step_sizes_grow_while_the_sign_holds():
    lr, etas, smax = 0.01, (0.5, 1.2), 0.02
    w = _param(W0)
    traj = _run(optim.Rprop([w], lr=lr, etas=etas, step_sizes=(1e-6, smax)), [w],
                lambda: _linear(w), 8)
    expected = W0.copy()
    for t, (wt,) in enumerate(traj, 1):
        expected = expected - np.sign(C) * min(lr * 1.2 ** (t - 1), smax)
        np.testing.assert_allclose(wt, expected, rtol=1e-12)


def test_rprop_sign_flip_shrinks_and_skips_one_step():
    # f = 0.5 a w^2 from w = 1 with a big first step: the gradient flips sign
    w = _param([1.0])
    opt = optim.Rprop([w], lr=1.5, etas=(0.5, 1.2))
    traj = _run(opt, [w], lambda: _quadratic(w, np.array([1.0])), 3)
    # step 1: s = 0 -> size 1.5, w = -0.5; step 2: flip -> size 0.75, no move, prev = 0;
    # step 3: s = 0 -> size stays 0.75, w = -0.5 + 0.75
    np.testing.assert_allclose([t[0][0] for t in traj], [-0.5, -0.5, 0.25], rtol=1e-14)
    np.testing.assert_allclose(opt.state[w]["step_size"].numpy(), [0.75])


def test_asgd_matches_its_equations_and_averages_after_t0():
    lr, lambd, alpha, t0 = 0.1, 0.5, 0.75, 3
    w = _param(W0, dtype=np.float64)
    tc.set_default_dtype(tc.float64)  # 0-d eta/mu in float64: the recursion below is exact
    try:
        opt = optim.ASGD([w], lr=lr, lambd=lambd, alpha=alpha, t0=t0)
        traj = _run(opt, [w], lambda: _quadratic(w), 10)
    finally:
        tc.set_default_dtype(tc.float32)
    W, eta, mu, ax = W0.copy(), lr, 1.0, np.zeros(2)
    for t, (wt,) in enumerate(traj, 1):
        W = W * (1 - lambd * eta) - eta * (A * W)
        ax = W.copy() if mu == 1 else ax + mu * (W - ax)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)
        np.testing.assert_allclose(wt, W, rtol=1e-12)
    np.testing.assert_allclose(opt.state[w]["ax"].numpy(), ax, rtol=1e-12)
    assert not np.allclose(ax, W)  # the average is not the last iterate


@pytest.mark.parametrize("name", NAMES)
def test_maximize_is_minimizing_the_negation(name):
    w1, w2 = _param(W0), _param(W0)
    t1 = _run(getattr(optim, name)([w1]), [w1], lambda: _quadratic(w1), 5)
    t2 = _run(getattr(optim, name)([w2], maximize=True), [w2], lambda: -_quadratic(w2), 5)
    np.testing.assert_array_equal(t1[-1][0], t2[-1][0])


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "RAdam", "ASGD"])
def test_weight_decay_is_an_l2_penalty(name):
    wd = 0.3
    w1, w2 = _param(W0), _param(W0)
    t1 = _run(getattr(optim, name)([w1], weight_decay=wd), [w1], lambda: _quadratic(w1), 6)
    t2 = _run(getattr(optim, name)([w2]), [w2], lambda: _quadratic(w2, A + wd), 6)
    np.testing.assert_allclose(t1[-1][0], t2[-1][0], rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_float32_parameters_stay_float32(name):
    w = _param(W0, dtype=np.float32)
    opt = getattr(optim, name)([w], lr=0.01)
    _run(opt, [w], lambda: _quadratic(w, A.astype(np.float32)), 3)
    assert _val(w).dtype == np.float32
    for key, v in opt.state[w].items():
        if v.ndim:
            assert v.numpy().dtype == np.float32, key


@pytest.mark.parametrize("name", NAMES)
def test_params_without_grad_are_skipped_and_step_bumps_version(name):
    used, unused = _param(W0), _param(W0)
    opt = getattr(optim, name)([used, unused])
    y = used * 2
    _run(opt, [used], lambda: _quadratic(used), 1)
    assert len(opt.state[unused]) == 0 and not np.array_equal(_val(used), W0)
    np.testing.assert_array_equal(_val(unused), W0)
    z = used * used
    opt.zero_grad()
    _quadratic(used).backward()
    opt.step()
    with pytest.raises(RuntimeError):
        z.sum().backward()  # used was saved by z and changed in place since
    del y


# ------------------------------------------------------------------------- state_dict


def _train(opt, params, steps):
    for _ in range(steps):
        opt.zero_grad()
        (_quadratic(params[0]) + _linear(params[1])).backward()
        opt.step()


STATE_CASES = [
    ("Adadelta", {"rho": 0.7}), ("Adamax", {"lr": 0.05}), ("RAdam", {"lr": 0.05}),
    ("Rprop", {"lr": 0.05}), ("ASGD", {"lr": 0.05, "t0": 2}),
]


@pytest.mark.parametrize("name, kwargs", STATE_CASES)
def test_state_dict_round_trip_continues_identically(name, kwargs):
    p1 = [_param(W0), _param(W0)]
    opt1 = getattr(optim, name)(p1, **kwargs)
    _train(opt1, p1, 8)
    sd = opt1.state_dict()
    assert sorted(sd["state"]) == [0, 1] and sd["param_groups"][0]["params"] == [0, 1]
    p2 = [_param(_val(p)) for p in p1]
    opt2 = getattr(optim, name)(p2)  # other hyper-parameters: the loaded groups replace them
    opt2.load_state_dict(sd)
    for key, v in opt2.state[p2[0]].items():  # a deep copy
        assert not np.shares_memory(v.numpy(), opt1.state[p1[0]][key].numpy())
    _train(opt1, p1, 6)
    _train(opt2, p2, 6)
    for a, b in zip(p1, p2):
        # ASGD's float32 eta/mu are cast to the float64 parameters' dtype on load (as PyTorch)
        np.testing.assert_allclose(_val(a), _val(b), rtol=1e-7 if name == "ASGD" else 0)


def test_radam_old_state_dict_without_decoupled_means_false():
    w = _param(W0)
    opt = optim.RAdam([w], weight_decay=0.1, decoupled_weight_decay=True)
    sd = opt.state_dict()
    del sd["param_groups"][0]["decoupled_weight_decay"]
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["decoupled_weight_decay"] is False


# ------------------------------------------------------------------------- validation


@pytest.mark.parametrize("name", NAMES)
def test_negative_lr_and_bad_params_rejected(name):
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        getattr(optim, name)([_param(W0)], lr=-1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        getattr(optim, name)([])
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        getattr(optim, name)([_param(W0) * 2])


INVALID = [
    ("Adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
    ("Adadelta", {"rho": -0.1}, "Invalid rho value: -0.1"),
    ("Adadelta", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("Adadelta", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    ("Adamax", {"betas": (1.0, 0.9)}, "Invalid beta parameter at index 0: 1.0"),
    ("Adamax", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    ("Adamax", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("RAdam", {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
    ("RAdam", {"weight_decay": -0.5}, "Invalid weight_decay value: -0.5"),
    ("Rprop", {"etas": (1.1, 1.2)}, "Invalid eta values: 1.1, 1.2"),
    ("Rprop", {"etas": (0.5, 0.9)}, "Invalid eta values: 0.5, 0.9"),
    ("ASGD", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
]


@pytest.mark.parametrize("name, kwargs, message", INVALID)
def test_invalid_hyperparameters(name, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        getattr(optim, name)([_param(W0)], **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_capturable_and_differentiable_raise_at_step_before_any_change(name):
    for flag, exc in (("capturable", AssertionError), ("differentiable", RuntimeError)):
        w = _param(W0)
        opt = getattr(optim, name)([w], **{flag: True})
        assert opt.param_groups[0][flag] is True
        opt.step()  # no gradient yet: nothing to check, nothing done (as PyTorch)
        _quadratic(w).backward()
        with pytest.raises(exc, match=f"{name}.step: .*{flag}=True"):
            opt.step()
        np.testing.assert_array_equal(_val(w), W0)


@pytest.mark.parametrize("name", NAMES)
def test_foreach_is_accepted_and_changes_nothing(name):
    w1, w2 = _param(W0), _param(W0)
    t1 = _run(getattr(optim, name)([w1], foreach=True), [w1], lambda: _quadratic(w1), 5)
    t2 = _run(getattr(optim, name)([w2]), [w2], lambda: _quadratic(w2), 5)
    np.testing.assert_array_equal(t1[-1][0], t2[-1][0])


@pytest.mark.parametrize("name", NAMES)
def test_work_with_lr_scheduler(name):
    w = _param(W0)
    opt = getattr(optim, name)([w], lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(6):
        opt.zero_grad()
        _quadratic(w).backward()
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]
    assert sched.get_last_lr() == [0.0125]


# --------------------------------------------------------------------- PyTorch oracle

_rng = np.random.default_rng(7)
X_DATA = _rng.normal(size=(16, 3))
Y_DATA = _rng.normal(size=(16, 2))
W_INIT = _rng.normal(size=(2, 3))
B_INIT = _rng.normal(size=(2,))
ROSEN_INIT = np.array([-1.2, 1.0])

ORACLE_CASES = [
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4}),
    ("Adadelta", {"weight_decay": 0.1, "maximize": True}),
    ("Adadelta", {"lr": 0.01, "rho": 1.0}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "betas": (0.5, 0.8), "eps": 1e-3}),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.05, "maximize": True, "weight_decay": 0.05}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "betas": (0.8, 0.9)}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.05, "maximize": True, "eps": 1e-3, "betas": (0.5, 0.7)}),
    ("Rprop", {}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5)}),
    ("Rprop", {"lr": 0.05, "step_sizes": (1e-3, 0.06)}),
    ("Rprop", {"lr": 0.02, "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.1, "alpha": 0.5, "t0": 5}),
    ("ASGD", {"lr": 0.05, "t0": 3, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.05, "t0": 0, "maximize": True}),
]


def _case_id(case):
    name, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


def _make_pair(torch, problem):
    inits = [W_INIT, B_INIT] if problem == "regression" else [ROSEN_INIT]
    return ([tc.tensor(a.copy(), requires_grad=True) for a in inits],
            [torch.tensor(a.copy(), requires_grad=True) for a in inits])


def _loss(lib, params, problem, sign):
    if problem == "regression":
        W, b = params
        X, Y = lib.from_numpy(X_DATA), lib.from_numpy(Y_DATA)
        return sign * ((X @ W.T + b - Y) ** 2).mean()
    xy = params[0]
    return sign * ((1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2)


def _lockstep(torch, opt1, opt2, ours, theirs, problem, sign, steps, scheds=()):
    for step in range(steps):
        for opt, params, lib in ((opt1, ours, tc), (opt2, theirs, torch)):
            opt.zero_grad()
            _loss(lib, params, problem, sign).backward()
            opt.step()
        for s in scheds:
            s.step()
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert np.all(np.isfinite(_val(a))), f"parameter {i} diverged at step {step}"
            np.testing.assert_allclose(_val(a), b.detach().numpy(), rtol=1e-6, atol=1e-10,
                                       err_msg=f"parameter {i} after step {step}")


def _assert_same_state(opt1, opt2):
    sd1, sd2 = opt1.state_dict(), opt2.state_dict()
    assert sd1["state"].keys() == sd2["state"].keys()
    for k, s2 in sd2["state"].items():
        assert sd1["state"][k].keys() == s2.keys()
        for key, v2 in s2.items():
            v1 = sd1["state"][k][key].numpy()
            assert v1.dtype == v2.numpy().dtype, key
            np.testing.assert_allclose(v1, v2.numpy(), rtol=1e-6, atol=1e-12, err_msg=f"{k}.{key}")
    # the groups are PyTorch's, key for key (foreach, capturable, differentiable included)
    assert sd1["param_groups"] == sd2["param_groups"]


@pytest.mark.oracle
@pytest.mark.parametrize("problem", ["regression", "rosenbrock"])
@pytest.mark.parametrize("case", ORACLE_CASES, ids=_case_id)
def test_matches_pytorch_step_by_step(case, problem):
    torch = pytest.importorskip("torch")
    name, kwargs = case
    sign = -1.0 if kwargs.get("maximize") else 1.0
    if problem == "rosenbrock" and "lr" in kwargs:
        kwargs = dict(kwargs, lr=kwargs["lr"] * 0.02)  # keep the steep valley stable
    ours, theirs = _make_pair(torch, problem)
    opt1 = getattr(optim, name)(ours, **kwargs)
    opt2 = getattr(torch.optim, name)(theirs, **kwargs)
    _lockstep(torch, opt1, opt2, ours, theirs, problem, sign, 20)
    _assert_same_state(opt1, opt2)


@pytest.mark.oracle
@pytest.mark.parametrize("name", NAMES)
def test_signature_equals_pytorch(name):
    torch = pytest.importorskip("torch")
    ours = inspect.signature(getattr(optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    assert list(ours) == list(theirs)
    for k in theirs:
        assert ours[k].kind == theirs[k].kind, k
        assert ours[k].default == theirs[k].default, k


@pytest.mark.oracle
@pytest.mark.parametrize("name, kwargs", [(n, kw) for n, kw, _ in INVALID]
                         + [(n, {"lr": -1.0}) for n in NAMES]
                         + [("Adadelta", {"rho": float("nan")}), ("Adamax", {"eps": float("nan")})])
def test_validation_messages_equal_pytorch(name, kwargs):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([_param(W0)], **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.oracle
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("flag", ["capturable", "differentiable"])
def test_step_flags_raise_the_pytorch_exception_class(name, flag):
    torch = pytest.importorskip("torch")
    ours, theirs = _make_pair(torch, "rosenbrock")
    opts = (getattr(optim, name)(ours, **{flag: True}),
            getattr(torch.optim, name)(theirs, **{flag: True}))
    kinds = []
    for opt, params, lib in zip(opts, (ours, theirs), (tc, torch)):
        _loss(lib, params, "rosenbrock", 1.0).backward()
        with pytest.raises(Exception) as info:
            opt.step()
        kinds.append(type(info.value))
    assert kinds[0] is kinds[1]


@pytest.mark.oracle
@pytest.mark.parametrize("name", NAMES)
def test_schedulers_drive_them_as_in_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = _make_pair(torch, "regression")
    opt1 = getattr(optim, name)(ours, lr=0.05)
    opt2 = getattr(torch.optim, name)(theirs, lr=0.05)
    scheds = [optim.lr_scheduler.ExponentialLR(opt1, gamma=0.8),
              torch.optim.lr_scheduler.ExponentialLR(opt2, gamma=0.8)]
    _lockstep(torch, opt1, opt2, ours, theirs, "regression", 1.0, 12, scheds)
    assert scheds[0].get_last_lr() == pytest.approx(scheds[1].get_last_lr(), rel=1e-15)


@pytest.mark.oracle
@pytest.mark.parametrize("name, kwargs", STATE_CASES)
def test_load_pytorch_state_dict_then_continue_identically(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = _make_pair(torch, "regression")
    opt2 = getattr(torch.optim, name)(theirs, **kwargs)
    for _ in range(5):
        opt2.zero_grad()
        _loss(torch, theirs, "regression", 1.0).backward()
        opt2.step()
    for a, b in zip(ours, theirs):
        a.data = tc.tensor(b.detach().numpy().copy())
    opt1 = getattr(optim, name)(ours, **kwargs)
    opt1.load_state_dict(opt2.state_dict())
    opt2_reloaded = getattr(torch.optim, name)(theirs, **kwargs)
    opt2_reloaded.load_state_dict(opt2.state_dict())
    for k, v in opt2_reloaded.state[theirs[0]].items():  # the same dtype policy on load
        assert opt1.state[ours[0]][k].numpy().dtype == v.numpy().dtype, k
    _lockstep(torch, opt1, opt2_reloaded, ours, theirs, "regression", 1.0, 10)


@pytest.mark.oracle
@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(["Adamax", "RAdam"]), lr=st.floats(1e-3, 0.1),
       b1=st.floats(0.0, 0.99), b2=st.floats(0.0, 0.999), eps=st.floats(1e-8, 1e-2),
       weight_decay=st.floats(0.0, 0.3))
def test_adam_family_random_hyperparameters_match_pytorch(name, lr, b1, b2, eps, weight_decay):
    torch = pytest.importorskip("torch")
    kw = dict(lr=lr, betas=(b1, b2), eps=eps, weight_decay=weight_decay)
    ours, theirs = _make_pair(torch, "regression")
    opt1, opt2 = getattr(optim, name)(ours, **kw), getattr(torch.optim, name)(theirs, **kw)
    _lockstep(torch, opt1, opt2, ours, theirs, "regression", 1.0, 8)


@pytest.mark.oracle
@settings(max_examples=15, deadline=None)
@given(lr=st.floats(1e-3, 0.2), eta_minus=st.floats(0.1, 0.9), eta_plus=st.floats(1.05, 2.0),
       smax=st.floats(0.01, 1.0))
def test_rprop_random_hyperparameters_match_pytorch(lr, eta_minus, eta_plus, smax):
    torch = pytest.importorskip("torch")
    kw = dict(lr=lr, etas=(eta_minus, eta_plus), step_sizes=(1e-6, smax))
    ours, theirs = _make_pair(torch, "regression")
    opt1, opt2 = optim.Rprop(ours, **kw), torch.optim.Rprop(theirs, **kw)
    _lockstep(torch, opt1, opt2, ours, theirs, "regression", 1.0, 10)

"""Optimizers: closed-form trajectories, PyTorch oracle step by step, state_dict, validation."""
import copy
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_course as tc
from tinygrad_course import optim

# ------------------------------------------------------------------------------ helpers


def _param(values):
    return tc.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def _val(p):
    return p.detach().numpy().copy()


def _quadratic_loss(w, a):
    """f(w) = 0.5 * sum(a * w^2), gradient a * w."""
    return 0.5 * (tc.tensor(a) * w * w).sum()


def _linear_loss(w, c):
    """f(w) = sum(c * w), constant gradient c."""
    return (tc.tensor(c) * w).sum()


def _run(opt, params, loss_fn, steps):
    """Plain loop: zero_grad, backward, step; returns the parameter values after each step."""
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
        out.append([_val(p) for p in params])
    return out


A = np.array([0.5, 2.0])
W0 = np.array([1.0, -2.0])
C = np.array([0.7, -1.3])


# ------------------------------------------------------------- closed-form trajectories


def test_sgd_plain_closed_form():
    w = _param(W0)
    traj = _run(optim.SGD([w], lr=0.1), [w], lambda: _quadratic_loss(w, A), 15)
    for t, (wt,) in enumerate(traj, 1):
        np.testing.assert_allclose(wt, (1 - 0.1 * A) ** t * W0, rtol=1e-12)


def test_sgd_weight_decay_is_l2_penalty_closed_form():
    # weight decay lam adds lam * w to the gradient: same as the quadratic with a + lam
    w = _param(W0)
    traj = _run(optim.SGD([w], lr=0.1, weight_decay=0.3), [w], lambda: _quadratic_loss(w, A), 10)
    for t, (wt,) in enumerate(traj, 1):
        np.testing.assert_allclose(wt, (1 - 0.1 * (A + 0.3)) ** t * W0, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_closed_form(nesterov):
    lr, mu = 0.1, 0.9
    w = _param(W0)
    traj = _run(optim.SGD([w], lr=lr, momentum=mu, nesterov=nesterov), [w],
                lambda: _quadratic_loss(w, A), 25)
    for i, a in enumerate(A):
        # z_t = (w_t, b_t) follows z_t = M z_{t-1} with b_0 = 0 (then b_1 = g_1 as PyTorch)
        if nesterov:
            M = np.array([[1 - lr * a * (1 + mu), -lr * mu * mu], [a, mu]])
        else:
            M = np.array([[1 - lr * a, -lr * mu], [a, mu]])
        for t, (wt,) in enumerate(traj, 1):
            expected = np.linalg.matrix_power(M, t) @ np.array([W0[i], 0.0])
            assert wt[i] == pytest.approx(expected[0], rel=1e-10, abs=1e-13)


def test_sgd_maximize_closed_form():
    w = _param(W0)
    traj = _run(optim.SGD([w], lr=0.1, maximize=True), [w], lambda: -_quadratic_loss(w, A), 10)
    for t, (wt,) in enumerate(traj, 1):
        np.testing.assert_allclose(wt, (1 - 0.1 * A) ** t * W0, rtol=1e-12)


def test_sgd_dampening_closed_form():
    # linear loss: constant g; b_1 = g, b_t = mu b_{t-1} + (1 - tau) g
    lr, mu, tau = 0.05, 0.8, 0.3
    w = _param(W0)
    traj = _run(optim.SGD([w], lr=lr, momentum=mu, dampening=tau), [w],
                lambda: _linear_loss(w, C), 12)
    b, expected = C.copy(), W0.copy()
    for t, (wt,) in enumerate(traj, 1):
        if t > 1:
            b = mu * b + (1 - tau) * C
        expected = expected - lr * b
        np.testing.assert_allclose(wt, expected, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_equals_lecture_formula(nesterov):
    """Lecture: v = eta v + gamma grad f(W [- eta v]); W = W - v. PyTorch's b relates by v = lr b;
    with Nesterov, PyTorch's parameter is the lecture's look-ahead point W - eta v."""
    gamma, eta = 0.1, 0.9
    w = _param(W0)
    traj = _run(optim.SGD([w], lr=gamma, momentum=eta, nesterov=nesterov), [w],
                lambda: _quadratic_loss(w, A), 30)
    W, v = W0.copy(), np.zeros(2)
    for (wt,) in traj:
        look = W - eta * v if nesterov else W
        v = eta * v + gamma * A * look
        W = W - v
        ours_in_lecture_terms = W - eta * v if nesterov else W
        np.testing.assert_allclose(wt, ours_in_lecture_terms, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("lr_decay", [0.0, 0.1])
def test_adagrad_constant_gradient_closed_form(lr_decay):
    lr, eps, acc0 = 0.3, 1e-10, 0.25
    w = _param(W0)
    opt = optim.Adagrad([w], lr=lr, lr_decay=lr_decay, initial_accumulator_value=acc0)
    traj = _run(opt, [w], lambda: _linear_loss(w, C), 10)
    expected = W0.copy()
    for t, (wt,) in enumerate(traj, 1):
        clr = lr / (1 + (t - 1) * lr_decay)
        expected = expected - clr * C / (np.sqrt(acc0 + t * C**2) + eps)
        np.testing.assert_allclose(wt, expected, rtol=1e-12)


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_constant_gradient_closed_form(centered):
    lr, alpha, eps = 0.01, 0.9, 1e-8
    w = _param(W0)
    traj = _run(optim.RMSprop([w], lr=lr, alpha=alpha, centered=centered), [w],
                lambda: _linear_loss(w, C), 10)
    expected = W0.copy()
    for t, (wt,) in enumerate(traj, 1):
        v = (1 - alpha**t) * C**2            # running mean of g^2
        if centered:
            m = (1 - alpha**t) * C           # running mean of g
            v = v - m**2
        expected = expected - lr * C / (np.sqrt(v) + eps)
        np.testing.assert_allclose(wt, expected, rtol=1e-10)


def test_rmsprop_momentum_closed_form():
    lr, alpha, mu, eps = 0.01, 0.9, 0.5, 1e-8
    w = _param(W0)
    traj = _run(optim.RMSprop([w], lr=lr, alpha=alpha, momentum=mu), [w],
                lambda: _linear_loss(w, C), 10)
    expected, buf = W0.copy(), np.zeros(2)
    for t, (wt,) in enumerate(traj, 1):
        buf = mu * buf + C / (np.sqrt((1 - alpha**t) * C**2) + eps)
        expected = expected - lr * buf
        np.testing.assert_allclose(wt, expected, rtol=1e-10)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_constant_gradient_moves_lr_per_step(amsgrad):
    # bias correction makes m_hat = g and v_hat = g^2 exactly: each step moves lr * g / (|g| + eps)
    lr, eps = 0.05, 1e-8
    w = _param(W0)
    traj = _run(optim.Adam([w], lr=lr, amsgrad=amsgrad), [w], lambda: _linear_loss(w, C), 10)
    for t, (wt,) in enumerate(traj, 1):
        np.testing.assert_allclose(wt, W0 - t * lr * C / (np.abs(C) + eps), rtol=1e-12)


@pytest.mark.parametrize("cls", ["AdamW", "Adam"])
def test_decoupled_weight_decay_closed_form(cls):
    lr, wd, eps = 0.05, 0.2, 1e-8
    w = _param(W0)
    kw = {"decoupled_weight_decay": True} if cls == "Adam" else {}
    opt = getattr(optim, cls)([w], lr=lr, weight_decay=wd, **kw)
    traj = _run(opt, [w], lambda: _linear_loss(w, C), 10)
    r, s = 1 - lr * wd, lr * C / (np.abs(C) + eps)
    for t, (wt,) in enumerate(traj, 1):
        # w_t = r w_{t-1} - s  =>  w_t = r^t w_0 - s (1 - r^t) / (1 - r)
        np.testing.assert_allclose(wt, r**t * W0 - s * (1 - r**t) / (1 - r), rtol=1e-12)


def test_nadam_constant_gradient_closed_form():
    lr, b1, b2, psi, eps = 0.02, 0.9, 0.999, 4e-3, 1e-8
    w = _param(W0)
    traj = _run(optim.NAdam([w], lr=lr), [w], lambda: _linear_loss(w, C), 10)
    expected, prod = W0.copy(), np.float32(1.0)
    for t, (wt,) in enumerate(traj, 1):
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        prod = np.float32(prod * np.float32(mu))  # PyTorch keeps mu_product in float32
        m = (1 - b1**t) * C
        d = np.sqrt((1 - b2**t) * C**2 / (1 - b2**t)) + eps
        expected = (expected - lr * (1 - mu) / (1 - float(prod)) * C / d
                    - lr * mu_next / (1 - float(prod) * mu_next) * m / d)
        np.testing.assert_allclose(wt, expected, rtol=1e-9)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_solves_quadratic(line_search_fn):
    rng = np.random.default_rng(0)
    Q = rng.normal(size=(4, 4))
    H = Q @ Q.T + 4 * np.eye(4)
    b = rng.normal(size=4)
    w = _param(np.zeros(4))
    opt = optim.LBFGS([w], max_iter=50, line_search_fn=line_search_fn,
                      tolerance_grad=1e-12, tolerance_change=1e-14)
    Ht, bt = tc.tensor(H), tc.tensor(b)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (w * (Ht @ w)).sum() - (bt * w).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(_val(w), np.linalg.solve(H, b), rtol=1e-7, atol=1e-9)


def test_lbfgs_rosenbrock_strong_wolfe_converges():
    xy = _param([-1.5, 2.0])
    opt = optim.LBFGS([xy], max_iter=100, line_search_fn="strong_wolfe", tolerance_grad=1e-12,
                      tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        loss = (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2
        loss.backward()
        return loss

    for _ in range(5):
        opt.step(closure)
    np.testing.assert_allclose(_val(xy), [1.0, 1.0], atol=1e-9)


# ------------------------------------------------------------------- PyTorch oracle

_rng = np.random.default_rng(42)
X_DATA = _rng.normal(size=(16, 3))
Y_DATA = _rng.normal(size=(16, 2))
W_INIT = _rng.normal(size=(2, 3))
B_INIT = _rng.normal(size=(2,))
ROSEN_INIT = np.array([-1.2, 1.0])

ORACLE_CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.05, "nesterov": True}),
    ("SGD", {"lr": 0.1, "maximize": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.7, "dampening": 0.3, "weight_decay": 0.05,
             "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-3}),
    ("Adagrad", {"lr": 0.1, "maximize": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.8}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.3, "eps": 1e-4}),
    ("RMSprop", {"lr": 0.01, "maximize": True, "centered": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.6), "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "maximize": True, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01, "betas": (0.6, 0.9)}),
    ("NAdam", {"lr": 0.05, "maximize": True}),
]

LBFGS_CASES = [
    {"max_iter": 4},
    {"max_iter": 4, "history_size": 2},
    {"lr": 0.5, "max_iter": 3},
    {"max_iter": 4, "line_search_fn": "strong_wolfe"},
    {"max_iter": 6, "history_size": 3, "line_search_fn": "strong_wolfe"},
]


def _case_id(case):
    name, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


def _regression_loss(lib, W, b, sign):
    X, Y = lib.from_numpy(X_DATA), lib.from_numpy(Y_DATA)
    return sign * ((X @ W.T + b - Y) ** 2).mean()


def _rosenbrock_loss(lib, xy, sign):
    return sign * ((1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2)


def _make_pair(torch, problem):
    inits = [W_INIT, B_INIT] if problem == "regression" else [ROSEN_INIT]
    ours = [tc.tensor(a.copy(), requires_grad=True) for a in inits]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in inits]
    return ours, theirs


def _loss(lib, params, problem, sign):
    if problem == "regression":
        return _regression_loss(lib, *params, sign)
    return _rosenbrock_loss(lib, params[0], sign)


def _assert_same_params(ours, theirs, step, rtol=1e-6):
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert np.all(np.isfinite(_val(a))), f"parameter {i} diverged at step {step}"
        np.testing.assert_allclose(_val(a), b.detach().numpy(), rtol=rtol, atol=1e-10,
                                   err_msg=f"parameter {i} after step {step}")


def _assert_same_state(ours_opt, torch_opt):
    sd1, sd2 = ours_opt.state_dict(), torch_opt.state_dict()
    assert sd1["state"].keys() == sd2["state"].keys()
    for k in sd2["state"]:
        assert sd1["state"][k].keys() == sd2["state"][k].keys()
        for key, v2 in sd2["state"][k].items():
            v1 = sd1["state"][k][key]
            if hasattr(v2, "numpy"):
                np.testing.assert_allclose(np.asarray(v1._data), v2.numpy(), rtol=1e-6, atol=1e-12,
                                           err_msg=f"state {k}.{key}")
                if key in ("step", "mu_product"):
                    assert v1._data.dtype == v2.numpy().dtype
    for g1, g2 in zip(sd1["param_groups"], sd2["param_groups"]):
        torch_only = set(g2) - set(g1)
        assert torch_only <= {"foreach", "differentiable", "fused", "capturable"}, torch_only
        assert set(g1) <= set(g2)
        for key in g1:
            assert g1[key] == g2[key], key


def _step_in_lockstep(torch, opt1, opt2, ours, theirs, problem, sign, steps):
    """Step both optimizers ``steps`` times on the same loss; parameters must agree after each step."""
    for step in range(steps):
        for opt, params, lib in ((opt1, ours, tc), (opt2, theirs, torch)):
            opt.zero_grad()
            _loss(lib, params, problem, sign).backward()
            opt.step()
        _assert_same_params(ours, theirs, step)


@pytest.mark.oracle
@pytest.mark.parametrize("problem", ["regression", "rosenbrock"])
@pytest.mark.parametrize("case", ORACLE_CASES, ids=_case_id)
def test_matches_pytorch_step_by_step(case, problem):
    torch = pytest.importorskip("torch")
    name, kwargs = case
    sign = -1.0 if kwargs.get("maximize") else 1.0
    if problem == "rosenbrock":
        kwargs = dict(kwargs, lr=kwargs["lr"] * 0.02)  # keep the steep valley stable
    ours, theirs = _make_pair(torch, problem)
    opt1 = getattr(optim, name)(ours, **kwargs)
    opt2 = getattr(torch.optim, name)(theirs, **kwargs)
    _step_in_lockstep(torch, opt1, opt2, ours, theirs, problem, sign, 20)
    _assert_same_state(opt1, opt2)


@pytest.mark.oracle
@pytest.mark.parametrize("problem", ["regression", "rosenbrock"])
@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_lbfgs_matches_pytorch_step_by_step(kwargs, problem):
    torch = pytest.importorskip("torch")
    ours, theirs = _make_pair(torch, problem)
    opt1 = optim.LBFGS(ours, **kwargs)
    opt2 = torch.optim.LBFGS(theirs, **kwargs)

    def closure_for(opt, params, lib):
        def closure():
            opt.zero_grad()
            loss = _loss(lib, params, problem, 1.0)
            loss.backward()
            return loss
        return closure

    c1, c2 = closure_for(opt1, ours, tc), closure_for(opt2, theirs, torch)
    for step in range(20):
        l1, l2 = opt1.step(c1), opt2.step(c2)
        # gradients agree bit for bit, but PyTorch's add_(alpha=t) uses a fused multiply-add
        # (rounds differently from NumPy) and Rosenbrock's valley amplifies 1e-16 to ~1e-7
        assert float(l1) == pytest.approx(float(l2.detach()), rel=1e-5, abs=1e-7)
        _assert_same_params(ours, theirs, step)
        s1, s2 = opt1.state[ours[0]], opt2.state[theirs[0]]
        assert (s1["func_evals"], s1["n_iter"]) == (s2["func_evals"], s2["n_iter"])
    assert set(opt1.state_dict()["state"][0]) == set(opt2.state_dict()["state"][0])


@pytest.mark.oracle
@settings(max_examples=25, deadline=None)
@given(lr=st.floats(1e-3, 0.2), momentum=st.floats(0.0, 0.95), dampening=st.floats(0.0, 0.9),
       weight_decay=st.floats(0.0, 0.3), nesterov=st.booleans(), maximize=st.booleans())
def test_sgd_random_hyperparameters_match_pytorch(lr, momentum, dampening, weight_decay,
                                                    nesterov, maximize):
    torch = pytest.importorskip("torch")
    if nesterov and momentum == 0:
        momentum = 0.5
    if nesterov:
        dampening = 0.0
    kw = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
              nesterov=nesterov, maximize=maximize)
    sign = -1.0 if maximize else 1.0
    ours, theirs = _make_pair(torch, "regression")
    opt1, opt2 = optim.SGD(ours, **kw), torch.optim.SGD(theirs, **kw)
    _step_in_lockstep(torch, opt1, opt2, ours, theirs, "regression", sign, 8)


@pytest.mark.oracle
@settings(max_examples=25, deadline=None)
@given(lr=st.floats(1e-3, 0.1), b1=st.floats(0.0, 0.99), b2=st.floats(0.0, 0.999),
       weight_decay=st.floats(0.0, 0.3), amsgrad=st.booleans(), decoupled=st.booleans())
def test_adam_random_hyperparameters_match_pytorch(lr, b1, b2, weight_decay, amsgrad, decoupled):
    torch = pytest.importorskip("torch")
    kw = dict(lr=lr, betas=(b1, b2), weight_decay=weight_decay, amsgrad=amsgrad,
              decoupled_weight_decay=decoupled)
    ours, theirs = _make_pair(torch, "regression")
    opt1, opt2 = optim.Adam(ours, **kw), torch.optim.Adam(theirs, **kw)
    _step_in_lockstep(torch, opt1, opt2, ours, theirs, "regression", 1.0, 8)


@pytest.mark.oracle
def test_param_groups_with_own_options_match_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _make_pair(torch, "regression")

    def groups(ps):
        return [{"params": [ps[0]], "momentum": 0.9}, {"params": [ps[1]], "lr": 0.01}]

    opt1 = optim.SGD(groups(ours), lr=0.1)
    opt2 = torch.optim.SGD(groups(theirs), lr=0.1)
    _step_in_lockstep(torch, opt1, opt2, ours, theirs, "regression", 1.0, 20)
    _assert_same_state(opt1, opt2)


@pytest.mark.oracle
@pytest.mark.parametrize("name, kwargs", [("Adam", {"lr": 0.05, "amsgrad": True}),
                                          ("SGD", {"lr": 0.05, "momentum": 0.9}),
                                          ("NAdam", {"lr": 0.05}),
                                          ("RMSprop", {"lr": 0.01, "centered": True,
                                                       "momentum": 0.5}),
                                          ("Adagrad", {"lr": 0.1})])
def test_load_pytorch_state_dict_then_continue_identically(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = _make_pair(torch, "regression")
    opt2 = getattr(torch.optim, name)(theirs, **kwargs)
    for _ in range(5):
        opt2.zero_grad()
        _loss(torch, theirs, "regression", 1.0).backward()
        opt2.step()
    for a, b in zip(ours, theirs):  # same parameters, then the same optimizer state
        a.data = tc.tensor(b.detach().numpy().copy())
    opt1 = getattr(optim, name)(ours, **kwargs)
    opt1.load_state_dict(opt2.state_dict())
    opt2_reloaded = getattr(torch.optim, name)(theirs, **kwargs)
    opt2_reloaded.load_state_dict(opt2.state_dict())
    for k, v in opt2_reloaded.state[theirs[0]].items():  # the same dtype policy on load
        assert np.dtype(opt1.state[ours[0]][k]._data.dtype) == v.numpy().dtype, k
    _step_in_lockstep(torch, opt1, opt2_reloaded, ours, theirs, "regression", 1.0, 10)


# ---------------------------------------------------------------------- state_dict


def _train(opt, params, steps):
    for _ in range(steps):
        opt.zero_grad()
        _regression_loss(tc, *params, 1.0).backward()
        opt.step()


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adagrad", {"lr": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True}), ("AdamW", {"lr": 0.05}), ("NAdam", {"lr": 0.05}),
])
def test_state_dict_round_trip_continues_identically(name, kwargs):
    p1 = [_param(W_INIT), _param(B_INIT)]
    opt1 = getattr(optim, name)(p1, **kwargs)
    _train(opt1, p1, 5)
    sd = opt1.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert sorted(sd["state"]) == [0, 1]
    assert sd["param_groups"][0]["params"] == [0, 1]
    p2 = [_param(_val(p)) for p in p1]
    opt2 = getattr(optim, name)(p2, **kwargs)
    opt2.load_state_dict(sd)
    # the loaded state is a deep copy
    for key, v in opt2.state[p2[0]].items():
        if isinstance(v, tc.Tensor):
            assert not np.shares_memory(v._data, opt1.state[p1[0]][key]._data)
    _train(opt1, p1, 5)
    _train(opt2, p2, 5)
    # NAdam's float32 mu_product is cast to the parameters' float64 on load (as in PyTorch),
    # so its continuation differs in the last bits; the others are bit for bit identical
    rtol = 1e-8 if name == "NAdam" else 0
    for a, b in zip(p1, p2):
        np.testing.assert_allclose(_val(a), _val(b), rtol=rtol, atol=0)


def test_load_state_dict_casts_buffers_to_param_dtype_but_not_step():
    w = _param(W0)
    opt = optim.Adam([w], lr=0.1)
    _run(opt, [w], lambda: _linear_loss(w, C), 2)
    sd = copy.deepcopy(opt.state_dict())
    sd["state"][0]["exp_avg"] = np.asarray(sd["state"][0]["exp_avg"]._data, dtype=np.float32)
    opt.load_state_dict(sd)
    assert opt.state[w]["exp_avg"].dtype == tc.float64
    assert opt.state[w]["step"].dtype == tc.float32
    assert float(opt.state[w]["step"]) == 2.0


def test_load_state_dict_validates_groups_and_leaves_optimizer_unchanged():
    a, b = _param(W0), _param(W0)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    _run(opt, [a, b], lambda: _linear_loss(a, C) + _linear_loss(b, C), 1)
    before = copy.deepcopy(opt.state_dict()["param_groups"])
    two_groups = optim.SGD([{"params": [_param(W0)]}, {"params": [_param(W0)]}], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(two_groups.state_dict())
    one_param = optim.SGD([_param(W0)], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict(one_param.state_dict())
    assert opt.state_dict()["param_groups"] == before
    assert opt.param_groups[0]["params"][0] is a


def test_state_is_lazy_and_keyed_by_parameter():
    w, unused = _param(W0), _param(W0)
    opt = optim.Adam([w, unused], lr=0.1)
    assert len(opt.state) == 0
    _run(opt, [w], lambda: _linear_loss(w, C), 1)
    assert set(opt.state) == {w}  # no gradient, no state
    assert set(opt.state[w]) == {"step", "exp_avg", "exp_avg_sq"}
    assert opt.state_dict()["state"].keys() == {0}


def test_adagrad_state_is_created_in_constructor():
    w = _param(W0)
    opt = optim.Adagrad([w], initial_accumulator_value=0.3)
    np.testing.assert_array_equal(opt.state[w]["sum"]._data, [0.3, 0.3])
    assert float(opt.state[w]["step"]) == 0.0


# ------------------------------------------------------------------- base behaviour


def test_zero_grad_set_to_none_and_to_zero():
    w = _param(W0)
    opt = optim.SGD([w], lr=0.1)
    _linear_loss(w, C).backward()
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 0.0])
    opt.zero_grad()
    assert w.grad is None


def test_params_without_grad_are_skipped():
    a, b = _param(W0), _param(W0)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    _linear_loss(a, C).backward()
    opt.step()
    np.testing.assert_array_equal(_val(b), W0)
    np.testing.assert_allclose(_val(a), W0 - 0.1 * C)


def test_add_param_group_and_defaults():
    a, b = _param(W0), _param(W0)
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    assert len(opt.param_groups) == 2
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        opt.add_param_group({"params": [np.zeros(2)]})
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {_param(W0)}})


def test_step_closure_returns_loss_and_runs_with_grad_enabled():
    w = _param(W0)
    opt = optim.Adam([w], lr=0.1)

    def closure():
        assert tc.is_grad_enabled()
        opt.zero_grad()
        loss = _linear_loss(w, C)
        loss.backward()
        return loss

    with tc.no_grad():
        loss = opt.step(closure)
    assert float(loss) == pytest.approx(float(np.dot(C, W0)))
    assert not np.allclose(_val(w), W0)


def test_step_bumps_version_so_stale_graphs_are_detected():
    w = _param(W0)
    opt = optim.SGD([w], lr=0.1)
    loss = (w * w).sum()  # saves w for backward
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError):
        loss.backward()


def test_repr_lists_groups():
    opt = optim.SGD([_param(W0)], lr=0.1, momentum=0.9)
    r = repr(opt)
    assert r.startswith("SGD (") and "Parameter Group 0" in r and "momentum: 0.9" in r


def test_optimizers_work_in_float32():
    for name in ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam"]:
        w = tc.tensor(W0.astype(np.float32), requires_grad=True)
        opt = getattr(optim, name)([w], lr=0.01)
        _run(opt, [w], lambda: _quadratic_loss(w, A.astype(np.float32)), 3)
        assert w.dtype == tc.float32 and w.grad.dtype == tc.float32
        assert np.all(np.abs(_val(w)) < np.abs(W0))


# ---------------------------------------------------------------------- validation

ALL = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "LBFGS"]


@pytest.mark.parametrize("name", ALL)
def test_negative_lr_rejected(name):
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        getattr(optim, name)([_param(W0)], lr=-1)


@pytest.mark.parametrize("name", ALL)
def test_empty_and_non_leaf_params_rejected(name):
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        getattr(optim, name)([])
    w = _param(W0)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        getattr(optim, name)([w * 2])
    with pytest.raises(TypeError, match="iterable of Tensors"):
        getattr(optim, name)(w)


@pytest.mark.parametrize("name, kwargs, message", [
    ("SGD", {"momentum": -0.1}, "Invalid momentum value: -0.1"),
    ("SGD", {"weight_decay": -1}, "Invalid weight_decay value: -1"),
    ("SGD", {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov momentum requires"),
    ("Adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    ("Adam", {"betas": (0.9, -0.1)}, r"Invalid beta parameter at index 1: -0.1"),
    ("Adam", {"eps": -1e-8}, "Invalid epsilon value"),
    ("AdamW", {"weight_decay": -0.1}, "Invalid weight_decay value"),
    ("NAdam", {"momentum_decay": -1}, "Invalid momentum_decay value: -1"),
    ("NAdam", {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1: 1.5"),
    ("RMSprop", {"alpha": -0.5}, "Invalid alpha value: -0.5"),
    ("RMSprop", {"momentum": -1}, "Invalid momentum value: -1"),
    ("Adagrad", {"lr_decay": -1}, "Invalid lr_decay value: -1"),
    ("Adagrad", {"initial_accumulator_value": -1}, "Invalid initial_accumulator_value value"),
    ("LBFGS", {"line_search_fn": "armijo"}, "line_search_fn"),
])
def test_invalid_hyperparameters(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(optim, name)([_param(W0)], **kwargs)


@pytest.mark.oracle
@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"lr": -1}), ("SGD", {"momentum": -0.1}), ("SGD", {"nesterov": True}),
    ("Adam", {"betas": (1.0, 0.999)}), ("Adam", {"eps": -1.0}), ("NAdam", {"momentum_decay": -1.0}),
    ("RMSprop", {"alpha": -0.5}), ("Adagrad", {"lr_decay": -1}), ("AdamW", {"weight_decay": -0.1}),
])
def test_validation_messages_equal_pytorch(name, kwargs):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([_param(W0)], **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_lbfgs_rejects_param_groups():
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [_param(W0)]}, {"params": [_param(W0)]}])


STEPPERS = [("SGD", {"momentum": 0.9}), ("Adagrad", {}), ("RMSprop", {"centered": True}),
            ("Adam", {"amsgrad": True}), ("AdamW", {}), ("NAdam", {})]


@pytest.mark.parametrize("name, kwargs", STEPPERS)
def test_step_with_wrong_shape_grad_leaves_params_and_state_unchanged(name, kwargs):
    good, bad = _param(W0), _param(W0)
    opt = getattr(optim, name)([good, bad], lr=0.1, **kwargs)
    _run(opt, [good, bad], lambda: _linear_loss(good, C) + _linear_loss(bad, C), 2)
    before = [_val(good), _val(bad)]
    state_before = copy.deepcopy({k: {n: np.array(v._data) for n, v in s.items()}
                                  for k, s in opt.state_dict()["state"].items()})
    good.grad = tc.tensor(C.copy())
    bad._grad = tc.tensor(np.ones(3))  # a corrupted gradient (the public setter refuses it)
    with pytest.raises(RuntimeError, match=r"shape \(3,\).*shape \(2,\)"):
        opt.step()
    bad._grad = tc.tensor(np.ones(2, dtype=np.float32))
    with pytest.raises(RuntimeError, match="dtype float32"):
        opt.step()
    np.testing.assert_array_equal(_val(good), before[0])
    np.testing.assert_array_equal(_val(bad), before[1])
    for k, s in opt.state_dict()["state"].items():
        for n, v in s.items():
            np.testing.assert_array_equal(v._data, state_before[k][n])


@pytest.mark.parametrize("name, kwargs", STEPPERS[:1] + STEPPERS[2:])
def test_step_with_corrupted_state_raises_before_updating(name, kwargs):
    good, bad = _param(W0), _param(W0)
    opt = getattr(optim, name)([good, bad], lr=0.1, **kwargs)
    _run(opt, [good, bad], lambda: _linear_loss(good, C) + _linear_loss(bad, C), 1)
    sd = copy.deepcopy(opt.state_dict())
    key = next(k for k in sd["state"][1] if k != "step" and k != "mu_product")
    sd["state"][1][key] = np.zeros(5)
    opt.load_state_dict(sd)
    before = [_val(good), _val(bad)]
    with pytest.raises(RuntimeError, match=f"state '{key}' of parameter 1"):
        opt.step()
    np.testing.assert_array_equal(_val(good), before[0])
    np.testing.assert_array_equal(_val(bad), before[1])


def test_lbfgs_closure_that_raises_restores_params():
    w = _param(W0)
    opt = optim.LBFGS([w], max_iter=10)
    calls = {"n": 0}

    def closure():
        calls["n"] += 1
        if calls["n"] == 3:
            raise ArithmeticError("boom")
        opt.zero_grad()
        loss = _quadratic_loss(w, A)
        loss.backward()
        return loss

    with pytest.raises(ArithmeticError):
        opt.step(closure)
    np.testing.assert_array_equal(_val(w), W0)
    assert "func_evals" not in opt.state[w]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step(closure)  # works afterwards
    assert math.isfinite(float(_val(w)[0]))


@pytest.mark.parametrize("name, kwargs", [("Adam", {"lr": 0.05}), ("LBFGS", {"max_iter": 3})])
def test_deepcopy_of_optimizer_continues_identically(name, kwargs):
    w = _param(W_INIT)
    b = _param(B_INIT)
    opt = getattr(optim, name)([w, b], **kwargs)
    optim.lr_scheduler.StepLR(opt, step_size=2)  # wraps opt.step; must not break copying

    def step(o, params):
        def closure():
            o.zero_grad()
            loss = _regression_loss(tc, *params, 1.0)
            loss.backward()
            return loss
        o.step(closure)

    step(opt, [w, b])
    opt2 = copy.deepcopy(opt)
    w2, b2 = opt2.param_groups[0]["params"]
    assert w2 is not w and set(opt2.state) <= {w2, b2}
    for _ in range(3):
        step(opt, [w, b])
        step(opt2, [w2, b2])
    np.testing.assert_array_equal(_val(w2), _val(w))
    np.testing.assert_array_equal(_val(b2), _val(b))

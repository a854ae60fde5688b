"""Second-order optimizers: exact damped Newton and Hessian-free Newton-CG."""
import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import optim

# --------------------------------------------------------------- logistic regression

_rng = np.random.default_rng(0)
N, D = 200, 3
X = _rng.normal(size=(N, D))
TRUE_W, TRUE_B = np.array([1.0, -2.0, 0.5]), 0.3
Y = (_rng.random(N) < 1 / (1 + np.exp(-(X @ TRUE_W + TRUE_B)))).astype(np.float64)
REG = 1e-3


def _logreg_loss(w, b):
    """mean(log(1 + e^z) - y z) + REG/2 |w|^2 with z = X w + b (|z| < 10 here, so no overflow;
    the relu/abs-based stable softplus would have a kink at the starting point z = 0)."""
    z = tc.tensor(X) @ w + b
    return (tc.log1p(tc.exp(z)) - tc.tensor(Y) * z).mean() + 0.5 * REG * (w * w).sum()


def _reference_solution():
    """High-precision optimum by Newton's method with the analytic gradient and Hessian."""
    Xb = np.hstack([X, np.ones((N, 1))])
    theta = np.zeros(D + 1)
    R = np.diag([REG] * D + [0.0])
    for _ in range(100):
        p = 1 / (1 + np.exp(-Xb @ theta))
        g = Xb.T @ (p - Y) / N + R @ theta
        H = (Xb * (p * (1 - p))[:, None]).T @ Xb / N + R
        theta = theta - np.linalg.solve(H, g)
    assert np.abs(g).max() < 1e-14
    return theta


THETA_STAR = _reference_solution()


def _closure(opt, loss_fn):
    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward(create_graph=True)
        return loss
    return closure


def _logreg_params():
    return tc.tensor(np.zeros(D), requires_grad=True), tc.tensor(np.zeros(1), requires_grad=True)


def _theta(w, b):
    return np.concatenate([w.detach().numpy(), b.detach().numpy()])


def test_newton_converges_in_a_handful_of_steps_on_logistic_regression():
    w, b = _logreg_params()
    opt = optim.Newton([w, b])
    closure = _closure(opt, lambda: _logreg_loss(w, b))
    errors = []
    for _ in range(7):
        opt.step(closure)
        errors.append(np.abs(_theta(w, b) - THETA_STAR).max())
    assert errors[-1] < 1e-9
    # quadratic convergence: once close, the error at least squares (up to a constant)
    k = next(i for i, e in enumerate(errors) if e < 1e-2)
    assert errors[k + 1] < 10 * errors[k] ** 2 + 1e-12
    # gradient descent with the same budget is nowhere near
    w2, b2 = _logreg_params()
    sgd = optim.SGD([w2, b2], lr=1.0)
    for _ in range(7):
        sgd.zero_grad()
        _logreg_loss(w2, b2).backward()
        sgd.step()
    assert np.abs(_theta(w2, b2) - THETA_STAR).max() > 1e3 * errors[-1]


def test_newton_cg_decreases_the_loss_every_step_and_converges():
    w, b = _logreg_params()
    opt = optim.NewtonCG([w, b], cg_iters=10)
    closure = _closure(opt, lambda: _logreg_loss(w, b))
    losses = [float(_logreg_loss(w, b))]
    for _ in range(8):
        opt.step(closure)
        losses.append(float(_logreg_loss(w, b)))
    # strictly decreasing until the optimum is reached to rounding
    for a_, b_ in zip(losses, losses[1:]):
        assert b_ < a_ or abs(b_ - a_) <= 1e-15 * abs(a_)
    assert losses[3] < losses[0] - 0.1
    np.testing.assert_allclose(_theta(w, b), THETA_STAR, atol=1e-8)
    state = opt.state[w]
    assert state["step"].item() == 8 and 1 <= state["cg_iters"] <= 10
    assert state["negative_curvature"] is False


# -------------------------------------------------------------------- quadratics


def _spd(n, seed):
    rng = np.random.default_rng(seed)
    Q = rng.normal(size=(n, n))
    return Q @ Q.T + n * np.eye(n), rng.normal(size=n), rng.normal(size=n)


def _quad(w, A, c):
    """0.5 w^T A w - c^T w."""
    return 0.5 * (w * (tc.tensor(A) @ w)).sum() - (tc.tensor(c) * w).sum()


def test_one_undamped_newton_step_solves_a_quadratic():
    A, c, w0 = _spd(5, 1)
    w = tc.tensor(w0.copy(), requires_grad=True)
    opt = optim.Newton([w], damping=0.0)
    loss = opt.step(_closure(opt, lambda: _quad(w, A, c)))
    assert float(loss) == pytest.approx(0.5 * w0 @ A @ w0 - c @ w0)
    np.testing.assert_allclose(w.detach().numpy(), np.linalg.solve(A, c), rtol=1e-10)
    assert opt.state[w]["damping"] == 0.0


def test_newton_hessian_couples_several_parameters():
    # least squares in (W, b): one Newton step lands on the lstsq solution
    rng = np.random.default_rng(3)
    Xd, Yd = rng.normal(size=(30, 3)), rng.normal(size=(30, 2))
    W = tc.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    b = tc.tensor(rng.normal(size=(2,)), requires_grad=True)
    opt = optim.Newton([W, b], damping=0.0)
    opt.step(_closure(opt, lambda: ((tc.tensor(Xd) @ W + b - tc.tensor(Yd)) ** 2).sum()))
    sol = np.linalg.lstsq(np.hstack([Xd, np.ones((30, 1))]), Yd, rcond=None)[0]
    np.testing.assert_allclose(W.detach().numpy(), sol[:3], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.detach().numpy(), sol[3], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("damping", [0.0, 1e-4, 0.5])
def test_newton_cg_agrees_with_newton_on_a_quadratic(damping):
    A, c, w0 = _spd(6, 2)
    results = []
    for cls, kw in [(optim.Newton, {}), (optim.NewtonCG, {"cg_tol": 1e-13})]:
        w = tc.tensor(w0.copy(), requires_grad=True)
        opt = cls([w], lr=0.7, damping=damping, **kw)
        closure = _closure(opt, lambda: _quad(w, A, c))
        opt.step(closure)
        opt.step(closure)
        results.append(w.detach().numpy().copy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-9, atol=1e-12)
    # and both equal the damped Newton recursion computed by hand
    w = w0.copy()
    for _ in range(2):
        w = w - 0.7 * np.linalg.solve(A + damping * np.eye(6), A @ w - c)
    np.testing.assert_allclose(results[0], w, rtol=1e-9)


def test_newton_raises_damping_on_an_indefinite_hessian():
    # a saddle: H = diag(1, -1); H + lam I is positive definite only for lam > 1
    w = tc.tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = optim.Newton([w], damping=1e-4)

    def f():
        return 0.5 * (w[0] ** 2 - w[1] ** 2)

    before = float(f())
    opt.step(_closure(opt, f))
    assert opt.state[w]["damping"] == pytest.approx(10.0)  # 1e-4 * 10^5, the first lam > 1
    np.testing.assert_allclose(w.detach().numpy(), [1 - 1 / 11, 1 + 1 / 9])
    assert float(f()) < before


def test_newton_cg_stops_at_negative_curvature_with_the_gradient_on_first_iteration():
    w = tc.tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = optim.NewtonCG([w], lr=0.5)

    def f():
        return 0.5 * (w[0] ** 2 - w[1] ** 2)

    before = float(f())
    opt.step(_closure(opt, f))
    assert opt.state[w]["negative_curvature"] is True and opt.state[w]["cg_iters"] == 0
    np.testing.assert_allclose(w.detach().numpy(), [1 - 0.5 * 1.0, 2 - 0.5 * (-2.0)])
    assert float(f()) < before


def test_newton_cg_negative_curvature_later_keeps_a_descent_direction():
    H = np.diag([3.0, 1.0, -0.5])
    w0 = np.array([1.0, 1.0, 0.3])
    w = tc.tensor(w0.copy(), requires_grad=True)
    opt = optim.NewtonCG([w], lr=1.0, damping=0.0)
    f = lambda: 0.5 * (w * (tc.tensor(H) @ w)).sum()  # noqa: E731
    before = float(f())
    opt.step(_closure(opt, f))
    st = opt.state[w]
    assert st["negative_curvature"] is True and st["cg_iters"] >= 1
    step = w0 - w.detach().numpy()
    assert step @ (H @ w0) > 0  # g . d > 0: a descent direction
    assert float(f()) < before


def test_unused_parameter_is_left_alone():
    A, c, w0 = _spd(3, 4)
    w = tc.tensor(w0.copy(), requires_grad=True)
    unused = tc.tensor(np.ones(2), requires_grad=True)
    for cls in (optim.Newton, optim.NewtonCG):
        opt = cls([w, unused])
        opt.step(_closure(opt, lambda: _quad(w, A, c)))
        np.testing.assert_array_equal(unused.detach().numpy(), [1.0, 1.0])


def test_step_frees_the_double_backward_graph():
    A, c, w0 = _spd(3, 5)
    w = tc.tensor(w0.copy(), requires_grad=True)
    opt = optim.Newton([w])
    opt.step(_closure(opt, lambda: _quad(w, A, c)))
    assert w.grad is not None and w.grad.grad_fn is None and not w.grad.requires_grad


def test_float32_parameters_stay_float32():
    A, c, w0 = _spd(3, 6)
    w = tc.tensor(w0.astype(np.float32), requires_grad=True)
    opt = optim.Newton([w], damping=0.0)
    opt.step(_closure(opt, lambda: _quad(w, A.astype(np.float32), c.astype(np.float32))))
    assert w.dtype == tc.float32
    np.testing.assert_allclose(w.detach().numpy(), np.linalg.solve(A, c), rtol=1e-4)


# -------------------------------------------------------------------- bad input


def test_newton_refuses_too_many_parameters_with_the_count():
    with pytest.raises(ValueError, match=r"101 elements in total, more than max_params=100"):
        optim.Newton([tc.zeros(101, requires_grad=True)], max_params=100)
    big = tc.zeros(20_000, requires_grad=True)
    with pytest.raises(ValueError, match="20000 elements.*NewtonCG"):
        optim.Newton([big])
    optim.NewtonCG([big])  # Hessian-free has no such limit


def test_closure_is_required_and_must_build_the_graph():
    w = tc.tensor(np.array([1.0, 2.0]), requires_grad=True)
    for cls in (optim.Newton, optim.NewtonCG):
        opt = cls([w])
        with pytest.raises(TypeError):
            opt.step()
        with pytest.raises(TypeError, match="closure"):
            opt.step(None)

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()  # forgot create_graph=True
            return loss

        with pytest.raises(RuntimeError, match="create_graph=True"):
            opt.step(closure)
        np.testing.assert_array_equal(w.detach().numpy(), [1.0, 2.0])


@pytest.mark.parametrize("cls, kwargs, message", [
    (optim.Newton, {"lr": -1}, "Invalid learning rate: -1"),
    (optim.Newton, {"damping": -1e-3}, "Invalid damping value"),
    (optim.Newton, {"max_params": 0}, "Invalid max_params value: 0"),
    (optim.NewtonCG, {"cg_iters": 0}, "Invalid cg_iters value: 0"),
    (optim.NewtonCG, {"cg_tol": -1.0}, "Invalid cg_tol value"),
    (optim.NewtonCG, {"lr": -0.5}, "Invalid learning rate: -0.5"),
])
def test_invalid_hyperparameters(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls([tc.zeros(2, requires_grad=True)], **kwargs)


def test_single_param_group_only():
    for cls in (optim.Newton, optim.NewtonCG):
        with pytest.raises(ValueError, match="per-parameter options"):
            cls([{"params": [tc.zeros(2, requires_grad=True)]},
                 {"params": [tc.zeros(2, requires_grad=True)]}])


def test_non_finite_hessian_raises_and_leaves_params_unchanged():
    w = tc.tensor(np.array([0.0, 1.0]), requires_grad=True)
    opt = optim.Newton([w])
    with np.errstate(all="ignore"):
        with pytest.raises(RuntimeError, match="non-finite"):
            opt.step(_closure(opt, lambda: (tc.sqrt(w) ** 3).sum()))
    np.testing.assert_array_equal(w.detach().numpy(), [0.0, 1.0])

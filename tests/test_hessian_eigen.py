"""tc.autograd.functional.hessian_eigenvalues (Lanczos on Hessian-vector products) vs numpy.linalg.eigvalsh."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F

hessian_eigenvalues = tc.autograd.functional.hessian_eigenvalues


def random_symmetric(n, seed, spread=1.0):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, n))
    return (m + m.T) / 2 * spread


def quadratic(A):
    """f(x) = 1/2 x^T A x + b^T x: its Hessian is A everywhere."""
    At = tc.tensor(A)
    b = tc.tensor(np.linspace(-1, 1, A.shape[0]))
    return lambda x: 0.5 * (x @ At @ x) + b @ x


def check_pairs(H, vals, vecs, k, which):
    """Eigenvalues match eigvalsh's wanted end (ascending); eigenvectors are orthonormal eigenvectors."""
    ref = np.linalg.eigvalsh(H)
    want = ref[-k:] if which == "largest" else ref[:k]
    scale = max(1.0, np.abs(ref).max())
    np.testing.assert_allclose(vals, want, atol=1e-8 * scale, rtol=0)
    assert np.all(np.diff(vals) >= 0)
    np.testing.assert_allclose(vecs.T @ vecs, np.eye(k), atol=1e-6)
    np.testing.assert_allclose(H @ vecs, vecs * vals, atol=1e-5 * scale)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 12), k=st.integers(1, 4), seed=st.integers(0, 2**31 - 1),
       which=st.sampled_from(["largest", "smallest"]), spread=st.sampled_from([1e-3, 1.0, 1e3]))
def test_random_symmetric_quadratics_match_eigvalsh(n, k, seed, which, spread):
    k = min(k, n)
    A = random_symmetric(n, seed, spread)
    x0 = tc.tensor(np.random.default_rng(seed + 1).standard_normal(n))
    vals, vecs = hessian_eigenvalues(quadratic(A), x0, k=k, which=which, tol=1e-10)
    assert tuple(vals.shape) == (k,) and tuple(vecs.shape) == (n, k)
    assert vals.dtype == tc.float64 and vecs.dtype == tc.float64
    check_pairs(A, vals.numpy(), vecs.numpy(), k, which)


def test_larger_quadratic_converges_before_max_iter():
    # n = 400 > max_iter: only possible if Lanczos converges on the extreme eigenvalues early
    rng = np.random.default_rng(3)
    d = np.concatenate([[40.0, 35.0, -20.0], rng.uniform(-5, 5, 397)])
    Q, _ = np.linalg.qr(rng.standard_normal((400, 400)))
    A = (Q * d) @ Q.T
    for which, want in (("largest", [35.0, 40.0]), ("smallest", [-20.0, d[3:].min()])):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            vals, vecs = hessian_eigenvalues(quadratic(A), tc.zeros(400, dtype=tc.float64), k=2, which=which,
                                             max_iter=150)
        np.testing.assert_allclose(vals.numpy(), np.sort(want), rtol=1e-6)
        v = vecs.numpy()
        np.testing.assert_allclose(A @ v, v * vals.numpy(), atol=1e-3)


def logistic_data(n=40, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 0.5).astype(np.float64)
    return X, y


def logistic_hessian(X, w, b, lam):
    """The exact Hessian of mean BCE(sigmoid(X w + b)) + lam/2 |w|^2 over (w, b), in NumPy."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    p = 1 / (1 + np.exp(-(Xb @ np.append(w, b))))
    H = Xb.T @ (Xb * (p * (1 - p))[:, None]) / len(X)
    H[:-1, :-1] += lam * np.eye(X.shape[1])
    return H


@pytest.mark.parametrize("which", ["largest", "smallest"])
@pytest.mark.parametrize("k", [1, 3])
def test_logistic_regression_tuple_inputs_match_eigvalsh(which, k):
    X, y = logistic_data()
    lam = 0.1
    rng = np.random.default_rng(5)
    w0, b0 = rng.standard_normal(5), 0.3
    Xt, yt = tc.tensor(X), tc.tensor(y)

    def loss(w, b):
        return F.binary_cross_entropy_with_logits(Xt @ w + b, yt) + 0.5 * lam * (w * w).sum()

    w, b = tc.tensor(w0, requires_grad=True), tc.tensor(b0)
    vals, (vw, vb) = hessian_eigenvalues(loss, (w, b), k=k, which=which, tol=1e-10)
    assert tuple(vw.shape) == (5, k) and tuple(vb.shape) == (k,)
    H = logistic_hessian(X, w0, b0, lam)
    vecs = np.vstack([vw.numpy(), vb.numpy()[None]])
    check_pairs(H, vals.numpy(), vecs, k, which)
    # the inputs are untouched: same values, same flags, no gradient
    np.testing.assert_array_equal(w.detach().numpy(), w0)
    assert w.requires_grad and not b.requires_grad and w.grad is None


def test_repeated_eigenvalue_gets_both_copies():
    A = np.diag([3.0, 3.0, 1.0, -2.0])
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((4, 4)))
    vals, vecs = hessian_eigenvalues(quadratic(Q @ A @ Q.T), tc.zeros(4, dtype=tc.float64), k=2)
    np.testing.assert_allclose(vals.numpy(), [3.0, 3.0], atol=1e-10)


def test_matrix_shaped_input_and_float32():
    A = random_symmetric(6, 7)
    At = tc.tensor(A, dtype=tc.float32)
    x0 = tc.zeros(2, 3)

    vals, vecs = hessian_eigenvalues(lambda x: 0.5 * (x.reshape(6) @ At @ x.reshape(6)), x0, k=2)
    assert vals.dtype == tc.float32 and tuple(vecs.shape) == (2, 3, 2)
    np.testing.assert_allclose(vals.numpy(), np.linalg.eigvalsh(A)[-2:], rtol=1e-4, atol=1e-4)


def test_zero_hessian_gives_zeros():
    vals, vecs = hessian_eigenvalues(lambda x: (3 * x).sum(), tc.ones(4, dtype=tc.float64), k=2, which="smallest")
    np.testing.assert_array_equal(vals.numpy(), [0.0, 0.0])
    np.testing.assert_allclose(vecs.numpy().T @ vecs.numpy(), np.eye(2))


def test_not_converged_warns():
    A = random_symmetric(40, 2)
    with pytest.warns(UserWarning, match="max_iter"):
        hessian_eigenvalues(quadratic(A), tc.zeros(40, dtype=tc.float64), max_iter=3, tol=1e-12)


def test_bad_arguments():
    x = tc.zeros(3, dtype=tc.float64)
    f = quadratic(np.eye(3))
    with pytest.raises(ValueError, match="k must be"):
        hessian_eigenvalues(f, x, k=4)
    with pytest.raises(ValueError, match="k must be"):
        hessian_eigenvalues(f, x, k=0)
    with pytest.raises(ValueError, match="which"):
        hessian_eigenvalues(f, x, which="top")
    with pytest.raises(ValueError, match="max_iter"):
        hessian_eigenvalues(f, x, max_iter=0)
    with pytest.raises(RuntimeError, match="single element"):
        hessian_eigenvalues(lambda x: x * 2, x)
    with pytest.raises(TypeError, match="input 0"):
        hessian_eigenvalues(f, np.zeros(3))
    with pytest.raises(RuntimeError, match="not finite"):
        hessian_eigenvalues(lambda x: (x ** 4).sum(), tc.tensor([1.0, float("nan"), 0.0], dtype=tc.float64))
    with pytest.raises(TypeError, match="floating point"):
        hessian_eigenvalues(lambda x: x.sum(), tc.zeros(3, dtype=tc.int64))


@pytest.mark.oracle
def test_mlp_parameters_match_torch_full_hessian():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 3)), rng.integers(0, 2, 8)
    params = [rng.standard_normal((4, 3)) * 0.7, rng.standard_normal(4) * 0.1, rng.standard_normal((2, 4)) * 0.7]

    def loss_fn(lib, Fn, Xt, yt):
        return lambda W1, b1, W2: Fn.cross_entropy(Fn.linear(Fn.linear(Xt, W1, b1).tanh(), W2), yt)

    ours = loss_fn(tc, F, tc.tensor(X), tc.tensor(y))
    vals, vecs = hessian_eigenvalues(ours, tuple(tc.tensor(p) for p in params), k=2, which="largest", tol=1e-10)
    vals_s, _ = hessian_eigenvalues(ours, tuple(tc.tensor(p) for p in params), k=2, which="smallest", tol=1e-10)
    theirs = loss_fn(torch, torch.nn.functional, torch.tensor(X), torch.tensor(y))
    H = torch.autograd.functional.hessian(theirs, tuple(torch.tensor(p) for p in params))
    sizes = [p.size for p in params]
    full = np.block([[H[i][j].reshape(sizes[i], sizes[j]).numpy() for j in range(3)] for i in range(3)])
    ref = np.linalg.eigvalsh(full)
    np.testing.assert_allclose(vals.numpy(), ref[-2:], atol=1e-8)
    np.testing.assert_allclose(vals_s.numpy(), ref[:2], atol=1e-8)
    assert [tuple(v.shape) for v in vecs] == [(4, 3, 2), (4, 2), (2, 4, 2)]


def test_low_rank_hessian_stops_early_without_warning():
    # H = u u^T + 0.5 v v^T on 500 parameters: Krylov spaces stop growing after 2 vectors
    rng = np.random.default_rng(4)
    u, v = rng.standard_normal(500), rng.standard_normal(500)
    ut, vt = tc.tensor(u), tc.tensor(v)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vals, vecs = hessian_eigenvalues(lambda x: 0.5 * (ut @ x) ** 2 + 0.25 * (vt @ x) ** 2,
                                         tc.zeros(500, dtype=tc.float64), k=3, max_iter=50)
    H = np.outer(u, u) + 0.5 * np.outer(v, v)
    np.testing.assert_allclose(vals.numpy(), np.linalg.eigvalsh(H)[-3:], atol=1e-8 * np.abs(vals.numpy()).max())

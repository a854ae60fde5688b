"""nn.init (gains, fans, distributions, in place, seeded) and nn.utils (clipping, vector conversion)."""
import math

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import nn
from tinygrad_course.nn import init
from tinygrad_course.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters


def test_calculate_gain_and_fans():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "a")
    assert init._calculate_fan_in_and_fan_out(tc.empty(5, 3)) == (3, 5)
    assert init._calculate_fan_in_and_fan_out(tc.empty(8, 4, 3, 3)) == (36, 72)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(tc.empty(5))


def test_inits_are_in_place_seeded_and_have_the_right_scale():
    w = tc.empty(400, 300)
    arr = w._data
    for fn, check in [
        (lambda t: init.uniform_(t, -2, 3), lambda a: a.min() >= -2 and a.max() <= 3 and abs(a.mean() - 0.5) < 0.05),
        (lambda t: init.normal_(t, 1.0, 0.5), lambda a: abs(a.mean() - 1) < 0.01 and abs(a.std() - 0.5) < 0.01),
        (lambda t: init.constant_(t, 0.3), lambda a: np.allclose(a, 0.3)),
        (init.ones_, lambda a: np.all(a == 1)),
        (init.zeros_, lambda a: np.all(a == 0)),
        (lambda t: init.xavier_uniform_(t, gain=2.0),
         lambda a: abs(np.abs(a).max() - 2 * math.sqrt(6 / 700)) < 1e-3),
        (init.xavier_normal_, lambda a: abs(a.std() - math.sqrt(2 / 700)) < 2e-3),
        (init.kaiming_uniform_, lambda a: abs(np.abs(a).max() - math.sqrt(6 / (1.0001 * 300))) < 1e-3),
        (lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)), lambda a: abs(np.abs(a).max() - 1 / math.sqrt(300)) < 1e-3),
        (lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
         lambda a: abs(a.std() - math.sqrt(2 / 400)) < 2e-3),
        (lambda t: init.trunc_normal_(t, std=1.0, a=-0.5, b=0.5), lambda a: a.min() >= -0.5 and a.max() <= 0.5),
        (init.orthogonal_, lambda a: np.allclose(a.T @ a, np.eye(300), atol=1e-4)),
    ]:
        out = fn(w)
        assert out is w and w._data is arr and w.dtype == tc.float32
        assert check(w.numpy())
    tc.manual_seed(11)
    a = init.kaiming_normal_(tc.empty(3, 4)).numpy().copy()
    tc.manual_seed(11)
    b = init.kaiming_normal_(tc.empty(3, 4)).numpy()
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(tc.empty(3, 4), mode="fan_avg")


def test_init_on_parameters_does_not_record_history():
    lin = nn.Linear(3, 2)
    init.xavier_uniform_(lin.weight)
    assert lin.weight.is_leaf and lin.weight.grad_fn is None
    lin(tc.randn(4, 3)).sum().backward()
    assert lin.weight.grad is not None


def test_modules_are_reproducible_under_manual_seed():
    tc.manual_seed(5)
    a = nn.Sequential(nn.Linear(3, 4), nn.Conv2d(1, 2, 3), nn.LSTM(2, 3), nn.Embedding(4, 2))
    tc.manual_seed(5)
    b = nn.Sequential(nn.Linear(3, 4), nn.Conv2d(1, 2, 3), nn.LSTM(2, 3), nn.Embedding(4, 2))
    for (k, v), w in zip(a.state_dict().items(), b.state_dict().values()):
        np.testing.assert_array_equal(v.numpy(), w.numpy(), err_msg=k)


def _params_with_grads(seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    ps = [nn.Parameter(tc.tensor(rng.standard_normal(s))) for s in [(3, 4), (4,), (2, 2)]]
    for p in ps:
        p.grad = tc.tensor(rng.standard_normal(p.shape) * scale)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm(norm_type):
    ps = _params_with_grads(scale=5.0)
    grads = np.concatenate([p.grad.numpy().ravel() for p in ps])
    expected = np.abs(grads).max() if norm_type == math.inf else (np.abs(grads) ** norm_type).sum() ** (1 / norm_type)
    total = clip_grad_norm_(ps, max_norm=1.0, norm_type=norm_type)
    assert isinstance(total, tc.Tensor) and total.item() == pytest.approx(expected)
    clipped = np.concatenate([p.grad.numpy().ravel() for p in ps])
    np.testing.assert_allclose(clipped, grads * (1.0 / (expected + 1e-6)))
    # below max_norm: untouched
    ps = _params_with_grads(scale=1e-3)
    before = [p.grad.numpy().copy() for p in ps]
    clip_grad_norm_(ps, 10.0)
    for p, b in zip(ps, before):
        np.testing.assert_allclose(p.grad.numpy(), b)


def test_clip_grad_norm_edge_cases():
    assert clip_grad_norm_([nn.Parameter(tc.ones(2))], 1.0).item() == 0.0
    ps = _params_with_grads()
    ps[0].grad._data[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    single = _params_with_grads()[0]
    total = clip_grad_norm_(single, 0.5)  # a single Tensor works too
    assert np.linalg.norm(single.grad.numpy()) == pytest.approx(0.5, rel=1e-5)
    assert total.item() > 0.5


def test_clip_grad_value():
    ps = _params_with_grads(scale=3.0)
    clip_grad_value_(ps, 0.5)
    for p in ps:
        assert np.abs(p.grad.numpy()).max() <= 0.5


def test_parameters_vector_round_trip():
    lin = nn.Linear(3, 2)
    vec = parameters_to_vector(lin.parameters())
    assert vec.shape == (8,)
    np.testing.assert_array_equal(vec.detach().numpy()[:6], lin.weight.detach().numpy().ravel())
    w = lin.weight
    vector_to_parameters(tc.arange(8, dtype=tc.float32), lin.parameters())
    assert lin.weight is w
    np.testing.assert_array_equal(lin.weight.detach().numpy(), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(lin.bias.detach().numpy(), [6, 7])
    with pytest.raises(TypeError, match="expected Tensor"):
        vector_to_parameters(np.arange(8), lin.parameters())
    with pytest.raises(ValueError, match="8 elements"):
        vector_to_parameters(tc.zeros(7), lin.parameters())
    # differentiable: a loss of the vector reaches every parameter
    parameters_to_vector(lin.parameters()).sum().backward()
    assert np.all(lin.weight.grad.numpy() == 1) and np.all(lin.bias.grad.numpy() == 1)


def test_clip_matches_pytorch():
    torch = pytest.importorskip("torch")
    ps = _params_with_grads(scale=4.0)
    tps = [torch.nn.Parameter(torch.tensor(p.detach().numpy())) for p in ps]
    for p, q in zip(ps, tps):
        q.grad = torch.tensor(p.grad.numpy())
    a = clip_grad_norm_(ps, 2.0, norm_type=3.0)
    b = torch.nn.utils.clip_grad_norm_(tps, 2.0, norm_type=3.0)
    assert a.item() == pytest.approx(b.item())
    for p, q in zip(ps, tps):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10)

"""RNNCell, LSTMCell, GRUCell: gradients (float64, twice), agreement with one step of RNN/LSTM/GRU,
PyTorch as the oracle (outputs, input and parameter gradients, state dicts, repr), errors;
flatten_parameters is a no-op."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_course as tc
from tinygrad_course import nn
from tinygrad_course.autograd import gradcheck, gradgradcheck

RTOL, ATOL = 1e-7, 1e-9
CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("RNNCell", {"bias": False}),
         ("LSTMCell", {}), ("LSTMCell", {"bias": False}), ("GRUCell", {}), ("GRUCell", {"bias": False})]


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def T(a):
    return tc.tensor(np.asarray(a, np.float64), requires_grad=True)


def _flat(out):
    return list(out) if isinstance(out, tuple) else [out]


@given(st.sampled_from(CELLS), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.booleans(),
       st.integers(0, 2 ** 16))
def test_cell_gradcheck(cell, n, i, h, with_hx, seed):
    name, kw = cell
    tc.manual_seed(seed)
    m = getattr(nn, name)(i, h, dtype=tc.float64, **kw)
    x = T(rnd(n, i, seed=seed))
    states = [T(rnd(n, h, seed=seed + k + 1)) for k in range(2 if name == "LSTMCell" else 1)] if with_hx else []
    params = list(m.parameters())

    def f(x, *rest):
        st_ = rest[:len(states)]
        hx = None if not with_hx else (tuple(st_) if name == "LSTMCell" else st_[0])
        return m(x, hx)

    # relu: a pre-activation within eps of its kink is vanishingly unlikely with continuous draws;
    # its second derivative is zero almost everywhere, so gradgradcheck is left to the smooth cells
    assert gradcheck(f, [x, *states, *params])
    if "nonlinearity" not in kw:
        assert gradgradcheck(f, [x, *states])


@pytest.mark.parametrize("name,mod", [("RNNCell", "RNN"), ("LSTMCell", "LSTM"), ("GRUCell", "GRU")])
def test_cell_equals_one_step_of_the_layer(name, mod):
    tc.manual_seed(0)
    layer = getattr(nn, mod)(3, 4, dtype=tc.float64)
    cell = getattr(nn, name)(3, 4, dtype=tc.float64)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})  # weight_ih_l0 -> weight_ih
    x = tc.tensor(rnd(2, 3))
    h0 = tc.tensor(rnd(1, 2, 4, seed=1))
    if mod == "LSTM":
        c0 = tc.tensor(rnd(1, 2, 4, seed=2))
        _, (h, c) = layer(x.unsqueeze(0), (h0, c0))
        h2, c2 = cell(x, (h0[0], c0[0]))
        np.testing.assert_allclose(c2.detach().numpy(), c[0].detach().numpy(), rtol=1e-12)
    else:
        _, h = layer(x.unsqueeze(0), h0)
        h2 = cell(x, h0[0])
    np.testing.assert_allclose(h2.detach().numpy(), h[0].detach().numpy(), rtol=1e-12)


def test_unbatched_and_default_state():
    cell = nn.LSTMCell(3, 5)
    h, c = cell(tc.randn(3))
    assert h.shape == (5,) and c.shape == (5,)
    h, c = cell(tc.randn(3), (h, c))
    assert h.shape == (5,)
    g = nn.GRUCell(3, 5, dtype=tc.float64)
    x = tc.tensor(rnd(2, 3))
    np.testing.assert_array_equal(g(x).detach().numpy(), g(x, tc.zeros(2, 5, dtype=tc.float64)).detach().numpy())
    assert g(x).dtype == tc.float64


def test_errors():
    cell = nn.RNNCell(3, 4)
    with pytest.raises(ValueError, match="RNNCell: Expected input to be 1D or 2D, got 3D instead"):
        cell(tc.randn(2, 2, 3))
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5 expected 3"):
        cell(tc.randn(5))
    with pytest.raises(RuntimeError, match="Input batch size 2 doesn't match hidden batch size 3"):
        cell(tc.randn(2, 3), tc.randn(3, 4))
    with pytest.raises(RuntimeError, match="inconsistent hidden_size: got 2, expected 4"):
        cell(tc.randn(2, 3), tc.randn(2, 2))
    with pytest.raises(ValueError, match="Expected hidden to be 1D or 2D, got 3D"):
        cell(tc.randn(2, 3), tc.randn(1, 2, 4))
    with pytest.raises(RuntimeError, match="Unknown nonlinearity: sigmoid"):
        nn.RNNCell(3, 4, nonlinearity="sigmoid")(tc.randn(2, 3))
    with pytest.raises(TypeError, match="hx must be a tuple"):
        nn.LSTMCell(3, 4)(tc.randn(2, 3), tc.randn(2, 4))
    with pytest.raises(TypeError, match="expected a Tensor input"):
        nn.GRUCell(3, 4)([1.0, 2.0, 3.0])


@pytest.mark.parametrize("mod", ["RNN", "LSTM", "GRU"])
def test_flatten_parameters_is_a_noop(mod):
    m = getattr(nn, mod)(3, 4)
    x = tc.randn(5, 2, 3)
    before = m(x)[0].detach().numpy()
    sd = {k: v.numpy().copy() for k, v in m.state_dict().items()}
    assert m.flatten_parameters() is None
    np.testing.assert_array_equal(m(x)[0].detach().numpy(), before)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), sd[k])


# ------------------------------------------------------------------ PyTorch as the oracle
@pytest.mark.oracle
@pytest.mark.parametrize("name,kw", CELLS, ids=str)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_hx", [True, False])
def test_cell_vs_torch(name, kw, batched, with_hx):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(3, 4, **kw).double()
    ours = getattr(nn, name)(3, 4, **kw, dtype=tc.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({k: tc.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    xs = rnd(2, 3, seed=1) if batched else rnd(3, seed=1)
    ox, tx = T(xs), torch.tensor(xs, requires_grad=True)
    n_states = 2 if name == "LSTMCell" else 1
    hs = [rnd(*((2, 4) if batched else (4,)), seed=2 + k) for k in range(n_states)]
    oh, th = [T(h) for h in hs], [torch.tensor(h, requires_grad=True) for h in hs]
    if with_hx:
        a = ours(ox, tuple(oh) if n_states == 2 else oh[0])
        b = theirs(tx, tuple(th) if n_states == 2 else th[0])
    else:
        a, b = ours(ox), theirs(tx)
    la, lb = 0, 0
    for k, (u, v) in enumerate(zip(_flat(a), _flat(b))):
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=RTOL, atol=ATOL)
        g = rnd(*v.shape, seed=10 + k)
        la = la + (u * tc.tensor(g)).sum()
        lb = lb + (v * torch.tensor(g)).sum()
    la.backward()
    lb.backward()
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), rtol=RTOL, atol=ATOL)
    if with_hx:
        for u, v in zip(oh, th):
            np.testing.assert_allclose(u.grad.numpy(), v.grad.numpy(), rtol=RTOL, atol=ATOL)
    tp = dict(theirs.named_parameters())
    for k, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[k].grad.numpy(), rtol=RTOL, atol=ATOL, err_msg=k)


@pytest.mark.oracle
@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_default_init_like_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(16, 25), getattr(torch.nn, name)(16, 25)
    for (k, v), (k2, v2) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert k == k2 and tuple(v.shape) == tuple(v2.shape) and v.dtype == tc.float32
        assert np.abs(v.numpy()).max() <= 0.2 and np.abs(v.numpy()).max() > 0.15  # U(-1/sqrt(25), 1/sqrt(25))

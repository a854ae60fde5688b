"""Lazy modules (LazyLinear, LazyConv1d/2d, LazyConvTranspose1d/2d, LazyBatchNorm1d/2d): shape inference at
the first call, cls_to_become, UninitializedParameter errors, optimizers built before the dry run,
load_state_dict into a lazy module, the d2l idiom; compared with PyTorch where it defines the behaviour."""
import copy

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import nn


def _torch():
    return pytest.importorskip("torch")


# ------------------------------------------------------------------------------ d2l idiom
def test_d2l_lazy_mlp_dry_run_then_apply_init():
    tc.manual_seed(0)
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    X = tc.rand(2, 20)
    assert net(X).shape == (2, 10)
    assert type(net[0]) is nn.Linear and type(net[2]) is nn.Linear
    assert net[0].weight.shape == (256, 20) and net[2].weight.shape == (10, 256)

    seen = []

    def init_normal(module):
        if type(module) == nn.Linear:  # d2l's check: only true after the dry run
            nn.init.normal_(module.weight, mean=0, std=0.01)
            nn.init.zeros_(module.bias)
            seen.append(module)

    net.apply(init_normal)
    assert seen == [net[0], net[2]]
    assert abs(float(net[0].weight.std()) - 0.01) < 0.002
    assert float(net[0].bias.abs().sum()) == 0.0
    # and it trains
    opt = tc.optim.SGD(net.parameters(), lr=0.1)
    y = tc.randint(0, 10, (2,))
    loss0 = nn.functional.cross_entropy(net(X), y)
    loss0.backward()
    opt.step()
    assert nn.functional.cross_entropy(net(X), y).item() < loss0.item()


def test_d2l_lazy_lenet_layer_summary():
    net = nn.Sequential(
        nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.LazyLinear(120), nn.Sigmoid(), nn.LazyLinear(84), nn.Sigmoid(), nn.LazyLinear(10))
    X = tc.randn(1, 1, 28, 28)
    shapes = []
    for layer in net:
        X = layer(X)
        shapes.append(tuple(X.shape))
    assert shapes[-1] == (1, 10) and shapes[6] == (1, 400)
    assert net[3].weight.shape == (16, 6, 5, 5) and net[7].weight.shape == (120, 400)
    assert sum(p.numel() for p in net.parameters()) == 61706  # LeNet-5's count


# ------------------------------------------------------------------------------ uninitialised parameters
def test_uninitialized_parameter_refuses_use():
    m = nn.LazyLinear(4)
    assert isinstance(m.weight, nn.UninitializedParameter) and isinstance(m.weight, nn.Parameter)
    assert m.has_uninitialized_params()
    assert repr(m.weight) == "<UninitializedParameter>"
    assert m.weight.requires_grad and m.weight.is_leaf and m.weight.grad is None
    assert m.weight.dtype == tc.float32
    with pytest.raises(RuntimeError, match="uninitialized parameter"):
        m.weight.shape
    for use in (lambda w: w + 1, lambda w: w.sum(), lambda w: w.numel(), lambda w: nn.init.normal_(w),
                lambda w: nn.init.xavier_uniform_(w), lambda w: w.detach()):
        with pytest.raises(ValueError, match="uninitialized parameter"):
            use(m.weight)
    with pytest.raises(ValueError, match="uninitialized"):
        nn.Sequential(m).apply(lambda mod: nn.init.normal_(mod.weight) if hasattr(mod, "weight") else None)


@pytest.mark.oracle
def test_uninitialized_error_kinds_match_torch():
    torch = _torch()
    uses = [lambda M, w: w.shape, lambda M, w: w + 1, lambda M, w: w.sum(), lambda M, w: w.numel(),
            lambda M, w: M.init.normal_(w), lambda M, w: M.init.kaiming_uniform_(w)]
    for use in uses:
        with pytest.raises(Exception) as theirs:
            use(torch.nn, torch.nn.LazyLinear(3).weight)
        with pytest.raises(type(theirs.value)):
            use(nn, nn.LazyLinear(3).weight)


def test_materialize_in_place():
    p = nn.UninitializedParameter(dtype=tc.float64)
    ident = id(p)
    p.materialize((2, 3))
    assert id(p) == ident and type(p) is nn.Parameter and p.shape == (2, 3) and p.dtype == tc.float64
    assert (p + 1).shape == (2, 3)
    b = nn.UninitializedBuffer()
    b.materialize(4)
    assert type(b) is tc.Tensor and b.shape == (4,)


def test_has_uninitialized_and_wrong_inputs():
    m = nn.LazyConv2d(4, 3)
    with pytest.raises(RuntimeError, match="Expected 3D"):
        m(tc.zeros(5, 5))
    assert m.has_uninitialized_params() and type(m) is nn.LazyConv2d  # still lazy after a failed call
    g = nn.LazyConv2d(4, 3, groups=2)
    with pytest.raises(ValueError, match="divisible by groups"):
        g(tc.zeros(1, 3, 5, 5))
    m(tc.zeros(2, 5, 5))  # unbatched input gives in_channels = dim 0
    assert m.in_channels == 2 and type(m) is nn.Conv2d


# ------------------------------------------------------------------------------ optimizer before the dry run
@pytest.mark.oracle
@pytest.mark.parametrize("make_opt", [lambda M, ps: M.SGD(ps, lr=0.1, momentum=0.9),
                                      lambda M, ps: M.Adam(ps, lr=0.01)])
def test_optimizer_built_before_first_call_matches_torch(make_opt):
    """PyTorch 2.13 accepts an optimizer over UninitializedParameters (materialising keeps the objects),
    so training after the dry run follows the same trajectory."""
    torch = _torch()
    theirs = torch.nn.Sequential(torch.nn.LazyLinear(5), torch.nn.Tanh(), torch.nn.LazyLinear(2)).double()
    ours = nn.Sequential(nn.LazyLinear(5), nn.Tanh(), nn.LazyLinear(2)).double()
    opt_t, opt_o = make_opt(torch.optim, theirs.parameters()), make_opt(tc.optim, ours.parameters())
    opt_o.step()  # no gradients yet: nothing happens, as in torch
    X = np.random.default_rng(0).standard_normal((8, 3))
    Y = np.random.default_rng(1).standard_normal((8, 2))
    theirs(torch.tensor(X))
    ours(tc.tensor(X))
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    for _ in range(3):
        for model, opt, lib in ((theirs, opt_t, torch), (ours, opt_o, tc)):
            opt.zero_grad()
            loss = ((model(lib.tensor(X)) - lib.tensor(Y)) ** 2).mean()
            loss.backward()
            opt.step()
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12, err_msg=k)


# ------------------------------------------------------------------------------ oracle: each lazy layer
LAZY = [("LazyLinear", (4,), {}, (3, 6)), ("LazyLinear", (4,), dict(bias=False), (2, 5, 7)),
        ("LazyConv1d", (4, 3), dict(stride=2, padding=1), (2, 3, 9)),
        ("LazyConv2d", (4, 3), dict(padding=1, groups=2), (2, 6, 5, 5)),
        ("LazyConv2d", (4, 3), {}, (3, 5, 5)),
        ("LazyConvTranspose1d", (4, 3), dict(stride=2), (2, 3, 5)),
        ("LazyConvTranspose2d", (4, 3), dict(stride=2, padding=1, output_padding=1), (2, 3, 4, 4)),
        ("LazyBatchNorm1d", (), {}, (6, 3)), ("LazyBatchNorm1d", (), dict(affine=False), (6, 3, 4)),
        ("LazyBatchNorm2d", (), dict(momentum=0.3), (4, 3, 2, 2)),
        ("LazyBatchNorm2d", (), dict(track_running_stats=False), (4, 3, 2, 2))]


@pytest.mark.oracle
@pytest.mark.parametrize("name,args,kw,shape", LAZY)
def test_lazy_layer_oracle(name, args, kw, shape):
    torch = _torch()
    theirs, ours = getattr(torch.nn, name)(*args, **kw), getattr(nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    yt = theirs(torch.tensor(x))
    ours(tc.tensor(x))  # dry run: materialise
    assert type(ours).__name__ == type(theirs).__name__ == name[4:]
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    # same weights -> same numbers (a fresh forward on both, from the same state)
    theirs2 = getattr(torch.nn, name)(*args, **kw)
    theirs2(torch.tensor(x))
    theirs2.load_state_dict(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    yt = theirs2(torch.tensor(x))
    yo = ours(tc.tensor(x))
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs2.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


@pytest.mark.oracle
def test_lazy_default_init_distribution():
    """After the dry run the weights follow the ordinary layer's default init (same bounds as torch's)."""
    torch = _torch()
    tc.manual_seed(0)
    ours = nn.LazyLinear(300)
    ours(tc.zeros(1, 50))
    theirs = torch.nn.LazyLinear(300)
    theirs(torch.zeros(1, 50))
    bound = 1 / np.sqrt(50)
    for a, b in ((ours.weight.detach().numpy(), theirs.weight.detach().numpy()),
                 (ours.bias.detach().numpy(), theirs.bias.detach().numpy())):
        assert np.abs(a).max() <= bound and np.abs(b).max() <= bound
        assert abs(a.std() - b.std()) < 0.1 * bound


# ------------------------------------------------------------------------------ state dicts, casts, copies
@pytest.mark.oracle
def test_load_state_dict_into_lazy_module_matches_torch():
    torch = _torch()
    src = nn.Linear(3, 4)
    sd = src.state_dict()
    ours, theirs = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    ours.load_state_dict(sd)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in sd.items()})
    # loaded but not yet called: still the lazy class, parameters real (as torch)
    assert type(ours) is nn.LazyLinear and type(ours.weight) is nn.Parameter
    assert repr(ours) == repr(theirs)
    x = tc.randn(2, 3)
    np.testing.assert_array_equal(ours(x).detach().numpy(), src(x).detach().numpy())  # not re-initialised
    theirs(torch.zeros(2, 3))
    assert type(ours) is nn.Linear and repr(ours) == repr(theirs)


def test_failed_load_leaves_lazy_module_unchanged():
    m = nn.LazyLinear(4)
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "bias"'):
        m.load_state_dict({"weight": tc.ones(4, 3)})
    assert isinstance(m.weight, nn.UninitializedParameter) and isinstance(m.bias, nn.UninitializedParameter)
    m(tc.ones(2, 5))
    assert m.weight.shape == (4, 5)


def test_lazy_state_dict_cast_and_deepcopy():
    net = nn.Sequential(nn.Linear(2, 3), nn.LazyLinear(4), nn.LazyBatchNorm1d())
    sd = net.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias", "2.running_mean",
                        "2.running_var", "2.num_batches_tracked"]
    assert isinstance(sd["1.weight"], nn.UninitializedParameter)
    assert isinstance(sd["2.running_mean"], nn.UninitializedBuffer)
    clone = copy.deepcopy(net)
    assert clone[1].weight is not net[1].weight and isinstance(clone[1].weight, nn.UninitializedParameter)
    net.double()  # before the dry run: the placeholders remember the dtype (PyTorch's advice)
    net(tc.randn(5, 2, dtype=tc.float64))
    assert net[1].weight.dtype == tc.float64 and net[2].running_mean.dtype == tc.float64
    assert type(net[2]) is nn.BatchNorm1d and int(net[2].num_batches_tracked.item()) == 1
    clone(tc.randn(5, 2))
    assert clone[1].weight.dtype == tc.float32


def test_lazy_modules_gradcheck():
    tc.manual_seed(0)
    net = nn.Sequential(nn.LazyConv1d(3, 2), nn.Tanh(), nn.LazyConvTranspose1d(2, 2, stride=2), nn.Flatten(),
                        nn.LazyLinear(2)).double()
    x = tc.randn(2, 2, 4, dtype=tc.float64, requires_grad=True)
    net(x)
    assert tc.autograd.gradcheck(net, (x,))
    assert tc.autograd.gradgradcheck(net, (x,))

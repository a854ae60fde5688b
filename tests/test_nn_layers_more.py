"""More layers real programs use (issue 8): ConvTranspose1d/2d, Dropout1d/2d, AlphaDropout, Upsample /
F.interpolate, PReLU, InstanceNorm1d/2d, AdaptiveMaxPool1d/2d, DataParallel, nn.modules import paths.

Gradients: gradcheck/gradgradcheck in float64 (Hypothesis-drawn sizes where it fits).
PyTorch oracle: same weights (copied) -> same outputs and gradients, same state-dict keys and shapes,
same reprs, same exception kinds.
"""
import copy
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def R(*shape):
    return RNG.standard_normal(shape)


def T(a, rg=True):
    return tc.tensor(np.asarray(a, np.float64), requires_grad=rg)


def both_checks(fn, inputs):
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


# ------------------------------------------------------------------------------ gradients
CT_CASES = [dict(), dict(stride=2), dict(stride=2, padding=1, output_padding=1), dict(groups=2),
            dict(stride=(2, 1), dilation=2, padding=(1, 0)), dict(stride=1, dilation=2, output_padding=1)]


@pytest.mark.parametrize("kw", CT_CASES)
def test_conv_transpose2d_gradcheck(kw):
    g = kw.get("groups", 1)
    x, w, b = T(R(2, 2, 3, 3)), T(R(2, 4 // g if g > 1 else 2, 2, 3)), T(R(4 if g > 1 else 2))
    both_checks(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw), (x, w, b))


def test_conv_transpose1d_gradcheck():
    x, w = T(R(2, 3, 4)), T(R(3, 2, 3))
    both_checks(lambda x, w: F.conv_transpose1d(x, w, None, stride=2, padding=1, output_padding=1), (x, w))


@given(h=st.integers(1, 4), w=st.integers(1, 4), oh=st.integers(1, 6), ow=st.integers(1, 6),
       ac=st.booleans())
def test_interpolate_bilinear_gradcheck(h, w, oh, ow, ac):
    x = T(R(1, 2, h, w))
    both_checks(lambda x: F.interpolate(x, size=(oh, ow), mode="bilinear", align_corners=ac), (x,))


@pytest.mark.parametrize("mode,kw", [("linear", dict(scale_factor=2.5)), ("linear", dict(size=3, align_corners=True)),
                                     ("nearest", dict(scale_factor=1.5)), ("nearest-exact", dict(size=7))])
def test_interpolate_1d_gradcheck(mode, kw):
    x = T(R(2, 2, 4))
    both_checks(lambda x: F.interpolate(x, mode=mode, **kw), (x,))


def test_prelu_gradcheck():
    x = R(2, 3, 4)
    x[np.abs(x) < 0.05] = 0.3  # away from the kink, where finite differences straddle it
    both_checks(F.prelu, (T(x), T(RNG.random(3))))
    both_checks(F.prelu, (T(x), T(RNG.random(1))))


def test_instance_norm_gradcheck():
    x, w, b = T(R(2, 3, 5)), T(R(3)), T(R(3))
    both_checks(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (x, w, b))
    rm, rv = tc.tensor(R(3)), tc.tensor(RNG.random(3) + 0.5)
    both_checks(lambda x: F.instance_norm(x, rm, rv, use_input_stats=False), (T(R(2, 3, 2, 2)),))


def test_adaptive_max_pool_gradcheck():
    # distinct values (a permutation) so no window has a tie that finite differences would split
    x2 = T(RNG.permutation(2 * 2 * 5 * 7).reshape(2, 2, 5, 7) / 10.0)
    both_checks(lambda x: F.adaptive_max_pool2d(x, (3, 4)), (x2,))
    x1 = T(RNG.permutation(2 * 3 * 7).reshape(2, 3, 7) / 10.0)
    both_checks(lambda x: F.adaptive_max_pool1d(x, 3), (x1,))


@pytest.mark.parametrize("fn", [F.dropout1d, F.dropout2d, lambda x, p: F.alpha_dropout(x, p, training=True)])
def test_channel_dropout_gradcheck(fn):
    def f(x):
        tc.manual_seed(3)  # the same mask at every evaluation
        return fn(x, 0.4)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both_checks(f, (T(R(2, 3, 4)),))


# ------------------------------------------------------------------------------ dropout semantics
def test_dropout2d_zeroes_whole_channels_and_scales():
    tc.manual_seed(0)
    x = tc.ones(64, 32, 3, 3)
    y = F.dropout2d(x, 0.25).numpy()
    per_channel = y.reshape(64, 32, 9)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))  # each channel all-zero or all-kept
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((per_channel[..., 0] == 0).mean() - 0.25) < 0.05
    assert F.dropout2d(x, 0.25, training=False) is x
    m = nn.Dropout2d(0.25).eval()
    assert m(x) is x


def test_dropout1d_unbatched_and_errors():
    tc.manual_seed(1)
    y = F.dropout1d(tc.ones(50, 6), 0.5).numpy()
    assert np.all((y == 0).all(1) | (y == 2).all(1))
    with pytest.raises(RuntimeError, match="dropout1d"):
        F.dropout1d(tc.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="probability"):
        nn.Dropout1d(1.5)
    with pytest.raises(ValueError, match="probability"):
        F.dropout2d(tc.ones(2, 3, 4, 4), -0.1)


def test_alpha_dropout_values_and_moments():
    tc.manual_seed(2)
    p, alpha = 0.2, 1.7580993408473766
    a = 1 / np.sqrt((alpha ** 2 * p + 1) * (1 - p))
    x = tc.randn(200_000, dtype=tc.float64)
    y = nn.AlphaDropout(p)(x).numpy()
    kept = np.isclose(y, x.numpy() * a + alpha * a * p)
    dropped = np.isclose(y, -alpha * a + alpha * a * p)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - p) < 0.01
    assert abs(y.mean()) < 0.01 and abs(y.std() - 1) < 0.01  # self-normalising
    assert F.alpha_dropout(x, p) is x  # the function's default is training=False, as PyTorch's


# ------------------------------------------------------------------------------ PyTorch oracle
def _torch():
    return pytest.importorskip("torch")


def _copy_weights(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def _run_both(ours, theirs, x, atol=1e-10, **kw):
    torch = _torch()
    xo, xt = T(x), torch.tensor(x, requires_grad=True)
    yo, yt = ours(xo, **kw), theirs(xt, **kw)
    yo = yo[0] if isinstance(yo, tuple) else yo
    yt = yt[0] if isinstance(yt, tuple) else yt
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=1e-7, atol=atol)
    g = RNG.standard_normal(tuple(yt.shape))
    (yo * tc.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-7, atol=atol)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-7, atol=atol, err_msg=name)


def _same_layout(ours, theirs):
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


@pytest.mark.oracle
@pytest.mark.parametrize("args,kw,shape,out_size", [
    ((4, 6, 3), dict(), (2, 4, 5, 5), None),
    ((4, 6, 3), dict(stride=2, padding=1, output_padding=1), (2, 4, 5, 6), None),
    ((4, 6, (2, 3)), dict(stride=(2, 3), padding=(0, 1), groups=2, dilation=(1, 2), bias=False), (1, 4, 4, 3), None),
    ((4, 2, 3), dict(stride=2, padding=1), (1, 4, 5, 5), (10, 10)),
    ((4, 2, 3), dict(stride=3), (4, 5, 5), [1, 2, 16, 17]),
])
def test_conv_transpose2d_oracle(args, kw, shape, out_size):
    torch = _torch()
    theirs = torch.nn.ConvTranspose2d(*args, **kw).double()
    ours = nn.ConvTranspose2d(*args, **kw).double()
    _same_layout(ours, theirs)
    _copy_weights(ours, theirs)
    if len(shape) == 3 and out_size is not None:
        out_size = out_size[1:]
    _run_both(ours, theirs, R(*shape), **({} if out_size is None else dict(output_size=out_size)))


@pytest.mark.oracle
@pytest.mark.parametrize("kw,out_size", [(dict(), None), (dict(stride=2, padding=2, output_padding=1, dilation=2), None),
                                         (dict(stride=3, groups=2), [16])])
def test_conv_transpose1d_oracle(kw, out_size):
    torch = _torch()
    theirs = torch.nn.ConvTranspose1d(4, 6, 3, **kw).double()
    ours = nn.ConvTranspose1d(4, 6, 3, **kw).double()
    _same_layout(ours, theirs)
    _copy_weights(ours, theirs)
    _run_both(ours, theirs, R(2, 4, 5), **({} if out_size is None else dict(output_size=out_size)))


@pytest.mark.oracle
def test_conv_transpose_init_and_errors():
    torch = _torch()
    tc.manual_seed(0)
    m = nn.ConvTranspose2d(3, 8, 3, groups=1)
    bound = 1 / np.sqrt(8 * 9)  # fan_in of the (in, out/groups, k, k) weight is out/groups * k * k
    w = m.weight.detach().numpy()
    assert w.min() >= -bound and w.max() <= bound and w.std() > bound / 3
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    for call in (lambda M, t: M.ConvTranspose2d(2, 2, 3, stride=2)(t.zeros(1, 2, 4, 4), output_size=(20, 20)),
                 lambda M, t: M.ConvTranspose2d(2, 2, 3, padding_mode="reflect"),
                 lambda M, t: M.functional.conv_transpose2d(t.zeros(1, 2, 4, 4), t.zeros(2, 2, 3, 3), stride=2,
                                                            output_padding=2),
                 lambda M, t: M.functional.conv_transpose2d(t.zeros(1, 3, 4, 4), t.zeros(2, 2, 3, 3))):
        with pytest.raises(Exception) as theirs:
            call(torch.nn, torch)
        with pytest.raises(type(theirs.value)):
            call(nn, tc)


INTERP = [((2, 3, 5), "nearest", None, dict(scale_factor=2.5)),
          ((2, 3, 5), "linear", False, dict(size=9)),
          ((2, 3, 5), "linear", True, dict(scale_factor=0.6)),
          ((1, 2, 4, 6), "nearest", None, dict(size=(7, 5))),
          ((1, 2, 4, 6), "nearest-exact", None, dict(scale_factor=(1.5, 0.5))),
          ((1, 2, 4, 6), "bilinear", False, dict(scale_factor=1.7)),
          ((1, 2, 4, 6), "bilinear", False, dict(scale_factor=1.7, recompute_scale_factor=True)),
          ((1, 2, 4, 6), "bilinear", True, dict(size=(9, 3))),
          ((1, 2, 5, 5), "area", None, dict(size=(2, 3)))]


@pytest.mark.oracle
@pytest.mark.parametrize("shape,mode,ac,kw", INTERP)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_interpolate_oracle(shape, mode, ac, kw, dtype):
    torch = _torch()
    x = R(*shape).astype(dtype)
    xo, xt = tc.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yo = F.interpolate(xo, mode=mode, align_corners=ac, **kw)
    yt = torch.nn.functional.interpolate(xt, mode=mode, align_corners=ac, **kw)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    g = R(*yt.shape).astype(dtype)
    (yo * tc.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.oracle
def test_upsample_modules_oracle():
    torch = _torch()
    x = R(1, 2, 3, 4)
    for args in [dict(scale_factor=2), dict(size=(3, 4), mode="bilinear", align_corners=True),
                 dict(size=5, mode="bilinear"), dict(scale_factor=(2, 1.5), mode="nearest")]:
        ours, theirs = nn.Upsample(**args), torch.nn.Upsample(**args)
        assert repr(ours) == repr(theirs)
        _run_both(ours, theirs, x)
    for cls, args in [("UpsamplingNearest2d", dict(scale_factor=2)), ("UpsamplingBilinear2d", dict(size=5)),
                      ("UpsamplingBilinear2d", dict(scale_factor=3))]:
        ours, theirs = getattr(nn, cls)(**args), getattr(torch.nn, cls)(**args)
        assert repr(ours) == repr(theirs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _run_both(ours, theirs, x)


@pytest.mark.oracle
def test_interpolate_errors_match_torch():
    torch = _torch()
    calls = [lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 4, 4), size=2, scale_factor=2),
             lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 4, 4)),
             lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 4, 4), scale_factor=2, align_corners=True),
             lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 4), scale_factor=2, mode="bilinear"),
             lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 4, 4), size=(2, 2, 2)),
             lambda Fm, t: Fm.interpolate(t.zeros(1, 1, 4, 4), size=3, recompute_scale_factor=True)]
    for call in calls:
        with pytest.raises(Exception) as theirs:
            call(torch.nn.functional, torch)
        with pytest.raises(type(theirs.value)):
            call(F, tc)


@pytest.mark.oracle
@pytest.mark.parametrize("n,shape", [(1, (2, 3, 4)), (3, (2, 3, 4)), (3, (2, 3, 2, 2)), (1, (5,))])
def test_prelu_oracle(n, shape):
    torch = _torch()
    ours, theirs = nn.PReLU(n, init=0.1).double(), torch.nn.PReLU(n, init=0.1).double()
    _same_layout(ours, theirs)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    theirs.weight.data.uniform_(0, 1)
    _copy_weights(ours, theirs)
    _run_both(ours, theirs, R(*shape))
    with pytest.raises(RuntimeError):
        torch.nn.functional.prelu(torch.zeros(2, 4), torch.zeros(3))
    with pytest.raises(RuntimeError, match="Mismatch"):
        F.prelu(tc.zeros(2, 4), tc.zeros(3))


@pytest.mark.oracle
@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (3, 4, 6)), ("InstanceNorm1d", (4, 6)),
                                       ("InstanceNorm2d", (2, 4, 3, 5)), ("InstanceNorm2d", (4, 3, 3))])
@pytest.mark.parametrize("affine,track", [(False, False), (True, False), (True, True), (False, True)])
def test_instance_norm_oracle(cls, shape, affine, track):
    torch = _torch()
    ours = getattr(nn, cls)(4, affine=affine, track_running_stats=track, momentum=0.3).double()
    theirs = getattr(torch.nn, cls)(4, affine=affine, track_running_stats=track, momentum=0.3).double()
    _same_layout(ours, theirs)
    if affine:
        with torch.no_grad():
            theirs.weight.normal_()
            theirs.bias.normal_()
    _copy_weights(ours, theirs)
    for _ in range(2):
        _run_both(ours, theirs, R(*shape))
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12, err_msg=k)
    ours.eval()
    theirs.eval()
    ours.zero_grad()
    theirs.zero_grad()
    _run_both(ours, theirs, R(*shape))
    with pytest.raises(ValueError):
        ours(tc.zeros(1, 2, 3, 4, 5))


@pytest.mark.oracle
@pytest.mark.parametrize("cls,shape,size", [("AdaptiveMaxPool2d", (2, 3, 7, 5), (3, 2)),
                                            ("AdaptiveMaxPool2d", (3, 5, 5), 4),
                                            ("AdaptiveMaxPool2d", (1, 2, 4, 6), (None, 4)),
                                            ("AdaptiveMaxPool2d", (1, 1, 3, 3), 5),
                                            ("AdaptiveMaxPool1d", (2, 3, 7), 3),
                                            ("AdaptiveMaxPool1d", (3, 5), 8)])
def test_adaptive_max_pool_oracle(cls, shape, size):
    torch = _torch()
    x = np.round(R(*shape), 1)  # ties: the first maximum wins in both
    ours, theirs = getattr(nn, cls)(size, return_indices=True), getattr(torch.nn, cls)(size, return_indices=True)
    assert repr(ours) == repr(theirs)
    (vo, io), (vt, it) = ours(T(x)), theirs(torch.tensor(x))
    np.testing.assert_array_equal(vo.detach().numpy(), vt.detach().numpy())
    np.testing.assert_array_equal(io.numpy(), it.numpy())
    assert io.dtype == tc.int64
    _run_both(getattr(nn, cls)(size), getattr(torch.nn, cls)(size), x)


@pytest.mark.oracle
def test_data_parallel_oracle():
    torch = _torch()
    inner_t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
    inner_o = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    theirs, ours = torch.nn.DataParallel(inner_t), nn.DataParallel(inner_o)
    assert ours.module is inner_o
    _same_layout(ours, theirs)
    assert list(ours.state_dict())[0] == "module.0.weight"
    _copy_weights(ours, theirs)
    _run_both(ours, theirs, R(5, 3))
    # a checkpoint saved from a DataParallel model loads into the bare model once the prefix is stripped
    sd = {k[len("module."):]: v for k, v in ours.state_dict().items()}
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).double()
    fresh.load_state_dict(sd)
    np.testing.assert_array_equal(fresh[0].weight.detach().numpy(), inner_o[0].weight.detach().numpy())


@pytest.mark.oracle
def test_reprs_match_torch():
    torch = _torch()
    cases = [("Dropout1d", (), {}), ("Dropout2d", (0.3,), {}), ("AlphaDropout", (0.2,), {}),
             ("FeatureAlphaDropout", (0.1,), {}), ("PReLU", (3, 0.1), {}),
             ("InstanceNorm2d", (3,), dict(affine=True, track_running_stats=True)),
             ("ConvTranspose2d", (4, 8, 3), dict(stride=2, padding=1, output_padding=1, groups=2, bias=False,
                                                 dilation=2)),
             ("ConvTranspose1d", (2, 3, 4), {})]
    for name, args, kw in cases:
        assert repr(getattr(nn, name)(*args, **kw)) == repr(getattr(torch.nn, name)(*args, **kw)), name


# ------------------------------------------------------------------------------ import paths
def test_nn_modules_import_paths():
    from tinygrad_course.nn.modules.activation import PReLU, ReLU
    from tinygrad_course.nn.modules.batchnorm import BatchNorm2d, LazyBatchNorm1d
    from tinygrad_course.nn.modules.container import Sequential
    from tinygrad_course.nn.modules.conv import Conv2d, ConvTranspose2d
    from tinygrad_course.nn.modules.dropout import Dropout2d
    from tinygrad_course.nn.modules.flatten import Flatten
    from tinygrad_course.nn.modules.linear import Linear
    from tinygrad_course.nn.modules.loss import CrossEntropyLoss
    from tinygrad_course.nn.modules.module import Module
    from tinygrad_course.nn.modules.normalization import LayerNorm
    from tinygrad_course.nn.modules.pooling import AdaptiveMaxPool2d, MaxPool2d
    from tinygrad_course.nn.modules.rnn import LSTM
    from tinygrad_course.nn.modules.sparse import Embedding
    from tinygrad_course.nn.modules.upsampling import Upsample

    pairs = [(PReLU, nn.PReLU), (ReLU, nn.ReLU), (BatchNorm2d, nn.BatchNorm2d), (LazyBatchNorm1d, nn.LazyBatchNorm1d),
             (Sequential, nn.Sequential), (Conv2d, nn.Conv2d), (ConvTranspose2d, nn.ConvTranspose2d),
             (Dropout2d, nn.Dropout2d), (Flatten, nn.Flatten), (Linear, nn.Linear),
             (CrossEntropyLoss, nn.CrossEntropyLoss), (Module, nn.Module), (LayerNorm, nn.LayerNorm),
             (AdaptiveMaxPool2d, nn.AdaptiveMaxPool2d), (MaxPool2d, nn.MaxPool2d), (LSTM, nn.LSTM),
             (Embedding, nn.Embedding), (Upsample, nn.Upsample)]
    for ours, canonical in pairs:
        assert ours is canonical
    assert tc.nn.modules.linear.Linear is tc.nn.Linear
    assert tc.nn.modules.Linear is tc.nn.Linear
    import tinygrad_course.nn.modules.transformer as tr

    for name in tr.__all__:  # whatever nn/transformer.py defines, the same objects
        assert getattr(tr, name) is getattr(nn, name)


def test_nn_modules_reexport_tolerates_a_missing_file():
    from tinygrad_course.nn.modules._reexport import reexport

    ns = {}
    assert reexport(ns, "no_such_file_here", ["X"]) == [] and ns == {}
    assert reexport(ns, "linear", ["Linear", "Nope"]) == ["Linear"] and ns["Linear"] is nn.Linear


def test_new_layers_deepcopy_and_train():
    # a small encoder/decoder with every new layer trains (loss falls) and deep-copies
    tc.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.PReLU(4), nn.InstanceNorm2d(4, affine=True),
                        nn.Dropout2d(0.1), nn.AdaptiveMaxPool2d(4), nn.ConvTranspose2d(4, 2, 2, stride=2),
                        nn.Upsample(scale_factor=2, mode="bilinear"))
    x, y = tc.randn(8, 1, 9, 9), tc.randn(8, 2, 16, 16)
    opt = tc.optim.Adam(net.parameters(), lr=0.01)
    losses = []
    for _ in range(15):
        opt.zero_grad()
        loss = F.mse_loss(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    clone = copy.deepcopy(net).eval()
    net.eval()
    np.testing.assert_array_equal(clone(x).detach().numpy(), net(x).detach().numpy())

"""Attention and the Transformer: gradients vs finite differences (float64, twice), PyTorch as the
oracle (same weights -> same outputs, attention weights and parameter gradients; same state-dict
keys both ways; a tiny language model trained a few steps gives PyTorch's losses), errors."""
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

RTOL, ATOL = 1e-7, 1e-9


def T(a, rg=True):
    return tc.tensor(np.asarray(a, np.float64), requires_grad=rg)


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _torch():
    return pytest.importorskip("torch")


def copy_from_torch(ours, theirs):
    """Load a torch module's weights into ours (float64); the keys must be the same."""
    sd = {k: tc.tensor(v.detach().double().numpy()) for k, v in theirs.state_dict().items()}
    ours.load_state_dict(sd)


def assert_close(a, b, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol)


def assert_grads_equal(ours, theirs, rtol=RTOL, atol=ATOL):
    theirs_named = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        q = theirs_named[name]
        if q.grad is None:
            assert p.grad is None or not np.abs(p.grad.numpy()).any(), name
            continue
        assert p.grad is not None, name
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=rtol, atol=atol, err_msg=name)


# ------------------------------------------------------------------ gradients (no torch needed)
@given(st.integers(1, 2), st.integers(1, 2), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
       st.sampled_from(["none", "bool", "float", "causal"]), st.integers(0, 2 ** 16))
def test_sdpa_gradcheck(n, h, L, S, E, mask, seed):
    q, k, v = T(rnd(n, h, L, E, seed=seed)), T(rnd(n, h, S, E, seed=seed + 1)), T(rnd(n, h, S, E, seed=seed + 2))
    rng = np.random.default_rng(seed)
    kw = {}
    if mask == "bool":
        m = rng.random((L, S)) > 0.3
        m[:, 0] = True  # every query sees at least one key (no all-masked row)
        kw["attn_mask"] = tc.tensor(m)
    elif mask == "float":
        kw["attn_mask"] = T(rng.standard_normal((n, 1, L, S)))
    elif mask == "causal":
        kw["is_causal"] = True
    inputs = [q, k, v] + ([kw["attn_mask"]] if mask == "float" else [])

    def f(q, k, v, *m):
        extra = dict(kw, attn_mask=m[0]) if m else kw
        return F.scaled_dot_product_attention(q, k, v, **extra)

    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs)


def test_sdpa_fully_masked_row_gives_zero_and_finite_grads():
    q, k, v = T(rnd(1, 3, 2)), T(rnd(1, 4, 2, seed=1)), T(rnd(1, 4, 2, seed=2))
    m = np.ones((3, 4), bool)
    m[1] = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=tc.tensor(m))
    assert (out.detach().numpy()[0, 1] == 0).all()
    out.sum().backward()
    assert np.isfinite(q.grad.numpy()).all() and np.isfinite(k.grad.numpy()).all()


def test_mha_functional_gradcheck_and_double_backward():
    E, H = 4, 2
    w_in, b_in = T(rnd(3 * E, E, seed=3) * 0.5), T(rnd(3 * E, seed=4) * 0.1)
    w_out, b_out = T(rnd(E, E, seed=5) * 0.5), T(rnd(E, seed=6) * 0.1)
    x = T(rnd(3, 2, E, seed=7))
    kpm = tc.tensor(np.array([[False, False, True], [False, False, False]]))

    def f(x, w_in, b_in, w_out, b_out):
        out, w = F.multi_head_attention_forward(x, x, x, E, H, w_in, b_in, None, None, False, 0.0, w_out, b_out,
                                                key_padding_mask=kpm)
        return out, w

    inputs = [x, w_in, b_in, w_out, b_out]
    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs)


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_gradcheck(norm_first):
    tc.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, norm_first=norm_first,
                                       activation="gelu", dtype=tc.float64)
    x = T(rnd(3, 2, 4, seed=11))
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=tc.float64)
    assert gradcheck(lambda x: layer(x, src_mask=mask), [x])
    assert gradgradcheck(lambda x: layer(x, src_mask=mask), [x])


def test_decoder_layer_gradcheck():
    tc.manual_seed(1)
    layer = nn.TransformerDecoderLayer(4, 2, dim_feedforward=6, dropout=0.0, batch_first=True, dtype=tc.float64)
    tgt, mem = T(rnd(2, 3, 4, seed=12)), T(rnd(2, 5, 4, seed=13))
    assert gradcheck(lambda t, m: layer(t, m), [tgt, mem])


def test_layers_are_deep_copies():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6)
    enc = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    a, b = enc.layers[0].linear1.weight, enc.layers[1].linear1.weight
    assert a is not b and a is not layer.linear1.weight
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    with tc.no_grad():
        a.add_(1.0)
    assert not np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))


def test_generate_square_subsequent_mask():
    m = nn.Transformer.generate_square_subsequent_mask(4)
    assert m.dtype == tc.float32 and m.shape == (4, 4)
    expect = np.where(np.arange(4)[None, :] > np.arange(4)[:, None], -np.inf, 0.0)
    np.testing.assert_array_equal(m.numpy(), expect)
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=tc.float64).dtype == tc.float64


def test_errors():
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(ValueError, match="embed_dim and num_heads"):
        nn.MultiheadAttention(0, 1)
    mha = nn.MultiheadAttention(4, 2)
    x = tc.randn(3, 2, 4)
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask"):
        mha(x, x, x, attn_mask=tc.zeros(3, 3, dtype=tc.int64))
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \(3, 2\)"):
        mha(x, x, x, attn_mask=tc.zeros(3, 2))
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 4"):
        mha(tc.randn(3, 2, 5), tc.randn(3, 2, 5), tc.randn(3, 2, 5))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    q = tc.randn(1, 2, 3)
    with pytest.raises(RuntimeError, match="should not be set when is_causal"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=tc.ones(2, 2, dtype=tc.bool), is_causal=True)
    with pytest.raises(RuntimeError, match=r"query \(1, 2, 3\), key \(1, 2, 4\)"):
        F.scaled_dot_product_attention(q, tc.randn(1, 2, 4), tc.randn(1, 2, 4))
    model = nn.Transformer(4, 2, 1, 1, 8)
    with pytest.raises(RuntimeError, match="batch number of src and tgt"):
        model(tc.randn(3, 2, 4), tc.randn(3, 3, 4))
    with pytest.raises(RuntimeError, match="feature number"):
        model(tc.randn(3, 2, 5), tc.randn(3, 2, 5))


def test_nested_tensor_warning_and_flag():
    with pytest.warns(UserWarning, match="batch_first was not True"):
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 1)
    assert enc.enable_nested_tensor and not enc.use_nested_tensor
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 1)
    assert enc.use_nested_tensor


# ------------------------------------------------------------------ PyTorch as the oracle
@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mask", ["none", "bool", "float", "causal", "dead_row"])
def test_sdpa_vs_torch(mask, seed):
    torch = _torch()
    rng = np.random.default_rng(seed)
    n, h, L, S, E = 2, 3, 4, 5, 6
    arrays = [rng.standard_normal(s) for s in ((n, h, L, E), (n, h, S, E), (n, h, S, 2))]
    kw_o, kw_t = {}, {}
    if mask in ("bool", "dead_row"):
        m = rng.random((n, 1, L, S)) > 0.4
        m[..., 0] = True
        if mask == "dead_row":
            m[0, 0, 1] = False
        kw_o["attn_mask"], kw_t["attn_mask"] = tc.tensor(m), torch.tensor(m)
    elif mask == "float":
        m = rng.standard_normal((L, S))
        kw_o["attn_mask"], kw_t["attn_mask"] = tc.tensor(m), torch.tensor(m)
    elif mask == "causal":
        kw_o["is_causal"] = kw_t["is_causal"] = True
    if seed % 2:
        kw_o["scale"] = kw_t["scale"] = 0.3
    ours = [T(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    a = F.scaled_dot_product_attention(*ours, **kw_o)
    b = torch.nn.functional.scaled_dot_product_attention(*theirs, **kw_t)
    assert_close(a, b)
    g = rng.standard_normal(tuple(b.shape))
    (a * tc.tensor(g)).sum().backward()
    (b * torch.tensor(g)).sum().backward()
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.oracle
def test_sdpa_gqa_vs_torch():
    torch = _torch()
    q, k, v = rnd(1, 4, 3, 2), rnd(1, 2, 5, 2, seed=1), rnd(1, 2, 5, 2, seed=2)
    a = F.scaled_dot_product_attention(T(q), T(k), T(v), enable_gqa=True)
    b = torch.nn.functional.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                                         enable_gqa=True)
    assert_close(a, b)


MHA_CASES = [
    dict(),
    dict(batch_first=True),
    dict(bias=False),
    dict(add_bias_kv=True),
    dict(add_zero_attn=True),
    dict(kdim=3, vdim=5),
    dict(add_bias_kv=True, add_zero_attn=True, batch_first=True),
]
CALL_CASES = [
    dict(),
    dict(need_weights=False),
    dict(average_attn_weights=False),
    dict(kpm="bool"),
    dict(kpm="float", attn="float"),
    dict(attn="bool"),
    dict(attn="bool3d", kpm="bool"),
    dict(attn="causal", is_causal=True, need_weights=False),
    dict(attn="causal", is_causal=True, kpm="bool"),
    dict(kpm="dead", need_weights=False),
]


@pytest.mark.oracle
@pytest.mark.parametrize("ctor", MHA_CASES, ids=str)
@pytest.mark.parametrize("call", CALL_CASES, ids=str)
def test_mha_vs_torch(ctor, call):
    torch = _torch()
    torch.manual_seed(0)
    E, H, N, L, S = 4, 2, 3, 3, 4
    theirs = torch.nn.MultiheadAttention(E, H, **ctor).double()
    ours = nn.MultiheadAttention(E, H, **ctor, dtype=tc.float64)
    copy_from_torch(ours, theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(1)
    bf = ctor.get("batch_first", False)
    shape = (lambda s, d: (N, s, d) if bf else (s, N, d))
    self_attn = "kdim" not in ctor and call.get("attn") != "bool3d"
    q = rng.standard_normal(shape(L, E))
    if self_attn and L == S:
        k_arr = v_arr = q
    else:
        k_arr = rng.standard_normal(shape(S, ctor.get("kdim", E)))
        v_arr = rng.standard_normal(shape(S, ctor.get("vdim", E)))
    if call.get("attn") in ("bool", "float", "causal") and self_attn:
        k_arr = v_arr = q = rng.standard_normal(shape(L, E))
        S_eff = L
    else:
        S_eff = k_arr.shape[1 if bf else 0]
    kw_o, kw_t = {}, {}
    for key in ("need_weights", "average_attn_weights", "is_causal"):
        if key in call:
            kw_o[key] = kw_t[key] = call[key]
    kpm = call.get("kpm")
    if kpm:
        m = np.zeros((N, S_eff), bool)
        m[0, -1] = True
        if kpm == "dead":
            m[1] = True
        if kpm == "float":
            m = np.where(m, -np.inf, 0.0) + rng.standard_normal((N, S_eff)) * 0.1
        kw_o["key_padding_mask"], kw_t["key_padding_mask"] = tc.tensor(m), torch.tensor(m)
    attn = call.get("attn")
    if attn:
        if attn == "bool":
            m = rng.random((L, S_eff)) < 0.3
            m[:, 0] = False
        elif attn == "bool3d":
            m = rng.random((N * H, L, S_eff)) < 0.3
            m[..., 0] = False
        elif attn == "causal":
            m = np.triu(np.full((L, S_eff), -np.inf), 1)
        else:
            m = rng.standard_normal((L, S_eff))
        kw_o["attn_mask"], kw_t["attn_mask"] = tc.tensor(m), torch.tensor(m)
    oq, tq = T(q), torch.tensor(q, requires_grad=True)
    if k_arr is q:
        ok = ov = oq
        tk = tv = tq
    else:
        ok, ov = T(k_arr), T(v_arr)
        tk, tv = torch.tensor(k_arr, requires_grad=True), torch.tensor(v_arr, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a_out, a_w = ours(oq, ok, ov, **kw_o)
        b_out, b_w = theirs(tq, tk, tv, **kw_t)
    assert_close(a_out, b_out)
    assert (a_w is None) == (b_w is None)
    loss_a = (a_out * tc.tensor(np.cos(np.arange(b_out.numel())).reshape(b_out.shape))).sum()
    loss_b = (b_out * torch.tensor(np.cos(np.arange(b_out.numel())).reshape(b_out.shape))).sum()
    if b_w is not None:
        np.testing.assert_allclose(a_w.detach().numpy(), b_w.detach().numpy(), rtol=RTOL, atol=ATOL)
        if np.isfinite(b_w.detach().numpy()).all():
            loss_a = loss_a + (a_w ** 2).sum()
            loss_b = loss_b + (b_w ** 2).sum()
    if not np.isfinite(b_out.detach().numpy()).all():
        return  # an all-masked row on the need_weights path: NaN, as PyTorch (nothing to differentiate)
    loss_a.backward()
    loss_b.backward()
    assert_grads_equal(ours, theirs)
    np.testing.assert_allclose(oq.grad.numpy(), tq.grad.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.oracle
def test_mha_unbatched_vs_torch():
    torch = _torch()
    theirs = torch.nn.MultiheadAttention(4, 2).double()
    ours = nn.MultiheadAttention(4, 2, dtype=tc.float64)
    copy_from_torch(ours, theirs)
    q, k = rnd(3, 4), rnd(5, 4, seed=1)
    m = np.array([False, False, True, False, True])
    a, aw = ours(T(q), T(k), T(k), key_padding_mask=tc.tensor(m))
    b, bw = theirs(torch.tensor(q), torch.tensor(k), torch.tensor(k), key_padding_mask=torch.tensor(m))
    assert_close(a, b)
    assert_close(aw, bw)


@pytest.mark.oracle
def test_mha_default_init_like_torch():
    torch = _torch()
    ours, theirs = nn.MultiheadAttention(64, 4, add_bias_kv=True), torch.nn.MultiheadAttention(64, 4, add_bias_kv=True)
    so, st_ = ours.state_dict(), theirs.state_dict()
    assert [(k, tuple(v.shape)) for k, v in so.items()] == [(k, tuple(v.shape)) for k, v in st_.items()]
    assert not so["in_proj_bias"].numpy().any() and not so["out_proj.bias"].numpy().any()
    bound = np.sqrt(6.0 / (64 + 3 * 64))  # xavier_uniform_ of (3E, E)
    w = so["in_proj_weight"].numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert abs(w.std() - theirs.in_proj_weight.detach().numpy().std()) < 0.1 * bound
    assert str(ours) == str(theirs)


def _layer_pair(torch, kind, **kw):
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(8, 2, dim_feedforward=12, dropout=0.0, **kw).double()
    ours = getattr(nn, kind)(8, 2, dim_feedforward=12, dropout=0.0, **kw, dtype=tc.float64)
    copy_from_torch(ours, theirs)
    return ours, theirs


LAYER_CASES = [dict(), dict(batch_first=True), dict(norm_first=True), dict(activation="gelu"),
               dict(activation="gelu", norm_first=True, batch_first=True), dict(bias=False), dict(layer_norm_eps=1e-3)]


def _both(arr, torch):
    return T(arr), torch.tensor(arr, requires_grad=True)


@pytest.mark.oracle
@pytest.mark.parametrize("kw", LAYER_CASES, ids=str)
@pytest.mark.parametrize("masks", ["none", "causal", "kpm_bool", "both_float"])
def test_encoder_layer_vs_torch(kw, masks):
    torch = _torch()
    ours, theirs = _layer_pair(torch, "TransformerEncoderLayer", **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    bf = kw.get("batch_first", False)
    N, S = 2, 5
    x = rnd(*((N, S, 8) if bf else (S, N, 8)), seed=3)
    (ox, tx) = _both(x, torch)
    ko, kt = {}, {}
    if masks in ("causal", "both_float"):
        m = np.triu(np.full((S, S), -np.inf), 1)
        ko["src_mask"], kt["src_mask"] = tc.tensor(m), torch.tensor(m)
        if masks == "causal":
            ko["is_causal"] = kt["is_causal"] = True
    if masks in ("kpm_bool", "both_float"):
        m = np.zeros((N, S), bool)
        m[1, 3:] = True
        if masks == "both_float":
            m = np.where(m, -np.inf, 0.0)
        ko["src_key_padding_mask"], kt["src_key_padding_mask"] = tc.tensor(m), torch.tensor(m)
    a, b = ours(ox, **ko), theirs(tx, **kt)
    assert_close(a, b)
    g = rnd(*b.shape, seed=4)
    (a * tc.tensor(g)).sum().backward()
    (b * torch.tensor(g)).sum().backward()
    assert_grads_equal(ours, theirs)
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.oracle
@pytest.mark.parametrize("kw", LAYER_CASES, ids=str)
def test_decoder_layer_vs_torch(kw):
    torch = _torch()
    ours, theirs = _layer_pair(torch, "TransformerDecoderLayer", **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    bf = kw.get("batch_first", False)
    N, L, S = 2, 4, 5
    (ot, tt) = _both(rnd(*((N, L, 8) if bf else (L, N, 8)), seed=5), torch)
    (om, tm) = _both(rnd(*((N, S, 8) if bf else (S, N, 8)), seed=6), torch)
    causal = np.triu(np.full((L, L), -np.inf), 1)
    mkpm = np.zeros((N, S), bool)
    mkpm[0, 4] = True
    tkpm = np.zeros((N, L), bool)
    tkpm[1, 3] = True
    mem_mask = np.random.default_rng(0).random((L, S)) < 0.3
    mem_mask[:, 0] = False
    a = ours(ot, om, tgt_mask=tc.tensor(causal), memory_mask=tc.tensor(mem_mask),
             tgt_key_padding_mask=tc.tensor(tkpm), memory_key_padding_mask=tc.tensor(mkpm), tgt_is_causal=True)
    b = theirs(tt, tm, tgt_mask=torch.tensor(causal), memory_mask=torch.tensor(mem_mask),
               tgt_key_padding_mask=torch.tensor(tkpm), memory_key_padding_mask=torch.tensor(mkpm),
               tgt_is_causal=True)
    assert_close(a, b)
    g = rnd(*b.shape, seed=7)
    (a * tc.tensor(g)).sum().backward()
    (b * torch.tensor(g)).sum().backward()
    assert_grads_equal(ours, theirs)
    np.testing.assert_allclose(om.grad.numpy(), tm.grad.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.oracle
@pytest.mark.parametrize("kw", [dict(), dict(batch_first=True, norm_first=True, activation="gelu")], ids=str)
def test_transformer_vs_torch(kw):
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        theirs = torch.nn.Transformer(8, 2, 2, 2, 12, dropout=0.0, **kw).double()
        ours = nn.Transformer(8, 2, 2, 2, 12, dropout=0.0, **kw, dtype=tc.float64)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    # the state dict moves both ways
    copy_from_torch(ours, theirs)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    bf = kw.get("batch_first", False)
    N, S, L = 2, 6, 4
    (os_, ts) = _both(rnd(*((N, S, 8) if bf else (S, N, 8)), seed=8), torch)
    (ot, tt) = _both(rnd(*((N, L, 8) if bf else (L, N, 8)), seed=9), torch)
    skpm = np.zeros((N, S), bool)
    skpm[1, 4:] = True
    a = ours(os_, ot, tgt_mask=nn.Transformer.generate_square_subsequent_mask(L, dtype=tc.float64),
             src_key_padding_mask=tc.tensor(skpm), memory_key_padding_mask=tc.tensor(skpm))
    b = theirs(ts, tt, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(L, dtype=torch.float64),
               src_key_padding_mask=torch.tensor(skpm), memory_key_padding_mask=torch.tensor(skpm))
    assert_close(a, b)
    g = rnd(*b.shape, seed=10)
    (a * tc.tensor(g)).sum().backward()
    (b * torch.tensor(g)).sum().backward()
    assert_grads_equal(ours, theirs)
    np.testing.assert_allclose(os_.grad.numpy(), ts.grad.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.oracle
def test_transformer_default_init_like_torch():
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = nn.Transformer(16, 2, 1, 1, 32)
        theirs = torch.nn.Transformer(16, 2, 1, 1, 32)
    for (k, v), (k2, v2) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert k == k2 and tuple(v.shape) == tuple(v2.shape)
        a, b = v.numpy(), v2.numpy()
        if a.ndim > 1:  # xavier_uniform_ everywhere: same bound
            bound = np.sqrt(6.0 / (a.shape[0] + a.shape[1]))
            assert np.abs(a).max() <= bound and np.abs(b).max() <= bound, k
        else:
            assert np.array_equal(a == 0, b == 0) or k.endswith(("linear1.bias", "linear2.bias")), k


@pytest.mark.oracle
@pytest.mark.parametrize("left_aligned", [True, False])
def test_encoder_eval_nested_path_vs_torch(left_aligned):
    torch = _torch()
    torch.manual_seed(0)
    tl = torch.nn.TransformerEncoderLayer(8, 2, 12, dropout=0.1, batch_first=True).double()
    ol = nn.TransformerEncoderLayer(8, 2, 12, dropout=0.1, batch_first=True, dtype=tc.float64)
    theirs = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(8).double())
    ours = nn.TransformerEncoder(ol, 2, norm=nn.LayerNorm(8, dtype=tc.float64))
    copy_from_torch(ours, theirs)
    ours.eval()
    theirs.eval()
    x = rnd(3, 5, 8, seed=1)
    m = np.zeros((3, 5), bool)
    m[1, 3:] = True
    m[2, 4] = True
    if not left_aligned:
        m[0, 0] = True
    with torch.no_grad(), tc.no_grad():
        a = ours(tc.tensor(x), src_key_padding_mask=tc.tensor(m))
        b = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(m))
    assert_close(a, b)


@pytest.mark.oracle
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_tiny_language_model_trains_like_torch(dtype):
    """A one-layer causal Transformer LM, same weights, same data, Adam: the same losses as PyTorch."""
    torch = _torch()
    V, E, L, N = 11, 8, 6, 4

    def build(lib, mod_nn):
        class LM(mod_nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = mod_nn.Embedding(V, E)
                layer = mod_nn.TransformerEncoderLayer(E, 2, 16, dropout=0.0, batch_first=True, norm_first=True)
                self.enc = mod_nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
                self.head = mod_nn.Linear(E, V)

            def forward(self, idx):
                mask = mod_nn.Transformer.generate_square_subsequent_mask(idx.shape[1])
                return self.head(self.enc(self.emb(idx), mask=mask, is_causal=True))
        return LM()

    torch.manual_seed(0)
    theirs = build(torch, torch.nn)
    ours = build(tc, nn)
    if dtype == "float64":
        theirs.double()
        ours.double()
    copy_from_torch(ours, theirs)
    if dtype == "float32":
        ours.float()
    rng = np.random.default_rng(0)
    data = rng.integers(0, V, (N, L + 1))
    opt_t = torch.optim.Adam(theirs.parameters(), lr=1e-2)
    opt_o = tc.optim.Adam(ours.parameters(), lr=1e-2)
    losses_t, losses_o = [], []
    for _ in range(5):
        x, y = data[:, :-1], data[:, 1:]
        opt_t.zero_grad()
        lt = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)).reshape(-1, V), torch.tensor(y).reshape(-1))
        lt.backward()
        opt_t.step()
        opt_o.zero_grad()
        lo = F.cross_entropy(ours(tc.tensor(x)).reshape(-1, V), tc.tensor(y).reshape(-1))
        lo.backward()
        opt_o.step()
        losses_t.append(lt.item())
        losses_o.append(lo.item())
    tol = 1e-9 if dtype == "float64" else 2e-5
    np.testing.assert_allclose(losses_o, losses_t, rtol=tol, atol=tol)
    assert losses_o[-1] < losses_o[0]


def test_deepcopy_of_layer_keeps_activation():
    layer = nn.TransformerEncoderLayer(4, 2, 8, activation=F.gelu)
    assert copy.deepcopy(layer).activation is F.gelu
    assert layer.activation_relu_or_gelu == 2
    assert nn.TransformerEncoderLayer(4, 2, 8, activation=nn.ReLU()).activation_relu_or_gelu == 1
    assert nn.TransformerEncoderLayer(4, 2, 8, activation=tc.tanh).activation_relu_or_gelu == 0


def test_dropout_only_in_training_and_always_in_sdpa():
    tc.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, dropout=0.5)
    x = tc.randn(3, 2, 4)
    a, b = mha(x, x, x)[1], mha(x, x, x)[1]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())  # weights dropped (and rescaled) in train mode
    mha.eval()
    a, b = mha(x, x, x)[1], mha(x, x, x)[1]
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    np.testing.assert_allclose(a.detach().numpy().sum(-1), 1.0, rtol=1e-6)
    q = tc.randn(1, 5, 3)
    one = F.scaled_dot_product_attention(q, q, q, dropout_p=1.0)
    assert not one.numpy().any()  # dropout_p applies whatever the mode, as PyTorch's


@pytest.mark.oracle
def test_mha_functional_static_kv_and_merge_masks_vs_torch():
    torch = _torch()
    E, H, N, L, S = 4, 2, 2, 3, 5
    rng = np.random.default_rng(3)
    q = rng.standard_normal((L, N, E))
    sk, sv = rng.standard_normal((N * H, S, E // H)), rng.standard_normal((N * H, S, E // H))
    w_in, b_in = rng.standard_normal((3 * E, E)), rng.standard_normal(3 * E)
    w_out, b_out = rng.standard_normal((E, E)), rng.standard_normal(E)
    kpm = np.zeros((N, S), bool)
    kpm[1, 3:] = True
    arrays = [q, sk, sv, w_in, b_in, w_out, b_out]
    ours, theirs = [T(a) for a in arrays], [torch.tensor(a, requires_grad=True) for a in arrays]

    def run(lib_f, t, mask, *, key):
        q_, sk_, sv_, wi, bi, wo, bo = t
        return lib_f(q_, key, key, E, H, wi, bi, None, None, False, 0.0, wo, bo, key_padding_mask=mask,
                     static_k=sk_, static_v=sv_, average_attn_weights=False)

    key = rng.standard_normal((S, N, E))  # only its shape matters: static_k/static_v replace K and V
    a_out, a_w = run(F.multi_head_attention_forward, ours, tc.tensor(kpm), key=tc.tensor(key))
    b_out, b_w = run(torch.nn.functional.multi_head_attention_forward, theirs, torch.tensor(kpm),
                     key=torch.tensor(key))
    assert_close(a_out, b_out)
    assert_close(a_w, b_w)
    (a_out.sum() + (a_w ** 2).sum()).backward()
    (b_out.sum() + (b_w ** 2).sum()).backward()
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=RTOL, atol=ATOL)
    mo, mt = nn.MultiheadAttention(E, H, batch_first=True), torch.nn.MultiheadAttention(E, H, batch_first=True)
    am, kp, x = rng.standard_normal((S, S)), rng.standard_normal((N, S)), rng.standard_normal((N, S, E))
    for args in ((am, kp), (am, None), (None, kp)):
        a, ka = mo.merge_masks(*(None if m is None else tc.tensor(m) for m in args), tc.tensor(x))
        b, kb = mt.merge_masks(*(None if m is None else torch.tensor(m) for m in args), torch.tensor(x))
        assert ka == kb
        np.testing.assert_array_equal(a.numpy(), b.numpy())

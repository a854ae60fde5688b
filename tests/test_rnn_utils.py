"""nn.utils.rnn: pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence and
PackedSequence through nn.RNN/LSTM/GRU. Round trips and gradients without torch; PyTorch as the
oracle for layouts, sort orders, outputs, final states and parameter gradients."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_course as tc
from tinygrad_course import nn
from tinygrad_course.autograd import gradcheck, gradgradcheck
from tinygrad_course.nn.utils.rnn import (
    PackedSequence,
    invert_permutation,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)

RTOL, ATOL = 1e-7, 1e-9


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def T(a):
    return tc.tensor(np.asarray(a, np.float64), requires_grad=True)


def test_importable_as_pytorch_lays_it_out():
    import tinygrad_course.nn.utils.rnn as r
    assert r.pad_sequence is nn.utils.rnn.pad_sequence
    assert isinstance(pack_sequence([tc.ones(2)]), tuple)


@given(st.lists(st.integers(1, 5), min_size=1, max_size=4), st.booleans(), st.booleans())
def test_pack_pad_round_trip(lengths, batch_first, sort):
    seqs = [tc.tensor(rnd(n, 2, seed=i)) for i, n in enumerate(lengths)]
    if sort:
        seqs.sort(key=lambda s: -s.shape[0])
    packed = pack_sequence(seqs, enforce_sorted=sort)
    assert packed.data.shape == (sum(lengths), 2)
    padded, lens = pad_packed_sequence(packed, batch_first=batch_first, padding_value=-7.0)
    assert lens.tolist() == [s.shape[0] for s in seqs]
    for i, s in enumerate(seqs):
        row = padded[i] if batch_first else padded[:, i]
        n = s.shape[0]
        np.testing.assert_array_equal(row[:n].numpy(), s.numpy())
        assert (row[n:].numpy() == -7.0).all()
    for a, b in zip(unpack_sequence(packed), seqs):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_pad_sequence_layouts_and_gradient():
    a, b = T(rnd(2, 3)), T(rnd(4, 3, seed=1))
    out = pad_sequence([a, b], batch_first=True, padding_value=1.5, padding_side="left")
    assert out.shape == (2, 4, 3)
    assert (out[0, :2].detach().numpy() == 1.5).all()
    np.testing.assert_array_equal(out[0, 2:].detach().numpy(), a.detach().numpy())
    assert pad_sequence([a, b]).shape == (4, 2, 3)
    assert gradcheck(lambda a, b: pad_sequence([a, b]), [a, b])
    back = unpad_sequence(pad_sequence([a, b]), tc.tensor([2, 4]))
    np.testing.assert_array_equal(back[0].detach().numpy(), a.detach().numpy())


def test_packing_is_differentiable():
    x = T(rnd(4, 3, 2))
    f = lambda x: pad_packed_sequence(pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False))[0]
    assert gradcheck(f, [x])
    out = f(x)
    out.sum().backward()
    g = x.grad.numpy()
    # padding positions get no gradient, the rest get exactly 1
    mask = np.arange(4)[:, None] < np.array([2, 4, 1])[None, :]
    np.testing.assert_array_equal(g, np.broadcast_to(mask[..., None], g.shape).astype(float))


@pytest.mark.parametrize("mod", ["RNN", "LSTM", "GRU"])
def test_packed_rnn_gradcheck_and_state_at_last_valid_step(mod):
    tc.manual_seed(0)
    m = getattr(nn, mod)(2, 3, bidirectional=True, dtype=tc.float64)
    x = T(rnd(4, 3, 2, seed=1))
    lengths = [2, 4, 1]

    def f(x):
        out, h = m(pack_padded_sequence(x, lengths, enforce_sorted=False))
        h = h[0] if mod == "LSTM" else h
        return pad_packed_sequence(out)[0], h

    assert gradcheck(f, [x])
    assert gradgradcheck(f, [x])
    # each sequence alone (unpadded) gives the same h_n as its column in the packed batch
    _, h = f(x)
    for b, n in enumerate(lengths):
        _, hb = m(x[:n, b:b + 1])
        hb = hb[0] if mod == "LSTM" else hb
        np.testing.assert_allclose(h[:, b].detach().numpy(), hb[:, 0].detach().numpy(), rtol=1e-12, atol=1e-14)


def test_errors():
    x = tc.randn(4, 3, 2)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_padded_sequence(x, [2, 3, 1])
    with pytest.raises(RuntimeError, match="greater than 0"):
        pack_padded_sequence(x, [3, 2, 0])
    with pytest.raises(RuntimeError, match="equal to batch_size, but got 2 \\(batch_size=3\\)"):
        pack_padded_sequence(x, [3, 2])
    with pytest.raises(RuntimeError, match="exceeds the padded sequence length 4"):
        pack_padded_sequence(x, [5, 2, 1])
    with pytest.raises(RuntimeError, match="empty list"):
        pad_sequence([])
    with pytest.raises(RuntimeError, match="padding_side to be one of left or right, but got top"):
        pad_sequence([tc.ones(2)], padding_side="top")
    with pytest.raises(RuntimeError, match=r"sequence 1 has shape \(3, 4\)"):
        pad_sequence([tc.ones(2, 3), tc.ones(3, 4)])
    p = pack_sequence([tc.ones(3, 2), tc.ones(1, 2)])
    with pytest.raises(ValueError, match="total_length=2 and max sequence length being 3"):
        pad_packed_sequence(p, total_length=2)
    with pytest.raises(RuntimeError, match="input_size"):
        nn.GRU(3, 4)(p)


def test_packed_sequence_helpers():
    p = pack_sequence([tc.ones(1, 2), tc.ones(3, 2)], enforce_sorted=False)
    assert p.sorted_indices.tolist() == [1, 0] and p.unsorted_indices.tolist() == [1, 0]
    assert p.double().data.dtype == tc.float64 and p.to(tc.float32) is p and not p.is_cuda
    assert invert_permutation(tc.tensor([2, 0, 1])).tolist() == [1, 2, 0]
    assert invert_permutation(None) is None
    q = PackedSequence(p.data, p.batch_sizes, p.sorted_indices)
    assert q.unsorted_indices.tolist() == [1, 0]
    _, batch_sizes, _, _ = q
    assert batch_sizes.tolist() == [2, 1, 1]


# ------------------------------------------------------------------ PyTorch as the oracle
@pytest.mark.oracle
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_pack_pad_vs_torch(batch_first, enforce_sorted):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import rnn as tr
    lengths = [5, 4, 4, 2, 2, 2, 1] if enforce_sorted else [2, 3, 2, 3, 2, 4, 1]  # ties: the sort must be stable
    x = rnd(*((7, 5, 3) if batch_first else (5, 7, 3)))
    a = pack_padded_sequence(tc.tensor(x), lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    b = tr.pack_padded_sequence(torch.tensor(x), lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    np.testing.assert_array_equal(a.data.numpy(), b.data.numpy())
    assert a.batch_sizes.tolist() == b.batch_sizes.tolist() and a.batch_sizes.dtype == tc.int64
    for u, v in ((a.sorted_indices, b.sorted_indices), (a.unsorted_indices, b.unsorted_indices)):
        assert (u is None and v is None) or u.tolist() == v.tolist()
    pa, la = pad_packed_sequence(a, batch_first=batch_first, padding_value=3.0, total_length=6)
    pb, lb = tr.pad_packed_sequence(b, batch_first=batch_first, padding_value=3.0, total_length=6)
    np.testing.assert_array_equal(pa.numpy(), pb.numpy())
    assert la.tolist() == lb.tolist()


@pytest.mark.oracle
@pytest.mark.parametrize("kw", [dict(batch_first=True, padding_value=-1.0), dict(padding_side="left")], ids=str)
def test_pad_sequence_vs_torch(kw):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import rnn as tr
    arrays = [rnd(2, 3), rnd(5, 3, seed=1), rnd(1, 3, seed=2)]
    np.testing.assert_array_equal(pad_sequence([tc.tensor(a) for a in arrays], **kw).numpy(),
                                  tr.pad_sequence([torch.tensor(a) for a in arrays], **kw).numpy())


@pytest.mark.oracle
@pytest.mark.parametrize("mod", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=2, bidirectional=True), dict(batch_first=True)], ids=str)
@pytest.mark.parametrize("with_hx", [False, True])
def test_packed_rnn_vs_torch(mod, kw, with_hx):
    torch = pytest.importorskip("torch")
    from torch.nn.utils import rnn as tr
    torch.manual_seed(0)
    theirs = getattr(torch.nn, mod)(3, 4, **kw).double()
    ours = getattr(nn, mod)(3, 4, **kw, dtype=tc.float64)
    ours.load_state_dict({k: tc.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    bf = kw.get("batch_first", False)
    N, L = 4, 5
    lengths = [3, 5, 1, 3]
    x = rnd(*((N, L, 3) if bf else (L, N, 3)), seed=1)
    ox, tx = T(x), torch.tensor(x, requires_grad=True)
    ko, kt = {}, {}
    if with_hx:
        D = 2 if kw.get("bidirectional") else 1
        hs = [rnd(kw.get("num_layers", 1) * D, N, 4, seed=2 + k) for k in range(2 if mod == "LSTM" else 1)]
        oh, th = [T(h) for h in hs], [torch.tensor(h, requires_grad=True) for h in hs]
        ko["hx"] = tuple(oh) if mod == "LSTM" else oh[0]
        kt["hx"] = tuple(th) if mod == "LSTM" else th[0]
    a, ha = ours(pack_padded_sequence(ox, lengths, batch_first=bf, enforce_sorted=False), **ko)
    b, hb = theirs(tr.pack_padded_sequence(tx, lengths, batch_first=bf, enforce_sorted=False), **kt)
    assert isinstance(a, PackedSequence)
    assert a.batch_sizes.tolist() == b.batch_sizes.tolist()
    assert a.sorted_indices.tolist() == b.sorted_indices.tolist()
    outs_a = [a.data] + (list(ha) if mod == "LSTM" else [ha])
    outs_b = [b.data] + (list(hb) if mod == "LSTM" else [hb])
    la, lb = 0, 0
    for k, (u, v) in enumerate(zip(outs_a, outs_b)):
        np.testing.assert_allclose(u.detach().numpy(), v.detach().numpy(), rtol=RTOL, atol=ATOL)
        g = rnd(*v.shape, seed=20 + k)
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

"""PyTorch parity, case by case against torch: integral aranges, factories writing into out=,
out= that overlaps an input, narrow's tensor start, sum_to_size of 0-d tensors, cat of 0-d."""
import numpy as np
import pytest

import tinygrad_course as tc

torch = pytest.importorskip("torch")

# both libraries warn when out= is resized (here on purpose)
pytestmark = pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")


def _outcome(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the kind is what is compared
        return type(e).__name__
    return (str(r.dtype).split(".")[-1], tuple(r.shape), np.asarray(r.tolist()).tolist())


def _same(ours, theirs):
    o, t = _outcome(ours), _outcome(theirs)
    if isinstance(t, tuple) and isinstance(o, tuple):
        # dtype names: torch's "int64" / ours "int64"
        assert o[1:] == t[1:] and o[0] == t[0], (o, t)
    else:
        assert o == t, (o, t)


@pytest.mark.parametrize("args", [(0.5, 5.5, 1), (0, 5.5, 1), (0.7, 3, 1), (-2.5, 3, 1.5), (0, 64, 0.5),
                                  (1, 2.9, 0.3), (0, 6, 1.5), (5, 0, -1.5), (0, 5, 0)])
def test_integral_arange_truncates_bounds_and_step(args):
    _same(lambda: tc.arange(*args, dtype=tc.int64), lambda: torch.arange(*args, dtype=torch.int64))
    _same(lambda: tc.arange(*args, out=tc.empty(0, dtype=tc.int64)),
          lambda: torch.arange(*args, out=torch.empty(0, dtype=torch.int64)))


@pytest.mark.parametrize("make", [
    lambda L, d: L.arange(0, 3, out=L.empty(0, dtype=d)),
    lambda L, d: L.linspace(0, 1, 3, out=L.empty(3, dtype=d)),
    lambda L, d: L.zeros(2, 2, out=L.empty(4, dtype=d)),
    lambda L, d: L.ones(3, out=L.empty(3, dtype=d)),
    lambda L, d: L.full((2,), 7, out=L.empty(2, dtype=d)),
])
@pytest.mark.parametrize("dtype", ["float64", "int32", "float32"])
def test_factories_write_in_outs_dtype(make, dtype):
    _same(lambda: make(tc, getattr(tc, dtype)), lambda: make(torch, getattr(torch, dtype)))


def _pair(build):
    """The same inputs in both libraries, memory sharing included (built by ``build(lib)``)."""
    return (lambda: build(tc)), (lambda: build(torch))


@pytest.mark.parametrize("build", [
    lambda L: (lambda x, y: L.cat([x, y], 0, out=x))(L.zeros(0), L.ones(4)),
    lambda L: (lambda x, y: L.cat([x, y], 0, out=y))(L.zeros(2), L.ones(4)),
    lambda L: (lambda y, z: L.cat([y, z], out=z[:2]))(L.ones(2, 6), L.zeros(4, 6)),
    lambda L: L.cat([L.ones(2, 3), L.ones(2, 3)], out=L.zeros(1, 3).expand(4, 3)),
    lambda L: (lambda y: L.masked_select(y, y > 0, out=y))(L.ones(4)),
    lambda L: (lambda y: L.index_select(y, 0, L.tensor([0]), out=y))(L.ones(4)),
    lambda L: (lambda y: L.gather(y, 0, L.tensor([0, 1]), out=y[:2]))(L.ones(4)),
    lambda L: L.gather(L.ones(4), 0, L.tensor([0, 1]), out=L.empty(2, dtype=L.float64)),
    lambda L: L.cat([L.ones(2), L.ones(2)], out=L.empty(4)),  # no overlap: fine in both
    lambda L: L.index_select(L.ones(4), 0, L.tensor([1, 2]), out=L.empty(2)),
])
def test_out_that_overlaps_an_input_is_refused(build):
    ours, theirs = _pair(build)
    _same(ours, theirs)


@pytest.mark.parametrize("start", ["float", "vector", "bool", "int", "number"])
def test_narrow_start_must_be_an_integral_scalar(start):
    def run(L):
        s = {"float": L.tensor(1.0), "vector": L.tensor([1]), "bool": L.tensor(True), "int": L.tensor(1),
             "number": 1}[start]
        return L.ones(5).narrow(0, s, 2)
    _same(lambda: run(tc), lambda: run(torch))


@pytest.mark.parametrize("value,size", [(True, ()), ([True], (1,)), ([[True]], (1, 1)), ([[True, False]], (1,)),
                                        ([True], ()), (3.0, ()), ([3], (1,))])
def test_sum_to_size_dtypes_follow_torch(value, size):
    _same(lambda: tc.tensor(value).sum_to_size(size), lambda: torch.tensor(value).sum_to_size(size))
    t = tc.tensor(value)
    assert (t.sum_to_size(size) is t) == (size != () and tuple(size) == tuple(t.shape))


def test_cat_of_zero_dim_tensors_is_pytorchs_runtime_error():
    _same(lambda: tc.cat([tc.ones(2), tc.ones(())]), lambda: torch.cat([torch.ones(2), torch.ones(())]))
    with pytest.raises(RuntimeError, match="zero-dimensional tensor \\(at position 0\\)"):
        tc.cat([tc.ones(()), tc.ones(())])

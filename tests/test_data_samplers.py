"""tc.data samplers, DataLoader's sampler/batch_sampler/worker arguments, IterableDataset, vs PyTorch.

Statistical checks use tolerances from the CLT (a count of k Bernoulli(p) draws has standard
deviation sqrt(k p (1-p))); 5 standard deviations make a false failure ~1e-6 per check.
"""
import math

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                                  RandomSampler, Sampler, SequentialSampler, Subset, SubsetRandomSampler,
                                  TensorDataset, WeightedRandomSampler, get_worker_info, random_split)


def arr(t):
    return t.detach().numpy() if hasattr(t, "numpy") else np.asarray(t)


def within_clt(count, k, p, z=5.0):
    """True if ``count`` successes in ``k`` trials is within z standard deviations of k p."""
    sd = math.sqrt(k * p * (1 - p))
    return abs(count - k * p) <= z * sd + 1e-9


class Stream(IterableDataset):
    """0..n-1, sharded by the worker info the way PyTorch's docs recommend."""

    def __init__(self, n):
        self.n = n
        self.infos = []

    def __iter__(self):
        info = get_worker_info()
        self.infos.append(info)
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class Sized(Stream):
    def __len__(self):
        return self.n


class Pairs(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


# ---------------------------------------------------------------- samplers on their own

def test_sequential_sampler():
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4] and len(s) == 5
    assert isinstance(s, Sampler)
    data = [1, 2]
    s = SequentialSampler(data)
    data.append(3)  # the length is read at each pass, as in PyTorch
    assert list(s) == [0, 1, 2] and len(s) == 3


def test_random_sampler_permutations_and_reproducibility():
    s = RandomSampler(range(20), generator=0)
    a, b = list(s), list(s)
    assert sorted(a) == sorted(b) == list(range(20)) and a != b and len(s) == 20
    assert all(isinstance(i, int) for i in a)
    assert list(RandomSampler(range(20), generator=0)) == a  # an int seed repeats the run
    assert list(RandomSampler(range(20), generator=np.random.default_rng(0))) == a
    tc.manual_seed(5)
    c = list(RandomSampler(range(20)))
    tc.manual_seed(5)
    assert list(RandomSampler(range(20))) == c


def test_random_sampler_more_samples_than_data_chains_permutations():
    s = RandomSampler(range(10), num_samples=25, generator=1)
    out = list(s)
    assert len(out) == len(s) == 25
    assert sorted(out[:10]) == list(range(10)) and sorted(out[10:20]) == list(range(10))
    assert len(set(out[20:])) == 5
    assert len(list(RandomSampler(range(10), num_samples=4, generator=1))) == 4


def test_random_sampler_with_replacement_is_uniform():
    k, n = 20000, 10
    out = np.array(list(RandomSampler(range(n), replacement=True, num_samples=k, generator=2)))
    assert out.shape == (k,) and out.min() >= 0 and out.max() < n
    counts = np.bincount(out, minlength=n)
    assert all(within_clt(c, k, 1 / n) for c in counts), counts


def test_random_sampler_without_replacement_positions_are_uniform():
    # P(item 0 comes first) = 1/n for a uniform permutation.
    n, passes = 5, 4000
    s = RandomSampler(range(n), generator=3)
    first = np.array([next(iter(s)) for _ in range(passes)])
    assert all(within_clt(np.sum(first == i), passes, 1 / n) for i in range(n))


def test_subset_random_sampler():
    idx = [7, 3, 9, 11]
    s = SubsetRandomSampler(idx, generator=0)
    a, b = list(s), list(s)
    assert sorted(a) == sorted(idx) and len(s) == 4
    passes = [tuple(s) for _ in range(4000)]
    assert all(within_clt(sum(p[0] == i for p in passes), 4000, 1 / 4) for i in idx)
    assert list(SubsetRandomSampler(np.array([5, 6]), generator=0)) in ([5, 6], [6, 5])


def test_weighted_sampler_frequencies_follow_weights():
    w = [0.0, 1.0, 3.0, 6.0]
    k = 20000
    out = np.array(list(WeightedRandomSampler(w, k, generator=0)))
    counts = np.bincount(out, minlength=4)
    assert counts[0] == 0  # weight 0 is never drawn with replacement
    p = np.array(w) / sum(w)
    assert all(within_clt(counts[i], k, p[i]) for i in range(1, 4)), counts
    assert len(WeightedRandomSampler(w, 7)) == 7
    assert list(WeightedRandomSampler(tc.tensor(w), 3, generator=1)) == list(WeightedRandomSampler(w, 3, generator=1))


def test_weighted_sampler_without_replacement():
    w = [1.0, 2.0, 3.0, 4.0]
    s = WeightedRandomSampler(w, 3, replacement=False, generator=0)
    passes = [list(s) for _ in range(4000)]
    assert all(len(set(p)) == 3 for p in passes)
    # the first draw has probability w_i / sum(w); the second, given the first j, w_i / (sum - w_j)
    for i in range(4):
        assert within_clt(sum(p[0] == i for p in passes), 4000, w[i] / 10)
    first3 = [p for p in passes if p[0] == 3]
    assert within_clt(sum(p[1] == 2 for p in first3), len(first3), 3 / 6)
    # zero weights are drawn only once the positive ones are used up, as torch.multinomial does
    for p in (list(WeightedRandomSampler([0.0, 1.0, 2.0], 3, replacement=False, generator=i)) for i in range(20)):
        assert p[2] == 0


def test_weighted_sampler_invalid_weights_fail_at_iteration():
    for w, match in [([-1.0, 2.0], "< 0"), ([0.0, 0.0], "sum of probabilities"), ([1.0, np.nan], "NaN")]:
        s = WeightedRandomSampler(w, 2)  # constructing is fine, as in PyTorch
        with pytest.raises(RuntimeError, match=match):
            list(s)
    with pytest.raises(RuntimeError, match="without replacement"):
        list(WeightedRandomSampler([1.0, 2.0], 3, replacement=False))
    with pytest.raises(TypeError, match="weights must be a sequence of numbers"):
        WeightedRandomSampler(["a", None], 2)


@pytest.mark.parametrize("n", [0, 1, 6, 7])
@pytest.mark.parametrize("bs", [1, 3, 8])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_groups(n, bs, drop_last):
    for source in (SequentialSampler(range(n)), list(range(n))):  # ours (vectorised) and any iterable
        batches = list(BatchSampler(source, bs, drop_last))
        flat = [i for b in batches for i in b]
        full = (n // bs) * bs
        assert flat == list(range(full if drop_last else n))
        assert all(len(b) == bs for b in batches[:-1]) and all(isinstance(b, list) for b in batches)
        assert len(BatchSampler(source, bs, drop_last)) == len(batches)


def test_batch_sampler_of_a_generator_without_len():
    assert list(BatchSampler((i * i for i in range(5)), 2, False)) == [[0, 1], [4, 9], [16]]


def test_batch_sampler_with_a_custom_sampler_subclass_uses_its_iter():
    class EveryOther(SequentialSampler):
        def __iter__(self):
            return iter(range(0, len(self.data_source), 2))

    assert list(BatchSampler(EveryOther(range(7)), 2, False)) == [[0, 2], [4, 6]]


# ---------------------------------------------------------------- DataLoader with samplers

def test_loader_builds_default_samplers():
    ds = TensorDataset(np.arange(10))
    a = DataLoader(ds, batch_size=3)
    assert type(a.sampler) is SequentialSampler and type(a.batch_sampler) is BatchSampler
    assert a.batch_sampler.batch_size == 3 and a.batch_sampler.drop_last is False
    b = DataLoader(ds, shuffle=True, generator=0)
    assert type(b.sampler) is RandomSampler
    c = DataLoader(ds, batch_size=None)
    assert c.batch_sampler is None and len(c) == 10


def test_loader_with_sampler_fast_and_general_paths_agree():
    x = np.arange(40, dtype=np.float32).reshape(20, 2)
    y = np.arange(20)
    w = np.linspace(0, 1, 20)
    fast = DataLoader(TensorDataset(x, y), batch_size=6, sampler=WeightedRandomSampler(w, 30, generator=4))
    slow = DataLoader(Pairs(x, y), batch_size=6, sampler=WeightedRandomSampler(w, 30, generator=4))
    assert len(fast) == len(slow) == 5
    for (fx, fy), (sx, sy) in zip(fast, slow):
        np.testing.assert_array_equal(arr(fx), arr(sx))
        np.testing.assert_array_equal(arr(fy), arr(sy))
        np.testing.assert_array_equal(arr(fx)[:, 0], 2 * arr(fy))


def test_loader_with_batch_sampler():
    ds = TensorDataset(np.arange(10) * 10)
    batches = [[3, 1], [0], [9, 8, 7]]
    loader = DataLoader(ds, batch_sampler=batches)
    assert loader.batch_size is None and len(loader) == 3
    assert [arr(b[0]).tolist() for b in loader] == [[30, 10], [0], [90, 80, 70]]
    general = DataLoader(Pairs(np.arange(10) * 10, np.arange(10)), batch_sampler=batches)
    assert [arr(b[0]).tolist() for b in general] == [[30, 10], [0], [90, 80, 70]]
    sub = Subset(ds, [9, 8, 7, 6])
    assert [arr(b[0]).tolist() for b in DataLoader(sub, batch_sampler=[[0, 3]])] == [[90, 60]]


def test_loader_sampler_needs_no_dataset_len():
    class Keyed(Dataset):
        def __getitem__(self, k):
            return {"a": 1.0, "b": 2.0}[k]

        def __len__(self):  # the ABC wants one; the loader must not call it
            raise AssertionError("len called")

    loader = DataLoader(Keyed(), batch_size=2, sampler=["b", "a", "b"])
    assert [arr(b).tolist() for b in loader] == [[2.0, 1.0], [2.0]]
    assert len(loader) == 2


def test_loader_attributes_are_frozen():
    loader = DataLoader(TensorDataset(np.arange(4)), batch_size=2)
    for attr in ("batch_size", "sampler", "batch_sampler", "drop_last", "dataset", "persistent_workers"):
        with pytest.raises(ValueError, match=f"{attr} attribute should not be set after DataLoader is initialized"):
            setattr(loader, attr, None)
    loader.collate_fn = lambda b: len(b)  # not frozen in PyTorch either
    assert list(loader) == [2, 2]


def test_loader_argument_errors():
    ds = TensorDataset(np.arange(4))
    cases = [
        (dict(sampler=SequentialSampler(ds), shuffle=True), "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
        (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
        (dict(batch_sampler=[[0]], sampler=[0]), "batch_sampler option is mutually exclusive"),
        (dict(batch_sampler=[[0]], shuffle=True), "batch_sampler option is mutually exclusive"),
        (dict(timeout=-1), "timeout option should be non-negative"),
        (dict(prefetch_factor=2), "prefetch_factor option could only be specified in multiprocessing"),
        (dict(num_workers=1, prefetch_factor=-1), "prefetch_factor option should be non-negative"),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    ]
    for kwargs, match in cases:
        with pytest.raises(ValueError, match=match):
            DataLoader(ds, **kwargs)
    with pytest.raises(TypeError, match="worker_init_fn must be callable"):
        DataLoader(ds, num_workers=1, worker_init_fn=3)
    assert DataLoader(ds, num_workers=2).prefetch_factor == 2


# ---------------------------------------------------------------- workers (in-process)

def test_worker_init_fn_and_worker_info():
    seen = []

    def init(worker_id):
        info = get_worker_info()
        seen.append((worker_id, info.id, info.num_workers))

    ds = Stream(10)
    loader = DataLoader(ds, batch_size=4, num_workers=3, worker_init_fn=init)
    it = iter(loader)
    assert seen == [(0, 0, 1)]  # called when the iterator is made, as PyTorch starts its workers
    out = []
    for b in it:
        assert get_worker_info() is None  # the loop body is the main process
        out.extend(arr(b).tolist())
    assert out == list(range(10))  # a sharded stream still yields every sample exactly once
    assert ds.infos[-1].id == 0 and ds.infos[-1].dataset is ds
    list(loader)
    assert len(seen) == 2  # once per pass ...
    persistent = DataLoader(Stream(3), num_workers=1, worker_init_fn=init, persistent_workers=True)
    list(persistent), list(persistent)
    assert len(seen) == 3  # ... or once in all with persistent_workers
    assert get_worker_info() is None


def test_no_worker_info_without_workers():
    ds = Stream(3)
    assert [arr(b).tolist() for b in DataLoader(ds, batch_size=2)] == [[0, 1], [2]]
    assert ds.infos == [None]


def test_worker_info_is_reset_after_an_error():
    class Broken(IterableDataset):
        def __iter__(self):
            raise KeyError("boom")

    with pytest.raises(KeyError):
        list(DataLoader(Broken(), num_workers=1))
    assert get_worker_info() is None


# ---------------------------------------------------------------- iterable datasets

def test_iterable_dataset_batches():
    assert [arr(b).tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [arr(b).tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    assert [arr(b).tolist() for b in DataLoader(Stream(2))] == [[0], [1]]
    assert len(DataLoader(Sized(7), batch_size=3)) == 3
    assert len(DataLoader(Sized(7), batch_size=3, drop_last=True)) == 2
    assert len(DataLoader(Sized(7), batch_size=None)) == 7
    with pytest.raises(TypeError, match="has no len"):
        len(DataLoader(Stream(7)))


def test_iterable_dataset_errors_and_chain():
    with pytest.raises(TypeError):
        IterableDataset()  # __iter__ is abstract
    for kwargs, match in [(dict(shuffle=True), "expected unspecified shuffle option"),
                          (dict(sampler=[0]), "expected unspecified sampler option"),
                          (dict(batch_sampler=[[0]]), "expected unspecified batch_sampler option")]:
        with pytest.raises(ValueError, match=match):
            DataLoader(Stream(3), **kwargs)
    DataLoader(Stream(3), shuffle=False)  # False and None are both "unspecified"
    with pytest.raises(NotImplementedError, match="cannot be indexed"):
        Stream(3)[0]
    chained = Stream(2) + Stream(3)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 0, 1, 2]
    assert len(Sized(2) + Sized(3)) == 5
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ChainDataset([Stream(1), [1, 2]]))
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Stream(2)])
    assert list(Stream(4)) == [0, 1, 2, 3]  # list() falls back to iteration without a len


# ---------------------------------------------------------------- Subset / ConcatDataset / random_split

def test_subset_getitems_goes_through_the_wrapped_dataset():
    class Batched(Dataset):
        def __init__(self):
            self.calls = []

        def __len__(self):
            return 10

        def __getitem__(self, i):
            return i * 2

        def __getitems__(self, ids):
            self.calls.append(list(ids))
            return [i * 2 for i in ids]

    base = Batched()
    sub = Subset(base, [9, 4, 1])
    assert [arr(b).tolist() for b in DataLoader(sub, batch_size=2)] == [[18, 8], [2]]
    assert base.calls == [[9, 4], [1]]
    assert Subset(list(range(10, 20)), [3, 1]).__getitems__([1, 0]) == [11, 13]

    class Bad(Subset):
        def __getitem__(self, i):
            return 0

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Bad(base, [0])


def test_concat_cumsum():
    assert ConcatDataset.cumsum([[1, 2], [], [3]]) == [2, 2, 3]


# ---------------------------------------------------------------- oracle: PyTorch

def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - we compare the kind
        return (type(e).__name__, None)


@pytest.mark.oracle
def test_oracle_argument_errors_match_torch():
    torch = pytest.importorskip("torch")
    tud = torch.utils.data

    class TStream(tud.IterableDataset):
        def __iter__(self):
            return iter(range(3))

    def cases(m, ds, stream):
        return [
            lambda: m.DataLoader(ds, sampler=m.SequentialSampler(ds), shuffle=True),
            lambda: m.DataLoader(ds, batch_sampler=[[0]], batch_size=2),
            lambda: m.DataLoader(ds, batch_sampler=[[0]], drop_last=True),
            lambda: m.DataLoader(ds, batch_sampler=[[0]], sampler=[0]),
            lambda: m.DataLoader(ds, batch_sampler=[[0]], shuffle=True),
            lambda: m.DataLoader(ds, batch_size=None, drop_last=True),
            lambda: m.DataLoader(ds, batch_size=0),
            lambda: m.DataLoader(ds, num_workers=-1),
            lambda: m.DataLoader(ds, timeout=-1),
            lambda: m.DataLoader(ds, prefetch_factor=2),
            lambda: m.DataLoader(ds, persistent_workers=True),
            lambda: m.DataLoader(stream, shuffle=True),
            lambda: m.DataLoader(stream, sampler=[0]),
            lambda: m.DataLoader(stream, batch_sampler=[[0]]),
            lambda: m.RandomSampler(ds, replacement=1),
            lambda: m.RandomSampler(ds, num_samples=0),
            lambda: m.RandomSampler([]),
            lambda: m.WeightedRandomSampler([1.0, 2.0], 0),
            lambda: m.WeightedRandomSampler([1.0, 2.0], 2, replacement=1),
            lambda: m.WeightedRandomSampler([[1.0, 2.0]], 2),
            lambda: list(m.WeightedRandomSampler([-1.0, 2.0], 2)),
            lambda: list(m.WeightedRandomSampler([0.0, 0.0], 2)),
            lambda: list(m.WeightedRandomSampler([1.0, 2.0], 3, replacement=False)),
            lambda: m.BatchSampler(range(3), 0, False),
            lambda: m.BatchSampler(range(3), 2, 1),
            lambda: m.ConcatDataset([stream]),
            lambda: m.ConcatDataset([]),
            lambda: len(m.DataLoader(stream)),
            lambda: setattr(m.DataLoader(ds), "batch_size", 2),
        ]

    ours = cases(tc.utils.data, TensorDataset(np.arange(4)), Stream(3))
    theirs = cases(tud, tud.TensorDataset(torch.arange(4)), TStream())
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert _outcome(o)[0] == _outcome(t)[0], f"case {i}"


@pytest.mark.oracle
@pytest.mark.parametrize("n, bs, drop_last", [(7, 3, False), (7, 3, True), (6, 3, True), (1, 4, False)])
def test_oracle_lengths_and_sequential_batches_match_torch(n, bs, drop_last):
    torch = pytest.importorskip("torch")
    tud = torch.utils.data
    assert list(BatchSampler(range(n), bs, drop_last)) == list(tud.BatchSampler(range(n), bs, drop_last))
    assert len(BatchSampler(range(n), bs, drop_last)) == len(tud.BatchSampler(range(n), bs, drop_last))
    assert len(DataLoader(TensorDataset(np.arange(n)), batch_size=bs, drop_last=drop_last,
                          sampler=RandomSampler(range(n), True, 3 * n))) == \
        len(tud.DataLoader(tud.TensorDataset(torch.arange(n)), batch_size=bs, drop_last=drop_last,
                           sampler=tud.RandomSampler(range(n), True, 3 * n)))

    class TStream(tud.IterableDataset):
        def __iter__(self):
            return iter(range(n))

        def __len__(self):
            return n

    ours = [arr(b).tolist() for b in DataLoader(Sized(n), batch_size=bs, drop_last=drop_last)]
    theirs = [b.tolist() for b in tud.DataLoader(TStream(), batch_size=bs, drop_last=drop_last)]
    assert ours == theirs
    assert len(DataLoader(Sized(n), batch_size=bs, drop_last=drop_last)) == \
        len(tud.DataLoader(TStream(), batch_size=bs, drop_last=drop_last))


@pytest.mark.oracle
@pytest.mark.parametrize("n, lengths", [(10, [0.3, 0.7]), (11, [0.5, 0.5]), (7, [0.2, 0.3, 0.5]),
                                        (5, [0.1, 0.1, 0.8]), (100, [0.33, 0.33, 0.34]), (9, [3, 6])])
def test_oracle_random_split_lengths_match_torch(n, lengths):
    torch = pytest.importorskip("torch")
    ours = [len(p) for p in random_split(range(n), lengths, generator=0)]
    theirs = [len(p) for p in torch.utils.data.random_split(range(n), lengths)]
    assert ours == theirs


def test_order_is_drawn_when_the_iterator_is_made():
    # tqdm.auto calls iter(loader) once and then iterates the loader again: like the loader before
    # samplers existed, each iter() draws its permutation at once, so seeded runs keep their order.
    n = 12
    loader = DataLoader(TensorDataset(np.arange(n)), batch_size=n, shuffle=True, generator=0)
    iter(loader)  # made and dropped
    (batch,), = list(loader)
    rng = np.random.default_rng(0)
    rng.permutation(n)
    np.testing.assert_array_equal(arr(batch), rng.permutation(n))

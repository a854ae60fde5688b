"""tc.data: Dataset, TensorDataset, Subset, ConcatDataset, random_split, default_collate, DataLoader."""
import collections
import importlib
import warnings

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.data import (ConcatDataset, DataLoader, Dataset, Subset, TensorDataset, default_collate,
                                  random_split)


def arr(t):
    """numpy view of a Tensor (or pass through numpy)."""
    return t.detach().numpy() if hasattr(t, "numpy") else np.asarray(t)


class Pairs(Dataset):
    """(x_i, y_i) from two numpy arrays, one sample at a time (the general, non-fast path)."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def xy(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64) % 4
    return x, y


# ---------------------------------------------------------------- datasets

def test_dataset_is_abstract_and_add_concatenates():
    with pytest.raises(TypeError):
        Dataset()

    class OnlyItems(Dataset):
        def __getitem__(self, i):
            return i

    with pytest.raises(TypeError):
        OnlyItems()
    a, b = Pairs(*xy(3)), Pairs(*xy(4))
    c = a + b
    assert isinstance(c, ConcatDataset) and len(c) == 7
    assert c.cumulative_sizes == [3, 7]
    assert c[3][1] == 0 and c[6][1] == 3 and c[-1][1] == 3 and c[-7][1] == 0
    with pytest.raises(IndexError, match="out of range"):
        c[7]
    with pytest.raises(ValueError, match="absolute value"):
        c[-8]
    with pytest.raises(AssertionError, match="empty"):
        ConcatDataset([])


def test_tensor_dataset_items_and_len():
    x, y = xy(5)
    ds = TensorDataset(tc.from_numpy(x), tc.from_numpy(y))
    assert len(ds) == 5
    xi, yi = ds[2]
    np.testing.assert_array_equal(arr(xi), x[2])
    assert int(arr(yi)) == y[2]
    assert isinstance(ds[0], tuple) and len(ds[0]) == 2
    # numpy arrays are accepted and share memory
    ds2 = TensorDataset(x, y)
    x[0, 0] = 100
    assert arr(ds2.tensors[0])[0, 0] == 100


def test_tensor_dataset_errors():
    with pytest.raises(AssertionError, match=r"Size mismatch between tensors.*\(3,\).*\(4, 2\)"):
        TensorDataset(tc.from_numpy(np.zeros(3)), tc.from_numpy(np.zeros((4, 2))))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(TypeError, match="argument 1 must be a Tensor or numpy array, got list"):
        TensorDataset(np.zeros(3), [1, 2, 3])
    with pytest.raises(ValueError, match="0-dimensional"):
        TensorDataset(np.array(1.0))


def test_subset_indexing():
    x, y = xy(10)
    s = Subset(Pairs(x, y), [7, 2, 5])
    assert len(s) == 3
    np.testing.assert_array_equal(s[0][0], x[7])
    np.testing.assert_array_equal(s[-1][0], x[5])
    # a list index is mapped through the subset's indices and passed on in one call
    arrays = Subset(np.arange(100, 110), [1, 3, 8])
    np.testing.assert_array_equal(arrays[[0, 2]], [101, 108])


def test_random_split_lengths_and_disjointness():
    parts = random_split(range(10), [3, 7], generator=0)
    assert [len(p) for p in parts] == [3, 7]
    seen = sorted(i for p in parts for i in p)
    assert seen == list(range(10))
    # fractions: floor then round-robin remainder (PyTorch's rule)
    assert [len(p) for p in random_split(range(11), [0.5, 0.5], generator=0)] == [6, 5]
    assert [len(p) for p in random_split(range(10), [0.33, 0.33, 0.34], generator=0)] == [4, 3, 3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="length of split at index 1 is 0"):
            random_split(range(2), [0.9, 0.1], generator=0)


def test_random_split_reproducible():
    a = [list(p) for p in random_split(range(20), [5, 15], generator=3)]
    b = [list(p) for p in random_split(range(20), [5, 15], generator=np.random.default_rng(3))]
    c = [list(p) for p in random_split(range(20), [5, 15], generator=4)]
    assert a == b and a != c
    tc.manual_seed(0)
    d = [list(p) for p in random_split(range(20), [5, 15])]
    tc.manual_seed(0)
    e = [list(p) for p in random_split(range(20), [5, 15])]
    assert d == e


@pytest.mark.parametrize("lengths, match", [
    ([3, 3], "Sum of input lengths does not equal the length of the input dataset"),
    ([0.5, 0.6], "non-negative ints or fractions summing to 1, got 0.5 at index 0"),
    ([-1, 11], "non-negative"),
    ([1.5, -0.5], "fraction at index 0 is not between 0 and 1"),
    ([], "must not be empty"),
])
def test_random_split_errors(lengths, match):
    with pytest.raises(ValueError, match=match):
        random_split(range(10), lengths, generator=0)


def test_random_split_bad_generator():
    with pytest.raises(TypeError, match="generator"):
        random_split(range(10), [5, 5], generator="seed")


# ---------------------------------------------------------------- default_collate

def test_collate_tuples_of_arrays_and_numbers():
    batch = [(np.full(3, i, dtype=np.float32), i, float(i), i % 2 == 0, f"s{i}") for i in range(4)]
    out = default_collate(batch)
    assert isinstance(out, list) and len(out) == 5  # tuples become lists, as in PyTorch
    xs, ints, floats, bools, strs = out
    assert arr(xs).shape == (4, 3) and arr(xs).dtype == np.float32
    np.testing.assert_array_equal(arr(xs)[:, 0], [0, 1, 2, 3])
    assert arr(ints).dtype == np.int64 and arr(floats).dtype == np.float64
    assert arr(bools).dtype == np.bool_
    assert strs == ["s0", "s1", "s2", "s3"]


def test_collate_dicts_namedtuples_lists_and_tensors():
    Point = collections.namedtuple("Point", "x y")
    batch = [{"p": Point(i, 2.0 * i), "v": [np.int32(i), np.int32(-i)], "t": tc.from_numpy(np.ones((2, 2)) * i)}
             for i in range(3)]
    out = default_collate(batch)
    assert set(out) == {"p", "v", "t"}
    assert isinstance(out["p"], Point)
    np.testing.assert_array_equal(arr(out["p"].y), [0.0, 2.0, 4.0])
    assert isinstance(out["v"], list) and arr(out["v"][1]).dtype == np.int32
    np.testing.assert_array_equal(arr(out["v"][1]), [0, -1, -2])
    assert arr(out["t"]).shape == (3, 2, 2)
    np.testing.assert_array_equal(arr(out["t"])[:, 0, 0], [0, 1, 2])


def test_collate_errors():
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([None, None])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([np.zeros(2), np.zeros(3)])


# ---------------------------------------------------------------- DataLoader

@pytest.mark.parametrize("n", [0, 1, 7, 10])
@pytest.mark.parametrize("bs", [1, 3, 10, 11])
@pytest.mark.parametrize("drop_last", [False, True])
def test_loader_len_and_batch_sizes(n, bs, drop_last):
    x, y = xy(n)
    loader = DataLoader(TensorDataset(x, y), batch_size=bs, drop_last=drop_last)
    sizes = [len(arr(b[1])) for b in loader]
    expected = [bs] * (n // bs) + ([] if drop_last or n % bs == 0 else [n % bs])
    assert sizes == expected
    assert len(loader) == len(expected)


def test_loader_sequential_values_and_dtypes():
    x, y = xy(10)
    batches = list(DataLoader(TensorDataset(x, y), batch_size=4))
    assert all(isinstance(b, list) and len(b) == 2 for b in batches)
    np.testing.assert_array_equal(np.concatenate([arr(b[0]) for b in batches]), x)
    np.testing.assert_array_equal(np.concatenate([arr(b[1]) for b in batches]), y)
    assert arr(batches[0][0]).dtype == np.float32 and arr(batches[0][1]).dtype == np.int64


def test_fast_path_matches_general_path():
    x, y = xy(23)
    fast = DataLoader(TensorDataset(x, y), batch_size=5, shuffle=True, generator=7)
    slow = DataLoader(Pairs(x, y), batch_size=5, shuffle=True, generator=7)
    for _ in range(2):  # two epochs: same generator stream on both sides
        fb, sb = list(fast), list(slow)
        assert len(fb) == len(sb) == 5
        for (fx, fy), (sx, sy) in zip(fb, sb):
            np.testing.assert_array_equal(arr(fx), arr(sx))
            np.testing.assert_array_equal(arr(fy), arr(sy))
            assert arr(fx).dtype == arr(sx).dtype and arr(fy).dtype == arr(sy).dtype


def test_fast_path_does_not_fetch_samples_one_by_one(monkeypatch):
    x, y = xy(8)
    ds = TensorDataset(x, y)

    def boom(self, i):
        raise AssertionError("per-sample __getitem__ called on the fast path")

    monkeypatch.setattr(TensorDataset, "__getitem__", boom)
    assert len(list(DataLoader(ds, batch_size=3, shuffle=True, generator=0))) == 3
    # A Subset (even nested) of a TensorDataset is batched the same way.
    sub = Subset(Subset(ds, [7, 6, 5, 4, 3]), [4, 0, 2])
    (bx, by), = list(DataLoader(sub, batch_size=3))
    np.testing.assert_array_equal(arr(bx), x[[3, 7, 5]])
    np.testing.assert_array_equal(arr(by), y[[3, 7, 5]])


def test_fast_path_batches_are_copies():
    x, y = xy(6)
    (bx, _), = list(DataLoader(TensorDataset(x, y), batch_size=6))
    arr(bx)[:] = -1
    assert x.min() == 0


def test_subset_of_tensor_dataset_general_path_agrees():
    x, y = xy(12)
    sub = random_split(TensorDataset(x, y), [0.75, 0.25], generator=1)[0]
    got = np.concatenate([arr(b[0]) for b in DataLoader(sub, batch_size=4)])
    want = x[np.asarray(sub.indices)]
    np.testing.assert_array_equal(got, want)
    # With a custom collate_fn the general path runs; it must see the same samples.
    ids = []
    for batch in DataLoader(sub, batch_size=4, collate_fn=lambda b: [int(arr(s[1])) for s in b]):
        ids.extend(batch)
    assert ids == y[np.asarray(sub.indices)].tolist()


def test_shuffle_is_a_permutation_per_epoch_and_epochs_differ():
    x, y = xy(50)
    loader = DataLoader(TensorDataset(x, np.arange(50)), batch_size=8, shuffle=True, generator=0)
    epochs = [np.concatenate([arr(b[1]) for b in loader]) for _ in range(3)]
    for e in epochs:
        assert sorted(e.tolist()) == list(range(50))
    assert epochs[0].tolist() != list(range(50))
    assert epochs[0].tolist() != epochs[1].tolist()


def test_shuffle_reproducible_with_manual_seed_and_seeds():
    ds = TensorDataset(np.arange(30))

    def order(loader):
        return np.concatenate([arr(b[0]) for b in loader]).tolist()

    loader = DataLoader(ds, batch_size=4, shuffle=True)
    tc.manual_seed(123)
    a = order(loader)
    tc.manual_seed(123)
    b = order(loader)  # the same loader object follows the reseeded library generator
    assert a == b
    assert order(DataLoader(ds, 4, True, generator=5)) == order(DataLoader(ds, 4, True, generator=5))
    assert order(DataLoader(ds, 4, True, generator=np.random.default_rng(5))) == \
        order(DataLoader(ds, 4, True, generator=5))
    assert order(DataLoader(ds, 4, True, generator=5)) != order(DataLoader(ds, 4, True, generator=6))


def test_drop_last_with_shuffle():
    loader = DataLoader(TensorDataset(np.arange(10)), batch_size=3, shuffle=True, drop_last=True, generator=0)
    batches = [arr(b[0]) for b in loader]
    assert [len(b) for b in batches] == [3, 3, 3] and len(loader) == 3
    assert len(set(np.concatenate(batches).tolist())) == 9


def test_batch_size_none_yields_single_samples():
    x, y = xy(3)
    items = list(DataLoader(Pairs(x, y), batch_size=None))
    assert len(items) == 3 and len(DataLoader(Pairs(x, y), batch_size=None)) == 3
    first = items[0]
    assert isinstance(first, list)  # tuple -> list, numpy -> Tensor, as PyTorch's default_convert
    assert arr(first[0]).shape == (3,)


def test_general_dataset_with_dict_samples_and_getitems():
    class Dicts(Dataset):
        def __init__(self):
            self.fetched = []

        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, dtype=np.float64), "label": i}

        def __getitems__(self, ids):
            self.fetched.append(list(ids))
            return [self[i] for i in ids]

    ds = Dicts()
    batches = list(DataLoader(ds, batch_size=2))
    assert ds.fetched == [[0, 1], [2, 3], [4]]  # batched fetch used when the dataset offers it
    assert arr(batches[0]["x"]).shape == (2, 2) and arr(batches[0]["x"]).dtype == np.float64
    np.testing.assert_array_equal(arr(batches[2]["label"]), [4])


def test_plain_sequences_work_as_datasets():
    loader = DataLoader(list(range(7)), batch_size=3)
    assert [arr(b).tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "4"])
def test_loader_rejects_bad_batch_size(bad):
    with pytest.raises(ValueError, match=f"batch_size should be a positive integer value, but got batch_size={bad!r}"):
        DataLoader(TensorDataset(np.arange(4)), batch_size=bad)


def test_loader_argument_checks():
    ds = TensorDataset(np.arange(4))
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        DataLoader(ds, drop_last="yes")
    with pytest.raises(ValueError, match="shuffle should be a boolean"):
        DataLoader(ds, shuffle="yes")
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(TypeError, match="generator"):
        DataLoader(ds, generator=1.5)
    with pytest.raises(TypeError, match="collate_fn must be callable"):
        DataLoader(ds, collate_fn=3)
    with pytest.raises(TypeError, match="__getitem__ and __len__"):
        DataLoader(iter(range(3)))
    loader = DataLoader(ds, shuffle=None, num_workers=2)  # PyTorch-style arguments are accepted
    assert len(list(loader)) == 4 and loader.batch_size == 1 and loader.dataset is ds


def test_loader_keeps_the_tape_for_trainable_data():
    x = tc.tensor(np.arange(8.0).reshape(4, 2), requires_grad=True)
    loader = DataLoader(TensorDataset(x), batch_size=2, shuffle=True, generator=0)
    (xb,), _ = list(loader)
    assert xb.requires_grad
    xb.sum().backward()
    g = arr(x.grad)
    rows = sorted(np.flatnonzero(g[:, 0]).tolist())
    assert len(rows) == 2 and (g[rows] == 1).all()  # gradient reaches exactly the rows of the batch
    np.testing.assert_array_equal(np.sort(arr(xb)[:, 0]), arr(x)[rows, 0])


def test_utils_data_is_the_same_module():
    ud = importlib.import_module("tinygrad_course.utils.data")
    assert ud.DataLoader is DataLoader and ud.TensorDataset is TensorDataset
    assert ud.random_split is random_split and ud.Dataset is Dataset
    assert tc.utils.data.DataLoader is DataLoader


# ---------------------------------------------------------------- oracle: PyTorch

@pytest.mark.oracle
@pytest.mark.parametrize("n", [1, 9, 16])
@pytest.mark.parametrize("bs", [1, 4, 16, 20])
@pytest.mark.parametrize("drop_last", [False, True])
def test_oracle_loader_matches_torch(n, bs, drop_last):
    torch = pytest.importorskip("torch")
    x, y = xy(n)
    ours = DataLoader(TensorDataset(x, y), batch_size=bs, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                         batch_size=bs, drop_last=drop_last)
    assert len(ours) == len(theirs)
    ob, tb = list(ours), list(theirs)
    assert len(ob) == len(tb)
    for (ox, oy), (tx, ty) in zip(ob, tb):
        np.testing.assert_array_equal(arr(ox), tx.numpy())
        np.testing.assert_array_equal(arr(oy), ty.numpy())
        assert arr(oy).dtype == ty.numpy().dtype
    # shuffled: same batch sizes, each epoch a permutation
    ours_s = DataLoader(TensorDataset(x, np.arange(n)), batch_size=bs, drop_last=drop_last, shuffle=True, generator=0)
    theirs_s = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(n)), batch_size=bs,
                                           drop_last=drop_last, shuffle=True)
    assert [len(arr(b[1])) for b in ours_s] == [len(b[0]) for b in theirs_s]


@pytest.mark.oracle
def test_oracle_collate_matches_torch():
    torch = pytest.importorskip("torch")
    Point = collections.namedtuple("Point", "a b")
    samples = [{"x": np.full(2, i, dtype=np.float32), "i": i, "f": float(i), "b": bool(i % 2), "s": "t",
                "n": np.float32(i), "l": [i, i + 1], "p": Point(i, 1.5)} for i in range(3)]
    ours = default_collate(samples)
    theirs = torch.utils.data.default_collate(samples)
    assert set(ours) == set(theirs)
    for key in ("x", "i", "f", "b", "n"):
        np.testing.assert_array_equal(arr(ours[key]), theirs[key].numpy())
        assert arr(ours[key]).dtype == theirs[key].numpy().dtype, key
    assert ours["s"] == theirs["s"]
    assert type(ours["l"]) is type(theirs["l"]) and len(ours["l"]) == len(theirs["l"])
    assert type(ours["p"]) is type(theirs["p"]) is Point
    tuple_batch = [(np.zeros(2), 1), (np.ones(2), 2)]
    assert type(default_collate(tuple_batch)) is type(torch.utils.data.default_collate(tuple_batch)) is list


@pytest.mark.oracle
@pytest.mark.parametrize("n, lengths", [(10, [0.3, 0.7]), (11, [0.5, 0.5]), (10, [0.33, 0.33, 0.34]),
                                        (7, [0.1, 0.2, 0.3, 0.4]), (10, [4, 6])])
def test_oracle_random_split_lengths_match_torch(n, lengths):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = [len(s) for s in random_split(range(n), lengths, generator=0)]
        theirs = [len(s) for s in torch.utils.data.random_split(range(n), lengths)]
    assert ours == theirs


@pytest.mark.oracle
def test_oracle_empty_dataset_matches_torch():
    torch = pytest.importorskip("torch")
    empty = np.zeros((0, 2))
    assert len(DataLoader(TensorDataset(empty), batch_size=3)) == 0 == len(
        torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(0, 2)), batch_size=3))
    assert list(DataLoader(TensorDataset(empty), batch_size=3)) == []
    with pytest.raises(ValueError) as theirs:
        torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(0, 2)), shuffle=True)
    with pytest.raises(ValueError) as ours:
        DataLoader(TensorDataset(empty), shuffle=True)
    assert "num_samples=0" in str(ours.value) and "num_samples=0" in str(theirs.value)


@pytest.mark.oracle
def test_oracle_error_kinds_match_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(AssertionError) as theirs:
        torch.utils.data.TensorDataset(torch.zeros(3), torch.zeros(4))
    with pytest.raises(AssertionError) as ours:
        TensorDataset(np.zeros(3), np.zeros(4))
    assert str(theirs.value) in str(ours.value)
    for bad in (0, -2, 1.5):
        with pytest.raises(ValueError) as theirs:
            torch.utils.data.DataLoader(range(3), batch_size=bad)
        with pytest.raises(ValueError) as ours:
            DataLoader(range(3), batch_size=bad)
        assert str(ours.value) == str(theirs.value)

"""PyTorch's legacy spellings and device paths: ``tc.Tensor(2, 3)``, ``tc.FloatTensor``, ``Variable``,
``x.type()``, ``x.data = ...``, ``tc.Size``, ``tc.accelerator``, ``tc.backends``, ``cuda()``/``pin_memory()``.

Each is compared with PyTorch (``oracle``) where the behaviour matters.
"""
import pickle

import numpy as np
import pytest

import tinygrad_course as tc

LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
          "ByteTensor", "BoolTensor"]


def _dt(t):
    return str(t.dtype).split(".")[-1]


# ------------------------------------------------------------------------------- tc.Tensor(...)
@pytest.mark.oracle
@pytest.mark.parametrize("args", ["", "2, 3", "3", "[1, 2]", "[[1.5, 2], [3, 4]]", "(2, 3)", "{m}.Size([2, 3])",
                                  "{m}.Size([0])", "[]", "device='cpu'", "2, device='cpu'"])
def test_tensor_constructor_matches_torch(args):
    torch = pytest.importorskip("torch")
    ours = eval(f"tc.Tensor({args.format(m='tc')})")
    theirs = eval(f"torch.Tensor({args.format(m='torch')})")
    assert tuple(ours.shape) == tuple(theirs.shape) and _dt(ours) == _dt(theirs)
    assert not ours.requires_grad and ours.is_leaf
    if args and args[0] in "[(" and args != "(2, 3)" or args == "(2, 3)":
        # data, not sizes: the values are copied
        assert np.array_equal(ours.numpy(), theirs.numpy())


def test_sizes_are_not_requires_grad_any_more():
    # the old convenience read the second positional as requires_grad
    t = tc.Tensor(2, 3)
    assert t.shape == (2, 3) and not t.requires_grad and t.dtype == tc.float32


@pytest.mark.oracle
@pytest.mark.parametrize("args", ["2.5", "True", "-1", "2, 'a'", "[1], [2]", "[[1, 2], [3]]", "2, -3"])
def test_tensor_constructor_errors_match_torch(args):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        eval(f"torch.Tensor({args})")
    with pytest.raises(theirs.type):
        eval(f"tc.Tensor({args})")


@pytest.mark.oracle
def test_tensor_of_a_tensor_shares_its_values():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        a = lib.ones(2, dtype=lib.float64)
        b = lib.Tensor(a)
        assert b.dtype == lib.float64
        b[0] = 5.0
        assert a.tolist() == [5.0, 1.0]


def test_parameter_of_tensor_idiom():
    w = tc.nn.Parameter(tc.Tensor(4, 3))
    assert w.shape == (4, 3) and w.requires_grad and w.dtype == tc.float32
    tc.nn.init.xavier_uniform_(w)
    assert float(w.abs().sum()) > 0
    (tc.ones(2, 3) @ w.T).sum().backward()
    assert w.grad.shape == (4, 3)


def test_subclass_keywords_still_work():
    # Parameter and the lazy placeholders build on Tensor.__init__ with keyword requires_grad/dtype
    assert tc.Tensor(np.zeros(2), requires_grad=True).requires_grad
    assert tc.Tensor([0.3], dtype=tc.float64).numpy()[0] == 0.3
    lazy = tc.nn.LazyLinear(3)
    lazy(tc.ones(2, 5))
    assert lazy.weight.shape == (3, 5)
    with pytest.raises(RuntimeError, match="floating point"):
        tc.Tensor([1, 2], dtype=tc.int64, requires_grad=True)


# ------------------------------------------------------------------------------ typed tensors
@pytest.mark.oracle
@pytest.mark.parametrize("name", LEGACY)
def test_typed_constructors_match_torch(name):
    torch = pytest.importorskip("torch")
    for args in ("2, 3", "[1, 0, 2]", "", "{m}.Size([2])"):
        ours = eval(f"tc.{name}({args.format(m='tc')})")
        theirs = eval(f"torch.{name}({args.format(m='torch')})")
        assert tuple(ours.shape) == tuple(theirs.shape) and _dt(ours) == _dt(theirs)
        assert ours.type() == theirs.type() == f"torch.{name}"
    ours, theirs = getattr(tc, name)([1, 0, 2]), getattr(torch, name)([1, 0, 2])
    assert ours.tolist() == theirs.tolist()


@pytest.mark.oracle
def test_typed_tensor_conversions_match_torch():
    torch = pytest.importorskip("torch")
    assert tc.LongTensor([1.7, -2.2]).tolist() == torch.LongTensor([1.7, -2.2]).tolist()
    assert tc.FloatTensor(np.zeros(2)).dtype == tc.float32
    for lib in (tc, torch):
        with pytest.raises(TypeError):
            lib.FloatTensor(lib.ones(2, dtype=lib.int64))
        with pytest.raises(TypeError):
            lib.FloatTensor(2.5)
        with pytest.raises(TypeError):
            lib.FloatTensor(2, 3, requires_grad=True)


@pytest.mark.oracle
@pytest.mark.parametrize("name", LEGACY)
def test_isinstance_by_dtype_like_torch(name):
    torch = pytest.importorskip("torch")
    for dt in ("float32", "float64", "int64", "int32", "uint8", "bool"):
        ours = isinstance(tc.zeros(2, dtype=getattr(tc, dt)), getattr(tc, name))
        theirs = isinstance(torch.zeros(2, dtype=getattr(torch, dt)), getattr(torch, name))
        assert ours == theirs, (name, dt)
    assert not isinstance(np.zeros(2), getattr(tc, name))


@pytest.mark.oracle
@pytest.mark.parametrize("dt", ["float16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool"])
def test_type_strings_match_torch(dt):
    torch = pytest.importorskip("torch")
    assert tc.zeros(1, dtype=getattr(tc, dt)).type() == torch.zeros(1, dtype=getattr(torch, dt)).type()


@pytest.mark.oracle
def test_type_conversions_match_torch():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        x = lib.ones(2, dtype=lib.int64)
        assert x.type(lib.FloatTensor).dtype == lib.float32
        assert x.type("torch.DoubleTensor").dtype == lib.float64
        assert x.type(lib.float64).dtype == lib.float64
        assert lib.ones(2).type(lib.LongTensor).type() == "torch.LongTensor"


# ------------------------------------------------------------------------------------ Variable
@pytest.mark.oracle
def test_variable_matches_torch():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        V = lib.autograd.Variable
        t = lib.ones(2)
        v = V(t, requires_grad=True)
        assert v.requires_grad and not t.requires_grad and v is not t and v.is_leaf
        v.data[0] = 3.0
        assert t.tolist() == [3.0, 1.0]  # shares memory
        assert not V(t).requires_grad and V(t).tolist() == [3.0, 1.0]
        assert isinstance(t, V) and isinstance(v, V) and isinstance(lib.nn.Parameter(lib.ones(1)), V)
        assert not isinstance(np.ones(2), V) and not isinstance(2.0, V)
        assert tuple(V().shape) == (0,)
        with pytest.raises(TypeError, match="Variable data has to be a tensor"):
            V([1, 2])
        (v * v).sum().backward()
        assert v.grad.tolist() == [6.0, 2.0]


def test_variable_is_a_tensor_class_for_issubclass():
    assert issubclass(tc.Tensor, tc.autograd.Variable) and issubclass(tc.nn.Parameter, tc.autograd.Variable)
    assert not issubclass(int, tc.autograd.Variable)


# -------------------------------------------------------------------------------- .data = ...
@pytest.mark.oracle
def test_data_assignment_matches_torch():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        x = lib.ones(3, requires_grad=True)
        x.data = lib.zeros(2, dtype=lib.float64)
        assert tuple(x.shape) == (2,) and x.dtype == lib.float64 and x.requires_grad and x.is_leaf
        with pytest.raises(TypeError, match="Variable data has to be a tensor"):
            x.data = np.zeros(2)
        with pytest.raises(TypeError):
            x.data = [1.0]


def test_module_dtype_change_keeps_parameter_objects():
    m = tc.nn.Linear(2, 2)
    w = m.weight
    m.double()
    assert m.weight is w and w.dtype == tc.float64


# ---------------------------------------------------------------------------------------- Size
@pytest.mark.oracle
def test_shape_and_size_are_size_like_torch():
    torch = pytest.importorskip("torch")
    x, tx = tc.ones(2, 3), torch.ones(2, 3)
    for ours, theirs in ((x.shape, tx.shape), (x.size(), tx.size())):
        assert isinstance(ours, tc.Size) and isinstance(ours, tuple)
        assert ours == theirs == (2, 3) and ours.numel() == theirs.numel() == 6
    assert repr(x.shape) == repr(tx.shape).replace("torch", "tinygrad_course")
    assert x.size(1) == tx.size(1) == 3 and x.size(axis=-1) == tx.size(axis=-1)
    assert tc.zeros(x.shape).shape == x.shape and pickle.loads(pickle.dumps(x.shape)) == (2, 3)


# ------------------------------------------------------------------------------------- devices
@pytest.mark.oracle
def test_accelerator_answers_like_cpu_only_torch():
    torch = pytest.importorskip("torch")
    if torch.accelerator.is_available():
        pytest.skip("this torch has an accelerator")
    for name in ("is_available", "current_accelerator", "device_count"):
        assert getattr(tc.accelerator, name)() == getattr(torch.accelerator, name)()
    for lib in (tc, torch):
        with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
            lib.accelerator.set_device_index(0)
        with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
            lib.accelerator.current_device_index()
    # the device-agnostic idiom picks the CPU
    acc = tc.accelerator.current_accelerator()
    dev = acc if tc.accelerator.is_available() else tc.device("cpu")
    assert tc.ones(2, device=dev).device == "cpu"


@pytest.mark.oracle
def test_backends_switches_like_cpu_only_torch():
    torch = pytest.importorskip("torch")
    assert tc.backends.mps.is_available() == torch.backends.mps.is_available() is False
    assert tc.backends.mps.is_built() is False
    assert tc.backends.cudnn.is_available() is False and tc.backends.cudnn.version() is None
    assert tc.backends.cudnn.enabled is True and tc.backends.cudnn.deterministic is False
    old = tc.backends.cudnn.benchmark
    tc.backends.cudnn.benchmark = True  # programs set it; nothing changes
    assert tc.backends.cudnn.benchmark is True
    tc.backends.cudnn.benchmark = old
    assert tc.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32


@pytest.mark.oracle
def test_default_device():
    torch = pytest.importorskip("torch")
    assert tc.get_default_device() == tc.device("cpu") and repr(tc.get_default_device()) == repr(torch.get_default_device())
    tc.set_default_device("cpu")
    tc.set_default_device(tc.device("cpu"))
    tc.set_default_device(None)
    assert tc.get_default_device() == "cpu"
    # PyTorch accepts 'cuda' here and fails at the next factory; we fail at once, with its error kind
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        tc.set_default_device("cuda")
    with pytest.raises(RuntimeError):
        tc.set_default_device("mps")
    assert tc.get_default_device() == "cpu"


@pytest.mark.oracle
def test_cuda_and_pinning_refuse_like_cpu_only_torch():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this torch has CUDA")
    for lib in (tc, torch):
        x = lib.ones(2)
        with pytest.raises(AssertionError, match="not compiled with CUDA enabled"):
            x.cuda()
        with pytest.raises(AssertionError, match="not compiled with CUDA enabled"):
            lib.nn.Linear(2, 2).cuda()
        with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
            x.pin_memory()
        assert x.is_pinned() is False and x.cpu() is x and lib.nn.Linear(1, 1).cpu() is not None


@pytest.mark.oracle
def test_constants_match_torch():
    torch = pytest.importorskip("torch")
    assert (tc.pi, tc.e, tc.inf) == (torch.pi, torch.e, torch.inf) and np.isnan(tc.nan)


@pytest.mark.oracle
def test_size_arithmetic_keeps_size_like_torch():
    torch = pytest.importorskip("torch")
    s, ts = tc.ones(2, 3).shape, torch.ones(2, 3).shape
    for ours, theirs in ((s + (1,), ts + (1,)), ((1,) + s, (1,) + ts), (s * 2, ts * 2), (s + s, ts + ts)):
        assert isinstance(ours, tc.Size) and ours == theirs
    # deliberate difference: slicing gives a plain tuple (torch: a Size), equal all the same
    assert s[1:] == ts[1:] == (3,)

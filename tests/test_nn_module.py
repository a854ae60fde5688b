"""nn.Module machinery, Parameter and containers (PyTorch's behaviour, checked without PyTorch)."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.register_buffer("steps", tc.zeros(()))
        self.act = nn.ReLU()
        self.scale = nn.Parameter(tc.ones(1))
        self.block = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
        self.register_buffer("cache", tc.zeros(2), persistent=False)

    def forward(self, x):
        return self.block(self.act(self.fc1(x))) * self.scale


def test_registration_order_and_names():
    net = Net()
    # self's own parameters first, then each child's (PyTorch's order)
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "fc1.weight", "fc1.bias", "block.0.weight", "block.0.bias", "block.1.weight", "block.1.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "steps", "cache", "block.1.running_mean", "block.1.running_var", "block.1.num_batches_tracked"]
    assert list(net.state_dict()) == [
        "scale", "steps", "fc1.weight", "fc1.bias", "block.0.weight", "block.0.bias", "block.1.weight", "block.1.bias",
        "block.1.running_mean", "block.1.running_var", "block.1.num_batches_tracked"]
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "block"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "block", "block.0", "block.1"]
    assert len(list(net.modules())) == 6
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.block.named_parameters(prefix="b")][:1] == ["b.0.weight"]
    assert isinstance(net.fc1.weight, nn.Parameter) and net.fc1.weight.is_leaf and net.fc1.weight.requires_grad


def test_shared_parameters_and_modules_are_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_modules()] == ["", "0", "1"]
    # state_dict lists every name, like PyTorch
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4
    seq.load_state_dict(seq.state_dict())


def test_setattr_getattr_delattr_dir():
    net = Net()
    assert "fc1" in net._modules and "fc1" not in net.__dict__
    net.fc1 = nn.Linear(3, 4, bias=False)
    assert net.fc1.bias is None
    assert "fc1.bias" not in net.state_dict()
    net.scale = None  # a registered parameter may be set to None
    assert "scale" not in net.state_dict()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        net.scale = tc.ones(1)
    with pytest.raises(TypeError, match="as child module 'act'"):
        net.act = 3
    net.steps = tc.ones(())
    assert net.state_dict()["steps"].item() == 1
    with pytest.raises(TypeError, match="buffer 'steps'"):
        net.steps = 5
    net.plain = 3
    assert net.plain == 3 and "plain" in net.__dict__
    del net.plain
    del net.act
    assert "act" not in dict(net.named_children())
    del net.steps
    assert "steps" not in net.state_dict()
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nothing'"):
        net.nothing
    d = dir(net)
    assert "fc1" in d and "forward" in d and "block" in d
    assert not any(a[0].isdigit() for a in dir(net.block))


def test_assigning_before_init_raises():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(tc.ones(1))
            super().__init__()

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_register_buffer_parameter_add_module_errors():
    m = nn.Module()
    with pytest.raises(TypeError, match="buffer name should be a string"):
        m.register_buffer(1, tc.ones(1))
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", tc.ones(1))
    with pytest.raises(KeyError, match="empty string"):
        m.register_buffer("", tc.ones(1))
    with pytest.raises(TypeError, match="cannot assign 'list' object to buffer"):
        m.register_buffer("x", [1])
    m.register_buffer("x", None)
    assert m.x is None and "x" not in m.state_dict()
    m.training_flag = 1
    with pytest.raises(KeyError, match="attribute 'training_flag' already exists"):
        m.register_buffer("training_flag", tc.ones(1))
    with pytest.raises(TypeError, match="cannot assign 'Tensor' object to parameter"):
        m.register_parameter("p", tc.ones(1))
    w = tc.ones(2, requires_grad=True) * 2
    with pytest.raises(ValueError, match="non-leaf"):
        m.register_parameter("p", _nonleaf_param(w))
    m.register_parameter("p", None)
    assert list(m.parameters()) == []
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("c", 3)
    with pytest.raises(KeyError, match="contain"):
        m.add_module("a.b", nn.ReLU())
    m.add_module("c", nn.ReLU())
    assert m.c is m.get_submodule("c")


def _nonleaf_param(w):
    p = nn.Parameter(tc.ones(2))
    p._grad_fn = w._grad_fn  # simulate a Parameter that has history
    return p


def test_get_submodule_parameter_buffer():
    net = Net()
    assert net.get_submodule("block.1") is net.block[1]
    assert net.get_submodule("") is net
    assert net.get_parameter("block.0.weight") is net.block[0].weight
    assert net.get_buffer("block.1.running_mean") is net.block[1].running_mean
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("block.nope")
    with pytest.raises(AttributeError, match="is not an nn.Module"):
        net.get_submodule("fc1.weight")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        net.get_parameter("block.1.running_mean")


def test_train_eval_requires_grad_zero_grad_apply():
    net = Net()
    assert net.training and net.block[1].training
    assert net.eval() is net
    assert not net.training and not net.block[1].training
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    out = net(tc.randn(5, 3)).sum()
    out.backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.numpy() == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "ReLU", "Linear", "BatchNorm1d", "Sequential", "Net"]


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append("pre"))
    h2 = lin.register_forward_hook(lambda m, args, out: out * 0)
    out = lin(tc.ones(1, 2))
    assert calls == ["pre"] and np.all(out.detach().numpy() == 0)
    h1.remove()
    h2.remove()
    assert np.any(lin(tc.ones(1, 2)).detach().numpy() != 0)
    assert calls == ["pre"]


def test_missing_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(tc.ones(1))


def test_state_dict_is_detached_and_shares_memory():
    lin = nn.Linear(2, 3)
    sd = lin.state_dict()
    assert isinstance(sd, OrderedDict)
    assert not sd["weight"].requires_grad and sd["weight"].grad_fn is None
    assert np.shares_memory(sd["weight"].numpy(), lin.weight.detach().numpy())
    kv = lin.state_dict(keep_vars=True)
    assert kv["weight"] is lin.weight


def test_load_state_dict_roundtrip_numpy_and_return_value():
    a, b = Net(), Net()
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    for (k, v), w in zip(a.state_dict().items(), b.state_dict().values()):
        np.testing.assert_array_equal(v.numpy(), w.numpy(), err_msg=k)
    # NumPy arrays are accepted too (e.g. from another framework), dtype cast to the parameter's
    sd = {k: v.numpy().astype(np.float64) if v.dtype.is_floating_point else v.numpy() for k, v in a.state_dict().items()}
    b.load_state_dict(sd)
    assert b.fc1.weight.dtype == tc.float32
    # loading keeps the Parameter objects (an optimizer holding them sees the new values)
    w = b.fc1.weight
    b.load_state_dict(Net().state_dict())
    assert b.fc1.weight is w


def test_load_state_dict_strict_errors_modify_nothing():
    net = Net()
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    good = Net().state_dict()
    bad = OrderedDict(good)
    del bad["fc1.bias"]
    bad["extra.weight"] = tc.zeros(1)
    bad["block.0.weight"] = tc.zeros(4, 5)
    with pytest.raises(RuntimeError) as e:
        net.load_state_dict(bad)
    msg = str(e.value)
    assert msg.startswith("Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: \"fc1.bias\". ")
    assert 'Unexpected key(s) in state_dict: "extra.weight". ' in msg
    assert "size mismatch for block.0.weight: copying a param with shape (4, 5) from checkpoint, the shape in " \
           "current model is (4, 4)." in msg
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k], err_msg=f"{k} changed by a failed load")
    # non-strict: missing/unexpected are reported, not raised; size mismatches still raise
    del bad["block.0.weight"]
    result = net.load_state_dict(bad, strict=False)
    assert result.missing_keys == ["fc1.bias", "block.0.weight"] and result.unexpected_keys == ["extra.weight"]
    assert "IncompatibleKeys" in repr(result)
    with pytest.raises(TypeError, match="dict-like"):
        net.load_state_dict([1, 2])
    bad2 = OrderedDict(good)
    bad2["fc1.weight"] = "not a tensor"
    with pytest.raises(RuntimeError, match='While copying the parameter named "fc1.weight"'):
        net.load_state_dict(bad2)


def test_non_persistent_buffer_not_saved_and_zero_dim_accepts_one_element():
    net = Net()
    assert "cache" not in net.state_dict() and "cache" in dict(net.named_buffers())
    sd = net.state_dict()
    sd["steps"] = np.array([4.0])  # (1,) into a 0-d buffer, as PyTorch allows
    net.load_state_dict(sd)
    assert net.steps.item() == 4.0


def test_parameter_behaviour():
    data = tc.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert p.requires_grad and p.is_leaf and isinstance(p, tc.Tensor)
    assert np.shares_memory(p.detach().numpy(), data.numpy())
    assert repr(p).startswith("Parameter containing:\ntensor([1., 2.]")
    assert not nn.Parameter(data, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(tc.tensor([1, 2]))
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and not np.shares_memory(q.detach().numpy(), p.detach().numpy())
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, nn.Parameter) and r.tolist() == [1.0, 2.0]
    out = p * 2
    assert type(out) is tc.Tensor and out.grad_fn is not None


def test_deepcopy_and_pickle_module():
    net = Net()
    net2 = copy.deepcopy(net)
    x = tc.randn(4, 3)
    np.testing.assert_allclose(net(x).detach().numpy(), net2(x).detach().numpy())
    assert net2.fc1.weight is not net.fc1.weight
    net3 = pickle.loads(pickle.dumps(net))
    np.testing.assert_allclose(net(x).detach().numpy(), net3(x).detach().numpy())


def test_to_double_float_keep_parameter_identity():
    net = Net()
    w = net.fc1.weight
    net.double()
    assert net.fc1.weight is w and w.dtype == tc.float64
    assert net.block[1].num_batches_tracked.dtype == tc.int64
    net.to(tc.float32)
    assert w.dtype == tc.float32
    net.to("cpu")
    with pytest.raises(RuntimeError, match="cpu"):
        net.to("cuda")


# ----------------------------------------------------------------------------- containers
def test_sequential_indexing_slicing_and_editing():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2]
    assert list(seq) == layers
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub._modules) == ["1", "2"]
    with pytest.raises(IndexError):
        seq[3]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and isinstance(seq[3], nn.Sigmoid)
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2"] and isinstance(seq[1], nn.Linear)
    seq[2] = nn.Tanh()
    assert isinstance(seq[2], nn.Tanh)
    seq.insert(0, nn.Identity())
    assert isinstance(seq[0], nn.Identity) and len(seq) == 4
    assert isinstance(seq.pop(0), nn.Identity)
    both = seq + nn.Sequential(nn.ReLU())
    assert len(both) == 4
    assert len(seq * 2) == 6
    seq.extend([nn.ReLU()])
    assert len(seq) == 4
    out = nn.Sequential(nn.Linear(2, 3), nn.ReLU())(tc.randn(5, 2))
    assert out.shape == (5, 3)
    named = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["conv.weight", "conv.bias"] and named.conv is named[0]


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(ml) == 3 and len(list(ml.parameters())) == 6
    ml.append(nn.ReLU())
    ml.extend([nn.Tanh()])
    ml.insert(1, nn.Sigmoid())
    assert [type(m).__name__ for m in ml] == ["Linear", "Sigmoid", "Linear", "Linear", "ReLU", "Tanh"]
    assert isinstance(ml[1:3], nn.ModuleList) and len(ml[1:3]) == 2
    del ml[0]
    assert list(ml._modules) == [str(i) for i in range(5)]
    with pytest.raises(TypeError, match="iterable"):
        ml.extend(3)
    md = nn.ModuleDict({"a": nn.Linear(1, 2), "b": nn.ReLU()})
    assert list(md.keys()) == ["a", "b"] and "a" in md and len(md) == 2
    md["c"] = nn.Tanh()
    assert [k for k, _ in md.items()] == ["a", "b", "c"]
    assert isinstance(md.pop("b"), nn.ReLU) and list(md) == ["a", "c"]
    md.update([("d", nn.Identity())])
    assert list(md.state_dict()) == ["a.weight", "a.bias"]
    with pytest.raises(ValueError, match="has length 3"):
        md.update([("x", nn.ReLU(), 1)])
    md.clear()
    assert len(md) == 0


def test_identity_flatten_unflatten():
    x = tc.randn(2, 3, 4, 5)
    assert nn.Identity(54, unused=1)(x) is x
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 20))(nn.Flatten()(x)).shape == (2, 3, 20)
    assert repr(nn.Unflatten(1, (3, 20))) == "Unflatten(dim=1, unflattened_size=(3, 20))"


def test_repr_without_torch():
    seq = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    assert repr(seq) == ("Sequential(\n  (0): Linear(in_features=3, out_features=2, bias=True)\n  (1): ReLU()\n)")
    assert repr(nn.Conv2d(1, 8, 3)) == "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))"
    assert repr(nn.ModuleList([nn.ReLU(), nn.ReLU()])) == "ModuleList(\n  (0-1): 2 x ReLU()\n)"


def test_dropout_modes_and_seed():
    d = nn.Dropout(0.5)
    x = tc.ones(1000)
    tc.manual_seed(3)
    a = d(x).numpy()
    tc.manual_seed(3)
    b = d(x).numpy()
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, 2.0} and 400 < (a == 0).sum() < 600
    d.eval()
    assert d(x) is x
    assert np.all(nn.Dropout(1.0)(x).numpy() == 0)
    assert nn.Dropout(0.0)(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)

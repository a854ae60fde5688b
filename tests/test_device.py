"""Device-agnostic PyTorch code: tc.device, tc.cuda, tc.Size."""
import pytest

import tinygrad_course as tc


def test_device_objects_parse_and_compare_like_torch():
    assert str(tc.device("cpu")) == "cpu"
    assert str(tc.device("cuda:1")) == "cuda:1"
    assert tc.device("cuda", 0).index == 0
    assert repr(tc.device("cpu")) == "device(type='cpu')"
    assert tc.zeros(2).device == tc.device("cpu") == "cpu"
    with pytest.raises(RuntimeError, match="device type"):
        tc.device("gpu")


def test_cuda_is_absent_and_tensors_refuse_it():
    assert tc.cuda.is_available() is False
    assert tc.cuda.device_count() == 0
    dev = tc.device("cuda" if tc.cuda.is_available() else "cpu")
    x = tc.ones(3).to(dev)
    assert x.device == "cpu"
    for bad in ("cuda", tc.device("cuda:0")):
        with pytest.raises(RuntimeError, match="CPU only"):
            tc.ones(2).to(bad)
        with pytest.raises(RuntimeError, match="zeros"):
            tc.zeros(2, device=bad)


def test_module_to_a_device_object():
    lin = tc.nn.Linear(2, 3).to(tc.device("cpu"))
    assert lin(tc.ones(1, 2)).shape == (1, 3)
    with pytest.raises(RuntimeError):
        lin.to(tc.device("cuda"))


def test_size_is_a_tuple_with_numel():
    s = tc.Size([2, 3, 4])
    assert s == (2, 3, 4) and s.numel() == 24
    assert tc.zeros(s).shape == s


def test_matches_torch_strings():
    torch = pytest.importorskip("torch")
    for name in ("cpu", "cuda", "cuda:1"):
        assert str(tc.device(name)) == str(torch.device(name))
        assert repr(tc.device(name)) == repr(torch.device(name))

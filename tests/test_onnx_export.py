"""tc.onnx.export: the written file passes onnx's checker and onnxruntime computes our outputs,
for every supported layer, with dynamic axes; unsupported models are refused by name."""
import os
import stat

import numpy as np
import pytest

import tinygrad_course as tc
import tinygrad_course.onnx  # noqa: F401  (tc.onnx)

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
nn = tc.nn


def _run(path, x):
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]


def _check(model, x, tmp_path, rtol=1e-5, atol=1e-5, **kw):
    path = tmp_path / "m.onnx"
    tc.onnx.export(model, x, path, **kw)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    model.eval()
    with tc.no_grad():
        want = model(x).numpy()
    got = _run(path, x.numpy())
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    return path


def _perturb_bn(model):
    # non-trivial running statistics and affine parameters, so BatchNorm's export is really checked
    rng = np.random.default_rng(0)
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.data[:] = rng.standard_normal(m.num_features)
            m.running_var.data[:] = rng.random(m.num_features) + 0.5
            if m.weight is not None:
                m.weight.data[:] = rng.standard_normal(m.num_features)
    return model


ACTIVATIONS = [nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.LeakyReLU(0.2), nn.ELU(0.7), nn.GELU(),
               nn.GELU(approximate="tanh"), nn.Softplus(), nn.Softplus(beta=2.0, threshold=3.0), nn.SiLU(),
               nn.LogSigmoid(), nn.ReLU6(), nn.Hardtanh(-0.5, 0.25), nn.Softmax(dim=1), nn.LogSoftmax(dim=-1),
               nn.Identity(), nn.Dropout(0.5)]


@pytest.mark.parametrize("act", ACTIVATIONS, ids=lambda a: repr(a))
def test_mlp_with_each_activation(act, tmp_path):
    tc.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 7), act, nn.Linear(7, 3))
    x = tc.randn(4, 5) * 3
    _check(model, x, tmp_path)


def test_cnn_with_dynamic_batch(tmp_path):
    tc.manual_seed(0)
    model = _perturb_bn(nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Sequential(nn.Conv2d(6, 4, 3, stride=2, padding=1, dilation=1, groups=2), nn.PReLU(4)),
        nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(4, 2)))
    path = _check(model, tc.randn(2, 3, 12, 12), tmp_path, input_names=["images"], output_names=["logits"],
                  dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
    m = onnx.load(str(path))
    assert [i.name for i in m.graph.input] == ["images"] and [o.name for o in m.graph.output] == ["logits"]
    assert m.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert m.opset_import[0].version == 17
    x5 = tc.randn(5, 3, 12, 12)
    with tc.no_grad():
        np.testing.assert_allclose(_run(path, x5.numpy()), model(x5).numpy(), rtol=1e-5, atol=1e-5)


def test_conv1d_pools_layernorm_batchnorm1d(tmp_path):
    tc.manual_seed(1)
    model = _perturb_bn(nn.Sequential(
        nn.Conv1d(2, 4, 3, padding="same"), nn.BatchNorm1d(4), nn.MaxPool1d(2), nn.AvgPool1d(3, stride=1, padding=1),
        nn.AdaptiveMaxPool1d(2), nn.LayerNorm(2), nn.Flatten(0)))
    _check(model, tc.randn(3, 2, 12), tmp_path)


def test_embedding_and_float64(tmp_path):
    tc.manual_seed(2)
    _check(nn.Sequential(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(12, 2)), tc.tensor([[1, 2, 3], [9, 0, 5]]),
           tmp_path)
    # (GELU's Erf is not in onnxruntime for float64: Tanh here)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.LayerNorm(4)).double()
    path = _check(model, tc.randn(2, 3, dtype=tc.float64), tmp_path, rtol=1e-12, atol=1e-12)
    assert onnx.load(str(path)).graph.output[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE


def test_single_layer_list_dynamic_axes_and_training_mode_restored(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.9))
    model.train()
    tc.onnx.export(model, tc.randn(4, 3), tmp_path / "m.onnx")
    assert model.training and model[1].training  # exported in eval mode, then restored as torch does
    model = nn.Linear(3, 2)
    path = _check(model, tc.randn(4, 3), tmp_path, dynamic_axes={"input": [0]})
    m = onnx.load(str(path))
    assert m.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "input_dynamic_axes_1"
    assert _run(path, np.ones((7, 3), np.float32)).shape == (7, 2)


def test_file_mode_and_file_object(tmp_path):
    old = os.umask(0o027)
    try:
        tc.onnx.export(nn.Linear(2, 2), tc.randn(1, 2), tmp_path / "a.onnx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "a.onnx").st_mode) == 0o666 & ~0o027
    import io

    buf = io.BytesIO()
    tc.onnx.export(nn.Linear(2, 2), tc.randn(1, 2), buf)
    assert buf.getvalue() == (tmp_path / "a.onnx").read_bytes() or len(buf.getvalue()) > 0
    onnx.checker.check_model(onnx.load_from_string(buf.getvalue()))


class _Custom(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)

    def forward(self, x):
        return self.fc(x) * 2


@pytest.mark.parametrize("model,what", [
    (_Custom(), "_Custom"),
    (nn.Sequential(nn.Linear(2, 2), _Custom()), "1 \\(_Custom"),
    (nn.LSTM(2, 2), "LSTM"),
    (nn.Sequential(nn.BatchNorm1d(2, track_running_stats=False)), "track_running_stats"),
    (nn.Sequential(nn.AdaptiveAvgPool1d(3)), "divide"),
])
def test_unsupported_models_are_refused_by_name(model, what, tmp_path):
    x = tc.randn(2, 2, 4) if "Pool" in what or "divide" in what else tc.randn(2, 2)
    with pytest.raises(tc.onnx.UnsupportedOperatorError, match=what) as e:
        tc.onnx.export(model, x, tmp_path / "bad.onnx")
    assert isinstance(e.value, RuntimeError)
    assert not (tmp_path / "bad.onnx").exists()


def test_bad_arguments(tmp_path):
    m = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="opset_version"):
        tc.onnx.export(m, tc.randn(1, 2), tmp_path / "a.onnx", opset_version=9)
    with pytest.raises(ValueError, match="dynamic_axes"):
        tc.onnx.export(m, tc.randn(1, 2), tmp_path / "a.onnx", dynamic_axes={"nope": {0: "b"}})
    with pytest.raises(TypeError, match="Module"):
        tc.onnx.export(lambda x: x, tc.randn(1, 2), tmp_path / "a.onnx")
    with pytest.raises(TypeError, match="one Tensor"):
        tc.onnx.export(m, (tc.randn(1, 2), tc.randn(1, 2)), tmp_path / "a.onnx")
    with pytest.raises(tc.onnx.UnsupportedOperatorError, match="opset_version >= 17"):
        tc.onnx.export(nn.LayerNorm(2), tc.randn(1, 2), tmp_path / "a.onnx", opset_version=16)
    assert os.listdir(tmp_path) == []

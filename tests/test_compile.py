"""tc.compile: a compiled step gives the eager step's losses, gradients and parameters (bit for
bit: the replay runs the same NumPy calls in the same order), retraces only when a guard fails,
and refuses what it cannot replay."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn


def _state(model):
    return [p.detach().numpy().copy() for p in model.parameters()] + [
        b.detach().numpy().copy() for b in model.buffers() if b is not None]


def _grads(model):
    return [None if p.grad is None else p.grad.numpy().copy() for p in model.parameters()]


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if x is None or y is None:
            assert x is None and y is None
        else:
            assert x.dtype == y.dtype and np.array_equal(x, y), np.abs(x - y).max()


def _twin(make, seed=0):
    tc.manual_seed(seed)
    m1 = make()
    tc.manual_seed(seed)
    m2 = make()
    _same(_state(m1), _state(m2))
    return m1, m2


def _train_both(make, make_opt, batches, loss_fn, *, seed=0, clip=None):
    """Run the same training step eagerly on one model and compiled on its twin."""
    m_e, m_c = _twin(make, seed)
    o_e, o_c = make_opt(m_e), make_opt(m_c)

    def step_for(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            return loss
        return step

    eager, compiled = step_for(m_e, o_e), tc.compile(step_for(m_c, o_c))
    for i, (x, y) in enumerate(batches):
        tc.manual_seed(100 + i)
        le = eager(x, y)
        tc.manual_seed(100 + i)
        lc = compiled(x, y)
        assert le.detach().numpy().tobytes() == lc.detach().numpy().tobytes(), (i, le, lc)
        _same(_grads(m_e), _grads(m_c))
        _same(_state(m_e), _state(m_c))
    return compiled


def _batches(n, shape, classes, sizes=None, seed=1):
    rng = np.random.default_rng(seed)
    sizes = sizes or [shape[0]] * n
    return [(tc.tensor(rng.standard_normal((b,) + shape[1:]).astype(np.float32)),
             tc.tensor(rng.integers(0, classes, b))) for b in sizes]


def _mlp():
    return nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 10))


def test_chain_of_ops_same_values_and_grads():
    w = tc.randn(6, requires_grad=True)

    def f(x, w):
        y = x
        for _ in range(50):
            y = (y * w).tanh() + 0.5 - y.sigmoid() * 0.1
        loss = (y * y).mean()
        loss.backward()
        return loss, y

    step = tc.compile(f)
    for i in range(4):
        x = tc.randn(5, 6)
        lc, yc = step(x, w)
        gc = w.grad.numpy().copy()
        w.grad = None
        le, ye = f(x, w)
        ge = w.grad.numpy().copy()
        w.grad = None
        assert lc.item() == le.item() and np.array_equal(yc.detach().numpy(), ye.detach().numpy()) and np.array_equal(gc, ge)
        assert not lc.requires_grad or i == 0
    assert step.trace_count == 1


@pytest.mark.parametrize("make_opt", [
    lambda m: tc.optim.SGD(m.parameters(), lr=0.1, momentum=0.9),
    lambda m: tc.optim.Adam(m.parameters(), lr=1e-2),
    lambda m: tc.optim.RMSprop(m.parameters(), lr=1e-2),
], ids=["SGD", "Adam", "RMSprop"])
def test_mlp_training_matches_eager(make_opt):
    step = _train_both(_mlp, make_opt, _batches(5, (16, 20), 10), F.cross_entropy)
    assert step.trace_count == 1


class _LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(6 * 2 * 2, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv1(x))), 2)
        x = F.relu(self.conv2(x))
        return self.fc(self.drop(x.flatten(1)))


def test_lenet_batchnorm_dropout_train_mode_matches_eager():
    batches = _batches(4, (8, 1, 10, 10), 10)
    step = _train_both(_LeNet, lambda m: tc.optim.Adam(m.parameters(), lr=1e-3), batches, F.cross_entropy)
    assert step.trace_count == 1


def test_dropout_draws_a_new_mask_each_replay():
    drop = nn.Dropout(0.5)
    f = tc.compile(lambda x: drop(x))
    with tc.no_grad():
        x = tc.ones(200)
        a, b = f(x).numpy(), f(x).numpy()
    assert not np.array_equal(a, b)


class _LSTMStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 8, batch_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def test_lstm_step_with_gradient_clipping_matches_eager():
    batches = _batches(3, (4, 6, 5), 3)
    step = _train_both(_LSTMStep, lambda m: tc.optim.SGD(m.parameters(), lr=0.5), batches, F.cross_entropy,
                       clip=0.1)
    assert step.trace_count == 1


def test_retrace_on_batch_size_change_only():
    # a last partial batch (size 5) traces once more; going back to 16 reuses the first program
    batches = _batches(5, (16, 20), 10, sizes=[16, 16, 5, 16, 5])
    step = _train_both(_mlp, lambda m: tc.optim.SGD(m.parameters(), lr=0.1), batches, F.cross_entropy)
    assert step.trace_count == 2 and len(step.programs) == 2


def test_retrace_on_training_flag_grad_mode_and_values():
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.2))
    f = tc.compile(lambda x, k: model(x) * k)
    x = tc.randn(2, 3)
    with tc.no_grad():
        f(x, 2.0)
        f(x, 2.0)
        assert f.trace_count == 1
        f(x, 3.0)
        assert f.trace_count == 2
        model.eval()
        f(x, 2.0)
        assert f.trace_count == 3
    y = tc.randn(2, 3, requires_grad=True)
    with tc.no_grad():
        f(y, 2.0)
    assert f.trace_count == 4


def test_replacing_a_parameter_retraces():
    model = nn.Linear(3, 2)
    f = tc.compile(lambda x: model(x))
    x = tc.randn(4, 3)
    with tc.no_grad():
        f(x)
        model.weight = nn.Parameter(tc.zeros(2, 3))
        out = f(x)
    assert f.trace_count == 2
    np.testing.assert_array_equal(out.numpy(), np.broadcast_to(model.bias.detach().numpy(), (4, 2)))


def test_cache_keeps_at_most_cache_size_programs():
    f = tc.compile(lambda x: x * 2, cache_size=2)
    with tc.no_grad():
        for n in (1, 2, 3, 1):
            f(tc.ones(n))
    assert len(f.programs) == 2 and f.trace_count == 4


def test_input_leaf_grads_follow_the_call():
    def f(x):
        loss = (x * x).sum()
        loss.backward()
        return loss

    step = tc.compile(f)
    for i in range(3):
        x = tc.tensor([1.0, 2.0, float(i)], requires_grad=True)
        step(x)
        np.testing.assert_array_equal(x.grad.numpy(), 2 * x.detach().numpy())


@pytest.mark.parametrize("body, what", [
    (lambda x: x.sum().item(), "item"),
    (lambda x: x.tolist(), "tolist"),
    (lambda x: x * 2 if bool(x.sum() > 0) else x, "__bool__"),
    (lambda x: float(x.sum()), "__float__"),
    (lambda x: x.mul_(2), "mul_"),
])
def test_refusals_name_the_construct_and_the_line(body, what):
    f = tc.compile(body)
    with tc.no_grad(), pytest.raises(tc.compile.Unsupported, match=what) as e:
        f(tc.ones(3))
    assert "test_compile.py" in str(e.value)


def _backward_refusal(kind):
    w = tc.ones(3, requires_grad=True)

    def f(x):
        y = (x * w).sum()
        if kind == "retain_graph":
            y.backward(retain_graph=True)
        elif kind == "create_graph":
            y.backward(create_graph=True)
        elif kind == "grad":
            tc.autograd.grad(y, [w])
        elif kind == "hook":
            z = x * w
            z.register_hook(lambda g: g * 2)
            z.sum().backward()
        return y
    return f


@pytest.mark.parametrize("kind, what", [
    ("retain_graph", "retain_graph"), ("create_graph", "create_graph"), ("grad", "autograd.grad"),
    ("hook", "hook"),
])
def test_backward_refusals(kind, what):
    with pytest.raises(tc.compile.Unsupported, match=what):
        tc.compile(_backward_refusal(kind))(tc.ones(3))


def test_random_draw_outside_a_replayed_op_is_refused():
    f = tc.compile(lambda x: x + tc.randn(3))
    with tc.no_grad(), pytest.raises(tc.compile.Unsupported, match="random draw"):
        f(tc.ones(3))


def test_output_needing_a_graph_is_refused():
    w = tc.ones(3, requires_grad=True)
    with pytest.raises(tc.compile.Unsupported, match="requires grad"):
        tc.compile(lambda x: x * w)(tc.ones(3))


def test_fullgraph_false_falls_back_to_eager():
    calls = []

    def f(x):
        calls.append(1)
        return x.sum().item() * 2

    g = tc.compile(f, fullgraph=False)
    with tc.no_grad():
        assert g(tc.ones(3)) == 6.0 and g(tc.ones(3)) == 6.0
    assert len(calls) == 2 and g.programs and list(g.programs.values())[0] == "eager"


def test_check_mode_passes_on_a_faithful_program_and_catches_a_frozen_constant():
    model = _mlp()
    opt = tc.optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    checked = tc.compile(step, check=True)
    for x, y in _batches(4, (8, 20), 10):
        checked(x, y)

    # a tensor made from raw data inside the function is frozen at trace time: check sees it
    def bad(x):
        return x * tc.tensor(x.detach().numpy().sum())

    with tc.no_grad(), pytest.raises(tc.compile.Unsupported):
        tc.compile(bad)(tc.ones(2))
    leak = {"v": 1.0}

    def bad2(x):
        return x * tc.tensor(leak["v"])

    g = tc.compile(bad2, check=True)
    with tc.no_grad():
        g(tc.ones(2))
        leak["v"] = 2.0
        with pytest.raises(tc.compile.CompileCheckError, match="output 0"):
            g(tc.ones(2))


def test_decorator_forms_and_disable():
    @tc.compile
    def f(x):
        return x + 1

    @tc.compile(fullgraph=False)
    def g(x):
        return x + 2

    with tc.no_grad():
        assert f(tc.zeros(2)).tolist() == [1.0, 1.0] and g(tc.zeros(2)).tolist() == [2.0, 2.0]
    h = lambda x: x
    assert tc.compile(h, disable=True) is h
    with pytest.raises(ValueError, match="backend"):
        tc.compile(h, backend="cuda")
    with pytest.raises(TypeError, match="callable"):
        tc.compile(3)


def test_eager_path_unchanged_outside_compile():
    # the tracer slot is empty outside a trace: .item() and in-place ops work as always
    x = tc.ones(3)
    assert x.sum().item() == 3.0
    x.mul_(2)
    assert x.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.slow
def test_example_compiled_training_runs():
    import os
    import subprocess
    import sys

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
    # the checkout's package, installed or not (the example runs from its own folder)
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "compiled_training.py", "--quick"], cwd=os.path.join(root, "examples"),
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert "identical losses: True" in r.stdout and "programs traced: 2" in r.stdout


@pytest.mark.parametrize("with_bn", [False, True], ids=["dense-dropout", "batchnorm"])
def test_keras_fit_with_jit_compile_matches_eager(with_bn):
    from tinygrad_course import keras
    from tinygrad_course.keras import training

    def run(jit):
        tc.manual_seed(0)
        layers = [keras.layers.Dense(16, activation="relu", input_shape=(12,))]
        if with_bn:
            layers.append(keras.layers.BatchNormalization())
        layers += [keras.layers.Dropout(0.2), keras.layers.Dense(3, activation="softmax")]
        m = keras.Sequential(layers)
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], jit_compile=jit)
        rng = np.random.default_rng(0)
        x = rng.standard_normal((90, 12)).astype(np.float32)
        y = rng.integers(0, 3, 90)
        h = m.fit(x, y, batch_size=32, epochs=2, verbose=0)
        return m, h.history, [w.copy() for w in m.get_weights()]

    _, h_e, w_e = run(False)
    m, h_c, w_c = run(True)
    assert h_e == h_c
    _same(w_e, w_c)
    # batches of 32 and the last one of 26: two programs, each traced once
    assert training._JIT_STEPS[m].trace_count == 2


_OPS = [
    lambda y, w, b: y * w,  # same shape
    lambda y, w, b: y + b,  # broadcast (the reduction in backward)
    lambda y, w, b: y - 0.5,
    lambda y, w, b: (y * 1.5).tanh(),
    lambda y, w, b: y.sigmoid() * y,
    lambda y, w, b: y.exp().clamp(max=5.0),
    lambda y, w, b: y / (1.0 + y * y),
    lambda y, w, b: y.relu() + y.abs().sqrt(),
    lambda y, w, b: y.mean(-1, keepdim=True) * y,
    lambda y, w, b: y.transpose(0, 1).contiguous().transpose(0, 1),
]


@given(shape=st.tuples(st.integers(1, 4), st.integers(1, 5)), ops=st.lists(st.integers(0, len(_OPS) - 1), min_size=1,
                                                                         max_size=8),
       seed=st.integers(0, 2**16))
@settings(max_examples=15, deadline=None)
def test_random_op_chains_replay_bit_for_bit(shape, ops, seed):
    rng = np.random.default_rng(seed)
    w = tc.tensor(rng.standard_normal(shape), requires_grad=True)
    b = tc.tensor(rng.standard_normal((1, shape[1])), requires_grad=True)

    def f(x):
        y = x * w + b
        for k in ops:
            y = _OPS[k](y, w, b)
        loss = (y * y).sum()
        loss.backward()
        return loss, y

    step = tc.compile(f)
    for i in range(3):
        x = tc.tensor(rng.standard_normal(shape))
        lc, yc = step(x)
        gc = [w.grad.numpy().copy(), b.grad.numpy().copy()]
        w.grad = b.grad = None
        le, ye = f(x)
        ge = [w.grad.numpy().copy(), b.grad.numpy().copy()]
        w.grad = b.grad = None
        assert lc.detach().numpy().tobytes() == le.detach().numpy().tobytes()
        assert yc.detach().numpy().tobytes() == ye.detach().numpy().tobytes()
        _same(gc, ge)
    assert step.trace_count == 1


@pytest.mark.parametrize("body", [
    lambda x, w: x * (x > 0),
    lambda x, w: (x > 0).float() * x,
    lambda x, w: tc.where(x > 0, x, tc.zeros(3)),
    lambda x, w: x * tc.tensor(2.0) + tc.ones(3),
    lambda x, w: x.detach() * x + w.detach(),
], ids=["bool-mask", "float-mask", "where", "factory-constants", "detached-aliases"])
def test_tensors_made_outside_the_tape_follow_the_inputs(body):
    w = tc.randn(3)
    f = tc.compile(lambda x: body(x, w))
    with tc.no_grad():
        for v in ([1.0, -2.0, 3.0], [-1.0, 2.0, -3.0], [0.5, 0.5, -0.5]):
            x = tc.tensor(v)
            np.testing.assert_array_equal(np.asarray(f(x).tolist()), np.asarray(body(x, w).tolist()))
    assert f.trace_count == 1


@pytest.mark.parametrize("body, where", [
    (lambda x: x.argmax() + 0, "_argext"),
    (lambda x: F.nll_loss(x.reshape(1, 3).log_softmax(1), tc.tensor([1]), weight=tc.ones(3)), "_nll"),
    (lambda x: x * tc.tensor(x), "tc.tensor"),
])
def test_values_the_replay_would_freeze_are_refused(body, where):
    with tc.no_grad(), pytest.raises(tc.compile.Unsupported, match=where):
        tc.compile(body)(tc.tensor([1.0, -2.0, 3.0]))


def test_a_draw_from_an_explicit_generator_is_refused():
    g = tc.Generator().manual_seed(0)
    with tc.no_grad(), pytest.raises(tc.compile.Unsupported, match="tc.randn"):
        tc.compile(lambda x: x + tc.randn(3, generator=g))(tc.ones(3))

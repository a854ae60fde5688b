"""Keras optimizers: Keras 2.2's argument order and update rules, five steps on a small model against
the rules of keras/optimizers.py (Keras 2.2.4) written out here in NumPy; keras.backend helpers."""
import math

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.keras import backend as K
from tinygrad_course.keras.layers import Dense
from tinygrad_course.keras.models import Sequential
from tinygrad_course.keras.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, RMSprop, get

_rng = np.random.default_rng(3)
X = _rng.normal(size=(8, 3))
Y = _rng.normal(size=(8, 2))
KERNEL = _rng.normal(size=(3, 2))
BIAS = _rng.normal(size=(2,))


@pytest.fixture
def float64():
    """Run a test with Keras' floatx at float64 (exact comparisons), then restore float32."""
    K.set_floatx("float64")
    yield
    K.set_floatx("float32")


# ---------------------------------------------------------------- Keras 2.2.4's rules, in NumPy


def _grads(W, b):
    """Gradients of Keras' mse (mean over outputs, then over the batch) for the Dense layer X W + b."""
    d = 2.0 * (X @ W + b - Y) / Y.size
    return [X.T @ d, d.sum(axis=0)]


def _zeros(params):
    return [np.zeros_like(p) for p in params]


def keras22(name, cfg, steps):
    """The parameters after each of ``steps`` updates, following Keras 2.2.4's get_updates."""
    params = [KERNEL.copy(), BIAS.copy()]
    eps = cfg.get("epsilon", 1e-7)
    decay = cfg.get("decay", 0.0)
    b1, b2 = cfg.get("beta_1", 0.9), cfg.get("beta_2", 0.999)
    s1, s2, s3 = _zeros(params), _zeros(params), _zeros(params)
    m_schedule = 1.0
    out = []
    for iterations in range(steps):
        grads = _grads(*params)
        lr = cfg["lr"]
        if decay > 0:  # Keras reads iterations before its update_add
            lr = lr * (1.0 / (1.0 + decay * iterations))
        t = iterations + 1
        if name == "Nadam":
            sd = cfg.get("schedule_decay", 0.004)
            mc_t = b1 * (1.0 - 0.5 * 0.96 ** (t * sd))
            mc_t1 = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * sd))
            m_schedule_new = m_schedule * mc_t
            m_schedule_next = m_schedule * mc_t * mc_t1
            m_schedule = m_schedule_new
        new = []
        for i, (p, g) in enumerate(zip(params, grads)):
            if name == "SGD":
                mom = cfg.get("momentum", 0.0)
                v = mom * s1[i] - lr * g
                s1[i] = v
                p = p + mom * v - lr * g if cfg.get("nesterov") else p + v
            elif name == "RMSprop":
                a = cfg.get("rho", 0.9) * s1[i] + (1.0 - cfg.get("rho", 0.9)) * g**2
                s1[i] = a
                p = p - lr * g / (np.sqrt(a) + eps)
            elif name == "Adagrad":
                a = s1[i] + g**2  # accumulators start at K.zeros
                s1[i] = a
                p = p - lr * g / (np.sqrt(a) + eps)
            elif name == "Adadelta":
                rho = cfg.get("rho", 0.95)
                a = rho * s1[i] + (1.0 - rho) * g**2
                update = g * np.sqrt(s2[i] + eps) / np.sqrt(a + eps)
                p = p - lr * update
                s2[i] = rho * s2[i] + (1.0 - rho) * update**2
                s1[i] = a
            elif name == "Adam":
                lr_t = lr * (math.sqrt(1.0 - b2**t) / (1.0 - b1**t))
                m = b1 * s1[i] + (1.0 - b1) * g
                v = b2 * s2[i] + (1.0 - b2) * g**2
                s1[i], s2[i] = m, v
                if cfg.get("amsgrad"):
                    s3[i] = np.maximum(s3[i], v)
                    p = p - lr_t * m / (np.sqrt(s3[i]) + eps)
                else:
                    p = p - lr_t * m / (np.sqrt(v) + eps)
            elif name == "Adamax":
                lr_t = lr / (1.0 - b1**t)
                m = b1 * s1[i] + (1.0 - b1) * g
                u = np.maximum(b2 * s2[i], np.abs(g))
                s1[i], s2[i] = m, u
                p = p - lr_t * m / (u + eps)
            elif name == "Nadam":
                g_prime = g / (1.0 - m_schedule_new)
                m = b1 * s1[i] + (1.0 - b1) * g
                m_prime = m / (1.0 - m_schedule_next)
                v = b2 * s2[i] + (1.0 - b2) * g**2
                v_prime = v / (1.0 - b2**t)
                m_bar = (1.0 - mc_t) * g_prime + mc_t1 * m_prime
                s1[i], s2[i] = m, v
                p = p - cfg["lr"] * m_bar / (np.sqrt(v_prime) + eps)  # Nadam: no decay in 2.2
            new.append(p)
        params = new
        out.append(params)
    return out


def _model(optimizer):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(loss="mse", optimizer=optimizer)
    model.set_weights([KERNEL.copy(), BIAS.copy()])
    return model


# (optimizer as the lecture writes it, the Keras 2.2 name and its config for the reference)
CASES = [
    (lambda: SGD(0.1), "SGD", {"lr": 0.1}),
    (lambda: SGD(0.1, 0.9, 0.5, True), "SGD", {"lr": 0.1, "momentum": 0.9, "decay": 0.5, "nesterov": True}),
    (lambda: SGD(0.1, 0.8, 1.0), "SGD", {"lr": 0.1, "momentum": 0.8, "decay": 1.0}),
    (lambda: SGD(learning_rate=0.05, momentum=0.5), "SGD", {"lr": 0.05, "momentum": 0.5}),
    (lambda: RMSprop(0.01, 0.8, 0.1, 0.3), "RMSprop", {"lr": 0.01, "rho": 0.8, "epsilon": 0.1, "decay": 0.3}),
    (lambda: RMSprop(lr=0.01), "RMSprop", {"lr": 0.01}),
    (lambda: Adagrad(0.1, 0.1, 0.2), "Adagrad", {"lr": 0.1, "epsilon": 0.1, "decay": 0.2}),
    (lambda: Adagrad(), "Adagrad", {"lr": 0.01}),
    (lambda: Adadelta(1.0, 0.9, 0.01, 0.1), "Adadelta", {"lr": 1.0, "rho": 0.9, "epsilon": 0.01, "decay": 0.1}),
    (lambda: Adadelta(), "Adadelta", {"lr": 1.0}),
    (lambda: Adam(0.01, 0.8, 0.9, 0.1, 0.3), "Adam",
     {"lr": 0.01, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.1, "decay": 0.3}),
    (lambda: Adam(0.05, 0.5, 0.6, 0.01, 0.0, True), "Adam",
     {"lr": 0.05, "beta_1": 0.5, "beta_2": 0.6, "epsilon": 0.01, "amsgrad": True}),
    (lambda: Adam(learning_rate=0.01), "Adam", {"lr": 0.01}),
    (lambda: Adamax(0.01, 0.8, 0.9, 0.1, 0.3), "Adamax",
     {"lr": 0.01, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.1, "decay": 0.3}),
    (lambda: Adamax(), "Adamax", {"lr": 0.002}),
    (lambda: Nadam(0.01, 0.8, 0.9, 0.1, 0.05), "Nadam",
     {"lr": 0.01, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.1, "schedule_decay": 0.05}),
    (lambda: Nadam(), "Nadam", {"lr": 0.002}),
]


@pytest.mark.parametrize("make, name, cfg", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_five_steps_follow_keras22_rules(float64, make, name, cfg):
    model = _model(make())
    expected = keras22(name, cfg, 5)
    for step in range(5):
        model.train_on_batch(X, Y)
        for got, want in zip(model.get_weights(), expected[step]):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14, err_msg=f"{name} step {step}")
    assert model.optimizer.iterations == 5


def test_float32_model_follows_the_same_rules():
    model = _model(Adam(0.01, 0.8, 0.9, 0.1, 0.3))
    expected = keras22("Adam", {"lr": 0.01, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.1, "decay": 0.3}, 5)
    for step in range(5):
        model.train_on_batch(X, Y)
    assert model.get_weights()[0].dtype == np.float32
    for got, want in zip(model.get_weights(), expected[-1]):
        np.testing.assert_allclose(got, want, rtol=1e-5)


# ------------------------------------------------------------------ arguments, Keras 2.2's order


def test_lecture_positional_calls_are_read_in_keras22_order():
    sgd = SGD(0.01, 0.9, 1e-6, True)
    assert (sgd.learning_rate, sgd.momentum, sgd.decay, sgd.nesterov) == (0.01, 0.9, 1e-6, True)
    adam = Adam(0.001, 0.9, 0.999, 1e-8, 0.01)
    assert (adam.beta_1, adam.beta_2, adam.epsilon, adam.decay, adam.amsgrad) == (0.9, 0.999, 1e-8, 0.01, False)
    assert Adam(0.001, 0.9, 0.999, 1e-8, 0.0, True).amsgrad is True
    rms = RMSprop(0.002, 0.8, 1e-5, 0.1)
    assert (rms.learning_rate, rms.rho, rms.epsilon, rms.decay) == (0.002, 0.8, 1e-5, 0.1)
    ada = Adagrad(0.02, 1e-4, 0.5)
    assert (ada.learning_rate, ada.epsilon, ada.decay, ada.initial_accumulator_value) == (0.02, 1e-4, 0.5, 0.0)
    delta = Adadelta(0.5, 0.9, 1e-5, 0.2)
    assert (delta.learning_rate, delta.rho, delta.epsilon, delta.decay) == (0.5, 0.9, 1e-5, 0.2)
    amax = Adamax(0.003, 0.8, 0.99, 1e-6, 0.1)
    assert (amax.beta_1, amax.beta_2, amax.epsilon, amax.decay) == (0.8, 0.99, 1e-6, 0.1)
    nadam = Nadam(0.003, 0.8, 0.99, 1e-6, 0.01)
    assert (nadam.beta_1, nadam.beta_2, nadam.epsilon, nadam.schedule_decay) == (0.8, 0.99, 1e-6, 0.01)


def test_keras22_defaults():
    assert (SGD().learning_rate, SGD().momentum, SGD().decay, SGD().nesterov) == (0.01, 0.0, 0.0, False)
    assert (RMSprop().learning_rate, RMSprop().rho, RMSprop().epsilon) == (0.001, 0.9, 1e-7)
    assert (Adagrad().learning_rate, Adagrad().epsilon) == (0.01, 1e-7)
    assert (Adadelta().learning_rate, Adadelta().rho, Adadelta().epsilon, Adadelta().decay) == (1.0, 0.95, 1e-7, 0.0)
    assert (Adam().learning_rate, Adam().beta_1, Adam().beta_2, Adam().epsilon) == (0.001, 0.9, 0.999, 1e-7)
    assert (Adamax().learning_rate, Adamax().beta_1, Adamax().beta_2, Adamax().epsilon) == (0.002, 0.9, 0.999, 1e-7)
    assert (Nadam().learning_rate, Nadam().schedule_decay, Nadam().epsilon) == (0.002, 0.004, 1e-7)


@pytest.mark.parametrize("cls", [SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam])
def test_lr_and_learning_rate_spellings(cls):
    assert cls(lr=0.25).learning_rate == 0.25
    assert cls(learning_rate=0.25).learning_rate == 0.25
    with pytest.raises(TypeError, match="both lr=0.5 and learning_rate=0.25"):
        cls(lr=0.5, learning_rate=0.25)
    with pytest.raises(ValueError, match="learning_rate must be a number >= 0"):
        cls(learning_rate=-1.0)


@pytest.mark.parametrize("call, message", [
    (lambda: SGD(0.01, 0.9, True), r"SGD: decay must be a number, got True .*SGD\(lr, momentum, decay, nesterov\)"),
    (lambda: SGD(0.01, 0.9, 0.0, 0.5), "SGD: nesterov must be a bool, got 0.5"),
    (lambda: Adam(0.001, 0.9, 0.999, 1e-8, 0.01, 1e-3), "Adam: amsgrad must be a bool, got 0.001"),
    (lambda: Adam(0.001, 0.9, 0.999, 1e-8, True), "Adam: decay must be a number, got True"),
    (lambda: RMSprop(0.001, 0.9, 0.0, True), "RMSprop: decay must be a number"),
    (lambda: Adagrad(0.01, "eps"), "Adagrad: epsilon must be a number, got 'eps'"),
])
def test_arguments_of_the_wrong_kind_raise_type_error_naming_the_order(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_epsilon_none_reads_backend_epsilon_at_creation():
    try:
        K.set_epsilon(1e-4)
        assert Adam().epsilon == 1e-4 and Adadelta(epsilon=None).epsilon == 1e-4
        assert Adam(epsilon=1e-3).epsilon == 1e-3
    finally:
        K.set_epsilon(1e-7)
    assert Adam().epsilon == 1e-7


def test_get_by_name_knows_adadelta_and_adamax():
    assert isinstance(get("adadelta"), Adadelta) and isinstance(get("Adamax"), Adamax)


# ------------------------------------------------------------------------ Keras 2.2 rule classes


def test_keras_sgd_without_decay_is_pytorch_sgd_and_differs_once_lr_changes():
    from tinygrad_course.keras._keras2_rules import Keras2SGD

    def run(cls, lrs):
        w = tc.tensor(np.array([1.0, -2.0]), requires_grad=True)
        opt = cls([w], lr=lrs[0], momentum=0.9, nesterov=True)
        for lr in lrs:
            opt.param_groups[0]["lr"] = lr
            opt.zero_grad()
            (0.5 * (tc.tensor([0.5, 2.0]) * w * w).sum()).backward()
            opt.step()
        return w.detach().numpy()

    np.testing.assert_allclose(run(Keras2SGD, [0.1] * 6), run(tc.optim.SGD, [0.1] * 6), rtol=1e-12)
    assert not np.allclose(run(Keras2SGD, [0.1, 0.05, 0.02]), run(tc.optim.SGD, [0.1, 0.05, 0.02]))


def test_keras_rule_state_dict_round_trip(float64):
    m1, m2 = _model(Adam(0.01, amsgrad=True)), _model(Adam(0.01, amsgrad=True))
    for _ in range(3):
        m1.train_on_batch(X, Y)
    m2.set_weights(m1.get_weights())
    m2.train_on_batch(X, Y)  # builds the optimizer; then overwrite weights and state
    m2.set_weights(m1.get_weights())
    m2.optimizer.torch_optimizer.load_state_dict(m1.optimizer.torch_optimizer.state_dict())
    for _ in range(2):
        m1.train_on_batch(X, Y)
        m2.train_on_batch(X, Y)
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_array_equal(a, b)


# -------------------------------------------------------------------------------- keras.backend


def test_backend_constants():
    assert K.image_data_format() == "channels_last"
    assert K.epsilon() == 1e-7
    assert K.floatx() == "float32"


def test_set_floatx_and_set_epsilon():
    try:
        K.set_floatx("float64")
        assert K.floatx() == "float64" and tc.tensor([1.0]).dtype == tc.float64
    finally:
        K.set_floatx("float32")
    assert K.floatx() == "float32"
    with pytest.raises(ValueError, match="Unknown floatx type: 'int32'"):
        K.set_floatx("int32")
    with pytest.raises(ValueError, match="epsilon must be a number >= 0"):
        K.set_epsilon(-1.0)
    K.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="only 'channels_last'"):
        K.set_image_data_format("channels_first")
    with pytest.raises(ValueError, match="Unknown data_format"):
        K.set_image_data_format("nhwc")

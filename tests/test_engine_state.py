"""Grad mode and anomaly mode are per thread, as in PyTorch."""
import threading

import numpy as np

import tinygrad_course as tc
from tinygrad_course import nn


def _run_threads(*targets):
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # surfaced in the main thread below
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(f)) for f in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_two_threads_train_two_models_every_step_records():
    lost = []

    def train(seed):
        def run():
            rng = np.random.default_rng(seed)
            model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
            opt = tc.optim.SGD(model.parameters(), lr=0.01)
            x = tc.tensor(rng.standard_normal((32, 8)), dtype=tc.float32)
            y = tc.tensor(rng.standard_normal((32, 1)), dtype=tc.float32)
            for _ in range(300):
                opt.zero_grad()
                loss = ((model(x) - y) ** 2).mean()
                if loss.grad_fn is None:
                    lost.append("graph")
                    continue
                loss.backward()
                if any(p.grad is None for p in model.parameters()):
                    lost.append("grad")
                opt.step()
                with tc.no_grad():  # evaluation in between, as users do
                    model(x).sum()
        return run

    _run_threads(train(0), train(1))
    assert lost == []


def test_no_grad_in_one_thread_does_not_switch_another():
    inside = threading.Event()
    checked = threading.Event()
    seen = {}

    def holder():
        with tc.no_grad():
            inside.set()
            checked.wait(5)
            seen["holder"] = tc.is_grad_enabled()

    def other():
        inside.wait(5)
        x = tc.ones(2, requires_grad=True)
        seen["other_enabled"] = tc.is_grad_enabled()
        seen["other_records"] = (x * 2).grad_fn is not None
        checked.set()

    _run_threads(holder, other)
    assert seen == {"holder": False, "other_enabled": True, "other_records": True}
    assert tc.is_grad_enabled()


def test_overlapping_no_grad_blocks_leave_grad_mode_on():
    order = []
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with tc.no_grad():
            a_in.set()
            b_in.wait(5)
        order.append(("a", tc.is_grad_enabled()))
        a_out.set()

    def b():
        a_in.wait(5)
        with tc.no_grad():
            b_in.set()
            a_out.wait(5)
        order.append(("b", tc.is_grad_enabled()))

    _run_threads(a, b)
    assert sorted(order) == [("a", True), ("b", True)]
    assert tc.is_grad_enabled()


def test_backward_in_one_thread_keeps_other_threads_mode():
    x = tc.ones(3, requires_grad=True)
    states = []
    go, watching = threading.Event(), threading.Event()

    def backward_many():
        watching.wait(5)
        for _ in range(200):
            y = (x * x).sum()
            tc.autograd.grad(y, x, create_graph=False)
        go.set()

    def watcher():
        with tc.no_grad():
            states.append(tc.is_grad_enabled())
            watching.set()
            while not go.is_set():
                states.append(tc.is_grad_enabled())

    _run_threads(backward_many, watcher)
    assert states and not any(states)


def test_new_thread_starts_with_grad_on_and_anomaly_off():
    seen = {}

    def run():
        seen["grad"] = tc.is_grad_enabled()
        seen["anomaly"] = tc.autograd.is_anomaly_enabled()

    with tc.no_grad(), tc.autograd.detect_anomaly():
        _run_threads(run)
    assert seen == {"grad": True, "anomaly": False}


def test_backward_node_types_are_named_as_pytorch():
    x = tc.ones(2, requires_grad=True)
    y = (x + 1) * x

    class MyFn(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    z = MyFn.apply(x)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "AddBackward0"
    assert type(z.grad_fn).__name__ == "MyFnBackward"
    assert isinstance(z.grad_fn, tc.autograd.Node)

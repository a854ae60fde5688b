"""tc.autograd.gradcheck_graph: every node checked on its own; a wrong backward is named, with its line."""
import inspect
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course.autograd import function as function_module

THIS_FILE = os.path.basename(__file__)


class Square(tc.autograd.Function):
    """x^2 with the right backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


class BuggySquare(tc.autograd.Function):
    """x^2 whose backward forgets the factor 2: the bug to be found."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return x * g


class IgnoresGradOutput(tc.autograd.Function):
    """sin(x) whose backward returns cos(x) without multiplying by grad_output."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return x.cos()


class SplitHalves(tc.autograd.Function):
    """Two outputs (first half * 3, second half squared), correct backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        h = x.shape[-1] // 2
        return x[..., :h] * 3, x[..., h:] ** 2

    @staticmethod
    def backward(ctx, ga, gb):
        (x,) = ctx.saved_tensors
        h = x.shape[-1] // 2
        return tc.cat([ga * 3, gb * 2 * x[..., h:]], dim=-1)


def line_of(marker):
    """The line number in this file of the line that holds ``marker`` (as a trailing comment)."""
    src = inspect.getsource(inspect.getmodule(line_of)).splitlines()
    hits = [i + 1 for i, line in enumerate(src) if line.rstrip().endswith("# " + marker)]
    assert len(hits) == 1, marker
    return hits[0]


def make_mlp(fn_cls=Square, dtype=tc.float64):
    tc.manual_seed(0)
    l1, l2, l3 = tc.nn.Linear(4, 6), tc.nn.Linear(6, 6), tc.nn.Linear(6, 3)
    for layer in (l1, l2, l3):
        layer.to(dtype)

    def model(x, y):
        h = l1(x).tanh()
        h = fn_cls.apply(l2(h))  # MARK-custom
        h = F.softplus(h) * 0.5
        return F.cross_entropy(l3(h), y)  # MARK-loss

    return model


def data(dtype=tc.float64):
    tc.manual_seed(1)
    return tc.randn(5, 4, dtype=dtype, requires_grad=True), tc.tensor([0, 2, 1, 1, 0])


def reachable_nodes(out):
    """Nodes behind ``out`` by a walk of ``next_functions`` (independent of gradcheck_graph)."""
    seen, stack = {}, [out.grad_fn]
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen or n.name() == "AccumulateGrad":
            continue
        seen[id(n)] = n
        stack.extend(e[0] for e in n.next_functions)
    return list(seen.values())


def test_buggy_function_deep_inside_an_mlp_is_named_with_its_line():
    x, y = data()
    model = make_mlp(BuggySquare)
    # the whole-model check only says "wrong"
    assert not tc.autograd.gradcheck(lambda x: model(x, y), (x,), raise_exception=False)
    with pytest.raises(tc.autograd.GradcheckError) as info:
        tc.autograd.gradcheck_graph(model, (x, y))
    msg = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "BuggySquareBackward" in msg
    assert f"{THIS_FILE}:{line_of('MARK-custom')}" in msg and "fn_cls.apply(l2(h))" in msg
    assert "input 0 element" in msg and "numerical" in msg and "analytical" in msg
    # numerical is twice the analytical one: the missing factor 2 is visible in the numbers
    num = float(msg.split("numerical ")[1].split(",")[0])
    ana = float(msg.split("analytical ")[1].split(",")[0])
    assert num == pytest.approx(2 * ana, rel=1e-4)


def test_report_without_raising_has_one_failing_row_at_the_custom_function():
    x, y = data()
    report = tc.autograd.gradcheck_graph(make_mlp(BuggySquare), (x, y), raise_exception=False)
    assert not report and not report.ok
    names = [r.name for r in report]
    bad = [r for r in report if not r.ok]
    assert [r.name for r in bad] == ["BuggySquareBackward"] == [r.name for r in report.failures]
    k = names.index("BuggySquareBackward")
    assert all(r.ok for r in report.rows[:k]) and all(r.ok for r in report.rows[k + 1:])
    assert bad[0].max_error > 0.1 and bad[0].input_shapes == [(5, 6)]
    assert "BuggySquareBackward" in str(report) and "NO" in str(report)


def test_correct_model_passes_with_a_row_per_node_in_graph_order():
    x, y = data()
    model = make_mlp(Square)
    report = tc.autograd.gradcheck_graph(model, (x, y))
    assert report and report.ok and report.failures == []
    out = model(x, y)
    nodes = reachable_nodes(out)
    assert len(report) == len(nodes) >= 8
    assert sorted(r.name for r in report) == sorted(n.name() for n in nodes)
    assert "SquareBackward" in [r.name for r in report]
    assert all(r.ok and r.max_error < 1e-6 for r in report)
    # graph order from the inputs: every node comes after the nodes that feed it
    pos = {id(r.node): r.index for r in report}
    for r in report:
        for nxt, _ in r.node.next_functions:
            if nxt is not None and nxt.name() != "AccumulateGrad":
                assert pos[id(nxt)] < r.index, (r.name, nxt.name())
    assert report[-1].name == "CrossEntropyBackward0" == report[-1].node.name()
    assert [r.index for r in report] == list(range(len(report)))


def test_row_names_the_users_line():
    x, y = data()
    report = tc.autograd.gradcheck_graph(make_mlp(Square), (x, y))
    custom = [r for r in report if r.name == "SquareBackward"][0]
    assert f"{THIS_FILE}:{line_of('MARK-custom')} in model: h = fn_cls.apply(l2(h))" in custom.created_at
    last = report[-1]
    assert f":{line_of('MARK-loss')} in model" in last.created_at


def test_backward_that_ignores_grad_output_is_caught():
    x = tc.randn(3, 4, dtype=tc.float64, requires_grad=True)
    with pytest.raises(tc.autograd.GradcheckError, match="IgnoresGradOutputBackward"):
        # the sum of a product makes grad_output differ from 1, so ignoring it shows
        tc.autograd.gradcheck_graph(lambda x: (IgnoresGradOutput.apply(x) * x).sum(), x)


def test_two_output_function_and_views_pass():
    x = tc.randn(3, 4, dtype=tc.float64, requires_grad=True)

    def f(x):
        a, b = SplitHalves.apply(x.exp())
        return (a * b).sum() + a[1:].mean()

    report = tc.autograd.gradcheck_graph(f, x)
    assert report.ok and "SplitHalvesBackward" in [r.name for r in report]


def test_float32_model_is_checked_in_float64():
    x, y = data(tc.float32)
    report = tc.autograd.gradcheck_graph(make_mlp(Square, tc.float32), (x, y))
    assert report.ok and all(r.max_error < 1e-6 for r in report)


def test_nodes_the_output_does_not_depend_on_are_left_out():
    x = tc.randn(4, dtype=tc.float64, requires_grad=True)

    def f(x):
        BuggySquare.apply(x)  # computed, unused: not part of the graph of the output
        return x.sin().sum()

    report = tc.autograd.gradcheck_graph(f, x)
    assert [r.name for r in report] == ["SinBackward0", "SumBackward0"]


def test_in_place_ops_and_constants():
    x = tc.randn(3, 3, dtype=tc.float64, requires_grad=True)

    def f(x):
        h = x * 1.5
        h.mul_(tc.arange(3, dtype=tc.float64))  # in place on a non-leaf, a constant operand
        return (h ** 2).sum()

    assert tc.autograd.gradcheck_graph(f, x).ok


def test_apply_is_restored_even_when_fn_raises():
    before = function_module.Function.__dict__["apply"]
    x = tc.randn(2, dtype=tc.float64, requires_grad=True)

    def boom(x):
        x.exp()
        raise KeyError("boom")

    with pytest.raises(KeyError):
        tc.autograd.gradcheck_graph(boom, x)
    assert function_module.Function.__dict__["apply"] is before
    tc.autograd.gradcheck_graph(lambda x: x.exp().sum(), x)
    assert function_module.Function.__dict__["apply"] is before


def test_no_input_requires_grad_is_a_value_error():
    with pytest.raises(ValueError, match="gradcheck_graph"):
        tc.autograd.gradcheck_graph(lambda x: x.sum(), tc.ones(3, dtype=tc.float64))


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(1.5, 4.0), seed=st.integers(0, 2**16))
def test_a_wrong_constant_in_a_backward_is_always_located(scale, seed):
    """A backward off by any factor != 1 is the one failing row, whatever the data."""

    class Scaled(tc.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.tanh()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (1 - x.tanh() ** 2) * scale

    tc.manual_seed(seed)
    x = tc.randn(2, 3, dtype=tc.float64, requires_grad=True)
    w = tc.randn(3, 3, dtype=tc.float64, requires_grad=True)
    report = tc.autograd.gradcheck_graph(lambda x, w: (Scaled.apply(x @ w) ** 2).sum(), (x, w),
                                         raise_exception=False)
    assert [r.name for r in report.failures] == ["ScaledBackward"]


def test_nested_and_threaded_checks_record_only_their_own_ops_and_restore_apply():
    import threading

    before = function_module.Function.__dict__["apply"]
    errors, reports = [], {}
    barrier = threading.Barrier(2)

    def worker(name, cls):
        try:
            tc.manual_seed(0)
            x = tc.randn(3, 2, dtype=tc.float64, requires_grad=True)

            def f(x):
                barrier.wait(timeout=10)  # both threads are recording at the same time
                return (cls.apply(x.sin()) * 2).sum()

            reports[name] = tc.autograd.gradcheck_graph(f, x, raise_exception=False)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=("good", Square)),
               threading.Thread(target=worker, args=("bad", BuggySquare))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [r.name for r in reports["good"]] == ["SinBackward0", "SquareBackward", "MulBackward0", "SumBackward0"]
    assert reports["good"].ok
    assert [r.name for r in reports["bad"].failures] == ["BuggySquareBackward"]
    assert function_module.Function.__dict__["apply"] is before

    # a check inside a checked function: the inner one sees its own graph only
    inner = {}

    def outer(x):
        inner["report"] = tc.autograd.gradcheck_graph(lambda z: z.exp().sum(), x.detach().requires_grad_())
        return x.cos().sum()

    x = tc.randn(2, dtype=tc.float64, requires_grad=True)
    report = tc.autograd.gradcheck_graph(outer, x)
    assert [r.name for r in inner["report"]] == ["ExpBackward0", "SumBackward0"]
    assert [r.name for r in report] == ["CosBackward0", "SumBackward0"]
    assert function_module.Function.__dict__["apply"] is before


class WrongShapeGrad(tc.autograd.Function):
    """exp(x) whose backward returns a gradient of the wrong shape."""

    @staticmethod
    def forward(ctx, x):
        return x.exp()

    @staticmethod
    def backward(ctx, g):
        return g.sum(0)


class NanGrad(tc.autograd.Function):
    """exp(x) whose backward produces NaN."""

    @staticmethod
    def forward(ctx, x):
        return x.exp()

    @staticmethod
    def backward(ctx, g):
        return g * float("nan")


@pytest.mark.parametrize("cls, text", [(WrongShapeGrad, "failed: its backward raised"), (NanGrad, "numerical")])
def test_a_backward_that_raises_or_gives_nan_is_the_named_node(cls, text):
    x = tc.randn(3, 2, dtype=tc.float64, requires_grad=True)
    with pytest.raises(tc.autograd.GradcheckError) as info:
        tc.autograd.gradcheck_graph(lambda x: (cls.apply(x * 2) + 1).sum(), x)
    msg = str(info.value)
    assert f"node 1 ({cls.__name__}Backward)" in msg and text in msg and THIS_FILE in msg
    report = tc.autograd.gradcheck_graph(lambda x: (cls.apply(x * 2) + 1).sum(), x, raise_exception=False)
    assert [r.name for r in report.failures] == [f"{cls.__name__}Backward"] and len(report) == 4

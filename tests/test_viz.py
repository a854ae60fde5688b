"""tc.viz: graph drawing (labels, iterative traversal, collapsing), rendering, plots, surfaces."""
import os
import re
import shutil
import sys

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import nn
from tinygrad_course.viz import draw_graph, render, surfaces
from tinygrad_course.viz.graph import _Tape

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HAVE_DOT = shutil.which("dot") is not None


def _mlp_loss():
    tc.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = tc.randn(5, 3)
    y = tc.randn(5, 2)
    loss = ((model(x) - y) ** 2).mean()
    return model, loss


# ---- draw_graph: what a learner reads ------------------------------------------------------
def test_op_nodes_named_by_op_and_params_by_name_with_shape_and_dtype():
    model, loss = _mlp_loss()
    g = draw_graph(loss, params=dict(model.named_parameters()))
    src = g.source
    for op in ("Relu", "Sub", "Pow", "Mean"):
        assert f"label={op} " in src, op
    assert "label=Linear " in src or "label=MatMul " in src  # fused or composed nn.Linear
    assert "Backward" not in src  # "MulBackward0" is shortened to "Mul"
    for name, shape in (("0.weight", "(4, 3)"), ("0.bias", "(4,)"), ("2.weight", "(2, 4)"), ("2.bias", "(2,)")):
        assert f'"{name}\n{shape} float32' in src, name
    assert "output\nscalar float32" in src
    assert "|grad|" not in src  # show_grads=False


def test_tensor_ops_appear_under_their_op_names():
    x = tc.randn(4, 3)
    w = tc.randn(3, 2, requires_grad=True)
    b = tc.zeros(2, requires_grad=True)
    out = (x @ w + b).relu().exp().sum()
    src = draw_graph(out, params={"w": w, "b": b}).source
    for op in ("MatMul", "Add", "Relu", "Exp", "Sum"):
        assert src.count(f"label={op} ") == 1, op


def test_show_grads_labels_the_gradient_norm_of_each_parameter():
    model, loss = _mlp_loss()
    params = dict(model.named_parameters())
    before = draw_graph(loss, params=params, show_grads=True).source
    assert before.count("grad: none") == 4
    loss.backward()
    src = draw_graph(loss, params=params, show_grads=True).source
    for name, p in params.items():
        norm = float(np.linalg.norm(p.grad.numpy().astype(np.float64)))
        assert f"{name}\n" in src and f"|grad| = {norm:.4g}" in src, name


def test_node_styles_distinguish_ops_leaves_and_output():
    model, loss = _mlp_loss()
    src = draw_graph(loss, params=dict(model.named_parameters())).source
    op_lines = [s for s in src.splitlines() if "label=Relu" in s or "label=Mean" in s]
    assert op_lines and all("shape=box" in s and "lightgrey" in s for s in op_lines)
    leaf_lines = [s for s in src.splitlines() if "lightblue" in s]
    assert len(leaf_lines) == 4 and all("ellipse" in s for s in leaf_lines)
    assert src.count("darkolivegreen1") == 1


def _node_id(src, label_start):
    """The DOT id of the one node whose label starts with ``label_start``."""
    ids = re.findall(r"\t(\w+) \[label=\"?" + re.escape(label_start), src)
    assert len(ids) == 1, (label_start, ids)
    return ids[0]


def test_edges_follow_the_data_flow_from_leaves_to_output():
    a = tc.tensor([1.0, 2.0], requires_grad=True)
    b = tc.tensor([3.0, 4.0], requires_grad=True)
    out = (a * b).sum()
    src = draw_graph(out, params={"a": a, "b": b}).source
    a_, b_, mul, sum_, out_ = (_node_id(src, k) for k in ("a\n", "b\n", "Mul ", "Sum ", "output\n"))
    edges = set(re.findall(r"\t(\w+) -> (\w+)", src))
    assert edges == {(a_, mul), (b_, mul), (mul, sum_), (sum_, out_)}


def test_shared_leaf_and_reused_subgraph_are_drawn_once():
    x = tc.tensor(2.0, requires_grad=True)
    h = x * x  # one Mul, consumed twice below
    out = h + h * x
    src = draw_graph(out, params={"x": x}).source
    assert src.count('"x\n') == 1
    assert src.count("label=Mul ") == 2 and src.count("label=Add ") == 1


def test_custom_function_is_named_by_its_class():
    class Cube(tc.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    x = tc.tensor([1.0], requires_grad=True)
    assert "label=Cube " in draw_graph(Cube.apply(x)).source


def test_leaf_output_and_several_outputs():
    w = tc.ones(2, 3, requires_grad=True)
    src = draw_graph(w, params={"w": w}).source
    assert '"w\n(2, 3) float32' in src and "->" not in src
    a = tc.tensor([1.0], requires_grad=True)
    src = draw_graph([a * 2, a + 1]).source
    assert "output 0" in src and "output 1" in src and src.count("lightblue") == 1


def test_draw_graph_bad_input():
    with pytest.raises(TypeError, match="draw_graph: expected a Tensor"):
        draw_graph(3.0)
    x = tc.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="params must be a dict"):
        draw_graph(x * 2, params=[x])
    with pytest.raises(TypeError, match=r"params\['w'\] is a list"):
        draw_graph(x * 2, params={"w": [1.0]})
    with pytest.raises(ValueError, match="max_nodes must be an int >= 3"):
        draw_graph(x * 2, max_nodes=1)


# ---- big graphs: iterative traversal, collapsing, truncation --------------------------------
def test_100000_op_chain_draws_without_recursion_and_collapses():
    x = tc.ones(1, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # a recursive walk would fail at once
    try:
        g = draw_graph(y, params={"x": x})
    finally:
        sys.setrecursionlimit(old)
    src = g.source
    assert "Mul x 100,000" in src
    assert src.count("label=") == 3  # the run, x, the output
    assert '"x\n(1,) float32' in src


def test_alternating_chain_collapses_into_its_repeating_pattern():
    x = tc.ones(1, requires_grad=True)
    y = x
    for _ in range(3000):
        y = (y * 0.5).tanh()
    src = draw_graph(y, max_nodes=100).source
    assert "(Mul \u2192 Tanh) x 3,000" in src
    assert src.count("label=") == 3


def test_small_graphs_are_not_collapsed():
    x = tc.ones(1, requires_grad=True)
    y = x
    for _ in range(50):
        y = y * 1.0
    src = draw_graph(y).source
    assert src.count("label=Mul ") == 50 and "collapsed" not in src


def test_graph_too_wide_to_collapse_is_truncated_with_a_note_and_a_warning():
    xs = [tc.ones(1, requires_grad=True) for _ in range(60)]
    y = xs[0] * 2
    for x in xs[1:]:
        y = y + x * 2  # every Add has two op inputs: no linear run
    with pytest.warns(UserWarning, match="max_nodes=40"):
        g = draw_graph(y, max_nodes=40)
    src = g.source
    assert "more nodes not drawn" in src and "max_nodes=40" in src
    assert src.count("label=") == 40 + 1  # 39 tape nodes + output, and the note


def test_tape_walk_counts_every_node_once():
    a = tc.tensor([1.0], requires_grad=True)
    b = a * 2
    c = b + b  # b twice through one edge-pair
    tape = _Tape([c.grad_fn])
    assert len(tape) == 3  # Add, Mul, leaf a
    assert tape.consumers == [0, 1, 1]


# ---- render --------------------------------------------------------------------------------
@pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")
def test_render_writes_svg_and_png(tmp_path):
    _, loss = _mlp_loss()
    g = draw_graph(loss)
    svg = render(g, tmp_path / "graph")
    assert svg.endswith("graph.svg") and "<svg" in open(svg).read()
    png = render(g, tmp_path / "graph.png", format="png")
    assert png.endswith("graph.png") and open(png, "rb").read(8) == PNG_MAGIC
    assert sorted(os.listdir(tmp_path)) == ["graph.png", "graph.svg"]  # no temp or .gv files


def test_render_without_dot_says_how_to_install_it(tmp_path, monkeypatch):
    _, loss = _mlp_loss()
    g = draw_graph(loss)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RuntimeError, match="dot") as info:
        render(g, tmp_path / "graph.svg")
    msg = str(info.value)
    assert "apt-get install graphviz" in msg and "brew install graphviz" in msg and ".source" in msg
    assert not list(tmp_path.iterdir())
    assert g.source.startswith("digraph")  # the DOT text needs no binary


def test_render_bad_input(tmp_path):
    with pytest.raises(TypeError, match="graphviz.Digraph"):
        render("digraph {}", tmp_path / "x.svg")


# ---- plots ---------------------------------------------------------------------------------
def test_plot_history_writes_png_from_dict_and_history_object(tmp_path):
    pytest.importorskip("matplotlib")
    from tinygrad_course.viz import plot_history

    h = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.8, 0.9],
         "val_accuracy": [0.4, 0.7, 0.8]}
    fig = plot_history(h, tmp_path / "h.png")
    assert open(tmp_path / "h.png", "rb").read(8) == PNG_MAGIC
    assert len(fig.axes) == 2
    assert [line.get_label() for line in fig.axes[0].lines] == ["train", "validation"]
    np.testing.assert_allclose(fig.axes[1].lines[1].get_ydata(), h["val_accuracy"])

    class History:
        history = {"loss": [3.0, 2.0]}

    fig = plot_history(History(), tmp_path / "loss_only.png")
    assert len(fig.axes) == 1 and os.path.exists(tmp_path / "loss_only.png")


def test_plot_history_bad_input():
    pytest.importorskip("matplotlib")
    from tinygrad_course.viz import plot_history

    with pytest.raises(ValueError, match="no 'loss' or 'accuracy'"):
        plot_history({"lr": [0.1]})
    with pytest.raises(TypeError, match="dict of lists or a History"):
        plot_history([1, 2, 3])


def test_plot_trajectories_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    from tinygrad_course.viz import plot_trajectories

    paths = {"a": [(-1.5, 2.0), (0.0, 0.0), (1.0, 1.0)], "b": np.array([[-1.5, 2.0], [-1.0, 1.0]])}
    fig = plot_trajectories("rosenbrock", paths, tmp_path / "t.png")
    assert open(tmp_path / "t.png", "rb").read(8) == PNG_MAGIC
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines]
    assert "a" in labels and "b" in labels and "minimum" in labels
    fig = plot_trajectories(lambda p: p[0] ** 2 + p[1] ** 2, {"gd": [(1, 1), (0.5, 0.5)]},
                            tmp_path / "f.png", domain=((-2, 2), (-2, 2)))
    assert os.path.exists(tmp_path / "f.png")


def test_plot_trajectories_bad_input():
    pytest.importorskip("matplotlib")
    from tinygrad_course.viz import plot_trajectories

    with pytest.raises(ValueError, match=r"paths\['a'\] must have shape \(T, 2\)"):
        plot_trajectories("beale", {"a": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="unknown surface 'himmelblau'"):
        plot_trajectories("himmelblau", {})
    with pytest.raises(ValueError, match="needs domain"):
        plot_trajectories(lambda p: p[0], {})


def test_plots_without_matplotlib_name_the_install_command(monkeypatch):
    from tinygrad_course.viz import plot_history, plot_trajectories

    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes "import matplotlib" fail
    with pytest.raises(ImportError, match=r"pip install matplotlib.*tinygrad_course\[plot\]"):
        plot_history({"loss": [1.0]})
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_trajectories("saddle", {"a": [(1, 0)]})


# ---- surfaces ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["rosenbrock", "beale"])
def test_surface_minimum_has_zero_value_and_zero_gradient(name):
    s = surfaces.SURFACES[name]
    (m,) = s.minima
    p = tc.tensor(np.array(m), dtype=tc.float64, requires_grad=True)
    f = s(p)
    f.backward()
    assert f.item() == pytest.approx(s.f_min, abs=1e-12)
    np.testing.assert_allclose(p.grad.numpy(), 0.0, atol=1e-12)
    # and it is a minimum: every nearby point is higher
    rng = np.random.default_rng(0)
    near = np.array(m)[:, None] + 1e-3 * rng.standard_normal((2, 200))
    assert np.all(s(near) > s.f_min)


def test_surfaces_match_their_formulas_on_tensors_and_arrays():
    x, y = 0.3, -0.7
    expected = {
        "rosenbrock": (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        "beale": (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
        "saddle": x * x - y * y,
    }
    for name, value in expected.items():
        f = surfaces.SURFACES[name]
        assert f(tc.tensor(np.array([x, y]))).item() == pytest.approx(value, rel=1e-12)
        assert f(np.array([x, y])) == pytest.approx(value, rel=1e-12)


def test_saddle_is_a_stationary_point_that_is_not_a_minimum():
    p = tc.tensor(np.zeros(2), requires_grad=True)
    (g,) = tc.autograd.grad(surfaces.saddle(p), p, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 0.0)
    H = np.stack([tc.autograd.grad(g[i], p, retain_graph=True)[0].numpy() for i in range(2)])
    np.testing.assert_allclose(H, [[2.0, 0.0], [0.0, -2.0]])  # indefinite: a saddle
    assert surfaces.SURFACES["saddle"].minima == () and surfaces.SURFACES["saddle"].target(1e-4) == -1.0


def test_surface_start_points_lie_in_their_domains():
    for s in surfaces.SURFACES.values():
        (x0, x1), (y0, y1) = s.domain
        assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1, s.name
        for m in s.minima:
            assert x0 < m[0] < x1 and y0 < m[1] < y1, s.name
    with pytest.raises(ValueError, match="unknown surface"):
        surfaces.get_surface("nope")

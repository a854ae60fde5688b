"""draw_graph(..., modules=model): module clusters, fused ops as one box, shape-labelled edges,
collapsed RNN time steps, losses named by their op; checked on the DOT source (no ``dot`` needed)."""
import os
import re
import struct
import sys

import pytest

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.viz import ModuleTrace, draw_graph, trace_modules

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "docs")


# ---- reading DOT -----------------------------------------------------------------------------
def nodes(src):
    """{node id: label} of every node statement (labels may span lines)."""
    out = {}
    for nid, label in re.findall(r'^\t+(\w+) \[label=("(?:[^"\\]|\\.)*"|[^ \]]+)', src, flags=re.M):
        out[nid] = label.strip('"')
    return out


def edges(src):
    """[(tail, head, attributes text)] of every edge statement."""
    return re.findall(r"^\t+(\w+) -> (\w+)(?: \[([^\]]*)\])?", src, flags=re.M)


def clusters(src):
    """Labels of the clusters, in order."""
    return re.findall(r"subgraph cluster_\w+ \{\n\t*graph \[[^\]]*label=(\"[^\"]*\"|\S+)", src)


def only(labels, start):
    """The one node id whose label starts with ``start``."""
    ids = [k for k, v in labels.items() if v.startswith(start)]
    assert len(ids) == 1, (start, ids, labels)
    return ids[0]


def edge_label(src, a, b):
    found = [attrs for t, h, attrs in edges(src) if (t, h) == (a, b)]
    assert len(found) == 1, (a, b, found)
    m = re.search(r'label="? ?([^"]*)"?', found[0])
    return m.group(1).strip() if m else ""


# ---- models ----------------------------------------------------------------------------------
class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(4, 6, 3), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(6 * 5 * 5, 12), nn.ReLU(), nn.Linear(12, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def lenet_loss(**draw_kw):
    tc.manual_seed(0)
    model, x, y = LeNet(), tc.randn(2, 1, 26, 26), tc.randint(0, 10, (2,))
    with trace_modules(model) as trace:
        loss = nn.CrossEntropyLoss()(model(x), y)
    return model, x, loss, trace, draw_graph(loss, modules=model, **draw_kw).source


class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2, 5, batch_first=True)
        self.head = nn.Linear(5, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


class CellLoop(nn.Module):
    """An LSTMCell stepped by hand, as in a hand-written RNN."""

    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(2, 5)
        self.head = nn.Linear(5, 1)

    def forward(self, x):
        state = None
        for t in range(x.shape[1]):
            state = self.cell(x[:, t], state)
        return self.head(state[0])


def lstm_graph(model, steps, **draw_kw):
    tc.manual_seed(0)
    x, y = tc.randn(3, steps, 2), tc.randn(3, 1)
    with trace_modules(model):
        loss = F.mse_loss(model(x), y)
    return loss, draw_graph(loss, modules=model, **draw_kw).source


# ---- LeNet -----------------------------------------------------------------------------------
def test_lenet_draws_one_box_per_layer_named_by_module_with_no_kernels_showing():
    model, x, loss, _, src = lenet_loss()
    labels = nodes(src)
    text = "\n".join(labels.values())
    for kernel in ("ConvGemm", "GatherFlat", "Rsqrt", "Unfold", "Mean"):
        assert kernel not in text, kernel
    for name, m in model.named_modules():
        if name.count(".") == 1:  # every layer: one node, "features.0: Conv2d(1, 4, 3)"
            assert sum(v.startswith(f"{name}: {type(m).__name__}") for v in labels.values()) == 1, name
    assert labels[only(labels, "features.0: ")].startswith("features.0: Conv2d(1, 4, 3)\n")
    assert sorted(clusters(src)) == ['"classifier: Sequential"', '"features: Sequential"']
    n_layers = len(model.features) + len(model.classifier)
    assert len(labels) == n_layers + 2  # + the loss box + the loss oval
    assert src.count("fillcolor=wheat") == 2 + 2 + 2 + 2 + 1  # 2 conv, 2 bn, 2 pool, 2 linear, the loss


def test_lenet_parameters_are_written_in_their_layer_box():
    model, *_, src = lenet_loss()
    labels = nodes(src)
    conv = labels[only(labels, "features.4: ")]
    w, b = model.features[4].weight, model.features[4].bias
    assert f"weight {tuple(w.shape)}" in conv and f"bias {tuple(b.shape)}" in conv
    assert "lightblue" not in src  # no parameter oval left outside a box


def test_lenet_edges_carry_the_shapes_of_the_tensors_between_layers():
    model, x, _, _, src = lenet_loss()
    labels = nodes(src)
    h = x
    for i, layer in enumerate(model.features):  # expected shapes from running the layers one by one
        h = layer(h)
        if i + 1 < len(model.features):
            a, b = only(labels, f"features.{i}: "), only(labels, f"features.{i + 1}: ")
            assert edge_label(src, a, b) == str(tuple(h.shape)), i
    flat = only(labels, "classifier.0: ")
    assert edge_label(src, only(labels, "features.7: "), flat) == str(tuple(h.shape))
    assert edge_label(src, flat, only(labels, "classifier.1: ")) == str((h.shape[0], h[0].numel()))


def test_loss_is_named_by_its_module_or_op():
    *_, src = lenet_loss()
    labels = nodes(src)
    assert labels[only(labels, "loss")].startswith("loss (CrossEntropyLoss)\nscalar float32")
    assert only(labels, "CrossEntropyLoss") in labels


@pytest.mark.parametrize("loss_fn, name", [
    (lambda p, t: F.mse_loss(p, t), "MSELoss"),
    (lambda p, t: nn.L1Loss()(p, t), "L1Loss"),
    (lambda p, t: F.smooth_l1_loss(p, t), "SmoothL1Loss"),
    (lambda p, t: ((p - t) ** 2).mean(), None),
])
def test_traced_losses_are_named_by_their_function_or_module(loss_fn, name):
    model = nn.Linear(3, 2)
    with trace_modules(model):
        loss = loss_fn(model(tc.randn(4, 3)), tc.randn(4, 2))
    src = draw_graph(loss, modules=model).source
    title = f"loss ({name})" if name else "output"
    assert f'"{title}\nscalar float32' in src


def test_fused_losses_are_named_without_tracing():
    x = tc.randn(4, 3, requires_grad=True)
    assert '"loss (CrossEntropyLoss)\n' in draw_graph(F.cross_entropy(x, tc.tensor([0, 2, 1, 1]))).source


def test_expand_shows_the_inside_of_fused_modules():
    model, _, _, _, src = lenet_loss(expand=True)
    labels = nodes(src)
    text = "\n".join(labels.values())
    assert "ConvGemm" in text or "Conv" in text.replace("Conv2d", "")
    assert "Sqrt" in text or "Rsqrt" in text  # batch norm's arithmetic is back
    assert any(c.startswith('"features.1: BatchNorm2d(4)') for c in clusters(src))
    assert src.count("lightblue") == sum(1 for _ in model.parameters())  # parameters are ovals again
    _, _, _, _, folded = lenet_loss()
    assert len(labels) > len(nodes(folded)) + 10
    # expand a chosen module only
    _, _, _, _, one = lenet_loss(expand=["features.1"])
    assert any(c.startswith('"features.1: BatchNorm2d(4)') for c in clusters(one))
    assert not any(c.startswith('"features.5') for c in clusters(one))


# ---- RNNs ------------------------------------------------------------------------------------
@pytest.mark.parametrize("steps", [5, 12])
def test_lstm_time_steps_collapse_into_one_cluster_with_the_count(steps):
    loss, src = lstm_graph(Forecaster(), steps, expand=["lstm"])
    labels = nodes(src)
    assert f'"LSTM cell x {steps}"' in clusters(src)
    assert sum(v == "Sigmoid" for v in labels.values()) == 1  # one step drawn, not `steps`
    assert len(labels) <= 40
    plain = nodes(draw_graph(loss).source)  # the same tape without modules
    assert sum(v == "Sigmoid" for v in plain.values()) == steps and len(plain) > 3 * len(labels)
    # the state carried to the next step: dashed edges inside the cell, labelled with its shape
    recurrent = [a for *_, a in edges(src) if "dashed" in a]
    assert len(recurrent) == 2 and all("(3, 5) (next step)" in a for a in recurrent)


def test_each_layer_and_direction_of_a_deep_bidirectional_lstm_is_its_own_run_of_steps():
    model = nn.LSTM(2, 4, num_layers=2, bidirectional=True, batch_first=True)
    with trace_modules(model):
        loss = model(tc.randn(3, 6, 2))[0].sum()
    found = sorted(c for c in clusters(draw_graph(loss, modules=model, expand=True).source) if "cell" in c)
    assert found == [f'"LSTM cell {tag} x 6"' for tag in ("l0", "l0_reverse", "l1", "l1_reverse")]


def test_lstm_is_one_box_by_default_saying_how_many_steps_it_hides():
    _, src = lstm_graph(Forecaster(), 12)
    labels = nodes(src)
    lstm = labels[only(labels, "lstm: LSTM(2, 5, batch_first=True)")]
    assert "(12 steps)" in lstm and "weight_hh_l0 (20, 5)" in lstm
    assert len(labels) <= 6 and not clusters(src)


def test_hand_written_cell_loop_collapses_into_one_box_with_a_self_loop():
    model = CellLoop()
    _, src = lstm_graph(model, 12)
    labels = nodes(src)
    cell = only(labels, "cell: LSTMCell(2, 5) x 12")
    assert (cell, cell) in [(a, b) for a, b, _ in edges(src)]  # the state feeds the next call
    assert len(labels) <= 6
    _, inside = lstm_graph(CellLoop(), 4, expand=True)
    assert '"cell: LSTMCell(2, 5) x 4"' in clusters(inside)


# ---- trace_modules ---------------------------------------------------------------------------
def test_trace_modules_leaves_no_trace_and_changes_no_values():
    model = Forecaster()
    x = tc.randn(2, 4, 2)
    before = model(x).detach().numpy()
    mse = F.mse_loss
    with trace_modules(model) as trace:
        inside = model(x).detach().numpy()
        assert F.mse_loss is not mse
    assert isinstance(trace, ModuleTrace) and len(trace.calls) == 1 + 1 + 4 + 1  # root, lstm, 4 steps, head
    assert (inside == before).all() and (model(x).detach().numpy() == before).all()
    assert F.mse_loss is mse and "_cell" not in model.lstm.__dict__
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


def test_modules_accepts_the_trace_and_defaults_params_to_the_models():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    with trace_modules(model) as trace:
        out = model(tc.randn(2, 3)).sum()
    a, b = draw_graph(out, modules=trace).source, draw_graph(out, modules=model).source
    assert a == b and "weight (4, 3), bias (4,)" in a


def test_custom_module_is_a_cluster_of_its_ops_with_its_parameter_ovals():
    class Gate(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(tc.ones(3))

        def forward(self, x):
            return (x * self.w).sigmoid() * x

    model = nn.Sequential(nn.Linear(2, 3), Gate())
    with trace_modules(model):
        out = model(tc.randn(4, 2)).sum()
    src = draw_graph(out, modules=model).source
    assert clusters(src) == ['"1: Gate()"']
    body = src.split("subgraph cluster_")[1].split("}")[0]
    assert "label=Sigmoid" in body and body.count("label=Mul") == 2 and '"w\n(3,) float32' in body


def test_bad_input():
    model = nn.Linear(2, 2)
    out = model(tc.randn(1, 2)).sum()
    with pytest.raises(ValueError, match=r"modules=Linear was not traced.*trace_modules"):
        draw_graph(out, modules=nn.Linear(2, 2))
    with pytest.raises(TypeError, match="modules must be an nn.Module"):
        draw_graph(out, modules=3)
    with trace_modules(model):
        out = model(tc.randn(1, 2)).sum()
    with pytest.raises(TypeError, match="expand must be a bool or a list"):
        draw_graph(out, modules=model, expand=3)
    with pytest.raises(TypeError, match="trace_modules: expected one or more nn.Module, got int"):
        with trace_modules(3):
            pass


def test_deep_model_draws_iteratively_and_truncates_with_a_note():
    model = nn.Sequential(*[nn.Tanh() for _ in range(400)])
    x = tc.randn(2, requires_grad=True)
    with trace_modules(model):
        out = model(x).sum()
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(150)
    try:
        src = draw_graph(out, modules=model).source
    finally:
        sys.setrecursionlimit(old)
    assert len(nodes(src)) == 400 + 3  # 400 layers, Sum, x, output
    with pytest.warns(UserWarning, match="max_nodes=50"):
        src = draw_graph(out, modules=model, max_nodes=50).source
    assert "more nodes not drawn" in src and len(nodes(src)) == 50 + 1


# ---- the pictures in docs/ -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["graph_mlp", "graph_lenet", "graph_lstm"])
def test_docs_drawings_fit_on_one_screen(name):
    path = os.path.join(DOCS, name + ".png")
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width <= 1280 and height <= 1000, (width, height)

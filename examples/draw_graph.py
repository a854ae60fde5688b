"""Draw the computation graph (the tape) behind the losses of an MLP, a LeNet and an LSTM, by module.

    with tc.viz.trace_modules(model):          # records which nodes each submodule creates
        loss = F.cross_entropy(model(x), y)
    loss.backward()
    tc.viz.draw_graph(loss, modules=model, show_grads=True)

Each submodule is a labelled cluster ("features.0: Conv2d(1, 6, 5)") holding its parameters (light-blue
ovals: shape, dtype, |grad|); a fused op (Conv2d, BatchNorm2d, MaxPool2d, Linear, a loss) is one
rounded box, ``expand=True`` (or a list of submodule names) draws its inside; edges carry the shape of
the tensor flowing on them; the 12 time steps of the LSTM are drawn once, "LSTM cell x 12", the state
carried to the next step by dashed edges; the green oval is the loss, named by its op.
Writes graph_mlp, graph_lenet and graph_lstm (.svg and .png) with Graphviz's dot; without dot, .gv.

    python examples/draw_graph.py [--out docs] [--quick]
"""
import os

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.viz import draw_graph, render, trace_modules

from _common import example_parser


class LeNet(nn.Module):
    """LeNet-5 with batch norm, for 1x28x28 digits: features (conv, bn, relu, pool) x 2, then a classifier."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84),
                                        nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class Forecaster(nn.Module):
    """An LSTM reads a sequence (batch, steps, 1); a linear head predicts the next value from the last state."""

    def __init__(self, hidden=16):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def models():
    """(name, model, loss function of the model, draw_graph keyword arguments) for the three drawings."""
    tc.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x, y = tc.randn(16, 4), tc.randint(0, 3, (16,))
    lenet = LeNet()
    images, labels = tc.randn(8, 1, 28, 28), tc.randint(0, 10, (8,))
    criterion = nn.CrossEntropyLoss()
    lstm = Forecaster()
    seq, target = tc.randn(8, 12, 1), tc.randn(8, 1)
    return [
        ("graph_mlp", mlp, lambda: F.cross_entropy(mlp(x), y), {}),
        ("graph_lenet", lenet, lambda: criterion(lenet(images), labels), {}),
        ("graph_lstm", lstm, lambda: F.mse_loss(lstm(seq), target), {"expand": ["lstm"]}),
    ]


def main(argv=None):
    ap = example_parser(__doc__, "folder for graph_{mlp,lenet,lstm}.svg/.png", "draw only the MLP")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name, model, loss_fn, kw in models()[:1 if args.quick else None]:
        with trace_modules(model):
            loss = loss_fn()
        loss.backward()
        graph = draw_graph(loss, modules=model, show_grads=name == "graph_mlp", **kw)
        graph.attr(size="10,10")  # at most 960 x 960 px: one screen (dot scales down only when larger)
        if name == "graph_mlp":
            print(graph.source)
        base = os.path.join(args.out, name)
        try:
            for fmt in ("svg", "png"):
                print(f"wrote {os.path.normpath(render(graph, base, format=fmt))}")
        except RuntimeError as e:
            print(e)
            print(f"wrote {os.path.normpath(graph.save(base + '.gv'))} (the DOT source) instead")


if __name__ == "__main__":
    main()

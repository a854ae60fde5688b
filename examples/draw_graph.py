"""Draw the computation graph (the tape) behind a small MLP's loss, with gradient norms.

    loss = cross_entropy(Linear(8, 3)(relu(Linear(4, 8)(x))), y);  loss.backward()
    tc.viz.draw_graph(loss, params=dict(model.named_parameters()), show_grads=True)

Grey boxes are ops (each one a Function whose backward the engine runs in reverse order),
light-blue ovals the parameters (name, shape, dtype, |grad|), the green oval the loss.
Writes graph_mlp.svg (and graph_mlp.png) with Graphviz's dot; without dot, graph_mlp.gv.

    python examples/draw_graph.py [--out docs] [--quick]
"""
import os

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.viz import draw_graph, render

from _common import example_parser


def main(argv=None):
    ap = example_parser(__doc__, "folder for graph_mlp.svg/.png", "accepted for symmetry with the other examples")
    args = ap.parse_args(argv)

    tc.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    x = tc.randn(16, 4)
    y = tc.randint(0, 3, (16,))
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    graph = draw_graph(loss, params=dict(model.named_parameters()), show_grads=True)
    print(graph.source)

    os.makedirs(args.out, exist_ok=True)
    base = os.path.join(args.out, "graph_mlp")
    try:
        for fmt in ("svg", "png"):
            print(f"wrote {os.path.normpath(render(graph, base, format=fmt))}")
    except RuntimeError as e:
        print(e)
        print(f"wrote {os.path.normpath(graph.save(base + '.gv'))} (the DOT source) instead")


if __name__ == "__main__":
    main()

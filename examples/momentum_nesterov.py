"""Momentum vs Nesterov: "keep the ball rolling" vs "a slightly more clever ball".

    momentum:  v <- eta v + gamma grad f(W)            W <- W - v
    Nesterov:  v <- eta v + gamma grad f(W - eta v)    W <- W - v   (the gradient at the look-ahead point)

Both run with the SAME gamma and eta on an ill-conditioned quadratic valley f = (x^2 + 20 y^2)/2
and on Rosenbrock's banana valley. tc.optim.SGD(nesterov=True) is PyTorch's rule, whose parameter
is the look-ahead point W - eta v; the paths drawn here are the lecture's W (converted by
tc.viz.race.lecture_iterate: W = p + eta * lr * momentum_buffer).

The point: momentum overshoots across the valley floor and zigzags; Nesterov's look-ahead
gradient brakes before the far wall, so it crosses fewer times and less far. Measured by the
signed distance d across the floor (y for the quadratic, y - x^2 for Rosenbrock): the number of
visible crossings of the floor and the largest |d| after the first crossing ("overshoot").

    python examples/momentum_nesterov.py [--out docs] [--quick]
"""
import os

import numpy as np

import tinygrad_course as tc
from tinygrad_course.viz import surfaces
from tinygrad_course.viz.race import lecture_iterate

from _common import example_parser, pyplot, save_figure

MOMENTUM = 0.9
# one gamma per surface, shared by both methods; gamma * lambda_max stays well below Nesterov's
# stability limit 2 (1 + eta) / (1 + 2 eta) ~ 1.36 (near it Nesterov zigzags more, not less)
LR = {"valley": 0.025, "rosenbrock": 5e-4}
STEPS = {"valley": 150, "rosenbrock": 3000}
QUICK_STEPS = {"valley": 150, "rosenbrock": 600}


def floor_distance(surface: str, path: np.ndarray) -> np.ndarray:
    """Signed distance across the valley floor at each point: y (quadratic), y - x^2 (Rosenbrock)."""
    x, y = path[:, 0], path[:, 1]
    return y if surface == "valley" else y - x * x


def overshoot(d: np.ndarray, visible: float = 0.01):
    """(number of visible crossings of the floor, largest |d| after the first crossing; 0 if none).

    A crossing is a sign change of d that lands more than ``visible * |d_0|`` past the floor (the
    endless sub-pixel crossings of a converging spiral are not counted)."""
    s = np.sign(d)
    cross = np.nonzero(s[1:] * s[:-1] < 0)[0]
    n_visible = int(np.sum(np.abs(d[cross + 1]) > visible * abs(d[0])))
    return n_visible, (float(np.abs(d[cross[0] + 1:]).max()) if len(cross) else 0.0)


def trajectory(surface: str, nesterov: bool, lr: float, momentum: float = MOMENTUM, steps: int = 100):
    """The lecture's iterates W_0..W_steps of SGD with momentum (or Nesterov) from the surface's start,
    and f(W_t); returns (path (steps+1, 2), losses (steps+1,))."""
    surf = surfaces.get_surface(surface)
    p = tc.tensor(np.array(surf.start, dtype=np.float64), requires_grad=True)
    opt = tc.optim.SGD([p], lr=lr, momentum=momentum, nesterov=nesterov)
    path = [lecture_iterate(opt, p)]
    for _ in range(steps):
        opt.zero_grad()
        surf(p).backward()
        opt.step()
        path.append(lecture_iterate(opt, p))
    path = np.array(path)
    return path, surf.fn(path.T)


def compare(quick: bool = False) -> dict:
    """The numbers behind the picture: for each surface, both methods' paths, losses, distance
    across the floor, crossings and overshoot, at the same lr and momentum."""
    out = {}
    for surface in ("valley", "rosenbrock"):
        steps = (QUICK_STEPS if quick else STEPS)[surface]
        res = {"lr": LR[surface], "momentum": MOMENTUM, "steps": steps}
        for name, nest in (("Momentum", False), ("Nesterov", True)):
            path, losses = trajectory(surface, nest, LR[surface], MOMENTUM, steps)
            d = floor_distance(surface, path)
            crossings, over = overshoot(d)
            res[name] = {"path": path, "losses": losses, "d": d, "crossings": crossings, "overshoot": over}
        out[surface] = res
    return out


def main(argv=None):
    ap = example_parser(__doc__, "folder for momentum_nesterov.png")
    args = ap.parse_args(argv)
    res = compare(args.quick)
    print(f"{'surface':<11} {'method':<9} {'lr':>7} {'eta':>4} {'crossings':>9} {'overshoot':>9} {'final f':>10}")
    for surface, r in res.items():
        for name in ("Momentum", "Nesterov"):
            m = r[name]
            print(f"{surface:<11} {name:<9} {r['lr']:>7g} {r['momentum']:>4g} {m['crossings']:>9d} "
                  f"{m['overshoot']:>9.3f} {m['losses'][-1]:>10.2e}")

    plt = pyplot()
    if plt is None:
        return res
    from tinygrad_course.viz.plots import plot_losses, plot_trajectories

    fig, axes = plt.subplots(2, 3, figsize=(16, 8.4), gridspec_kw={"width_ratios": [1.5, 1, 1]})
    zoom = {"valley": ((-4.5, 1.0), (-1.1, 1.2)), "rosenbrock": ((-1.7, 1.3), (-0.4, 2.6))}
    floor_label = {"valley": "y", "rosenbrock": "y - x²"}
    for row, (surface, r) in zip(axes, res.items()):
        ax_path, ax_d, ax_loss = row
        paths = {f"{n}: {r[n]['crossings']} crossings, overshoot {r[n]['overshoot']:.2f}": r[n]["path"]
                 for n in ("Momentum", "Nesterov")}
        plot_trajectories(surface, paths, ax=ax_path, domain=zoom[surface], levels=18,
                          title=f"{surface}: same γ = {r['lr']:g}, η = {r['momentum']:g}; the iterate W")
        xs = np.linspace(*zoom[surface][0], 200)
        ax_path.plot(xs, np.zeros_like(xs) if surface == "valley" else xs ** 2, "k--", lw=0.8)
        for i, n in enumerate(("Momentum", "Nesterov")):
            d = r[n]["d"]
            ax_d.plot(np.arange(len(d)), d, f"C{i}-", lw=1.3, label=n)
        ax_d.axhline(0.0, color="k", ls="--", lw=0.8, label="valley floor")
        ax_d.set_xlim(0, 60 if surface == "valley" else 400)
        ax_d.set_xlabel("step t")
        ax_d.set_ylabel(f"distance across the floor  d = {floor_label[surface]}")
        ax_d.set_title("overshoot across the valley")
        ax_d.grid(alpha=0.3)
        ax_d.legend(fontsize=8)
        plot_losses({n: r[n]["losses"] for n in ("Momentum", "Nesterov")}, ax=ax_loss, f_min=0.0,
                    title="loss f(W_t)")
    fig.suptitle("momentum rolls past the valley floor; Nesterov's look-ahead gradient brakes first", fontsize=12)
    path = save_figure(fig, os.path.join(args.out, "momentum_nesterov.png"))
    print(f"wrote {os.path.normpath(path)}")
    return res


if __name__ == "__main__":
    main()

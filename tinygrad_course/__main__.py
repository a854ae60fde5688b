"""Command line: ``python -m tinygrad_course train ...`` and ``python -m tinygrad_course race ...``.

``train`` trains the lecture's MLP (or a small CNN) on digits / MNIST / moons with a progress bar,
prints the test accuracy and writes curves, history, weights and the computation graph into
``--out``. ``race`` runs every optimizer on a 2D surface and plots their paths.
"""
import argparse
import sys
import time
from typing import List, Optional

__all__ = ["main", "build_parser"]

SURFACES = ("rosenbrock", "beale", "saddle")


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return v


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return v


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``python -m tinygrad_course``."""
    from .cli_train import DATASETS, DEFAULT_LR, MODELS, OPTIMIZERS

    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_course",
        description="tinygrad_course: train the lecture's networks, or race the optimizers on a 2D surface.")
    sub = parser.add_subparsers(dest="command", metavar="{train,race}")
    sub.required = True

    t = sub.add_parser("train", help="train a model with a progress bar; write curves, weights and the graph",
                       description="Train the lecture's MLP (input -> 512 -> classes, ReLU) or a small CNN with "
                                   "a PyTorch-style loop; print the test accuracy; write curves.png, history.csv, "
                                   "model.npz and the graph of one batch's loss into --out.")
    t.add_argument("--dataset", choices=DATASETS, default="digits",
                   help="digits: the bundled 8x8 UCI digits (default); mnist: MNIST via load_mnist; moons: 2D toy")
    t.add_argument("--model", choices=MODELS, default="mlp", help="mlp (default) or cnn (images only)")
    t.add_argument("--optimizer", choices=OPTIMIZERS, default="rmsprop",
                   help="default: rmsprop (the lecture's Keras choice)")
    t.add_argument("--epochs", type=_positive_int, default=10, help="default: 10")
    t.add_argument("--batch-size", type=_positive_int, default=32, help="default: 32")
    t.add_argument("--lr", type=_positive_float, default=None,
                   help="learning rate; default per optimizer: " + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_LR.items()))
    t.add_argument("--out", default=None, help="output folder (default: runs/<timestamp>/)")
    t.add_argument("--seed", type=int, default=0, help="seed for the split, initialisation and shuffling (default 0)")
    t.add_argument("--data-dir", default=None, help="folder of the MNIST files (default: load_mnist's cache)")
    t.add_argument("--no-download", action="store_true", help="do not try to download MNIST")
    t.add_argument("--quiet", action="store_true", help="no progress bars")
    t.set_defaults(_parser=t)

    r = sub.add_parser("race", help="race SGD, momentum, Nesterov, Adagrad, RMSprop, Adam, NAdam, Newton on a surface",
                       description="Run every optimizer from the same start on a 2D loss surface; print final losses "
                                   "and steps to tolerance; plot their paths over the contours (race_<surface>.png).")
    r.add_argument("--surface", choices=SURFACES, default="rosenbrock", help="default: rosenbrock")
    r.add_argument("--out", default=".", help="output folder (default: the current directory)")
    r.add_argument("--steps", type=_positive_int, default=None, help="maximum steps per optimizer (default per surface)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; return the exit code (argparse exits with 2 on usage errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "train":
        if args.model == "cnn" and args.dataset == "moons":
            args._parser.error("--model cnn needs images: use --dataset digits or mnist (or --model mlp for moons)")
        from .cli_train import DataUnavailable, train

        out = args.out if args.out is not None else f"runs/{time.strftime('%Y%m%d-%H%M%S')}"
        try:
            train(dataset=args.dataset, model=args.model, optimizer=args.optimizer, epochs=args.epochs,
                  batch_size=args.batch_size, lr=args.lr, out=out, seed=args.seed, data_dir=args.data_dir,
                  download=not args.no_download, progress=not args.quiet)
        except DataUnavailable as e:
            print(f"error: the {args.dataset} dataset is not available:\n{e}", file=sys.stderr)
            return 2
        return 0
    from .viz.race import run_race

    run_race(args.surface, out=args.out, steps=args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m tinygrad_course {train,evaluate,race}`` and ``--version``.

``train`` trains the lecture's MLP (or a small CNN) on digits / MNIST / moons with a progress bar
into a run folder (config.json first, then checkpoint, weights, history and curves after every
epoch); ``train --resume RUN_DIR`` continues a run, ``evaluate RUN_DIR`` scores its weights on the
held-out ('val') split. ``race`` runs every optimizer on a 2D surface and plots their paths.

Exit codes: 0 done, 1 training stopped on a non-finite loss, 2 usage error (bad argument, bad
``--out``, dataset unavailable), 130 interrupted by Ctrl-C.
"""
import argparse
import os
import sys
import time
from typing import List, Optional

__all__ = ["main", "build_parser"]

SURFACES = ("rosenbrock", "beale", "saddle")
# train's defaults, applied after parsing so that --resume can tell which arguments were given
TRAIN_DEFAULTS = {"dataset": "digits", "model": "mlp", "optimizer": "rmsprop", "epochs": 10, "batch_size": 32,
                  "lr": None, "seed": 0}
# what a resumed run may still choose; everything else comes from its config.json
RESUME_OPTIONS = ("epochs", "data_dir", "no_download", "quiet", "allow_nan")


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


def _seed(text: str) -> int:
    from .cli_train import MAX_SEED

    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2**64 - 1], got {text!r}") from None
    if not 0 <= v <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2**64 - 1], got {text!r}")
    return v


def _version() -> str:
    import platform

    import numpy as np

    from . import __version__

    return f"tinygrad_course {__version__} (Python {platform.python_version()}, NumPy {np.__version__})"


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``python -m tinygrad_course``.

    >>> build_parser().parse_args(["train", "--epochs", "3"]).epochs
    3
    """
    from .cli_train import DATASETS, DEFAULT_LR, MODELS, OPTIMIZERS

    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_course",
        description="tinygrad_course: train the lecture's networks, evaluate a run, or race the optimizers on a "
                    "2D surface.",
        epilog="exit codes: 0 done, 1 stopped on a non-finite loss, 2 usage error, 130 interrupted (Ctrl-C)")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="{train,evaluate,race}")
    sub.required = True

    t = sub.add_parser("train", help="train a model into a run folder (or continue one with --resume)",
                       description="Train the lecture's MLP (input -> 512 -> classes, ReLU) or a small CNN with "
                                   "a PyTorch-style loop; print the val accuracy. --out gets config.json first, then "
                                   "checkpoint.npz, model.npz, history.csv and curves.png after every epoch, and "
                                   "the graph of one batch's loss at the end. Ctrl-C stops after the current batch "
                                   "and keeps the epochs done (exit 130).")
    t.add_argument("--dataset", choices=DATASETS, default=None,
                   help="digits: the bundled 8x8 UCI digits (default); mnist: MNIST via load_mnist; moons: 2D toy")
    t.add_argument("--model", choices=MODELS, default=None, help="mlp (default) or cnn (images only)")
    t.add_argument("--optimizer", choices=OPTIMIZERS, default=None,
                   help="default: rmsprop (the lecture's Keras choice)")
    t.add_argument("--epochs", type=_positive_int, default=None,
                   help="default: 10; with --resume, the total to reach (default: the run's)")
    t.add_argument("--batch-size", type=_positive_int, default=None, help="default: 32")
    t.add_argument("--lr", type=_positive_float, default=None,
                   help="learning rate; default per optimizer: " + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_LR.items()))
    t.add_argument("--out", default=None, help="output folder, created if missing; one holding a run is refused unless --overwrite "
                                      "(default: runs/<timestamp>/)")
    t.add_argument("--seed", type=_seed, default=None,
                   help="seed for the split, initialisation and shuffling, in [0, 2**64 - 1] (default 0)")
    t.add_argument("--resume", metavar="RUN_DIR", default=None,
                   help="continue the run in RUN_DIR from its last finished epoch (its config.json gives the other "
                        "arguments)")
    t.add_argument("--overwrite", action="store_true",
                   help="replace the run already in --out (default: refuse, and point to --resume)")
    t.add_argument("--allow-nan", action="store_true", help="go on when the loss is not finite (default: stop, exit 1)")
    t.add_argument("--data-dir", default=None, help="folder of the MNIST files (default: load_mnist's cache)")
    t.add_argument("--no-download", action="store_true", help="do not try to download MNIST")
    t.add_argument("--quiet", action="store_true", help="no progress bars")
    t.set_defaults(_parser=t)

    e = sub.add_parser("evaluate", help="print the val accuracy of a run folder's model.npz",
                       description="Rebuild the model of RUN_DIR from its config.json, load model.npz and print its "
                                   "accuracy and loss on the run's held-out ('val') split.")
    e.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by `train`")
    e.add_argument("--data-dir", default=None, help="folder of the MNIST files (default: load_mnist's cache)")
    e.add_argument("--no-download", action="store_true", help="do not try to download MNIST")
    e.set_defaults(_parser=e)

    r = sub.add_parser("race", help="race SGD, momentum, Nesterov, Adagrad, RMSprop, Adam, NAdam, Newton on a surface",
                       description="Run every optimizer from the same start on a 2D loss surface; print final losses "
                                   "and steps to tolerance; write race_<surface>.json (arguments, versions) first, "
                                   "race_<surface>.csv after each optimizer and their paths over the contours "
                                   "(race_<surface>.png) at the end. Ctrl-C keeps the optimizers done (exit 130).")
    r.add_argument("--surface", choices=SURFACES, default="rosenbrock", help="default: rosenbrock")
    r.add_argument("--out", default=".", help="output folder (default: the current directory)")
    r.add_argument("--steps", type=_positive_int, default=None, help="maximum steps per optimizer (default per surface)")
    r.set_defaults(_parser=r)
    return parser


def _train(args, argv: List[str]) -> int:
    from .cli_train import EXIT_DIVERGED, EXIT_INTERRUPTED, DataUnavailable, RunError, train

    p = args._parser
    if args.resume is not None:
        given = [k for k in TRAIN_DEFAULTS if k not in RESUME_OPTIONS and getattr(args, k) is not None]
        given += [k for k in ("out", "overwrite") if getattr(args, k)]
        if given:
            p.error(f"--resume continues a run with the arguments in {os.path.join(args.resume, 'config.json')}: "
                    f"{', '.join('--' + k.replace('_', '-') for k in given)} cannot be given (only --epochs, "
                    "--allow-nan, --quiet, --data-dir and --no-download)")
    else:
        for k, v in TRAIN_DEFAULTS.items():
            if getattr(args, k) is None:
                setattr(args, k, v)
        if args.model == "cnn" and args.dataset == "moons":
            p.error("--model cnn needs images: use --dataset digits or mnist (or --model mlp for moons)")
    out = args.out
    if out is None and args.resume is None:
        out = f"runs/{time.strftime('%Y%m%d-%H%M%S')}"
        base, i = out, 2
        while os.path.exists(out):  # two runs started in the same second
            out, i = f"{base}-{i}", i + 1
    try:
        summary = train(dataset=args.dataset, model=args.model, optimizer=args.optimizer, epochs=args.epochs,
                        batch_size=args.batch_size, lr=args.lr, out=out, seed=args.seed, data_dir=args.data_dir,
                        download=not args.no_download, progress=not args.quiet, allow_nan=args.allow_nan,
                        resume=args.resume, argv=argv, overwrite=args.overwrite)
    except RunError as e:
        p.error(str(e))
    except DataUnavailable as e:
        dataset = args.dataset or "run's"
        print(f"error: the {dataset} dataset is not available:\n{e}", file=sys.stderr)
        return 2
    return {"finished": 0, "diverged": EXIT_DIVERGED, "interrupted": EXIT_INTERRUPTED}[summary["status"]]


def _evaluate(args) -> int:
    from .cli_train import DataUnavailable, RunError, evaluate

    try:
        evaluate(args.run_dir, data_dir=args.data_dir, download=not args.no_download)
    except RunError as e:
        args._parser.error(str(e))
    except DataUnavailable as e:
        print(f"error: the run's dataset is not available:\n{e}", file=sys.stderr)
        return 2
    return 0


def _race(args, argv: List[str]) -> int:
    import csv
    import io
    import json

    from .cli_train import RunError, check_out, versions
    from .utils.atomic import atomic_write
    from .viz import race

    try:
        check_out(args.out, fresh=False)  # before racing: a bad --out costs nothing
    except RunError as e:
        args._parser.error(str(e))
    stem = os.path.join(args.out, f"race_{args.surface}")
    config = {"command": "race", "arguments": {"surface": args.surface, "out": args.out, "steps": args.steps},
              "argv": list(argv), "versions": versions(), "created": time.strftime("%Y-%m-%d %H:%M:%S")}
    atomic_write(stem + ".json", json.dumps(config, indent=2) + "\n")
    rows: List[list] = []

    def on_result(name: str, r: dict) -> None:
        rows.append([name, f"{r['lr']:.6g}", f"{r['final_loss']:.6g}",
                     "" if r["steps_to_tol"] is None else r["steps_to_tol"], r["steps"], r["status"],
                     f"{r['seconds']:.3f}"])
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["optimizer", "lr", "final_loss", "steps_to_tol", "steps", "status", "seconds"])
        w.writerows(rows)
        atomic_write(stem + ".csv", buf.getvalue())

    try:
        race.run_race(args.surface, out=args.out, steps=args.steps, on_result=on_result)
    except KeyboardInterrupt:
        done = ", ".join(r[0] for r in rows) or "none"
        print(f"interrupted (Ctrl-C): {stem}.csv keeps the optimizers done ({done})", file=sys.stderr, flush=True)
        return 130
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; return the exit code (argparse exits with 2 on usage errors).

    >>> main(["train", "--epochs", "1", "--out", "runs/try"])
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            return _train(args, argv)
        if args.command == "evaluate":
            return _evaluate(args)
        return _race(args, argv)
    except KeyboardInterrupt:
        # Ctrl-C outside the training loop (loading data, a second Ctrl-C): one line, no traceback
        print("interrupted (Ctrl-C)", file=sys.stderr, flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(main())

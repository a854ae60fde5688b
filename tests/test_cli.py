"""python -m tinygrad_course train / race: outputs, printed accuracy, bad arguments, nothing half-written."""
import csv
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.__main__ import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _accuracy(out: str) -> float:
    m = re.search(r"val accuracy: ([0-9.]+)", out)
    assert m, out
    return float(m.group(1))


def _has_matplotlib():
    from tinygrad_course.viz._mpl import have_matplotlib

    return have_matplotlib()


def test_train_digits_one_epoch_writes_everything(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--epochs", "1", "--batch-size", "64", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert _accuracy(printed) > 0.7
    files = set(os.listdir(out))
    assert {"history.csv", "model.npz"} <= files
    assert ("graph.svg" in files) or ("graph.gv" in files)
    assert ("curves.png" in files) == _has_matplotlib()
    assert not [f for f in files if "tmp" in f or f.startswith(".")]  # no temporary leftovers
    with open(out / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and set(rows[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    assert float(rows[0]["val_accuracy"]) == pytest.approx(_accuracy(printed), abs=1e-4)
    state = tc.load(str(out / "model.npz"))
    assert tuple(state["0.weight"].shape) == (512, 64) and tuple(state["2.weight"].shape) == (10, 512)
    # the saved weights load into the README's plain Sequential and reproduce the printed accuracy
    from tinygrad_course.cli_train import load_data

    model = tc.nn.Sequential(tc.nn.Linear(64, 512), tc.nn.ReLU(), tc.nn.Linear(512, 10))
    model.load_state_dict(state)
    _, _, x_te, y_te = load_data("digits", seed=0)
    model.eval()
    with tc.no_grad():
        acc = float((model(tc.from_numpy(x_te.reshape(len(x_te), -1))).argmax(1).numpy() == y_te).mean())
    assert acc == pytest.approx(_accuracy(printed), abs=1e-4)
    graph = "graph.svg" if "graph.svg" in files else "graph.gv"
    text = (out / graph).read_text()
    assert "0.weight" in text  # parameters are labelled by name


def test_train_progress_bar_shows_epoch_batch_loss_accuracy(tmp_path, capsys):
    assert main(["train", "--epochs", "1", "--batch-size", "256", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "epoch 1/1" in err and "6/6" in err and "loss=" in err and "accuracy=" in err


def test_module_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tinygrad_course", "train", "--epochs", "1", "--quiet",
                           "--model", "cnn", "--optimizer", "adam", "--out", str(tmp_path / "cnn")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert _accuracy(proc.stdout) > 0.3
    assert "model.npz" in os.listdir(tmp_path / "cnn")


def test_default_output_folder_is_a_timestamped_run(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--epochs", "1", "--quiet", "--dataset", "moons"]) == 0
    runs = os.listdir(tmp_path / "runs")
    assert len(runs) == 1 and re.fullmatch(r"\d{8}-\d{6}", runs[0])
    assert "model.npz" in os.listdir(tmp_path / "runs" / runs[0])


@pytest.mark.parametrize("opt", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "nadam"])
def test_every_optimizer_trains(opt, tmp_path, capsys):
    assert main(["train", "--epochs", "3", "--optimizer", opt, "--dataset", "moons", "--out", str(tmp_path),
                 "--quiet"]) == 0
    assert _accuracy(capsys.readouterr().out) > 0.75


def test_optimizer_names_map_to_tc_optim():
    from tinygrad_course.cli_train import make_optimizer

    p = [tc.zeros(3, requires_grad=True)]
    expect = {"sgd": (tc.optim.SGD, 0, False), "momentum": (tc.optim.SGD, 0.9, False),
              "nesterov": (tc.optim.SGD, 0.9, True), "adagrad": (tc.optim.Adagrad, None, None),
              "rmsprop": (tc.optim.RMSprop, 0, None), "adam": (tc.optim.Adam, None, None),
              "nadam": (tc.optim.NAdam, None, None)}
    for name, (cls, momentum, nesterov) in expect.items():
        opt = make_optimizer(name, p, lr=0.123)
        group = opt.param_groups[0]
        assert type(opt) is cls and group["lr"] == 0.123
        if momentum is not None:
            assert group["momentum"] == momentum
        if nesterov is not None:
            assert group["nesterov"] == nesterov


@pytest.mark.slow
def test_defaults_reach_95_percent(tmp_path, capsys):
    assert main(["train", "--out", str(tmp_path), "--quiet"]) == 0
    assert _accuracy(capsys.readouterr().out) >= 0.95


def test_without_dot_writes_graph_source_and_a_hint(tmp_path, capsys, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    assert main(["train", "--epochs", "1", "--out", str(tmp_path), "--quiet", "--dataset", "moons"]) == 0
    printed = capsys.readouterr().out
    assert "graph.gv" in os.listdir(tmp_path) and "graph.svg" not in os.listdir(tmp_path)
    assert "dot" in printed and "graph.gv" in printed
    assert (tmp_path / "graph.gv").read_text().startswith("digraph")


def test_without_matplotlib_writes_csv_and_a_hint(tmp_path, capsys, monkeypatch):
    from tinygrad_course.viz import _mpl

    monkeypatch.setattr(_mpl, "have_matplotlib", lambda: False)
    assert main(["train", "--epochs", "1", "--out", str(tmp_path), "--quiet", "--dataset", "moons"]) == 0
    printed = capsys.readouterr().out
    assert "curves.png" not in os.listdir(tmp_path) and "history.csv" in os.listdir(tmp_path)
    assert "matplotlib" in printed


def test_mnist_from_local_idx_files(tmp_path, capsys):
    from tinygrad_course.datasets import write_idx

    rng = np.random.default_rng(0)
    for prefix, n in (("train", 64), ("t10k", 32)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = (rng.random((n, 28, 28)) * 50).astype(np.uint8)
        images[np.arange(n), labels * 2, :] = 255  # a learnable stripe per class
        write_idx(tmp_path / f"{prefix}-images-idx3-ubyte", images)
        write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte", labels)
    out = tmp_path / "run"
    assert main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--no-download", "--epochs", "3",
                 "--out", str(out), "--quiet"]) == 0
    assert _accuracy(capsys.readouterr().out) > 0.5
    assert tuple(tc.load(str(out / "model.npz"))["0.weight"].shape) == (512, 784)


def test_mnist_unavailable_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "mnist", "--data-dir", str(tmp_path / "empty"), "--no-download",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "train-images-idx3-ubyte" in err and "t10k-labels-idx1-ubyte" in err
    assert not out.exists()


@pytest.mark.parametrize("argv", [
    ["trian"], [], ["train", "--dataset", "cifar"], ["train", "--optimizer", "adamw"], ["train", "--epochs", "0"],
    ["train", "--epochs", "two"], ["train", "--lr", "-1"], ["train", "--batch-size", "0"], ["train", "--bogus"],
    ["train", "--model", "cnn", "--dataset", "moons"], ["race", "--surface", "himmelblau"],
])
def test_bad_arguments_exit_with_usage(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert "usage:" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_race_calls_viz_run_race(tmp_path, monkeypatch):
    from tinygrad_course.viz import race

    monkeypatch.chdir(tmp_path)  # `race` writes race_<surface>.json into its --out, "." by default

    calls = []
    monkeypatch.setattr(race, "run_race", lambda surface, out=".", steps=None, **kw: calls.append((surface, out, steps)))
    assert main(["race", "--surface", "beale", "--out", str(tmp_path), "--steps", "7"]) == 0
    assert main(["race"]) == 0
    assert calls == [("beale", str(tmp_path), 7), ("rosenbrock", ".", None)]


def test_race_runs_for_real(tmp_path, capsys):
    assert main(["race", "--surface", "saddle", "--out", str(tmp_path), "--steps", "20"]) == 0
    out = capsys.readouterr().out
    assert "Adam" in out and "Newton" in out
    assert ("race_saddle.png" in os.listdir(tmp_path)) == _has_matplotlib()

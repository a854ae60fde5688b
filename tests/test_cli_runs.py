"""CLI run folders keep what they did: --out checked first, config.json first, files after every epoch,
Ctrl-C (a real SIGINT) keeps the epochs done, --resume continues them exactly, evaluate, divergence, --version."""
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import cli_train
from tinygrad_course.__main__ import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOONS = ["--dataset", "moons", "--quiet"]  # 800 training samples: 25 batches of 32 per epoch


def _rows(run) -> list:
    with open(os.path.join(run, "history.csv")) as f:
        return list(csv.DictReader(f))


def _val_accuracy(text: str) -> float:
    m = re.search(r"val accuracy: ([0-9.]+)", text)
    assert m, text
    return float(m.group(1))


def _accuracy_of_saved_mlp(run) -> float:
    """The README's way: a plain Sequential built by hand, model.npz loaded, scored on the digits val split."""
    model = tc.nn.Sequential(tc.nn.Linear(64, 512), tc.nn.ReLU(), tc.nn.Linear(512, 10))
    model.load_state_dict(tc.load(os.path.join(run, "model.npz")))
    _, _, x_val, y_val = cli_train.load_data("digits", seed=0)
    model.eval()
    with tc.no_grad():
        return float((model(tc.from_numpy(x_val.reshape(len(x_val), -1))).argmax(1).numpy() == y_val).mean())


def _no_leftovers(run) -> None:
    assert not [f for f in os.listdir(run) if f.startswith(".") or "tmp" in f]


def _stepping(monkeypatch, on_step):
    """Make the CLI's optimizer call ``on_step(k)`` after its k-th step (k from 1)."""
    real = cli_train.make_optimizer
    count = [0]

    def make(name, params, lr=None):
        opt = real(name, params, lr)
        step = opt.step

        def counted(*a, **k):
            r = step(*a, **k)
            count[0] += 1
            on_step(count[0])
            return r

        opt.step = counted
        return opt

    monkeypatch.setattr(cli_train, "make_optimizer", make)
    return count


# ---------------------------------------------------------------- Ctrl-C

def test_real_sigint_stops_cleanly_and_keeps_the_epochs_done(tmp_path):
    run = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "tinygrad_course", "train", "--epochs", "500", "--quiet",
                             "--out", str(run)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not (run / "history.csv").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the first epoch's files never appeared"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted (Ctrl-C)"), err
    assert "--resume" in lines[0] and "Traceback" not in err
    config = json.loads((run / "config.json").read_text())
    assert config["arguments"]["epochs"] == 500 and config["arguments"]["seed"] == 0
    done = tc.load(str(run / "checkpoint.npz"))["epoch"]
    rows = _rows(run)
    assert 1 <= done < 500 and [int(r["epoch"]) for r in rows] == list(range(1, done + 1))
    assert f"epoch{'s 1-' if done > 1 else ' '}{done}" in lines[0]
    # model.npz is the last finished epoch's: it reproduces that epoch's val accuracy
    assert _accuracy_of_saved_mlp(run) == pytest.approx(float(rows[-1]["val_accuracy"]), abs=1e-5)
    _no_leftovers(run)


def test_interrupt_mid_epoch_then_resume_equals_an_uninterrupted_run(tmp_path, monkeypatch, capsys):
    straight = cli_train.train(dataset="moons", epochs=3, out=str(tmp_path / "a"), progress=False)
    capsys.readouterr()

    # a real SIGINT to this process during epoch 2 (after its 10th batch)
    _stepping(monkeypatch, lambda k: os.kill(os.getpid(), signal.SIGINT) if k == 25 + 10 else None)
    run = str(tmp_path / "b")
    stopped = cli_train.train(dataset="moons", epochs=3, out=run, progress=False)
    err = capsys.readouterr().err.strip().splitlines()
    assert stopped["status"] == "interrupted" and stopped["epochs"] == 1
    assert len(err) == 1 and "during epoch 2/3 after batch 10/25" in err[0] and "keeps epoch 1;" in err[0]
    assert len(_rows(run)) == 1 and tc.load(os.path.join(run, "checkpoint.npz"))["epoch"] == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored
    monkeypatch.undo()

    resumed = cli_train.train(resume=run, epochs=None, progress=False)
    assert resumed["status"] == "finished" and resumed["epochs"] == 3
    assert resumed["history"] == straight["history"]  # same batches, same RNG, same optimizer state
    a, b = tc.load(str(tmp_path / "a" / "model.npz")), tc.load(os.path.join(run, "model.npz"))
    assert all(np.array_equal(a[k].numpy(), b[k].numpy()) for k in a)
    assert [int(r["epoch"]) for r in _rows(run)] == [1, 2, 3]


def test_ctrl_c_before_the_first_epoch_ends_keeps_config_and_resume_starts_over(tmp_path, monkeypatch, capsys):
    _stepping(monkeypatch, lambda k: os.kill(os.getpid(), signal.SIGINT) if k == 3 else None)
    run = tmp_path / "run"
    assert main(["train", "--epochs", "2", "--out", str(run)] + MOONS) == 130
    assert "keeps no epoch" in capsys.readouterr().err
    assert sorted(os.listdir(run)) == ["config.json"]
    with pytest.raises(SystemExit) as e:
        main(["evaluate", str(run)])
    assert e.value.code == 2 and "no model.npz" in capsys.readouterr().err
    monkeypatch.undo()
    assert main(["train", "--resume", str(run), "--quiet"]) == 0
    assert [int(r["epoch"]) for r in _rows(run)] == [1, 2]


def test_overwrite_replaces_a_run_and_leaves_none_of_its_files(tmp_path, monkeypatch, capsys):
    run = tmp_path / "run"
    assert main(["train", "--epochs", "2", "--out", str(run)] + MOONS) == 0
    assert "model.npz" in os.listdir(run)
    _stepping(monkeypatch, lambda k: os.kill(os.getpid(), signal.SIGINT) if k == 3 else None)
    assert main(["train", "--epochs", "1", "--seed", "5", "--out", str(run), "--overwrite"] + MOONS) == 130
    assert sorted(os.listdir(run)) == ["config.json"]  # the old run's weights cannot pass for the new run's
    assert json.loads((run / "config.json").read_text())["arguments"]["seed"] == 5


# ---------------------------------------------------------------- resume, evaluate

def test_resume_counts_epochs_on_and_records_each_session(tmp_path, capsys):
    run = str(tmp_path / "run")
    assert main(["train", "--epochs", "1", "--out", run, "--dataset", "moons", "--seed", "7"]) == 0
    assert main(["train", "--resume", run, "--epochs", "3"]) == 0
    err = capsys.readouterr().err
    assert "epoch 2/3" in err and "epoch 3/3" in err and "epoch 1/3" not in err
    assert [int(r["epoch"]) for r in _rows(run)] == [1, 2, 3]
    config = json.loads(open(os.path.join(run, "config.json")).read())
    assert config["arguments"]["epochs"] == 3 and config["arguments"]["seed"] == 7
    assert [(s["from_epoch"], s["to_epoch"]) for s in config["sessions"]] == [(0, 1), (1, 3)]
    straight = cli_train.train(dataset="moons", epochs=3, seed=7, out=str(tmp_path / "straight"), progress=False)
    assert [float(r["val_accuracy"]) for r in _rows(run)] == \
        pytest.approx(straight["history"]["val_accuracy"], abs=1e-6)


@pytest.mark.parametrize("argv, needle", [
    (["--lr", "0.1"], "--lr"), (["--dataset", "digits"], "--dataset"), (["--seed", "1"], "--seed"),
    (["--out", "elsewhere"], "--out"), (["--overwrite"], "--overwrite"), (["--epochs", "1"], "already has 1 epochs done"),
])
def test_resume_refuses_changed_arguments(argv, needle, tmp_path, capsys, monkeypatch):
    run = str(tmp_path / "run")
    assert main(["train", "--epochs", "1", "--out", run] + MOONS) == 0
    before = open(os.path.join(run, "config.json")).read()
    with pytest.raises(SystemExit) as e:
        main(["train", "--resume", run] + argv)
    assert e.value.code == 2 and needle in capsys.readouterr().err
    assert open(os.path.join(run, "config.json")).read() == before


def test_evaluate_prints_the_runs_last_val_accuracy(tmp_path, capsys):
    run = str(tmp_path / "run")
    assert main(["train", "--epochs", "2", "--out", run, "--quiet"]) == 0
    trained = _val_accuracy(capsys.readouterr().out)
    assert main(["evaluate", run]) == 0
    out = capsys.readouterr().out
    assert _val_accuracy(out) == trained == pytest.approx(float(_rows(run)[-1]["val_accuracy"]), abs=1e-4)
    assert "2 epochs" in out
    # the README's rebuild: config.json's model_code, or the plain Sequential by hand
    config = json.loads(open(os.path.join(run, "config.json")).read())
    assert config["model_code"] == "nn.Sequential(nn.Linear(64, 512), nn.ReLU(), nn.Linear(512, 10))"
    model, _ = cli_train.load_run(run)
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
    assert _accuracy_of_saved_mlp(run) == pytest.approx(trained, abs=1e-4)


@pytest.mark.parametrize("make", ["missing", "empty", "bad_json"])
def test_evaluate_refuses_what_is_not_a_run(make, tmp_path, capsys):
    run = tmp_path / "x"
    if make != "missing":
        run.mkdir()
    if make == "bad_json":
        (run / "config.json").write_text("{not json")
    with pytest.raises(SystemExit) as e:
        main(["evaluate", str(run)])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "usage:" in err and str(run) in err


@pytest.mark.parametrize("broken", ["model.npz", "checkpoint.npz"])
def test_a_corrupt_file_is_a_usage_error_naming_it(broken, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "--epochs", "1", "--out", str(run)] + MOONS) == 0
    (run / broken).write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(SystemExit) as e:
        main(["evaluate", str(run)] if broken == "model.npz" else ["train", "--resume", str(run), "--epochs", "2"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and broken in err and "Traceback" not in err


# ---------------------------------------------------------------- what is written when

def test_config_first_then_every_file_after_every_epoch(tmp_path, monkeypatch, capsys):
    from tinygrad_course.viz._mpl import have_matplotlib

    run = tmp_path / "run"
    seen = {}

    def check(k):
        if k == 1:  # the first batch is done: only config.json exists
            seen[1] = sorted(os.listdir(run))
        if k == 26:  # the first batch of epoch 2: epoch 1 is on disk
            seen[26] = (sorted(os.listdir(run)), len(_rows(run)), tc.load(str(run / "checkpoint.npz"))["epoch"])

    _stepping(monkeypatch, check)
    assert main(["train", "--epochs", "2", "--out", str(run), "--seed", "3"] + MOONS) == 0
    assert seen[1] == ["config.json"]
    files = {"checkpoint.npz", "config.json", "history.csv", "model.npz"} | ({"curves.png"} if have_matplotlib() else set())
    assert seen[26] == (sorted(files), 1, 1)
    config = json.loads((run / "config.json").read_text())
    assert config["arguments"] == {"dataset": "moons", "model": "mlp", "optimizer": "rmsprop", "epochs": 2,
                                   "batch_size": 32, "lr": 0.001, "seed": 3, "allow_nan": False}
    import platform

    assert config["versions"] == {"python": platform.python_version(), "numpy": np.__version__,
                                  "tinygrad_course": tc.__version__}
    assert config["argv"][0] == "train" and "--seed" in config["argv"]
    _no_leftovers(run)


def test_one_name_for_the_held_out_split(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    from tinygrad_course.viz import _mpl

    legends = []
    real = _mpl.save

    def spy(fig, path, dpi=90):
        legends.append({t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()})
        return real(fig, path, dpi=dpi)

    monkeypatch.setattr(_mpl, "save", spy)
    assert main(["train", "--epochs", "1", "--out", str(tmp_path / "r"), "--dataset", "moons"]) == 0
    cap = capsys.readouterr()
    assert legends and legends[-1] == {"train", "val"}
    assert "val_accuracy=" in cap.err and "val accuracy:" in cap.out
    assert not re.search(r"test[ _](accuracy|loss)", cap.out + cap.err)
    assert set(_rows(tmp_path / "r")[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}


# ---------------------------------------------------------------- bad --out, divergence, seed, version

@pytest.mark.parametrize("case", ["file", "under_file", "existing_run", "read_only"])
def test_bad_out_is_a_usage_error_before_any_data_or_training(case, tmp_path, capsys, monkeypatch):
    target = tmp_path / "out"
    if case == "file":
        target.write_text("x")
    elif case == "under_file":
        (tmp_path / "f").write_text("x")
        target = tmp_path / "f" / "run"
    elif case == "existing_run":
        target.mkdir()
        (target / "config.json").write_text("{}")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        target = ro / "run"
    before = sorted(p.name for p in tmp_path.rglob("*"))

    def no_data(*a, **k):
        raise AssertionError("data loaded before --out was checked")

    monkeypatch.setattr(cli_train, "load_data", no_data)
    t0 = time.perf_counter()
    with pytest.raises(SystemExit) as e:
        main(["train", "--out", str(target)])
    assert time.perf_counter() - t0 < 1.0
    err = capsys.readouterr().err
    assert e.value.code == 2 and "usage:" in err and "--out" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_bad_out_in_a_subprocess_exits_2(tmp_path):
    (tmp_path / "f").write_text("x")
    proc = subprocess.run([sys.executable, "-m", "tinygrad_course", "train", "--out", str(tmp_path / "f")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stderr and "Traceback" not in proc.stderr


def test_non_finite_loss_stops_with_a_message_and_exit_1(tmp_path, capsys):
    run = tmp_path / "run"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["train", "--lr", "1e30", "--out", str(run), "--quiet"]) == 1
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]  # no NumPy overflow chatter
    err = capsys.readouterr().err
    assert "loss is nan" in err and "--allow-nan" in err and "--lr" in err and len(err.strip().splitlines()) == 1
    assert sorted(os.listdir(run)) == ["config.json"]


def test_allow_nan_goes_on(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "--lr", "1e30", "--allow-nan", "--epochs", "2", "--out", str(run)] + MOONS) == 0
    assert "diverged (epoch 2)" in capsys.readouterr().err
    assert len(_rows(run)) == 2


@pytest.mark.oracle
def test_seed_range_and_negative_seed(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    # torch.manual_seed's upper bound is 2**64 - 1; it also takes negative seeds, which the CLI
    # refuses (tc.manual_seed takes non-negative seeds only): a usage error, not a NumPy traceback
    torch.manual_seed(2**64 - 1)
    with pytest.raises((RuntimeError, ValueError)):
        torch.manual_seed(2**64)
    for bad in ("-1", str(2**64), "1.5"):
        with pytest.raises(SystemExit) as e:
            main(["train", "--seed", bad, "--out", str(tmp_path / "r")])
        err = capsys.readouterr().err
        assert e.value.code == 2 and "--seed" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()
    assert main(["train", "--seed", str(2**64 - 1), "--epochs", "1", "--out", str(tmp_path / "big")] + MOONS) == 0


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert out.startswith(f"tinygrad_course {tc.__version__} ") and np.__version__ in out


# ---------------------------------------------------------------- race

def test_race_writes_config_first_then_results_and_keeps_them_on_ctrl_c(tmp_path, capsys, monkeypatch):
    from tinygrad_course.viz import race

    real = race._run_one
    done = []

    def run_one(surf, name, *a):
        if len(done) == 1:
            assert json.loads((tmp_path / "race_beale.json").read_text())["arguments"]["steps"] == 5
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(name)
        return real(surf, name, *a)

    monkeypatch.setattr(race, "_run_one", run_one)
    assert main(["race", "--surface", "beale", "--steps", "5", "--out", str(tmp_path)]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "SGD, Momentum" in err[0]
    with open(tmp_path / "race_beale.csv") as f:
        assert [r["optimizer"] for r in csv.DictReader(f)] == ["SGD", "Momentum"]
    _no_leftovers(tmp_path)


def test_race_bad_out_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    with pytest.raises(SystemExit) as e:
        main(["race", "--out", str(tmp_path / "f")])
    assert e.value.code == 2 and "usage:" in capsys.readouterr().err

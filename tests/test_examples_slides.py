"""The numbers behind the lecture's pictures (not the pixels): each example's data function is called
and the slide's point is asserted on what it returns."""
import numpy as np
import pytest

from _helpers import HAVE_MPL, load_example, run_example, written


def _grad(surface, w):
    x, y = w
    if surface == "valley":
        return np.array([x, 20.0 * y])
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])  # rosenbrock


def _lecture_path(surface, start, gamma, eta, nesterov, steps):
    """The slide's formulas, written out: v <- eta v + gamma grad f(W [- eta v]); W <- W - v."""
    w, v, path = np.array(start, dtype=float), np.zeros(2), [np.array(start, dtype=float)]
    for _ in range(steps):
        v = eta * v + gamma * _grad(surface, w - eta * v if nesterov else w)
        w = w - v
        path.append(w)
    return np.array(path)


# ---------------------------------------------------------------- momentum vs Nesterov

@pytest.mark.parametrize("surface", ["valley", "rosenbrock"])
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_nesterov_paths_are_the_lecture_iterates(surface, nesterov):
    mod = load_example("momentum_nesterov")
    from tinygrad_course.viz import surfaces

    lr = mod.LR[surface]
    path, losses = mod.trajectory(surface, nesterov, lr, 0.9, steps=60)
    expected = _lecture_path(surface, surfaces.SURFACES[surface].start, lr, 0.9, nesterov, 60)
    np.testing.assert_allclose(path, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses, surfaces.SURFACES[surface].fn(expected.T), rtol=1e-9)


def test_overshoot_measure():
    mod = load_example("momentum_nesterov")
    # crossings landing within 1% of |d_0| of the floor are not counted
    assert mod.overshoot(np.array([1.0, 0.5, -0.3, 0.2, -0.001, 0.0005])) == (2, 0.3)
    assert mod.overshoot(np.array([1.0, 0.5, 0.1])) == (0, 0.0)


def test_momentum_overshoots_the_valley_nesterov_less_at_the_same_lr():
    mod = load_example("momentum_nesterov")
    res = mod.compare(quick=True)
    for surface in ("valley", "rosenbrock"):
        r = res[surface]
        m, n = r["Momentum"], r["Nesterov"]
        assert r["momentum"] == 0.9 and r["lr"] == mod.LR[surface]  # one gamma, one eta for both
        assert m["overshoot"] > 3 * n["overshoot"], surface
        assert m["crossings"] > 3 * max(n["crossings"], 1), surface
        # the floor distance is the one of the plotted path
        np.testing.assert_allclose(m["d"], mod.floor_distance(surface, m["path"]))
        # and both still go down the valley
        assert m["losses"][-1] < 1e-2 * m["losses"][0] and n["losses"][-1] < 1e-2 * n["losses"][0]


def test_momentum_nesterov_example(tmp_path):
    out = run_example("momentum_nesterov.py", tmp_path)
    assert out.count("Momentum") == 2 and out.count("Nesterov") == 2
    assert written(tmp_path) == (["momentum_nesterov.png"] if HAVE_MPL else [])


# ---------------------------------------------------------------- Adagrad vs RMSprop

@pytest.mark.parametrize("name", ["Adagrad", "RMSprop"])
def test_effective_step_is_the_factor_the_optimizer_applies(name):
    import tinygrad_course as tc

    mod = load_example("adaptive_lr")
    X, Y, _ = mod.data()
    model = tc.nn.Linear(10, 1).double()
    opt = mod.make_optimizer(name, model.parameters())
    for _ in range(3):
        before = [p.detach().numpy().copy() for p in model.parameters()]
        opt.zero_grad()
        tc.nn.functional.mse_loss(model(X[:16]), Y[:16]).backward()
        grads = np.concatenate([p.grad.numpy().ravel() for p in model.parameters()])
        opt.step()
        moved = np.concatenate([(b - p.detach().numpy()).ravel() for b, p in zip(before, model.parameters())])
        # W_{t+1} = W_t - gamma / sqrt(G_{t+1} + eps) * grad (G already holds this step's gradient)
        np.testing.assert_allclose(moved, mod.effective_step(opt) * grads, rtol=1e-10, atol=1e-15)


def test_adagrad_step_size_dies_rmsprop_does_not():
    mod = load_example("adaptive_lr")
    res = mod.compare(quick=True)
    ada, rms = res["Adagrad"]["effective"], res["RMSprop"]["effective"]
    t = res["Adagrad"]["steps"]
    assert res["Adagrad"]["lr"] == res["RMSprop"]["lr"]
    # Adagrad: G only grows, so every percentile of the step only falls, like 1/sqrt(t)
    assert np.all(np.diff(ada, axis=0) <= 1e-15)
    assert ada[-1, 1] < 0.1 * ada[9, 1]
    late = slice(len(t) // 2, None)
    scaled = ada[late, 1] * np.sqrt(t[late])
    assert scaled.max() < 1.3 * scaled.min()
    # RMSprop forgets: its step does not fall, and once at the minimum (last third) it stays level
    assert rms[-1, 1] > rms[99, 1]
    last = slice(2 * len(t) // 3, None)
    assert rms[last, 1].max() < 1.2 * rms[last, 1].min()
    assert rms[-1, 1] > 100 * ada[-1, 1]
    # and the consequence on the loss: RMSprop reaches the noise floor, Adagrad is still far
    assert res["RMSprop"]["final_loss"] < 1.5 * mod.NOISE ** 2 < 10 * mod.NOISE ** 2 < res["Adagrad"]["final_loss"]


def test_adaptive_lr_example(tmp_path):
    out = run_example("adaptive_lr.py", tmp_path)
    assert "Adagrad" in out and "RMSprop" in out
    assert written(tmp_path) == (["adaptive_lr.png"] if HAVE_MPL else [])


# ---------------------------------------------------------------- batch vs mini-batch vs stochastic

def test_gd_variants_at_equal_gradient_evaluations_and_equal_time():
    import tinygrad_course as tc

    mod = load_example("gradient_descent_variants")
    X_np, y_np = tc.datasets.load_digits()
    X, Y = tc.from_numpy(X_np[:300] / 16.0), tc.from_numpy(y_np[:300])
    res = mod.compare(X, Y, epochs=2, seconds=0.3)
    ev, tm = res["equal_evals"], res["equal_time"]
    batch, mini, sgd = (name for name, _, _ in mod.VARIANTS)
    # the same budget of per-sample gradients: N per batch step, B per mini-batch step, 1 per SGD step
    assert ev[batch]["evals"][-1] == ev[mini]["evals"][-1] == ev[sgd]["evals"][-1] == 2 * 300
    assert ev[batch]["updates"][-1] == 2 and ev[mini]["updates"][-1] == 2 * 10 and ev[sgd]["updates"][-1] == 600
    # the slide's point: per gradient evaluation, frequent updates win
    assert ev[mini]["loss"][-1] < ev[batch]["loss"][-1] and ev[sgd]["loss"][-1] < ev[batch]["loss"][-1]
    for name in (batch, mini, sgd):
        assert tm[name]["seconds"][-1] >= 0.3  # each ran for the whole time budget
        assert np.all(np.diff(tm[name]["seconds"]) >= 0) and np.all(np.diff(tm[name]["evals"]) > 0)
        assert len(ev[name]["batch_losses"]) == ev[name]["updates"][-1]
    # at equal time batch GD takes many steps, not the 2 of the evaluation budget
    assert tm[batch]["updates"][-1] > 2
    assert tm[batch]["loss"][-1] < ev[batch]["loss"][-1]
    with pytest.raises(ValueError, match="exactly one of"):
        mod.train(X, Y, 32, 0.1)


def test_gradient_descent_variants(tmp_path):
    out = run_example("gradient_descent_variants.py", tmp_path)
    for name in ("batch GD", "mini-batch GD (B=32)", "stochastic GD (B=1)"):
        assert name in out
    assert "(same evals)" in out and "(same time)" in out
    assert written(tmp_path) == (["gradient_descent_variants.png"] if HAVE_MPL else [])


# ---------------------------------------------------------------- Newton vs first-order methods

def test_nesterov_and_momentum_beat_gd_on_the_convex_problem_newton_beats_all():
    mod = load_example("newton_vs_gd")
    c = mod.compare(quick=True)
    res, tol = c["results"], c["tol"]
    assert list(res) == ["GD", "Momentum", "Nesterov", "Newton", "NewtonCG", "L-BFGS"]
    assert c["eta"] == pytest.approx((np.sqrt(c["kappa"]) - 1) / (np.sqrt(c["kappa"]) + 1))
    assert c["kappa"] == pytest.approx(c["L"] / c["mu"]) and 0 < c["mu"] <= mod.LAM
    for m, (its, secs, gaps) in res.items():
        assert its[0] == 0 and len(its) == len(secs) == len(gaps)
        assert np.all(gaps > 0), m
    reached = {m: its[-1] for m, (its, _, gaps) in res.items() if gaps[-1] <= tol}
    # all from W = 0 on the same f: the same first gap
    assert len({round(g[0], 12) for _, _, g in res.values()}) == 1
    # GD (600 steps) is still far; momentum and Nesterov (same gamma = 1/L) get there
    assert "GD" not in reached and res["GD"][2][-1] > 100 * tol
    assert reached["Nesterov"] < 600 and reached["Momentum"] < 600
    assert reached["Newton"] <= 10 and reached["NewtonCG"] <= 10 and reached["L-BFGS"] < 60
    assert reached["Newton"] < reached["Nesterov"]


# ---------------------------------------------------------------- the perceptron's mistakes per epoch

def test_perceptron_mistakes_per_epoch_reach_zero_when_the_training_set_is_separated():
    mod = load_example("perceptron")
    W, b, mistakes, acc, Xtr, ytr = mod.run("XO", 20, 10, 50, seed=0)
    assert mistakes[-1] == 0 and len(mistakes) < 50 and all(isinstance(m, int) for m in mistakes)
    # the final 0 of the plot means what it says: every training image is on the right side
    pred = ((mod.flat(Xtr) @ W.T + b).numpy()[:, 0] > 0).astype(int)
    np.testing.assert_array_equal(pred, ytr)
    # and a nonzero count before means the rule moved w in that epoch
    _, _, first = mod.train_perceptrons(mod.flat(Xtr), mod.tc.from_numpy(ytr[:, None].astype(np.float32)), epochs=1)
    assert first == mistakes[:1] and first[0] > 0


# ---------------------------------------------------------------- embeddings

def test_embedding_windows_and_neighbours():
    mod = load_example("embedding")
    ids = mod.corpus(50, seed=3)
    X, Y = mod.windows(ids)
    np.testing.assert_array_equal(Y, ids[2:])
    np.testing.assert_array_equal(X[:, 0], ids[:-2])
    np.testing.assert_array_equal(X[:, 1], ids[1:-1])
    E = np.eye(len(mod.VOCAB))
    E[mod.INDEX["dog"]] = E[mod.INDEX["cat"]] + 0.1 * E[mod.INDEX["dog"]]
    assert mod.neighbours(E, ["cat"], k=1) == {"cat": ["dog"]}  # never the word itself


def test_embedding_learns_the_grammar_and_puts_classes_together():
    mod = load_example("embedding")
    res = mod.train(800)
    # the loss can't beat the corpus' conditional entropy H(w_t | w_{t-2}, w_{t-1}): counted here
    X, Y = mod.windows(mod.corpus(2000, seed=0))
    from collections import Counter

    joint, ctx = Counter(zip(map(tuple, X), Y)), Counter(map(tuple, X))
    H = -sum(c * np.log(c / ctx[k[0]]) for k, c in joint.items()) / len(Y)
    assert H - 1e-6 <= res["final_loss"] < H + 0.1
    assert mod.same_class_rate(res["E_before"]) < 0.35  # random vectors: about chance
    assert mod.same_class_rate(res["E"]) >= 0.85


def test_embedding_example(tmp_path):
    out = run_example("embedding.py", tmp_path)
    assert "nearest neighbour in the same class" in out and "cat " in out
    assert written(tmp_path) == (["embedding.png"] if HAVE_MPL else [])


# ---------------------------------------------------------------- dropout and batchnorm

def test_label_noise_relabels_about_the_asked_fraction():
    mod = load_example("regularization")
    _, clean, _, yte = mod.digits(1000)
    _, noisy, _, yte2 = mod.digits(1000, label_noise=0.25)
    changed = np.mean(clean.numpy() != noisy.numpy())
    assert 0.15 < changed < 0.30  # 25% redrawn, a redrawn label is the old one 1 time in 10: ~22.5%
    np.testing.assert_array_equal(yte.numpy(), yte2.numpy())  # the test labels stay clean


@pytest.mark.slow
def test_dropout_slows_memorising_the_wrong_labels():
    mod = load_example("regularization")
    plain, drop = mod.dropout_run(0.0, 300, every=30), mod.dropout_run(0.5, 300, every=30)
    # without dropout: memorises (train loss tiny) and the test loss climbs back from its minimum
    assert plain["train"][-1] < 0.2 and plain["test"][-1] > 1.3 * plain["test"].min()
    # with dropout: the test loss is lower at the end, the train-test gap much smaller
    assert drop["test"][-1] < 0.8 * plain["test"][-1]
    assert drop["gap"] < 0.5 * plain["gap"]
    assert drop["gap"] == pytest.approx(drop["test"][-1] - drop["train"][-1])
    assert drop["test_accuracy"] > plain["test_accuracy"]


def test_batchnorm_gives_every_layer_gradients_and_trains_the_deep_sigmoid_net():
    mod = load_example("regularization")
    plain, bn = mod.batchnorm_run(False, 150), mod.batchnorm_run(True, 150)
    assert len(plain["grad_init"]) == len(bn["grad_init"]) == 7
    # without: the first layer's gradient is >1000x smaller than the last's; with: within 3x
    assert plain["grad_init"][0] < 1e-3 * plain["grad_init"][-1]
    assert 1 / 3 < bn["grad_init"][0] / bn["grad_init"][-1] < 3
    np.testing.assert_allclose(bn["std_init"], 1.0, atol=1e-3)  # standardised over the batch
    assert np.all(plain["std_init"] < 0.5)
    assert plain["losses"][-20:].mean() > 2.2 and bn["losses"][-20:].mean() < 1.0


@pytest.mark.slow
def test_regularization_example(tmp_path):
    out = run_example("regularization.py", tmp_path)
    assert "dropout" in out and "batchnorm" in out
    assert written(tmp_path) == (["regularization.png"] if HAVE_MPL else [])


# ---------------------------------------------------------------- every picture is labelled, at 150 dpi

@pytest.mark.parametrize("name", ["perceptron", "momentum_nesterov", "embedding", "adaptive_lr",
                                  "universal_approximation"])
def test_every_panel_has_axis_labels_and_a_legend_and_is_saved_at_150_dpi(name, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    mod = load_example(name)
    seen = []

    def check(fig, path, dpi=150):
        seen.append(dpi)
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>" or not ax.axison or not (ax.lines or ax.collections):
                continue  # colour bars and image panels (the perceptron's weights) have no x/y data axes
            assert ax.get_xlabel() and ax.get_ylabel(), (name, ax.get_title())
            if len([ln for ln in ax.lines if not ln.get_label().startswith("_")]) > 1:
                assert ax.get_legend() is not None, (name, ax.get_title())
        matplotlib.pyplot.close(fig)
        return path

    mod.save_figure = check
    mod.main(["--quick", "--out", str(tmp_path)])
    assert seen == [150]

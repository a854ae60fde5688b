"""Rosenblatt's Mark I perceptron on 20x20 letter images (400 "photocells").

    f(x) = 1 if w . x + b > 0 else 0          update: w += alpha (d - y) x,  b += alpha (d - y)

First one perceptron tells X from O; then one perceptron per letter (one-vs-rest) tells several
letters apart, predicting the letter whose perceptron scores highest. No gradient, no loss:
the rule only moves w when the answer is wrong. Draws the learned weights as 20x20 images and
the mistakes made in each epoch (they reach 0 on separable data: the convergence theorem).

    python examples/perceptron.py [--out docs] [--quick]
"""
import os
import time

import numpy as np

import tinygrad_course as tc
from tinygrad_course.datasets import letters

from _common import example_parser, pyplot, save_figure


def train_perceptrons(X, D, epochs, alpha=1.0, seed=0):
    """One perceptron per column of the 0/1 targets ``D`` (N, K), trained online with Rosenblatt's rule.

    Returns ``W`` (K, P), ``b`` (K,) and the number of mistakes in each epoch."""
    n, p = X.shape
    k = D.shape[1]
    W, b = tc.zeros(k, p), tc.zeros(k)
    order = np.random.default_rng(seed)
    mistakes = []
    for _ in range(epochs):
        wrong = 0
        for i in order.permutation(n):  # one image at a time, as the Mark I saw them
            x, d = X[i], D[i]
            y = ((W @ x + b) > 0).float()  # the threshold units' answers
            err = d - y  # 0 where right, +1/-1 where wrong
            if bool((err != 0).any()):
                W += alpha * err[:, None] * x[None, :]  # w_i(t+1) = w_i(t) + alpha (d - y) x_i
                b += alpha * err
                wrong += int((err != 0).sum().item())
        mistakes.append(wrong)
        if wrong == 0:  # the perceptron convergence theorem: separable data ends here
            break
    return W, b, mistakes


def one_hot(y, k):
    return tc.from_numpy(np.eye(k, dtype=np.float32)[y])


def flat(X):
    return tc.from_numpy(X.reshape(len(X), -1))


def run(task, n_train, n_test, epochs, seed):
    Xtr, ytr = letters(20, letters=task, n_per_letter=n_train, noise=0.02, seed=seed, jitter=0.06)
    Xte, yte = letters(20, letters=task, n_per_letter=n_test, noise=0.02, seed=seed + 1, jitter=0.06)
    k = len(task)
    if k == 2:  # one perceptron: d = 1 for the second letter
        D = tc.from_numpy(ytr[:, None].astype(np.float32))
    else:
        D = one_hot(ytr, k)
    W, b, mistakes = train_perceptrons(flat(Xtr), D, epochs, seed=seed)
    scores = (flat(Xte) @ W.T + b).numpy()
    pred = (scores[:, 0] > 0).astype(int) if k == 2 else scores.argmax(1)
    acc = float((pred == yte).mean())
    return W, b, mistakes, acc, Xtr, ytr


def main(argv=None):
    ap = example_parser(__doc__, "folder for perceptron.png")
    args = ap.parse_args(argv)
    n_train, n_test, epochs = (10, 10, 5) if args.quick else (60, 40, 50)

    t0 = time.perf_counter()
    results = {}
    for task in ("XO", "AEHLTX"):
        W, b, mistakes, acc, Xtr, ytr = run(task, n_train, n_test, epochs, seed=0)
        results[task] = (W, acc, Xtr, ytr, mistakes)
        print(f"letters {'/'.join(task)}: {len(mistakes)} epochs, mistakes per epoch {mistakes[:8]}"
              f"{' ...' if len(mistakes) > 8 else ''}; test accuracy {acc:.3f}")
    print(f"({time.perf_counter() - t0:.1f} s)")

    plt = pyplot()
    if plt is None:
        return results
    W2, acc2, _, _, _ = results["XO"]
    Wk, acck, Xk, yk, _ = results["AEHLTX"]
    cols = 1 + Wk.shape[0]
    fig = plt.figure(figsize=(1.5 * cols + 4.8, 3.6))
    gs = fig.add_gridspec(2, cols + 3)
    axes = np.array([[fig.add_subplot(gs[r, j]) for j in range(cols)] for r in range(2)])
    ax_m = fig.add_subplot(gs[:, cols:])
    for i, (task, r) in enumerate(results.items()):
        m = r[4]
        ax_m.plot(np.arange(1, len(m) + 1), m, f"C{i}-o", ms=3,
                  label=f"{'/'.join(task)} ({'one perceptron' if len(task) == 2 else f'{len(task)} perceptrons'})")
    ax_m.set_xlabel("epoch")
    ax_m.set_ylabel("mistakes in the epoch (updates)")
    ax_m.set_title("Rosenblatt's rule: mistakes per epoch", fontsize=9)
    ax_m.grid(alpha=0.3)
    ax_m.legend(fontsize=8)
    samples = [Xk[yk == 5][1]] + [Xk[yk == j][0] for j in range(Wk.shape[0])]
    panels = [("X vs O (red: O)", W2.numpy()[0])] + [(f"'{c}' vs rest", w) for c, w in zip("AEHLTX", Wk.numpy())]
    for j, (ax, img) in enumerate(zip(axes[0], samples)):
        ax.imshow(img, cmap="gray_r")
        ax.set_title("input (400 cells)" if j == 0 else f"a training '{'AEHLTX'[j - 1]}'", fontsize=8)
        ax.axis("off")
    for ax, (title, w) in zip(axes[1], panels):
        lim = np.abs(w).max() or 1.0
        ax.imshow(w.reshape(20, 20), cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(title, fontsize=8)
        ax.axis("off")
    fig.suptitle(f"learned weights (red +, blue -); test accuracy X/O {acc2:.2f}, six letters {acck:.2f}",
                 fontsize=9)
    path = save_figure(fig, os.path.join(args.out, "perceptron.png"))
    print(f"wrote {os.path.normpath(path)}")
    return results


if __name__ == "__main__":
    main()

"""An LSTM and a GRU learn to continue sine waves of unknown frequency and phase.

Each training sequence is ``x_t = sin(omega t + phi)``, t = 0..49, with omega and phi drawn at random;
at every step the network predicts the next value (mean squared error, counted from t = 10 on: it
must first infer omega from what it has seen, since the next value of a sinusoid is
``2 cos(omega) x_t - x_{t-1}``). Then each model runs closed-loop: fed its own predictions, it
extends a 30-step prompt by 20 steps. Draws the training losses (against the "repeat the last
value" baseline) and the generated waves to ``rnn.png``.

    python examples/rnn.py [--out docs] [--quick] [--steps N]
"""
import os
import sys
import time

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn

from _common import example_parser, pyplot, save_figure

T = 30  # prompt length at test time
LENGTH = 50  # training sequence length (the closed-loop test stays within it)
WARMUP = 10  # steps not counted in the loss: too early to know omega


def sine_batch(rng: np.random.Generator, n: int, length: int = LENGTH) -> np.ndarray:
    """(n, length) float32 sine waves with omega ~ U(0.15, 0.6) rad/step and phi ~ U(0, 2 pi)."""
    omega = rng.uniform(0.15, 0.6, (n, 1))
    phi = rng.uniform(0, 2 * np.pi, (n, 1))
    return np.sin(omega * np.arange(length)[None, :] + phi).astype(np.float32)


class Forecaster(nn.Module):
    """A recurrent cell (``nn.LSTM`` or ``nn.GRU``, batch_first) and a linear read-out of its last state."""

    def __init__(self, cell: str, hidden: int = 32):
        super().__init__()
        rnn = {"LSTM": nn.LSTM, "GRU": nn.GRU}[cell]
        self.rnn = rnn(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, state=None):
        """x: (batch, steps, 1) -> (the next value after each step (batch, steps, 1), recurrent state)."""
        out, state = self.rnn(x, state)
        return self.head(out), state

    def generate(self, prompt: np.ndarray, n: int) -> np.ndarray:
        """Read ``prompt`` (batch, steps), then feed back each prediction for ``n`` more steps."""
        with tc.no_grad():
            pred, state = self(tc.from_numpy(prompt[:, :, None]))
            pred = pred[:, -1:]
            out = [pred.numpy()[:, 0, 0]]
            for _ in range(n - 1):
                pred, state = self(pred, state)
                out.append(pred.numpy()[:, 0, 0])
        return np.stack(out, 1)


def train(cell: str, steps: int, batch_size: int = 64, lr: float = 1e-2, noise: float = 0.05, seed: int = 0):
    """Adam on fresh random waves each step; returns the model and the loss per step."""
    tc.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Forecaster(cell)
    opt = tc.optim.Adam(model.parameters(), lr=lr)
    sched = tc.optim.lr_scheduler.StepLR(opt, step_size=max(steps // 3, 1), gamma=0.3)
    losses = []
    for _ in range(steps):
        seq = sine_batch(rng, batch_size)[:, :, None]
        # noisy inputs, clean targets: the model learns to correct small errors, which keeps it on
        # track when it later reads its own (slightly wrong) predictions in the closed loop
        noisy = seq[:, :-1] + rng.normal(0, noise, seq[:, :-1].shape).astype(np.float32)
        pred, _ = model(tc.from_numpy(noisy))  # predict x_1 .. x_49 from x_0 .. x_48
        loss = F.mse_loss(pred[:, WARMUP:], tc.from_numpy(seq[:, WARMUP + 1:]))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # the usual guard against exploding RNN gradients
        opt.step()
        sched.step()
        losses.append(loss.item())
    return model, np.array(losses)


def plot(losses, baseline, waves, path):
    """Loss curves (log scale) and closed-loop generations of one test wave."""
    plt = pyplot(agg=True)
    if plt is None:
        return None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
    for name, curve in losses.items():
        k = max(len(curve) // 50, 1)  # running mean over k steps: mini-batch losses are noisy
        smooth = np.convolve(curve, np.ones(k) / k, mode="valid")
        ax1.plot(np.arange(k, len(curve) + 1), smooth, label=name)
    ax1.axhline(baseline, color="grey", ls=":", label="repeat last value")
    ax1.set_yscale("log")
    ax1.set_xlabel("training step (batch of 64 waves)")
    ax1.set_ylabel("training MSE (noisy inputs)")
    ax1.grid(alpha=0.3)
    ax1.legend()
    truth, gens = waves
    t = np.arange(len(truth))
    ax2.plot(t, truth, color="black", lw=1, label="true wave")
    for name, g in gens.items():
        ax2.plot(np.arange(T, T + len(g)), g, "--", lw=1.5, label=f"{name}, closed loop")
    ax2.axvspan(0, T - 1, color="grey", alpha=0.15, label="prompt")
    ax2.set_xlabel("t")
    ax2.set_ylabel("x(t)")
    ax2.legend(loc="lower left", fontsize=8)
    return save_figure(fig, path)


def main(argv=None):
    ap = example_parser(__doc__, "folder for rnn.png", "a fast smoke run (30 steps)")
    ap.add_argument("--steps", type=int, default=400, help="training steps per model (default 400)")
    args = ap.parse_args(argv)
    steps = 30 if args.quick else args.steps

    test = sine_batch(np.random.default_rng(1234), 500)
    baseline = float(np.mean((test[:, T] - test[:, T - 1]) ** 2))
    print(f"baseline (repeat the last value): test MSE {baseline:.4f}")
    losses, gens = {}, {}
    for cell in ("LSTM", "GRU"):
        start = time.perf_counter()
        model, curve = train(cell, steps)
        with tc.no_grad():
            pred, _ = model(tc.from_numpy(test[:, :T, None]))
        mse = float(np.mean((pred.numpy()[:, -1, 0] - test[:, T]) ** 2))
        gen = model.generate(test[:, :T], LENGTH - T)
        drift = float(np.mean((gen - test[:, T:]) ** 2))
        print(f"{cell}: test MSE of the next value {mse:.5f} ({baseline / mse:.0f}x better than the baseline); "
              f"closed-loop MSE over {LENGTH - T} steps {drift:.4f}; {steps} steps in {time.perf_counter() - start:.1f}s")
        losses[cell], gens[cell] = curve, gen[0]
    path = plot(losses, baseline, (test[0], gens), os.path.join(args.out, "rnn.png"))
    if path:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fused loss kernels: cross-entropy over (N, C) logits with class indices, and binary
cross-entropy with PyTorch's clamped logs. ``nn.functional`` chooses them (fused for speed and
numerical stability) and builds every other loss from ordinary ops."""
import numpy as np

from ..function import Function


class CrossEntropy(Function):
    """The common case fused: -sum_n log softmax(x_n)[y_n] (/ N for the mean) for (N, C) logits;
    dx = (softmax(x) - onehot(y)) g (/ N)."""

    _raw = True

    @staticmethod
    def forward(ctx, x, t, mean):
        X = x._data
        z = X - X.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        rows = np.arange(len(t))
        loss = -logp[rows, t].sum()
        if mean:
            loss = loss / len(t)
        if ctx._next:
            ctx.save_for_backward(x, logp)
            ctx._aux = (t, mean)
        return np.asarray(loss, X.dtype)

    @staticmethod
    def backward(ctx, g):
        x, logp = ctx.saved_tensors
        t, mean = ctx._aux
        rows = np.arange(len(t))
        scale = g / len(t) if mean else g
        if isinstance(x, np.ndarray):
            p = np.exp(logp)
            p[rows, t] -= 1
            return p * scale, None, None
        # create_graph: the same formula with softmax recorded, so it differentiates again
        onehot = np.zeros(logp.shape, logp.dtype)
        onehot[rows, t] = 1
        return (x.softmax(1) - onehot) * scale, None, None


class BCE(Function):
    """-w (y log x + (1-y) log(1-x)), logs clamped at -100;
    d/dx = w (x - y) / max(x (1 - x), 1e-12),  d/dy = w (log(1-x) - log x) (as PyTorch)."""

    @staticmethod
    def forward(ctx, x, y):
        xa, ya = x._data, y._data
        with np.errstate(divide="ignore"):
            lx = np.maximum(np.log(xa), -100.0)
            l1x = np.maximum(np.log1p(-xa), -100.0)
        ctx.save_for_backward(x, y)
        return -(ya * lx + (1 - ya) * l1x)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * (x - y) / (x * (1.0 - x)).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            # PyTorch leaves this one unclamped (infinite at x = 0 or 1)
            gy = g * ((-x).log1p() - x.log())
        return gx, gy


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

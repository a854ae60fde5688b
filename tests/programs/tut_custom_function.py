"""Tutorial style: a custom autograd ``Function`` (the Legendre polynomial P3) used in a fit.

``forward`` computes ``0.5 (5 x^3 - 3 x)`` and saves its input; ``backward`` returns
``grad * 1.5 (5 x^2 - 1)``. The model is ``a + b P3(c + d x)`` fitted to ``sin``.
"""
import math

import numpy as np

from _common import set_values


def make_legendre(torch):
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def main(torch, steps: int = 200, lr: float = 5e-6) -> list:
    """Fit ``a + b P3(c + d x)`` to ``sin`` with a custom Function; return the loss per step."""
    LegendrePolynomial3 = make_legendre(torch)
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)

    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    set_values(torch, [a, b, c, d], [0.0, -1.0, 0.0, 0.3] + 0.01 * np.random.default_rng(1).standard_normal(4))

    losses = []
    for t in range(steps):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= lr * p.grad
                p.grad = None
    if __name__ == "__main__":
        print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}; y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)

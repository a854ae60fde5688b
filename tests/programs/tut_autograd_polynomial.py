"""Tutorial style: tensors and autograd, fitting sin(x) with a cubic by hand-written gradient descent.

Written from the "learning PyTorch with examples" idea: random scalar coefficients with
``requires_grad=True``, a loss built from tensor ops, ``loss.backward()``, and updates
under ``torch.no_grad()`` followed by clearing the gradients.
"""
import math

import numpy as np

from corpus_common import set_values


def main(torch, steps: int = 200, lr: float = 1e-6) -> list:
    """Fit ``a + b x + c x^2 + d x^3`` to ``sin`` on [-pi, pi]; return the loss per step."""
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)

    a = torch.randn((), dtype=dtype, requires_grad=True)
    b = torch.randn((), dtype=dtype, requires_grad=True)
    c = torch.randn((), dtype=dtype, requires_grad=True)
    d = torch.randn((), dtype=dtype, requires_grad=True)
    # the engines' random streams differ: start both from the same NumPy draw
    set_values(torch, [a, b, c, d], np.random.default_rng(0).standard_normal(4))

    losses = []
    for t in range(steps):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        if t % 100 == 99 and __name__ == "__main__":
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            a -= lr * a.grad
            b -= lr * b.grad
            c -= lr * c.grad
            d -= lr * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    if __name__ == "__main__":
        print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)

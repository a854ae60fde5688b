"""Tutorial style: custom autograd ``Function``s.

First the Legendre polynomial P3 (``forward`` computes ``0.5 (5 x^3 - 3 x)`` and saves its
input; ``backward`` returns ``grad * 1.5 (5 x^2 - 1)``) in the fit ``a + b P3(c + d x)``
of ``sin``; then the "extending" tutorial's ``LinearFunction`` (``ctx.needs_input_grad``,
``mm``, an optional bias), checked with ``torch.autograd.gradcheck`` in float64 and
wrapped in a ``Module`` with ``nn.Parameter(torch.empty(...))`` and
``register_parameter('bias', None)``, trained a few steps.
"""
import math

import numpy as np

from corpus_common import set_values


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


def make_linear(torch):
    nn = torch.nn

    class LinearFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input, weight, bias=None):
            ctx.save_for_backward(input, weight, bias)
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    class Linear(nn.Module):
        def __init__(self, input_features, output_features, bias=True):
            super().__init__()
            self.input_features = input_features
            self.output_features = output_features
            self.weight = nn.Parameter(torch.empty(output_features, input_features))
            if bias:
                self.bias = nn.Parameter(torch.empty(output_features))
            else:
                self.register_parameter("bias", None)
            self.weight.data.uniform_(-0.1, 0.1)
            if self.bias is not None:
                self.bias.data.uniform_(-0.1, 0.1)

        def forward(self, input):
            return LinearFunction.apply(input, self.weight, self.bias)

        def extra_repr(self):
            return "input_features={}, output_features={}, bias={}".format(
                self.input_features, self.output_features, self.bias is not None)

    return LinearFunction, Linear


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

    # the extending tutorial: gradcheck a Function in double precision, then use it in a Module
    LinearFunction, Linear = make_linear(torch)
    gen = np.random.default_rng(2)
    input = (torch.tensor(gen.standard_normal((6, 4)), dtype=torch.double, requires_grad=True),
             torch.tensor(gen.standard_normal((3, 4)), dtype=torch.double, requires_grad=True))
    if not torch.autograd.gradcheck(LinearFunction.apply, input, eps=1e-6, atol=1e-4):
        raise AssertionError("gradcheck failed on LinearFunction")
    layer = Linear(4, 3)
    if "input_features=4, output_features=3, bias=True" not in repr(layer):
        raise AssertionError(f"extra_repr not used: {layer!r}")
    no_bias = Linear(4, 3, bias=False)
    if no_bias.bias is not None or len(list(no_bias.parameters())) != 1:
        raise AssertionError("register_parameter('bias', None) should leave one parameter")
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(gen.uniform(-0.1, 0.1, (3, 4)), dtype=torch.float32))
        layer.bias.copy_(torch.tensor(gen.uniform(-0.1, 0.1, 3), dtype=torch.float32))
    x = torch.tensor(gen.standard_normal((16, 4)), dtype=torch.float32)
    target = torch.tensor(gen.standard_normal((16, 3)), dtype=torch.float32)
    opt = torch.optim.SGD(layer.parameters(), lr=0.1)
    for _ in range(steps // 10):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(layer(x), target)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    main(torch)

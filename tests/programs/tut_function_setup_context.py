"""Tutorial style: custom ``Function``s written the PyTorch 2 way, with ``setup_context``.

``forward`` takes only the inputs (no ``ctx``) and a separate static
``setup_context(ctx, inputs, output)`` saves what ``backward`` needs; non-tensor inputs
(a constant) get ``None`` as their gradient. ``MulConstant`` and a ``LinearFunction``
in this style are gradchecked in float64, then a tiny regression is fitted with them.
"""
import numpy as np


def make_functions(torch):
    class MulConstant(torch.autograd.Function):
        @staticmethod
        def forward(tensor, constant):
            return tensor * constant

        @staticmethod
        def setup_context(ctx, inputs, output):
            tensor, constant = inputs
            ctx.constant = constant

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * ctx.constant, None

    class LinearFunction(torch.autograd.Function):
        @staticmethod
        def forward(input, weight, bias):
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def setup_context(ctx, inputs, output):
            input, weight, bias = inputs
            ctx.save_for_backward(input, weight, bias)

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

    return MulConstant, LinearFunction


def main(torch, steps: int = 20, lr: float = 0.1) -> list:
    """Gradcheck both Functions, then fit ``y = 0.5 * (x W^T + b)`` for ``steps`` steps; return the losses."""
    MulConstant, LinearFunction = make_functions(torch)
    gen = np.random.default_rng(3)
    x64 = torch.tensor(gen.standard_normal((5, 4)), dtype=torch.double, requires_grad=True)
    w64 = torch.tensor(gen.standard_normal((2, 4)), dtype=torch.double, requires_grad=True)
    b64 = torch.tensor(gen.standard_normal(2), dtype=torch.double, requires_grad=True)
    if not torch.autograd.gradcheck(lambda t: MulConstant.apply(t, 2.5), (x64,)):
        raise AssertionError("gradcheck failed on MulConstant")
    if not torch.autograd.gradcheck(LinearFunction.apply, (x64, w64, b64), eps=1e-6, atol=1e-4):
        raise AssertionError("gradcheck failed on LinearFunction")

    x = torch.tensor(gen.standard_normal((32, 4)), dtype=torch.float32)
    y = torch.tensor(gen.standard_normal((32, 2)), dtype=torch.float32)
    w = torch.tensor(gen.uniform(-0.5, 0.5, (2, 4)), dtype=torch.float32, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        pred = MulConstant.apply(LinearFunction.apply(x, w, b), 0.5)
        loss = ((pred - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))

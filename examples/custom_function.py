"""Write your own differentiable op as a ``tc.autograd.Function`` and prove its backward right.

The op: a numerically stable log-sum-exp over the last dimension,
    lse(x) = m + log sum_j exp(x_j - m),   m = max_j x_j      (no overflow for x = 1000)
    d lse / d x_j = exp(x_j - lse(x)) = softmax(x)_j

First with a deliberate bug (backward forgets to divide by sum_j exp(x_j - m)), which
``tc.testing.check_gradients`` catches on Hypothesis-drawn inputs and shrinks to a smallest
failing input; then fixed, passing first- and second-order checks. Draws the tape of an
expression using the op (the custom node appears under its class name).

    python examples/custom_function.py [--out docs] [--quick]
"""

import numpy as np

import tinygrad_course as tc
from tinygrad_course.testing import check_gradients, shapes, tensors
from tinygrad_course.viz import draw_graph

from _common import example_parser, save_graph


class BuggyLogSumExp(tc.autograd.Function):
    """log-sum-exp whose backward has a bug: it returns exp(x - m) instead of exp(x - lse)."""

    @staticmethod
    def forward(ctx, x):
        m = x.amax(dim=-1, keepdim=True)
        out = m.squeeze(-1) + (x - m).exp().sum(-1).log()
        ctx.save_for_backward(x, m)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, m = ctx.saved_tensors
        return grad.unsqueeze(-1) * (x - m).exp()  # BUG: not normalised by sum_j exp(x_j - m)


class LogSumExp(tc.autograd.Function):
    """Stable log-sum-exp over the last dim: lse(x) = m + log sum_j exp(x_j - m); d lse/dx = softmax(x)."""

    @staticmethod
    def forward(ctx, x):
        m = x.amax(dim=-1, keepdim=True)  # shifting by the max keeps exp() <= 1: no overflow
        out = m.squeeze(-1) + (x - m).exp().sum(-1).log()
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        # written with tensor ops, so it is itself differentiable (second order works)
        return grad.unsqueeze(-1) * (x - out.unsqueeze(-1)).exp()


def main(argv=None):
    ap = example_parser(__doc__, "folder for custom_function.svg", "a fast smoke run (fewer Hypothesis examples)")
    args = ap.parse_args(argv)
    n = 15 if args.quick else 60
    inputs = tensors(shape=shapes(min_dims=1, max_dims=2, max_side=4))

    big = tc.tensor([1000.0, 1000.0, 990.0], dtype=tc.float64)
    with np.errstate(over="ignore"):
        naive = np.log(np.exp(big.numpy()).sum())
    print(f"forward is stable: lse([1000, 1000, 990]) = {LogSumExp.apply(big).item():.6f} "
          f"(naive log(sum(exp(x))) = {naive})")

    print("\n1) the buggy backward, checked on Hypothesis-drawn tensors:")
    try:
        check_gradients(BuggyLogSumExp.apply, inputs, max_examples=n)
    except AssertionError as e:
        print("   caught:", str(e).replace("\n", "\n   "))
    else:
        raise SystemExit("the buggy LogSumExp passed check_gradients: the check is broken")

    print("\n2) the fixed backward:")
    check_gradients(LogSumExp.apply, inputs, max_examples=n)
    print(f"   gradcheck passed on {n} drawn inputs")
    check_gradients(LogSumExp.apply, inputs, max_examples=max(5, n // 3), second_order=True)
    print("   gradgradcheck passed too (the backward is built from differentiable tensor ops)")
    x = tc.randn(3, 5, dtype=tc.float64)
    np.testing.assert_allclose(LogSumExp.apply(x).numpy(), tc.logsumexp(x, dim=-1).numpy(), rtol=1e-12)
    print("   and it agrees with tc.logsumexp")

    tc.manual_seed(0)
    x = tc.randn(2, 4, dtype=tc.float64, requires_grad=True)
    w = tc.randn(4, 3, dtype=tc.float64, requires_grad=True)
    loss = LogSumExp.apply(x @ w).mean()
    loss.backward()
    g = draw_graph(loss, params={"x": x, "w": w}, show_grads=True)
    save_graph(g, args.out, "custom_function")


if __name__ == "__main__":
    main()

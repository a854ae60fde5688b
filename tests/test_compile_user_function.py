"""``tc.compile`` of a training step that calls a user's ``autograd.Function``: the replayed
step gives the eager step's losses and gradients, call after call (it used to crash)."""
import numpy as np

import tinygrad_course as tc


class Cube(tc.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x * x * g


def _run(step, w, xs):
    out = []
    for x in xs:
        w.grad = None
        loss = step(x)
        out.append((loss.item(), w.grad.numpy().copy()))
        with tc.no_grad():
            w -= 0.01 * w.grad  # the saved input changes between calls
    return out


def test_compiled_step_with_user_function_matches_eager():
    rng = np.random.default_rng(0)
    xs = [tc.tensor(rng.normal(size=3)) for _ in range(4)]
    results = []
    for compiled in (False, True):
        w = tc.tensor([0.5, -1.0, 2.0], dtype=tc.float64, requires_grad=True)

        def step(x, w=w):
            loss = (Cube.apply(w) * x).sum()  # w: a captured parameter, not an argument
            loss.backward()
            return loss

        results.append(_run(tc.compile(step) if compiled else step, w, xs))
    for (le, ge), (lc, gc) in zip(*results):
        assert le == lc
        np.testing.assert_array_equal(ge, gc)
    # and the gradient is the formula's: 3 w^2 x
    w0, x0 = np.array([0.5, -1.0, 2.0]), xs[0].numpy()
    np.testing.assert_allclose(results[1][0][1], 3 * w0 ** 2 * x0)

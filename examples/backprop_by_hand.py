"""The lecture's backpropagation, by hand in NumPy, checked against the tape.

Network (no biases, as on the slide):  x^1 = g1(W^1 x^0),  x^2 = g2(W^2 x^1),  p = g3(W^3 x^2),
with h^l = W^l x^{l-1}, g1 = g2 = tanh, g3 = sigmoid, and the loss L = (y - p)^2 / 2.

Error signals, from the output back:
    e^L = g'_L(h^L) (p - y)
    e^l = g'_l(h^l) * (W^{l+1})^T e^{l+1}
    dL/dW^l = e^l (x^{l-1})^T            (dL/dW^l_ab = x^{l-1}_b e^l_a)

The same gradients come out of ``loss.backward()``: the tape applies exactly this rule, op by
op, to any program. Asserted equal with np.testing.assert_allclose, for one sample and for a
batch (where the sum over samples turns the outer products into E^l X^{l-1,T}).
``tc.autograd.backward_steps`` then walks the backward node by node and prints, layer by layer,
the gradient the tape sends into h^l (out of each activation's backward) next to e^l by hand,
and ``tc.viz.draw_backward`` draws the tape at one of those steps (done / current / pending).

    python examples/backprop_by_hand.py [--out docs] [--quick]
"""

import numpy as np

import tinygrad_course as tc
from tinygrad_course.viz import draw_graph

from _common import example_parser, save_graph


SIZES = (3, 4, 4, 1)  # x^0 in R^3, W^1 4x3, W^2 4x4, W^3 1x4: the slide's network


def sigmoid(h):
    return 1.0 / (1.0 + np.exp(-h))


def by_hand(Ws, x0, y):
    """Forward pass, then the lecture's error signals; x0 is (3, N), y is (1, N). Returns (L, grads)."""
    g = [np.tanh, np.tanh, sigmoid]
    # g'(h) written from the outputs: tanh' = 1 - tanh^2, sigmoid' = s (1 - s)
    dg = [lambda x: 1 - x ** 2, lambda x: 1 - x ** 2, lambda x: x * (1 - x)]
    xs = [x0]
    for W, gl in zip(Ws, g):
        xs.append(gl(W @ xs[-1]))  # x^l = g_l(h^l), h^l = W^l x^{l-1}
    p = xs[-1]
    L = float(((y - p) ** 2 / 2).sum())
    e = dg[2](p) * (p - y)  # e^L = g'_L(h^L) (p - y)
    grads = [None] * 3
    errors = [None] * 3
    for l in (2, 1, 0):  # layers L, L-1, L-2 (0-based)
        errors[l] = e
        grads[l] = e @ xs[l].T  # dL/dW^l = e^l x^{l-1, T} (summed over the batch's columns)
        if l > 0:
            e = dg[l - 1](xs[l]) * (Ws[l].T @ e)  # e^l = g'(h^l) W^{l+1, T} e^{l+1}
    by_hand.errors = errors  # e^1, e^2, e^3 of the last call, for the layer-by-layer printout
    return L, grads


def forward(Ws, x0, y):
    """The same network on tinygrad_course tensors: (loss, [W^1, W^2, W^3])."""
    W = [tc.tensor(w, requires_grad=True) for w in Ws]
    x = tc.from_numpy(x0)
    h1 = W[0] @ x
    h2 = W[1] @ h1.tanh()
    p = (W[2] @ h2.tanh()).sigmoid()
    return ((tc.from_numpy(y) - p) ** 2 / 2).sum(), W


def by_tape(Ws, x0, y):
    """``loss.backward()`` fills W.grad."""
    loss, W = forward(Ws, x0, y)
    loss.backward()
    return loss, W


def tape_errors(Ws, x0, y):
    """e^3, e^2, e^1 as the tape computes them: what each activation's backward sends into h^l,
    read off ``backward_steps`` (which also fills W.grad, exactly as backward() would)."""
    loss, W = forward(Ws, x0, y)
    errors = []
    for step in tc.autograd.backward_steps(loss):
        print(f"   {step}")
        if step.node in ("SigmoidBackward0", "TanhBackward0"):
            errors.append(step.grad_inputs[0].numpy())
    return errors[::-1], W


def main(argv=None):
    ap = example_parser(__doc__, "folder for backprop_by_hand.svg", "a fast smoke run (same checks)")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    np.set_printoptions(precision=6, suppress=True, linewidth=100)
    Ws = [rng.standard_normal((SIZES[i + 1], SIZES[i])) for i in range(3)]  # float64

    for n in (1, 16):
        x0 = rng.standard_normal((SIZES[0], n))
        y = rng.integers(0, 2, (1, n)).astype(np.float64)
        L, hand = by_hand(Ws, x0, y)
        loss, W = by_tape(Ws, x0, y)
        print(f"== {'one sample' if n == 1 else f'a batch of {n} samples'}: L = {L:.6f} "
              f"(tape: {loss.item():.6f})")
        np.testing.assert_allclose(loss.item(), L, rtol=1e-12)
        for l in range(3):
            if n == 1:
                print(f"dL/dW^{l + 1} by hand (e^{l + 1} x^{l}T):\n{hand[l]}")
                print(f"dL/dW^{l + 1} from the tape (W{l + 1}.grad):\n{W[l].grad.numpy()}")
            np.testing.assert_allclose(W[l].grad.numpy(), hand[l], rtol=1e-10, atol=1e-14)
        print(f"   all three gradients equal (max abs difference "
              f"{max(np.abs(W[l].grad.numpy() - hand[l]).max() for l in range(3)):.1e})")

        if n == 1:
            print("== the backward, node by node (tc.autograd.backward_steps), then e^l layer by layer")
            tape_e, _ = tape_errors(Ws, x0, y)
            for l in (2, 1, 0):
                print(f"e^{l + 1} by hand: {by_hand.errors[l].ravel()}   tape (grad into h^{l + 1}): "
                      f"{tape_e[l].ravel()}")
                np.testing.assert_allclose(tape_e[l], by_hand.errors[l], rtol=1e-10, atol=1e-14)
            # the tape in the middle of its backward: step 6, the last layer's tanh, is running
            loss_k, W_k = forward(Ws, x0, y)
            gk = tc.viz.draw_backward(loss_k, step=6, params={f"W{l + 1}": w for l, w in enumerate(W_k)})
            save_graph(gk, args.out, "backprop_step")

    # the tape behind the last loss, with each weight's gradient norm
    g = draw_graph(loss, params={f"W{l + 1}": w for l, w in enumerate(W)}, show_grads=True)
    save_graph(g, args.out, "backprop_by_hand")
    print("OK: the hand-derived error signals give exactly the tape's gradients")


if __name__ == "__main__":
    main()

"""Textbook style: the preliminaries chapter (data manipulation, linear algebra, calculus via autograd,
probability), as a walk-through that returns every number it computes.

``arange``/``reshape``/``numel``, elementwise ops, ``cat``, comparisons, broadcasting,
indexing and slice assignment, in-place updates that keep ``id``, NumPy round trips,
``sum(axis=..., keepdims=True)``, ``cumsum(axis=0)``, ``dot``/``mv``/``mm``, norms, then
``requires_grad_``, ``backward`` with ``gradient=``, ``detach`` and a gradient through
Python control flow, and sampling counts with ``torch.distributions.multinomial.Multinomial``.
"""
import numpy as np


def main(torch, steps: int = 1) -> list:
    """Walk through the chapter ``steps`` times; return the numbers seen (random draws only by shape)."""
    out = []

    def take(t):
        out.extend(np.asarray(t.detach().numpy(), dtype=np.float64).ravel().tolist())

    for _ in range(steps):
        x = torch.arange(12, dtype=torch.float32)
        out.append(float(x.numel()))
        X = x.reshape(3, 4)
        assert tuple(X.shape) == (3, 4) and tuple(x.reshape(-1, 4).shape) == (3, 4)
        assert tuple(torch.randn(3, 4).shape) == (3, 4)
        take(torch.zeros((2, 3, 4)).sum(dim=0))
        x1 = torch.tensor([1.0, 2, 4, 8])
        y1 = torch.tensor([2, 2, 2, 2])
        for t in (x1 + y1, x1 - y1, x1 * y1, x1 / y1, x1 ** y1, torch.exp(x1)):
            take(t)
        Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
        take(torch.cat((X, Y), dim=0))
        take(torch.cat((X, Y), dim=1))
        take((X == Y).float())
        out.append(X.sum().item())

        a = torch.arange(3).reshape((3, 1))
        b = torch.arange(2).reshape((1, 2))
        take(a + b)
        take(X[-1])
        take(X[1:3])
        X[1, 2] = 17
        X[:2, :] = 12
        take(X)

        before = id(Y)
        Y = Y + X
        assert id(Y) != before
        Z = torch.zeros_like(Y)
        before = id(Z)
        Z[:] = X + Y
        assert id(Z) == before
        before = id(X)
        X += Y
        assert id(X) == before
        take(Z)

        A = X.numpy()
        B = torch.from_numpy(A)
        assert type(A).__name__ == "ndarray" and isinstance(B, torch.Tensor)
        s = torch.tensor([3.5])
        out += [s.item(), float(s), float(int(s))]

        # linear algebra
        A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
        take(A.T)
        Bm = A.clone()
        take(A * Bm)
        take(A.sum(axis=0))
        take(A.sum(axis=1))
        out.append(A.sum(axis=[0, 1]).item())
        out.append(A.mean().item())
        take(A.mean(axis=0))
        sum_A = A.sum(axis=1, keepdims=True)
        take(A / sum_A)
        take(A.cumsum(axis=0))
        xv = torch.arange(4, dtype=torch.float32)
        yv = torch.ones(4, dtype=torch.float32)
        out.append(torch.dot(xv, yv).item())
        out.append(torch.sum(xv * yv).item())
        take(torch.mv(A, xv))
        take(torch.mm(A, torch.ones(4, 3)))
        u = torch.tensor([3.0, -4.0])
        out += [torch.norm(u).item(), torch.abs(u).sum().item(), torch.norm(torch.ones((4, 9))).item()]

        # calculus with autograd
        x = torch.arange(4.0)
        x.requires_grad_(True)
        assert x.grad is None
        y = 2 * torch.dot(x, x)
        y.backward()
        take(x.grad)
        assert bool((x.grad == 4 * x).all())
        x.grad.zero_()
        y = x.sum()
        y.backward()
        take(x.grad)
        x.grad.zero_()
        y = x * x
        y.backward(gradient=torch.ones(len(y)))
        take(x.grad)
        x.grad.zero_()
        y = x * x
        u = y.detach()
        z = u * x
        z.sum().backward()
        assert bool((x.grad == u).all())
        x.grad.zero_()
        y.sum().backward()
        assert bool((x.grad == 2 * x).all())

        def f(a):
            b = a * 2
            while b.norm() < 1000:
                b = b * 2
            if b.sum() > 0:
                c = b
            else:
                c = 100 * b
            return c

        a = torch.randn(size=(), requires_grad=True)
        with torch.no_grad():
            a.copy_(torch.tensor(0.37))
        d = f(a)
        d.backward()
        assert bool(a.grad == d / a)
        out.append(a.grad.item())

        # probability: counts from a multinomial (random: only shapes and totals are compared)
        fair_probs = torch.ones([6]) / 6
        counts = torch.distributions.multinomial.Multinomial(10, fair_probs).sample()
        assert tuple(counts.shape) == (6,)
        out.append(counts.sum().item())
        counts = torch.distributions.multinomial.Multinomial(10, fair_probs).sample((500,))
        cum_counts = counts.cumsum(dim=0)
        estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
        out.append(float(estimates.shape[0]))
        assert abs(estimates[-1].sum().item() - 1) < 1e-5
    return out


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))

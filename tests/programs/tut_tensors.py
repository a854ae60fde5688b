"""Tutorial style: tensors and autograd basics, the way the introductory tutorials walk through them.

Creating tensors from lists and NumPy, ``*_like`` factories, attributes, indexing and
assignment, ``cat``, matrix products (``@``, ``.T``, ``matmul(out=)``), elementwise
``mul(out=)``, in-place ``add_``, the memory shared with NumPy both ways, then autograd:
``binary_cross_entropy_with_logits``, ``grad_fn``, ``detach``, a Jacobian-vector product
with ``retain_graph=True`` and gradient accumulation. Returns every scalar it computes,
so two engines can be compared number by number.
"""
import numpy as np


def main(torch, steps: int = 1) -> list:
    """Walk through the tutorial ``steps`` times (it is not a training loop); return the numbers seen."""
    out = []
    for _ in range(steps):
        data = [[1, 2], [3, 4]]
        x_data = torch.tensor(data)
        np_array = np.array(data)
        x_np = torch.from_numpy(np_array)
        x_ones = torch.ones_like(x_data)
        x_rand = torch.rand_like(x_data, dtype=torch.float)
        out += [x_data.sum().item(), x_np.sum().item(), x_ones.sum().item(), float(x_rand.shape[0])]
        assert x_data.dtype == torch.int64 and x_rand.dtype == torch.float32

        shape = (2, 3,)
        rand_tensor = torch.rand(shape)
        ones_tensor = torch.ones(shape)
        zeros_tensor = torch.zeros(shape)
        assert rand_tensor.shape == torch.Size([2, 3]) and ones_tensor.dtype == torch.float32
        assert str(zeros_tensor.device) == "cpu"
        if torch.cuda.is_available():
            raise AssertionError("no CUDA expected here")

        tensor = torch.tensor(np.arange(16, dtype=np.float32).reshape(4, 4))
        out += [tensor[0].sum().item(), tensor[:, 0].sum().item(), tensor[..., -1].sum().item()]
        tensor[:, 1] = 0
        t1 = torch.cat([tensor, tensor, tensor], dim=1)
        out += [t1.sum().item(), float(t1.shape[1])]

        y1 = tensor @ tensor.T
        y2 = tensor.matmul(tensor.T)
        y3 = torch.rand_like(y1)
        torch.matmul(tensor, tensor.T, out=y3)
        z1 = tensor * tensor
        z2 = tensor.mul(tensor)
        z3 = torch.rand_like(tensor)
        torch.mul(tensor, tensor, out=z3)
        out += [y1.sum().item(), y2.sum().item(), y3.sum().item(), z1.sum().item(), z2.sum().item(), z3.sum().item()]

        agg = tensor.sum()
        agg_item = agg.item()
        assert isinstance(agg_item, float)
        tensor.add_(5)
        out += [agg_item, tensor.sum().item()]

        t = torch.ones(5)
        n = t.numpy()
        t.add_(1)
        out += [float(n.sum())]
        n = np.ones(5)
        t = torch.from_numpy(n)
        np.add(n, 1, out=n)
        out += [t.sum().item()]

        # autograd: one layer with a logistic loss
        x = torch.ones(5)
        y = torch.zeros(3)
        w = torch.tensor(np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3), requires_grad=True)
        b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
        z = torch.matmul(x, w) + b
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        assert z.grad_fn is not None and loss.grad_fn is not None
        loss.backward()
        out += [loss.item()] + w.grad.flatten().tolist() + b.grad.tolist()

        z = torch.matmul(x, w) + b
        assert z.requires_grad
        with torch.no_grad():
            z = torch.matmul(x, w) + b
        assert not z.requires_grad
        z = torch.matmul(x, w) + b
        z_det = z.detach()
        assert not z_det.requires_grad

        inp = torch.eye(4, 5, requires_grad=True)
        out_ = (inp + 1).pow(2).t()
        out_.backward(torch.ones_like(out_), retain_graph=True)
        first = inp.grad.clone()
        out_.backward(torch.ones_like(out_), retain_graph=True)
        second = inp.grad.clone()
        inp.grad.zero_()
        out_.backward(torch.ones_like(out_), retain_graph=True)
        out += first.flatten().tolist() + second.flatten().tolist() + inp.grad.flatten().tolist()
    return out


if __name__ == "__main__":
    import tinygrad_course as torch
    print(main(torch))

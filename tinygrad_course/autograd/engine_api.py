"""``backward`` and ``grad``: argument checking around the engine."""
import numpy as np

from .accumulate import set_grad
from .engine import run_backward


def _seq(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _grads_arg(grads, outs, op, what, of):
    """The user's gradient argument as one entry (or None) per output."""
    gs = [None] * len(outs) if grads is None else [grads] if isinstance(grads, (Tensor, np.ndarray)) else list(grads)
    if len(gs) != len(outs):
        raise RuntimeError(f"{op}(): got {len(gs)} {what} {len(outs)} {of}")
    return gs


def _root_grads(outputs, grad_outputs, create_graph, op):
    grads = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if not t._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError(
                    f"{op}: grad can be implicitly created only for scalar outputs (output {i} has shape {tuple(t.shape)})"
                )
            g = np.ones(t.shape, t._data.dtype)
        else:
            ga = g._data if isinstance(g, Tensor) else np.asarray(g, t._data.dtype)
            if ga.shape != t.shape:
                raise RuntimeError(
                    f"{op}: Mismatch in shape: grad_output[{i}] has a shape of {tuple(ga.shape)} and output[{i}] "
                    f"has a shape of {tuple(t.shape)}."
                )
            if ga.dtype != t._data.dtype:
                ga = ga.astype(t._data.dtype)
            if create_graph:
                g = g if isinstance(g, Tensor) else Tensor._make(ga)
            else:
                # the leaf case stores it as .grad: never alias the caller's array
                g = ga.copy() if t._grad_fn is None else ga
        grads.append(Tensor._make(g) if create_graph and not isinstance(g, Tensor) else g)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad``.

    >>> x = tc.tensor([1., 2.], requires_grad=True)
    >>> tc.autograd.backward([(x ** 2).sum()])
    >>> x.grad
    tensor([2., 4.])
    """
    outs = _seq(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_grads(outs, _grads_arg(grad_tensors, outs, "backward", "gradients for", "tensors"), create_graph,
                        "backward")
    if inputs is not None:
        ins = _seq(inputs)
        res = run_backward(outs, roots, retain_graph, create_graph, inputs=ins, allow_unused=True)
        for t, g in zip(ins, res):
            if g is not None:
                set_grad(t, g if create_graph else g._data, create_graph)
        return
    run_backward(outs, roots, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         is_grads_batched=False, materialize_grads=False):
    """d(outputs)/d(inputs) contracted with ``grad_outputs``, returned (``.grad`` untouched).

    >>> x = tc.tensor([1., 2.], requires_grad=True)
    >>> tc.autograd.grad((x ** 3).sum(), x)
    (tensor([3., 12.]),)
    """
    outs = _seq(outputs)
    ins = _seq(inputs)
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs must be Tensors, got {type(t).__name__} at position {i}")
        if not t._rg:
            raise RuntimeError(f"grad(): One of the differentiated Tensors (input {i}) does not require grad")
    gs = _grads_arg(grad_outputs, outs, "grad", "entries of grad_outputs for", "outputs")
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    roots = _root_grads(outs, gs, create_graph, "grad")
    res = run_backward(outs, roots, retain_graph, create_graph, inputs=ins, allow_unused=allow_unused)
    if materialize_grads:
        res = tuple(Tensor._make(np.zeros_like(t._data)) if g is None else g for t, g in zip(ins, res))
    return res


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

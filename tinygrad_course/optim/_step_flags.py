"""PyTorch's ``foreach`` / ``capturable`` / ``differentiable`` options, shared by the optimizers
that accept them: stored in the param groups as PyTorch does, checked before a step."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import _array

__all__ = ["begin_step", "check_step_flags", "params_with_grad", "signed_grad"]

# where PyTorch 2.13 allows capturable=True (never the CPU, the only device here)
_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone", "xla"]


def check_step_flags(name: str, group: dict[str, Any]) -> None:
    """Raise what PyTorch raises when a group asks for a CUDA-graph or differentiable step.

    ``capturable=True`` on CPU parameters: ``AssertionError`` (as PyTorch).
    ``differentiable=True`` with leaf parameters (the only kind an optimizer
    here accepts): ``RuntimeError`` (PyTorch fails on the in-place update of a
    leaf that requires grad). Only groups holding a gradient are checked, as
    PyTorch skips the others.
    """
    if not any(p.grad is not None for p in group["params"]):
        return
    if group.get("capturable"):
        raise AssertionError(
            f"{name}.step: if capturable=True, params and state_steps must be on supported "
            f"devices: {_CAPTURABLE_DEVICES}; tinygrad_course parameters live on the CPU"
        )
    if group.get("differentiable"):
        raise RuntimeError(
            f"{name}.step: differentiable=True: a leaf Tensor that requires grad is being used "
            "in an in-place operation (PyTorch raises this too for leaf parameters)"
        )


def signed_grad(p, maximize: bool) -> np.ndarray:
    """``-grad`` if ``maximize`` else ``grad``, as an array; the latter is ``p.grad``'s own
    array, so never modify the result in place."""
    g = _array(p.grad)
    return np.negative(g) if maximize else g


def begin_step(opt, name: str, closure) -> Any:
    """The common start of a step: the closure's loss (if given), the inputs checked, the
    flags refused as PyTorch refuses them."""
    loss = opt._eval_closure(closure)
    opt._check_step_inputs()
    for group in opt.param_groups:
        check_step_flags(name, group)
    return loss


def params_with_grad(opt, group: dict[str, Any]):
    """``(p, its array, its state)`` for each parameter of ``group`` that has a gradient."""
    state = opt.state
    for p in group["params"]:
        if p.grad is not None:
            yield p, _array(p), state[p]

"""The storage boundary: how the floors above autograd (nn kernels, optimizers, loaders,
``tc.compile``) reach a tensor's ndarray and version counter, instead of the private fields."""
from .grad_mode import _Mode


def _array(t):
    """The ndarray behind ``t``, not copied: the one accessor the floors above autograd use
    (nn kernels, optimizers, loaders) instead of the private field."""
    return t._data


def _bump_version(t):
    """Record that ``t``'s array was changed in place outside the tape (an optimizer step,
    an init, a state-dict load), so a graph that saved ``t`` notices."""
    t._vc[0] += 1
    if _Mode.tracer is not None:  # tc.compile cannot replay a raw write it did not see (effects.py)
        _Mode.tracer.raw_write(t)


def _set_array(t, arr):
    """Make the ndarray ``arr`` the one behind ``t`` (no copy, version unchanged): how
    ``tc.compile``'s replay moves each step's arrays through its own holder tensors."""
    t._data = arr


def _wrap(arr, requires_grad=False):
    """A tensor around the ndarray ``arr``, not copied (internal; users call ``tc.tensor``)."""
    return Tensor._make(arr, requires_grad)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

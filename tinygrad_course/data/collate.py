"""Turning a list of samples into a batch, as PyTorch's ``default_collate`` / ``default_convert``."""
import collections.abc
import copy
import numbers

import numpy as np

from ._tc import is_tensor, tc, to_tensor

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_numpy(elem) -> bool:
    return isinstance(elem, (np.ndarray, np.generic))


def _bad_numpy_dtype(dtype) -> bool:
    # Strings and objects cannot become tensors (PyTorch refuses them too).
    return dtype.kind in "OSUV"


def default_collate(batch):
    """Stack a list of samples into a batch, recursing into tuples, lists, dicts and namedtuples.

    Tensors are stacked along a new dim 0; numpy arrays and numpy scalars become Tensors of
    their dtype; Python floats become float64, ints int64 and bools bool Tensors; strings
    stay a list; a tuple of fields becomes a *list* of batched fields (as in PyTorch).

    Example
    -------
    >>> x, y = default_collate([(np.zeros(3), 0), (np.ones(3), 1)])
    >>> x.shape, y.shape
    ((2, 3), (2,))
    """
    if not isinstance(batch, collections.abc.Sequence) or isinstance(batch, (str, bytes)):
        raise TypeError(f"default_collate: expects a list of samples, got {type(batch).__name__}")
    if len(batch) == 0:
        raise ValueError("default_collate: got an empty batch")
    elem = batch[0]
    if is_tensor(elem):
        return tc().stack(list(batch), 0)
    if _is_numpy(elem):
        if _bad_numpy_dtype(elem.dtype):
            raise TypeError(_ERR.format(elem.dtype))
        arrays = [np.asarray(b) for b in batch]
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise RuntimeError(f"default_collate: stack expects each array to be equal size, got shapes {sorted(shapes)}")
        return to_tensor(np.stack(arrays, 0))
    if isinstance(elem, bool):
        return to_tensor(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, numbers.Integral):
        return to_tensor(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, numbers.Real):
        return to_tensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        out = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            try:
                clone = copy.copy(elem)
                clone.update(out)
                return clone
            except TypeError:
                return out
        try:
            return type(elem)(out)
        except TypeError:
            return out
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(list(s)) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return fields  # PyTorch returns a list here, for backwards compatibility.
        if isinstance(elem, collections.abc.MutableSequence):
            try:
                clone = copy.copy(elem)
                for i, f in enumerate(fields):
                    clone[i] = f
                return clone
            except TypeError:
                return fields
        try:
            return type(elem)(fields)
        except TypeError:
            return fields
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Turn numpy arrays and numpy scalars into Tensors inside a sample, without batching.

    Used by ``DataLoader(batch_size=None)``. Python numbers and strings are left as they are.

    >>> tc.data.default_convert({'x': np.array([1., 2.])})
    {'x': tensor([1., 2.], dtype=tinygrad_course.float64)}
    """
    if is_tensor(data):
        return data
    if _is_numpy(data):
        return data if _bad_numpy_dtype(data.dtype) else to_tensor(data)
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        out = {key: default_convert(data[key]) for key in data}
        try:
            return type(data)(out)
        except TypeError:
            return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data

"""Named tuples some ops return (PyTorch's ``torch.return_types``)."""
from collections import namedtuple

minmax = namedtuple("minmax", ["values", "indices"])
max = min = minmax

"""PyTorch's checkpoint format (``torch.save``'s zip archive) both ways, without importing torch.

The archive (stored, uncompressed members under one folder, ``archive/`` here)::

    archive/data.pkl            the object, pickled (protocol 2); each tensor is a call
                                torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
                                requires_grad, OrderedDict()) whose storage is a persistent id
                                ('storage', torch.FloatStorage, key, 'cpu', numel)
    archive/data/<key>          the raw bytes of storage <key>
    archive/byteorder           'little' or 'big'
    archive/version             '3'

Reading is as safe as ``torch.load(weights_only=True)``: a pure-Python unpickler whose
``find_class`` accepts only the tensor rebuild functions, the storage types, torch dtypes,
``torch.Size``/``torch.device`` and ``collections.OrderedDict`` (plus the builtins torch allows
for bytes, sets and complex numbers); any other global is refused by name *before* anything is
called, and the opcodes that instantiate arbitrary classes (INST, OBJ, NEWOBJ, EXT*) are refused
outright. Every size a file claims (member sizes, storage sizes, tensor extents) is checked
against the bytes actually present before anything is allocated, so a lying file cannot make us
allocate more than the file itself holds.
"""
from .pt_common import UnpicklingError
from .pt_read import is_pt_archive, load_pt
from .pt_write import save_pt

__all__ = ["save_pt", "load_pt", "is_pt_archive", "UnpicklingError"]

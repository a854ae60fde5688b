"""Other programs' file formats for ``tc.save`` / ``tc.load`` (chosen by file extension).

- ``pt_format``: PyTorch's zip checkpoint (``.pt``/``.pth``) both ways, without importing torch;
  reading runs a restricted unpickler that accepts only what ``torch.load(weights_only=True)``
  accepts.
- ``safetensors_format``: flat tensor dicts through the ``safetensors`` package's NumPy API.

Every file is written through ``tc.utils.atomic.atomic_write``.
"""

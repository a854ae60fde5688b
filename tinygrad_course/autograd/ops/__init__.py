"""Built-in ops: each a ``Function`` whose backward formula works on arrays and on Tensors."""

"""``tc.backends.cuda``: the CUDA switches exist (as in a CPU-only PyTorch) and have no effect."""


class _Matmul:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _Matmul()


def is_built() -> bool:
    """False: built without CUDA."""
    return False

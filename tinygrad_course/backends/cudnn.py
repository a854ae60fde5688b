"""``tc.backends.cudnn``: the switches exist (as in a CPU-only PyTorch) and have no effect."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: there is no cuDNN."""
    return False


def version():
    """None: there is no cuDNN."""
    return None

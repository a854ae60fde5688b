"""``tc.backends.mps``: Apple's GPU backend, absent here."""


def is_available() -> bool:
    """False: there is no MPS device."""
    return False


def is_built() -> bool:
    """False: built without MPS."""
    return False

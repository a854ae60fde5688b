"""``tc.cuda``: there is no GPU here; these answer as PyTorch does on a machine without one."""


def is_available():
    """Always False: there is no GPU backend (device-agnostic code takes its CPU path).

    >>> tc.cuda.is_available()
    False
    """
    return False


def device_count():
    """Always 0: there is no GPU backend.

    >>> tc.cuda.device_count()
    0
    """
    return 0


def manual_seed(seed):
    """Nothing to seed (``tc.manual_seed`` seeds everything)."""


manual_seed_all = manual_seed


def synchronize(device=None):
    """Nothing runs asynchronously."""

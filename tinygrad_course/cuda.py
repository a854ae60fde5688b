"""``tc.cuda``: there is no GPU here; these answer as PyTorch does on a machine without one."""


def is_available():
    return False


def device_count():
    return 0


def manual_seed(seed):
    """Nothing to seed (``tc.manual_seed`` seeds everything)."""


manual_seed_all = manual_seed


def synchronize(device=None):
    """Nothing runs asynchronously."""

"""The few ``keras.backend`` helpers that make sense here."""
from . import naming

__all__ = ["clear_session", "floatx"]


def clear_session() -> None:
    """Reset the layer-name counters (the next Dense is named ``dense`` again)."""
    naming.reset()


def floatx() -> str:
    """The float type of inputs and weights: the library's default dtype (``'float32'``)."""
    from ..autograd.dtypes import get_default_dtype

    return get_default_dtype().name

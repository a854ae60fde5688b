"""The few ``keras.backend`` helpers that make sense here."""
from ..autograd.dtypes import get_default_dtype, set_default_dtype
from . import naming

__all__ = ["clear_session", "floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
           "set_image_data_format"]

# Keras 2.2's fuzz factor: what an optimizer's ``epsilon=None`` means
_EPSILON = 1e-7


def clear_session() -> None:
    """Reset the layer-name counters (the next Dense is named ``dense`` again)."""
    naming.reset()


def floatx() -> str:
    """The float type of inputs and weights: the library's default dtype (``'float32'``)."""
    return get_default_dtype().name


def set_floatx(value: str) -> None:
    """Set the float type of new weights and inputs (Keras 2.2): ``'float16'``, ``'float32'`` or ``'float64'``.

    Here it is the library's default dtype (``tc.set_default_dtype``), so it
    also applies to tensors made outside Keras.

    >>> set_floatx("float64"); floatx()
    'float64'
    """
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r} (expected 'float16', 'float32' or 'float64')")
    set_default_dtype(value)


def epsilon() -> float:
    """The fuzz factor used where an optimizer or loss is given ``epsilon=None`` (Keras: ``1e-7``).

    >>> epsilon()
    1e-07
    """
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor :func:`epsilon` returns (read when an optimizer is created).

    >>> set_epsilon(1e-5); epsilon()
    1e-05
    """
    global _EPSILON
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"set_epsilon: epsilon must be a number >= 0, got {value!r}")
    _EPSILON = float(value)


def image_data_format() -> str:
    """Where image tensors keep their channels: always ``'channels_last'`` (NHWC) here, Keras' default.

    >>> image_data_format()
    'channels_last'
    """
    return "channels_last"


def set_image_data_format(data_format: str) -> None:
    """Accept ``'channels_last'``, the only layout the Keras layers here support.

    Raises ``ValueError`` for ``'channels_first'`` (not supported) and for
    anything else (unknown, as Keras).
    """
    if data_format == "channels_first":
        raise ValueError("set_image_data_format: only 'channels_last' is supported by tc.keras layers")
    if data_format != "channels_last":
        raise ValueError(f"Unknown data_format: {data_format!r}")

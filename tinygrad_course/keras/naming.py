"""Keras-style unique layer/model names: ``dense``, ``dense_1``, ... (reset by ``backend.clear_session``)."""
import re
from collections import defaultdict

_counts = defaultdict(int)


def to_snake_case(name: str) -> str:
    """``MaxPooling2D`` -> ``max_pooling2d`` (Keras' rule)."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def unique_name(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2``, ..."""
    n = _counts[base]
    _counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def reset() -> None:
    """Forget every name handed out so far."""
    _counts.clear()

"""``tinygrad_course.nn.modules.transformer``: PyTorch's import path of the Transformer layers
(empty if ``nn/transformer.py`` is absent)."""
from ._reexport import reexport

__all__ = reexport(globals(), "transformer", ["Transformer", "TransformerEncoder", "TransformerDecoder",
                                              "TransformerEncoderLayer", "TransformerDecoderLayer"])

"""``tinygrad_course.nn.modules.loss``: PyTorch's import path of the losses."""
from .. import loss as _loss
from ..loss import *  # noqa: F401,F403  (every loss, whatever the file adds)

__all__ = list(_loss.__all__)

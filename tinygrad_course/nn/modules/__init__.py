"""``tinygrad_course.nn.modules``: PyTorch's ``torch.nn.modules`` layout, so imports such as
``from tinygrad_course.nn.modules.rnn import LSTM`` in real programs work unchanged.

Each submodule re-exports the classes of ``tinygrad_course.nn`` (the same objects:
``tc.nn.modules.linear.Linear is tc.nn.Linear``); the package itself exports them all.

>>> from tinygrad_course.nn.modules.linear import Linear
>>> Linear is tc.nn.Linear
True
"""
from . import (activation, batchnorm, container, conv, dropout, flatten, instancenorm, lazy, linear, loss, module,
               normalization, pooling, rnn, sparse, transformer, upsampling)
from .activation import *  # noqa: F401,F403
from .batchnorm import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .instancenorm import *  # noqa: F401,F403
from .lazy import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .module import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403

__all__ = sorted({name for sub in (activation, batchnorm, container, conv, dropout, flatten, instancenorm, lazy,
                                   linear, loss, module, normalization, pooling, rnn, sparse, transformer,
                                   upsampling) for name in sub.__all__})

# Type stub of the package's top level, for mypy and editors (PEP 561; the package ships py.typed).
# __init__.py imports names without re-exporting them in the typing sense and loads subpackages
# lazily through __getattr__; this stub names the same things explicitly. The op families come in
# through their __all__ (star imports re-export), so a new op needs no change here; a new explicit
# import in __init__.py needs its line below (tests/test_typing.py checks the two agree).
from typing import Any, Optional

from .autograd.tensor import Tensor as Tensor
from .autograd.dtypes import (
    dtype as dtype, float16 as float16, half as half, float32 as float32, float as float, float64 as float64,
    double as double, int8 as int8, uint8 as uint8, int16 as int16, short as short, int32 as int32, int as int,
    int64 as int64, long as long, bool as bool, get_default_dtype as get_default_dtype,
    set_default_dtype as set_default_dtype,
)
from .autograd.factories import (
    tensor as tensor, as_tensor as as_tensor, from_numpy as from_numpy, zeros as zeros, ones as ones, empty as empty,
    full as full, zeros_like as zeros_like, ones_like as ones_like, full_like as full_like, empty_like as empty_like,
    arange as arange, linspace as linspace, logspace as logspace, eye as eye, rand as rand, randn as randn,
    randint as randint, randperm as randperm, rand_like as rand_like, randn_like as randn_like,
    randint_like as randint_like, normal as normal, bernoulli as bernoulli, multinomial as multinomial,
)
from .autograd.ops.arith import *
from .autograd.ops.select import *
from .autograd.ops.unary import *
from .autograd.ops.compare import *
from .autograd.ops.reduce import *
from .autograd.ops.softmax import *
from .autograd.ops.shape import *
from .autograd.ops.arrange import *
from .autograd.ops.index import *
from .autograd.ops.join import *
from .autograd.ops.linalg import *
from .autograd.ops.products import *
from .autograd.ops.convert import *
from .autograd.ops.scatter import *
from .autograd.ops.elementwise import *
from .autograd.ops.trig import *
from .autograd.ops.special import *
from .autograd.ops.order import *
from .autograd.grad_mode import (
    no_grad as no_grad, enable_grad as enable_grad, set_grad_enabled as set_grad_enabled,
    is_grad_enabled as is_grad_enabled, inference_mode as inference_mode,
)
from .autograd.random import (
    Generator as Generator, manual_seed as manual_seed, initial_seed as initial_seed, seed as seed,
    default_generator as default_generator,
)
from .autograd.device import (
    device as device, Size as Size, set_default_device as set_default_device, get_default_device as get_default_device,
)
from .autograd.legacy import (
    FloatTensor as FloatTensor, DoubleTensor as DoubleTensor, HalfTensor as HalfTensor, LongTensor as LongTensor,
    IntTensor as IntTensor, ShortTensor as ShortTensor, CharTensor as CharTensor, ByteTensor as ByteTensor,
    BoolTensor as BoolTensor,
)
from . import autograd as autograd, return_types as return_types
# the subpackages __init__.py loads on first use
from . import (
    nn as nn, optim as optim, data as data, datasets as datasets, keras as keras, viz as viz, testing as testing,
    utils as utils, cuda as cuda, distributions as distributions, accelerator as accelerator, backends as backends,
    onnx as onnx, compile as compile, serialization as serialization,
)
from .serialization import save as save, load as load

__version__: str
pi: float
e: float
inf: float
nan: float

def is_tensor(obj: object) -> bool: ...
def numel(input: Tensor) -> int: ...
def set_printoptions(precision: Optional[int] = None, threshold: Optional[int] = None, edgeitems: Optional[int] = None,
                     linewidth: Optional[int] = None, sci_mode: Optional[bool] = None) -> None: ...

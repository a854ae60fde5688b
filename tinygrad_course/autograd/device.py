"""``tc.device``: PyTorch's device objects, so device-agnostic code runs; everything is on the CPU."""

_KNOWN = ("cpu", "cuda", "mps", "xpu", "meta")


class device:
    """A device name (``tc.device("cpu")``); tensors can only live on the CPU here.

    >>> tc.device('cpu')
    device(type='cpu')
    >>> tc.zeros(2).to(tc.device('cpu')).device
    device(type='cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a string, got {type.__class__.__name__}")
        name = type
        if ":" in name:
            name, idx = name.split(":", 1)
            try:
                index = int(idx)
            except ValueError:
                raise RuntimeError(f"Invalid device string: '{type}'") from None
        if name not in _KNOWN:
            raise RuntimeError(
                f"Expected one of {', '.join(_KNOWN)} device type at start of device string: {type}"
            )
        self.type = name
        self.index = index

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return isinstance(other, device) and other.type == self.type and (
            other.index == self.index or None in (other.index, self.index) and self.type == "cpu"
        )

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(d, op):
    """Accept the CPU (as a string or a device); refuse the rest with PyTorch's kind of error."""
    if d is None:
        return
    dv = d if isinstance(d, device) else device(str(d)) if isinstance(d, str) else None
    if dv is None or dv.type != "cpu":
        raise RuntimeError(
            f"{op}(): device {str(d)!r} is not available: tinygrad_course runs on the CPU only "
            "(tc.cuda.is_available() is False)"
        )


class Size(tuple):
    """A shape (``tc.Size([2, 3])``): a tuple with ``numel()``.

    >>> tc.Size([2, 3]).numel()
    6
    >>> tc.zeros(2, 3).shape == (2, 3)
    True
    """

    def numel(self):
        """The number of elements of a tensor of this shape (the product of the sizes)."""
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"tinygrad_course.Size({list(self)})"

    # concatenating and repeating give a Size, as torch.Size does. Slicing gives a plain tuple
    # (torch: a Size): a Python __getitem__ would make every shape[0] five times slower.
    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


_default_device = {"device": CPU}


def set_default_device(device) -> None:
    """Set the device factories use when given none: only the CPU (or ``None``, the CPU) exists.

    >>> tc.set_default_device("cpu"); tc.get_default_device()
    device(type='cpu')
    """
    if device is None:
        _default_device["device"] = CPU
        return
    dv = device if isinstance(device, globals()["device"]) else globals()["device"](str(device)) if isinstance(device, str) else None
    if dv is None:
        raise TypeError(f"set_default_device(): expected a device or a string, got {type(device).__name__}")
    if dv.type == "cuda":
        # PyTorch accepts this and fails at the next factory call; failing here says why sooner
        raise AssertionError("Torch not compiled with CUDA enabled: set_default_device('cuda'): "
                             "tinygrad_course runs on the CPU only")
    if dv.type != "cpu":
        raise RuntimeError(f"set_default_device(): device {str(dv)!r} is not available: tinygrad_course runs on "
                           "the CPU only")
    _default_device["device"] = dv


def get_default_device():
    """The device factories use when given none: always ``device(type='cpu')`` here.

    >>> tc.get_default_device()
    device(type='cpu')
    """
    return _default_device["device"]


class DeviceOps:
    """``Tensor``'s device methods: everything lives on the CPU, the rest is refused as PyTorch
    refuses it on a machine without an accelerator."""

    @property
    def device(self):
        """The device the tensor lives on (always the CPU here)."""
        return CPU

    @property
    def is_cuda(self):
        """Always False: there is no GPU backend."""
        return False

    def cpu(self, memory_format=None):
        """This tensor (it is already on the CPU)."""
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        """Refused as PyTorch refuses it on a machine without CUDA (``AssertionError``)."""
        raise AssertionError("Torch not compiled with CUDA enabled: tinygrad_course runs on the CPU only "
                             "(use tc.accelerator.is_available() / x.to(device) to stay device-agnostic)")

    def pin_memory(self, device=None):
        """Refused as PyTorch refuses it without an accelerator (``RuntimeError``)."""
        raise RuntimeError("Cannot access accelerator device when none is available. (pin_memory(): "
                           "tinygrad_course runs on the CPU only; pinning is only useful for GPU copies)")

    def is_pinned(self, device=None):
        """False: there is no pinned (page-locked) memory without an accelerator."""
        return False

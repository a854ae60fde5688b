"""Module: the base class of every layer (PyTorch's ``nn.Module`` behaviour)."""
import itertools
from collections import OrderedDict, namedtuple
from collections.abc import Mapping
from typing import Any, Iterator, Tuple, TypeVar

import numpy as np

from ..autograd import _array, _bump_version, _wrap
from ..autograd.hooks import RemovableHandle
from ..autograd.tensor import Tensor
from .parameter import Parameter

_M = TypeVar("_M", bound="Module")  # train()/eval() return the module itself, typed as its own class

__all__ = ["Module"]


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find / did not expect."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s, num_spaces):
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    first = lines.pop(0)
    return first + "\n" + "\n".join((num_spaces * " ") + line if line else line for line in lines)


def _shape_str(shape):
    return f"({', '.join(str(int(d)) for d in shape)}{',' if len(shape) == 1 else ''})"


def _as_array(value):
    """The NumPy array behind a Tensor / ndarray / array-like checkpoint entry, or None."""
    if isinstance(value, Tensor):
        return _array(value)
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    if hasattr(value, "__array__") and not isinstance(value, (str, bytes, Mapping)):
        # torch tensors, memmaps, ...: anything that exposes an array view
        try:
            return np.asarray(value.detach().cpu() if hasattr(value, "detach") else value)
        except Exception:
            return None
    return None


class Module:
    """Base class for all layers: tracks Parameters, buffers and sub-Modules.

    Subclasses assign Parameters / Modules as attributes in ``__init__`` (after
    ``super().__init__()``) and implement ``forward``; ``module(x)`` calls it.

    >>> class MLP(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = nn.Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
    """

    training: bool
    _version = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected arguments {args!r} {kwargs!r}: "
                "Module.__init__() takes no arguments"
            )
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()

    # ------------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the module; subclasses override it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    def register_forward_hook(self, hook):
        """Call ``hook(module, args, output)`` after every forward; a non-None return replaces output."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    def register_forward_pre_hook(self, hook):
        """Call ``hook(module, args)`` before every forward; a non-None return replaces args."""
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    # ------------------------------------------------------------- registration
    def register_buffer(self, name, tensor, persistent=True):
        """Add a non-learnable tensor (saved in ``state_dict`` unless ``persistent=False``)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        """Add a Parameter (or None, a placeholder that is skipped) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(tinygrad_course.nn.Parameter or None required)"
            )
        if param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                "created explicitly. To express '{name}' as a function of another Tensor, compute "
                "the value in the forward() method."
            )
        self._parameters[name] = param

    def add_module(self, name, module):
        """Add a child Module (or None) under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        """The sub-Module at dotted path ``target`` (``""`` is self)."""
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def get_parameter(self, target):
        """The Parameter at dotted path ``target``."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(mod._get_name() + " has no attribute `" + name + "`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        """The buffer at dotted path ``target``."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if name not in mod._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return mod._buffers[name]

    # -------------------------------------------------------- attribute access
    def __getattr__(self, name):
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_buffers" in d and name in d["_buffers"]:
            return d["_buffers"][name]
        if "_modules" in d and name in d["_modules"]:
            return d["_modules"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        def remove_from(*dicts_or_sets):
            for d in dicts_or_sets:
                if name in d:
                    if isinstance(d, dict):
                        del d[name]
                    else:
                        d.discard(name)

        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            remove_from(self.__dict__, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                    "(tinygrad_course.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
        else:
            modules = self.__dict__.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                remove_from(self.__dict__, self._parameters, self._buffers, self._non_persistent_buffers_set)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{type(value).__name__}' as child module '{name}' "
                        "(tinygrad_course.nn.Module or None expected)"
                    )
                modules[name] = value
            else:
                buffers = self.__dict__.get("_buffers")
                if buffers is not None and name in buffers:
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(
                            f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                            "(Tensor or None expected)"
                        )
                    buffers[name] = value
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        attrs = dir(self.__class__) + list(self.__dict__.keys())
        attrs += list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(a for a in set(attrs) if not a[0].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ---------------------------------------------------------------- iteration
    def _named_members(self, get_members, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for k, v in get_members(module):
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (module_prefix + ("." if module_prefix else "") + k, v)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Iterator over the Parameters (each once, in definition order)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True) -> Iterator[Tuple[str, Parameter]]:
        """Iterator over ``(dotted_name, Parameter)`` pairs."""
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Iterator over the buffers (running statistics, ...)."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """Iterator over ``(dotted_name, buffer)`` pairs."""
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse, remove_duplicate)

    def children(self):
        """Iterator over the immediate sub-Modules."""
        for _, module in self.named_children():
            yield module

    def named_children(self):
        """Iterator over ``(name, module)`` for the immediate sub-Modules."""
        memo = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in memo:
                memo.add(id(module))
                yield name, module

    def modules(self):
        """Iterator over all Modules in the tree, self first."""
        for _, module in self.named_modules():
            yield module

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """Iterator over ``(dotted_name, module)`` for the whole tree, self first (name ``""``)."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub_prefix = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub_prefix, remove_duplicate)

    # -------------------------------------------------------------------- modes
    def train(self: _M, mode: bool = True) -> _M:
        """Set training mode on this module and all children (Dropout, BatchNorm depend on it)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self: _M) -> _M:
        """Set evaluation mode (``train(False)``)."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` of every parameter."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter (to None, or to zeros in place)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None or not _array(p.grad).flags.writeable:
                        # a create_graph gradient (cut its history) or a read-only view: own a copy
                        p.grad = Tensor(np.array(_array(p.grad)))
                    _array(p.grad)[...] = 0
                    _bump_version(p.grad)

    def apply(self, fn):
        """Call ``fn(module)`` on every sub-Module (children first) and on self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _apply_to_arrays(self, convert):
        for module in self.modules():
            # keep the Parameter objects (optimizers hold references to them), swap their arrays
            for t in itertools.chain(module._parameters.values(), module._buffers.values()):
                if t is not None and hasattr(t, "_convert_placeholder"):
                    t._convert_placeholder(convert)  # a lazy placeholder (nn/lazy.py): keep the dtype for later
                elif t is not None:
                    t.data = _wrap(convert(_array(t)))
                    if t.grad is not None:
                        t.grad.data = _wrap(convert(_array(t.grad)))
        return self

    def to(self, *args, **kwargs):
        """Cast floating-point parameters/buffers to a dtype (devices other than 'cpu' unsupported)."""
        from ..autograd.dtypes import as_dtype

        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        for a in args:
            if isinstance(a, str) or (hasattr(a, "type") and not hasattr(a, "np")):
                device = a
            else:
                dtype = a
        if device is not None and str(device) != "cpu":
            raise RuntimeError(f"{self._get_name()}.to(): only the 'cpu' device exists, got {device!r}")
        if dtype is None:
            return self
        npd = as_dtype(dtype).np
        if npd.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
        return self._apply_to_arrays(lambda a: a.astype(npd) if a.dtype.kind == "f" else a)

    def float(self):
        """Cast floating-point parameters and buffers to float32."""
        return self._apply_to_arrays(lambda a: a.astype(np.float32) if a.dtype.kind == "f" else a)

    def double(self):
        """Cast floating-point parameters and buffers to float64."""
        return self._apply_to_arrays(lambda a: a.astype(np.float64) if a.dtype.kind == "f" else a)

    def cpu(self):
        """No-op (there is only the CPU)."""
        return self

    def cuda(self, device=None):
        """Refused as PyTorch refuses it on a machine without CUDA (``AssertionError``)."""
        raise AssertionError(f"Torch not compiled with CUDA enabled: {self._get_name()}.cuda(): tinygrad_course "
                             "runs on the CPU only (use tc.accelerator.is_available() to stay device-agnostic)")

    # --------------------------------------------------------------- state dict
    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """OrderedDict of dotted name -> (detached) Tensor for every parameter and persistent buffer."""
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _local_state(self):
        local = OrderedDict((k, v) for k, v in self._parameters.items() if v is not None)
        for k, v in self._buffers.items():
            if v is not None and k not in self._non_persistent_buffers_set:
                local[k] = v
        return local

    def load_state_dict(self, state_dict, strict=True):
        """Copy parameters and buffers from ``state_dict`` (Tensors or NumPy arrays) into this module.

        With ``strict=True`` missing or unexpected keys raise ``RuntimeError``;
        size mismatches always do. Everything is checked before anything is
        copied, so a failed load leaves the module unchanged. Returns
        ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, error_msgs, copies, expected = [], [], [], set()
        # lazy modules (nn/lazy.py) first size their placeholders from the checkpoint, as PyTorch's pre-hook
        undo = [u for p, m in self.named_modules(remove_duplicate=False) if hasattr(m, "_lazy_load_hook")
                for u in m._lazy_load_hook(state_dict, p + "." if p else "")]
        for prefix, module in self.named_modules(remove_duplicate=False):
            prefix = prefix + "." if prefix else ""
            for name, target in module._local_state().items():
                key = prefix + name
                expected.add(key)
                if key not in state_dict:
                    missing_keys.append(key)
                    continue
                value = state_dict[key]
                arr = _as_array(value)
                if arr is None:
                    error_msgs.append(
                        f'While copying the parameter named "{key}", expected Tensor or NumPy array '
                        f"from checkpoint but received {type(value)}"
                    )
                    continue
                if target.ndim == 0 and arr.shape == (1,):
                    arr = arr[0]
                if tuple(arr.shape) != tuple(target.shape):
                    error_msgs.append(
                        f"size mismatch for {key}: copying a param with shape {_shape_str(arr.shape)} "
                        f"from checkpoint, the shape in current model is {_shape_str(target.shape)}."
                    )
                    continue
                if arr.dtype.kind not in "biuf":
                    error_msgs.append(
                        f'While copying the parameter named "{key}", expected a numeric array but got dtype {arr.dtype}'
                    )
                    continue
                copies.append((target, arr))
        unexpected_keys = [k for k in state_dict.keys() if k not in expected]
        if strict:
            if unexpected_keys:
                error_msgs.insert(
                    0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected_keys))
                )
            if missing_keys:
                error_msgs.insert(
                    0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing_keys))
                )
        if error_msgs:
            for u in undo:
                u()
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(type(self).__name__, "\n\t".join(error_msgs))
            )
        # cast first (can fail, e.g. overflow warnings aside) so the copy loop itself cannot fail
        casted = [(t, np.asarray(a).astype(_array(t).dtype, copy=True)) for t, a in copies]
        for target, arr in casted:
            _array(target)[...] = arr
            _bump_version(target)  # in-place change: a graph that saved this tensor must notice
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # --------------------------------------------------------------------- repr
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """Extra text shown inside ``Name(...)`` in the repr; layers override it."""
        return ""

    def __repr__(self):
        extra_lines = []
        extra = self.extra_repr()
        if extra:
            extra_lines = extra.split("\n")
        child_lines = []
        for key, module in self._modules.items():
            child_lines.append("(" + key + "): " + _addindent(repr(module), 2))
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

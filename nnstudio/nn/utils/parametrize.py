"""`torch.nn.utils.parametrize`: a tensor of a module computed from stored "original" tensors each time it is read.

`register_parametrization(module, "weight", P())` moves `module.weight` to
`module.parametrizations.weight.original` (or `original0`, `original1`, ... when `P.right_inverse` returns a
tuple) and turns `weight` into a property that returns `P(original)`; several parametrizations on one tensor
chain. The module's class becomes a subclass named `Parametrized<Class>` (as torch does), so `print(model)` and
the state_dict keys (`parametrizations.weight.original`, ...) match torch's. `cached()` computes each
parametrized tensor once inside its block.
"""

from __future__ import annotations

from contextlib import contextmanager

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

_cache_enabled = 0
_cache: dict = {}


@contextmanager
def cached():
    """Inside this block each parametrized tensor is computed once (the first time it is read)."""
    global _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache.clear()


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor (children "0", "1", ...) and its original tensor(s)."""

    def __init__(self, modules, original, unsafe: bool = False) -> None:
        super().__init__(modules)
        self.unsafe = unsafe
        with no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    new = module.right_inverse(new)
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        requires_grad = original.requires_grad
        if self.is_tensor:
            if not unsafe and (new.shape != original.shape or new.dtype != original.dtype):
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype or shape.\n"
                                 f"original.shape: {tuple(original.shape)}  right_inverse(original).shape: "
                                 f"{tuple(new.shape)}")
            with no_grad():
                original.copy_(new) if new.shape == original.shape else None
            self.register_parameter("original", original if isinstance(original, Parameter) and
                                    new.shape == original.shape else Parameter(new.detach(), requires_grad))
        else:
            for i, part in enumerate(new):
                self.register_parameter(f"original{i}", Parameter(part.detach(), requires_grad))
        if not unsafe:
            value = self()
            if not isinstance(value, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(value).__name__}.")
            if value.shape != original.shape or value.dtype != original.dtype:
                raise ValueError("Registering a parametrization may not change the shape or dtype of the tensor, "
                                 f"got {tuple(value.shape)} where {tuple(original.shape)} was")

    def right_inverse(self, value) -> None:
        """Assigning to the parametrized tensor stores right_inverse(value) as the original(s)."""
        with no_grad():
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
            if self.is_tensor:
                self.original.copy_(value)
            else:
                for i, part in enumerate(value):
                    getattr(self, f"original{i}").copy_(part)

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _property(name: str) -> property:
    def get(self):
        plist = self.parametrizations[name]
        if _cache_enabled:
            key = (id(self), name)
            if key not in _cache:
                _cache[key] = plist()
            return _cache[key]
        return plist()

    def set_(self, value):
        self.parametrizations[name].right_inverse(value)

    return property(get, set_)


def is_parametrized(module, tensor_name: str | None = None) -> bool:
    """Whether `module` has parametrizations (on `tensor_name`, when given)."""
    plists = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(plists, ModuleDict):
        return False
    return tensor_name is None or tensor_name in plists


def register_parametrization(module, tensor_name: str, parametrization, *, unsafe: bool = False):
    """Parametrize `module.<tensor_name>` (a parameter or buffer) by the module `parametrization`; returns module."""
    if not isinstance(parametrization, Module):
        raise TypeError(f"parametrization must be an nn.Module, got {type(parametrization).__name__}")
    if is_parametrized(module, tensor_name):
        module.parametrizations[tensor_name].append(parametrization)
        return module
    original = module._parameters.get(tensor_name)
    if original is None:
        original = module._buffers.get(tensor_name)
    if original is None:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with "
                         f"name '{tensor_name}'")
    plist = ParametrizationList([parametrization], original, unsafe=unsafe)
    module._parameters.pop(tensor_name, None)
    module._buffers.pop(tensor_name, None)
    if not is_parametrized(module):
        cls = type(module)
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {"__module__": cls.__module__})
        module.parametrizations = ModuleDict()
    setattr(type(module), tensor_name, _property(tensor_name))
    module.parametrizations[tensor_name] = plist
    return module


def remove_parametrizations(module, tensor_name: str, leave_parametrized: bool = True):
    """Undo the parametrizations of `tensor_name`: keep its current value (or the original); returns module."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    with no_grad():
        if leave_parametrized:
            value = getattr(module, tensor_name).detach()
        elif plist.is_tensor:
            value = plist.original.detach()
        else:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized "
                             "in terms of a sequence of tensors.")
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    module.register_parameter(tensor_name, Parameter(value))
    if not len(module.parametrizations):
        del module._modules["parametrizations"]
        module.__class__ = type(module).__mro__[1]
    return module


def type_before_parametrizations(module) -> type:
    """The module's class before parametrizations made it `Parametrized<Class>`."""
    return type(module).__mro__[1] if is_parametrized(module) else type(module)

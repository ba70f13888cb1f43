"""`torch.nn.utils.weight_norm` / `remove_weight_norm` (the hook-based form): a weight w is re-expressed as
w = g * v / ||v||, the norm taken over every dim but `dim`; `g` (`<name>_g`, shape 1 in all dims but `dim`) and
`v` (`<name>_v`, w's shape) become the parameters, and a forward pre-hook recomputes w before each call.
state_dict keys and order as torch's: the other parameters, then `<name>_g`, `<name>_v`."""

from __future__ import annotations

from ..parameter import Parameter


def norm_except_dim(v, pow: float = 2, dim: int = 0):
    """||v|| over every dim but `dim` (dim=-1 or None: over all of v), keeping v's rank (size 1 elsewhere)."""
    if dim is None or dim == -1:
        return v.norm(pow)
    dim = dim % v.dim()
    moved = v.transpose(0, dim) if dim else v
    norms = moved.contiguous().reshape(moved.shape[0], -1).norm(pow, dim=1)
    shape = [1] * v.dim()
    shape[dim] = v.shape[dim]
    return norms.reshape(shape)


def _weight_norm(v, g, dim: int = 0):
    """g * v / ||v|| (torch._weight_norm)."""
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook that rebuilds `<name>` from `<name>_g` and `<name>_v`."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, -1 if dim is None else dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module, name: str, dim: int) -> WeightNorm:
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name, None)
        if not isinstance(weight, Parameter):
            raise ValueError(f"weight_norm: {type(module).__name__} has no parameter named {name!r}")
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        object.__setattr__(module, name, fn.compute_weight(module))
        fn.handle = module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module) -> None:
        weight = self.compute_weight(module).detach()
        module.__dict__.pop(self.name, None)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        module.register_parameter(self.name, Parameter(weight))

    def __call__(self, module, inputs) -> None:
        object.__setattr__(module, self.name, self.compute_weight(module))


def weight_norm(module, name: str = "weight", dim: int = 0):
    """Apply weight normalisation to `module.<name>`; returns the module."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name: str = "weight"):
    """Undo `weight_norm`: `<name>` is one parameter again (its current value); returns the module."""
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")

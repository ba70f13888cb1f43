"""Containers: `Sequential`, `ModuleList`, `ModuleDict`, `ParameterList`, `ParameterDict`, legacy `Container`."""

from __future__ import annotations

import warnings
from collections import OrderedDict

from ..parameter import Parameter
from .module import Module


class Sequential(Module):
    """Modules applied in order: `Sequential(nn.Linear(2, 8), nn.ReLU())` or from an OrderedDict of names."""

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (OrderedDict, dict)):
            for name, mod in args[0].items():
                self.add_module(name, mod)
        else:
            for i, mod in enumerate(args):
                if not isinstance(mod, Module):
                    raise TypeError(f"Sequential: argument {i} is a {type(mod).__name__}, not an nn.Module")
                self.add_module(str(i), mod)

    def forward(self, input):
        for name, mod in self._modules.items():
            try:
                input = mod(input)
            except (RuntimeError, ValueError) as exc:
                _annotate(exc, name)
                raise
        return input

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        items = list(self._modules.values())
        return items[idx]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules.keys())[idx]
        self.add_module(key, module)

    def __delitem__(self, idx) -> None:
        keys = list(self._modules.keys())[idx]
        for k in [keys] if isinstance(keys, str) else keys:
            del self._modules[k]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)
        return self

    def extend(self, modules) -> Sequential:
        for m in modules:
            self.append(m)
        return self


def _annotate(exc: Exception, name: str) -> None:
    """Prefix an error from a child with its position, once, so the user sees which layer failed."""
    if exc.args and isinstance(exc.args[0], str) and not getattr(exc, "_nnstudio_located", False):
        exc.args = (f"in layer ({name}): {exc.args[0]}",) + exc.args[1:]
        exc._nnstudio_located = True


class ModuleList(Module):
    """A list of modules, registered so their parameters are found."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return list(self._modules.values())[idx]

    def __repr__(self) -> str:
        """As torch: runs of identical children print once, as `(0-5): 6 x Block(...)`."""
        reprs = [repr(m) for m in self._modules.values()]
        if not reprs:
            return f"{self._get_name()}()"
        runs = []  # [start, end, text]
        for i, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        lines = []
        for start, end, text in runs:
            head = f"({start}): " if start == end else f"({start}-{end}): {end - start + 1} x "
            lines.append((head + text).replace("\n", "\n  "))
        return f"{self._get_name()}(\n  " + "\n  ".join(lines) + "\n)"

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(idx % len(self)), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> ModuleList:
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(mods):
            self.add_module(str(i), m)


class ModuleDict(Module):
    """A dict of modules by name, registered so their parameters are found."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules) -> None:
        items = modules.items() if hasattr(modules, "items") else modules
        for k, m in items:
            self.add_module(k, m)

    def pop(self, key: str) -> Module:
        return self._modules.pop(key)


class ParameterList(Module):
    """A list of parameters, registered by index."""

    def __init__(self, values=None):
        super().__init__()
        for v in values or []:
            self.append(v)

    def append(self, value) -> ParameterList:
        p = value if isinstance(value, Parameter) else Parameter(value)
        self.register_parameter(str(len(self._parameters)), p)
        return self

    def __getitem__(self, idx: int) -> Parameter:
        return list(self._parameters.values())[idx]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __setitem__(self, idx: int, value) -> None:
        key = str(range(len(self))[idx])
        self.register_parameter(key, value if isinstance(value, Parameter) else Parameter(value))

    def extend(self, values) -> ParameterList:
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        return _entries_repr(self._parameters.items(), lambda p: str(p.dtype))


class ParameterDict(Module):
    """A dict of parameters; values that are not Parameters are wrapped (tensors) as torch does."""

    def __init__(self, parameters=None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def _wrap(self, value):
        from ...tensor import Tensor

        return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value

    def __setitem__(self, key: str, value) -> None:
        self.register_parameter(str(key), self._wrap(value))

    def __getitem__(self, key: str):
        return self._parameters[key]

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __contains__(self, key) -> bool:
        return key in self._parameters

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def keys(self):
        return self._parameters.keys()

    def values(self):
        return self._parameters.values()

    def items(self):
        return self._parameters.items()

    def get(self, key: str, default=None):
        return self._parameters.get(key, default)

    def pop(self, key: str):
        return self._parameters.pop(key)

    def setdefault(self, key: str, default=None):
        if key not in self._parameters:
            self[key] = default
        return self._parameters[key]

    def clear(self) -> None:
        self._parameters.clear()

    def copy(self) -> ParameterDict:
        return ParameterDict(dict(self._parameters))

    def update(self, parameters) -> None:
        items = parameters.items() if hasattr(parameters, "items") else parameters
        for key, value in items:
            self[key] = value

    def extra_repr(self) -> str:
        return _entries_repr(self._parameters.items(), lambda p: p.type())


def _entries_repr(items, type_text) -> str:
    """torch's lines for ParameterList / ParameterDict: '  (k): Parameter containing: [<type> of size 2x3]'
    (`type_text(p)`: the dtype for a list, the legacy type name for a dict, as torch writes them)."""
    from ...tensor import Tensor

    lines = []
    for k, p in items:
        if isinstance(p, Tensor):
            size = "x".join(str(s) for s in p.shape)
            device = f" ({p.device})" if p.device.type == "cuda" else ""
            kind = "Parameter" if isinstance(p, Parameter) else "Tensor"
            lines.append(f"  ({k}): {kind} containing: [{type_text(p)} of size {size}{device}]")
        else:
            lines.append(f"  ({k}): Object of type: {type(p).__name__}")
    return "\n".join(lines)


class Container(Module):
    """Deprecated in torch: a Module whose keyword arguments become submodules."""

    def __init__(self, **kwargs) -> None:
        super().__init__()
        warnings.warn("nn.Container is deprecated. All of it's functionality is now implemented in nn.Module. "
                      "Subclass that instead.", stacklevel=2)
        for key, value in kwargs.items():
            self.add_module(key, value)


__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Container"]

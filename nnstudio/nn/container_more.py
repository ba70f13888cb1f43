"""`ParameterDict` (parameters registered by string key, in insertion order) and the deprecated `Container`."""

from __future__ import annotations

import warnings

from .modules.module import Module
from .parameter import Parameter


class ParameterDict(Module):
    """A dict of parameters; values that are not Parameters are wrapped (tensors) as torch does."""

    def __init__(self, parameters=None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def _wrap(self, value):
        from ..tensor import Tensor

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
        lines = []
        for k, p in self._parameters.items():
            if p is None:
                lines.append(f"({k}): None")
                continue
            size = "x".join(str(s) for s in p.shape)
            lines.append(f"({k}): Parameter containing: [{type(p).__name__} of size {size}]")
        return "\n".join(lines)


class Container(Module):
    """Deprecated in torch: a Module whose keyword arguments become submodules."""

    def __init__(self, **kwargs) -> None:
        super().__init__()
        warnings.warn("nn.Container is deprecated. All of it's functionality is now implemented in nn.Module. "
                      "Subclass that instead.", stacklevel=2)
        for key, value in kwargs.items():
            self.add_module(key, value)

"""`torch.nn.modules.container`: torch's import path for these classes."""

from __future__ import annotations

from ..container import ModuleDict, ModuleList, ParameterList, Sequential  # noqa: F401
from ..container_more import Container, ParameterDict  # noqa: F401

__all__ = ["Container", "ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential"]

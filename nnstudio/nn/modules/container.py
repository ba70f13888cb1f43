"""`torch.nn.modules.container`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    Container,
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)

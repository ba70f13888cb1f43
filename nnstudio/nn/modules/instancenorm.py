"""`torch.nn.modules.instancenorm`: torch's import path for these classes."""

from __future__ import annotations

from ..instancenorm import (  # noqa: F401
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    _InstanceNorm,  # noqa: F401
)

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]

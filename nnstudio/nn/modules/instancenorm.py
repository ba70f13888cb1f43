"""`torch.nn.modules.instancenorm`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
)
from ..instancenorm import _InstanceNorm  # noqa: F401

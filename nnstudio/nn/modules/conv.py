"""`torch.nn.modules.conv`: torch's import path for these classes."""

from __future__ import annotations

from ..conv import (  # noqa: F401
    Conv1d,
    Conv2d,
    Conv3d,
    _ConvNd,  # noqa: F401
)
from ..conv_transpose import (  # noqa: F401
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    _ConvTransposeNd,  # noqa: F401
)

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

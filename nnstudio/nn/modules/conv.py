"""`torch.nn.modules.conv`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
)
from ..conv import _ConvNd  # noqa: F401
from ..conv_transpose import _ConvTransposeNd  # noqa: F401

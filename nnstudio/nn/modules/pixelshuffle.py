"""`torch.nn.modules.pixelshuffle`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    PixelShuffle,
    PixelUnshuffle,
)

"""`torch.nn.modules.pixelshuffle`: torch's import path for these classes."""

from __future__ import annotations

from ..activation_more import PixelShuffle, PixelUnshuffle  # noqa: F401

__all__ = ["PixelShuffle", "PixelUnshuffle"]

"""`torch.nn.modules.channelshuffle`: torch's import path for these classes."""

from __future__ import annotations

from ..activation_more import ChannelShuffle  # noqa: F401

__all__ = ["ChannelShuffle"]

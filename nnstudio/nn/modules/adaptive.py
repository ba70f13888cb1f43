"""`torch.nn.modules.adaptive`: torch's import path for this class."""

from __future__ import annotations

from ..adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: F401

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

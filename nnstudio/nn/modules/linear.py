"""`torch.nn.modules.linear`: torch's import path for these classes."""

from __future__ import annotations

from ..linear import Bilinear, Identity, Linear  # noqa: F401

__all__ = ["Bilinear", "Identity", "Linear"]

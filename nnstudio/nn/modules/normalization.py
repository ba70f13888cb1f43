"""`torch.nn.modules.normalization`: torch's import path for these classes."""

from __future__ import annotations

from ..normalization import GroupNorm, LayerNorm  # noqa: F401
from ..normalization_more import CrossMapLRN2d, LocalResponseNorm, RMSNorm  # noqa: F401

__all__ = ["CrossMapLRN2d", "GroupNorm", "LayerNorm", "LocalResponseNorm", "RMSNorm"]

"""`torch.nn.modules.normalization`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    CrossMapLRN2d,
    GroupNorm,
    LayerNorm,
    LocalResponseNorm,
    RMSNorm,
)

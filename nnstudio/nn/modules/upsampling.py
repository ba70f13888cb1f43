"""`torch.nn.modules.upsampling`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    Upsample,
    UpsamplingBilinear2d,
    UpsamplingNearest2d,
)

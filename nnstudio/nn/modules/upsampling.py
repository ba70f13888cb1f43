"""`torch.nn.modules.upsampling`: torch's import path for these classes."""

from __future__ import annotations

from ..upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d  # noqa: F401

__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]

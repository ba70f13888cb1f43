"""`torch.nn.modules.batchnorm`: torch's import path for these classes."""

from __future__ import annotations

from ..normalization import (  # noqa: F401
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    _BatchNorm,  # noqa: F401
)

_NormBase = _BatchNorm

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]

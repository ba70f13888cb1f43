"""`torch.nn.modules.dropout`: torch's import path for these classes."""

from __future__ import annotations

from ..activation_more import AlphaDropout, FeatureAlphaDropout  # noqa: F401
from ..dropout import (  # noqa: F401
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    _DropoutNd,  # noqa: F401
)

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]

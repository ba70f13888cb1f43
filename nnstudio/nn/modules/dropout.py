"""`torch.nn.modules.dropout`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    AlphaDropout,
    Dropout,
    Dropout1d,
    Dropout2d,
    Dropout3d,
    FeatureAlphaDropout,
)
from ..dropout import _DropoutNd  # noqa: F401

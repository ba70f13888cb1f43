"""`torch.nn.modules.fold`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    Fold,
    Unfold,
)

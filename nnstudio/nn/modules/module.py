"""`torch.nn.modules.module`: torch's import path for these classes."""

from __future__ import annotations

from ..module import (
    Module,  # noqa: F401
    _IncompatibleKeys,  # noqa: F401
)

__all__ = ["Module"]

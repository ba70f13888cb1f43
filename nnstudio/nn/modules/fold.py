"""`torch.nn.modules.fold`: torch's import path for these classes."""

from __future__ import annotations

from ..fold import Fold, Unfold  # noqa: F401

__all__ = ["Fold", "Unfold"]

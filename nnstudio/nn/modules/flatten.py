"""`torch.nn.modules.flatten`: torch's import path for these classes."""

from __future__ import annotations

from ..flatten import Flatten, Unflatten  # noqa: F401

__all__ = ["Flatten", "Unflatten"]

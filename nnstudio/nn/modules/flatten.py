"""`torch.nn.modules.flatten`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    Flatten,
    Unflatten,
)

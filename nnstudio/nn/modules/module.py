"""`torch.nn.modules.module`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    Module,
)
from ..module import _IncompatibleKeys  # noqa: F401

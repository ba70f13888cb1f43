"""`torch.nn.modules.distance`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    CosineSimilarity,
    PairwiseDistance,
)

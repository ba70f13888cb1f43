"""`torch.nn.modules.distance`: torch's import path for these classes."""

from __future__ import annotations

from ..distance import CosineSimilarity, PairwiseDistance  # noqa: F401

__all__ = ["CosineSimilarity", "PairwiseDistance"]

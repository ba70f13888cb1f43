"""`torch.nn.modules.sparse`: torch's import path for these classes."""

from __future__ import annotations

from ..embedding_bag import EmbeddingBag  # noqa: F401
from ..sparse import Embedding  # noqa: F401

__all__ = ["Embedding", "EmbeddingBag"]

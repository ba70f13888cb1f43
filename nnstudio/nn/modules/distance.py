"""`CosineSimilarity` and `PairwiseDistance` (modules over their `nn.functional` forms)."""

from __future__ import annotations

from ...tensor import Tensor
from .._functional.distance import cosine_similarity, pairwise_distance
from .module import Module


class CosineSimilarity(Module):
    """Cosine similarity along `dim`: x1 (*, D, *), x2 broadcastable -> (*, *) (dim removed)."""

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """p-norm of x1 - x2 + eps over the last dim: (N, D), (N, D) -> (N,) (or (N, 1) with keepdim)."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


__all__ = [
    "CosineSimilarity", "PairwiseDistance",
]

"""Distance layers: `CosineSimilarity`, `PairwiseDistance`, and the distance-based `TripletMarginLoss` (torch's
arguments, defaults and reprs; the math is in `distance_functional`)."""

from __future__ import annotations

from ..tensor import Tensor
from .distance_functional import cosine_similarity, pairwise_distance, triplet_margin_loss
from .loss import _Loss
from .modules.module import Module


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


class TripletMarginLoss(_Loss):
    """max(d(a, p) - d(a, n) + margin, 0), d the p-norm pairwise distance. anchor, positive, negative (N, D) or
    (D,) -> scalar (or (N,) with reduction='none'). `swap` uses the closer of d(a, n) and d(p, n)."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                   swap=self.swap, reduction=self.reduction)


__all__ = ["CosineSimilarity", "PairwiseDistance", "TripletMarginLoss"]

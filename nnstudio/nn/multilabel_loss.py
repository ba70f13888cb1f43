"""`multilabel_soft_margin_loss` and `MultiLabelSoftMarginLoss`: a per-class logistic loss averaged over the
classes (torch 2.13's formula, weight and reductions)."""

from __future__ import annotations

from ..tensor import Tensor, _as_tensor
from ._functional.activation import logsigmoid
from .loss import _WeightedLoss


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = "mean") -> Tensor:
    """-(y log sigmoid(x) + (1 - y) log sigmoid(-x)) (times weight (C,)), averaged over the class (last) dim.
    input (N, C) or (C,), target the same shape with values in {0, 1} -> scalar (or (N,) with 'none')."""
    from .functional import _legacy_reduction, _reduce

    reduction = _legacy_reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"multilabel_soft_margin_loss: target shape {tuple(target.shape)} must match input shape "
                         f"{tuple(input.shape)}")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.ndim - 1) / input.shape[-1]
    return _reduce(loss, reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Multi-label one-vs-all logistic loss. input (N, C) scores, target (N, C) in {0, 1}; `weight` (C,) per class
    (a buffer, as torch)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


__all__ = ["MultiLabelSoftMarginLoss", "multilabel_soft_margin_loss"]

"""Distances of `nn.functional`: `cosine_similarity`, `pairwise_distance` and `pdist`."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor


def _broadcast(name: str, x1: Tensor, x2: Tensor) -> tuple:
    try:
        return tuple(np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape)))
    except ValueError:
        raise RuntimeError(f"{name}: the shapes of x1 {tuple(x1.shape)} and x2 {tuple(x2.shape)} do not broadcast"
                           ) from None


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps)) over `dim`. x1, x2 broadcastable; -> their broadcast shape
    without `dim`. As torch, each norm is clamped at eps without the clamp entering the gradient."""
    _broadcast("cosine_similarity", x1, x2)
    n1 = x1.norm(2, dim=dim, keepdim=True)
    n2 = x2.norm(2, dim=dim, keepdim=True)
    n1 = n1 + (n1.clamp(min=eps) - n1).detach()
    n2 = n2 + (n2.clamp(min=eps) - n2).detach()
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim. x1 (N, D) or (D,), x2 broadcastable -> (N,) (or (N, 1) with
    keepdim)."""
    _broadcast("pairwise_distance", x1, x2)
    return (x1 - x2 + eps).norm(p, dim=-1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """The p-norm distances between the rows of input (N, M), for i < j in row-major order: (N (N - 1) / 2,)."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    import numpy as np

    from ... import tensor

    rows, cols = np.triu_indices(input.shape[0], 1)
    diff = input[tensor(rows, device=input.device)] - input[tensor(cols, device=input.device)]
    if p == 2:
        return (diff * diff).sum(-1).sqrt()
    if p == float("inf"):
        return diff.abs().max(-1)[0]
    if p == 0:
        return (diff != 0).to(input.dtype).sum(-1)
    return diff.abs().pow(p).sum(-1).pow(1.0 / p)


__all__ = [
    "cosine_similarity", "pairwise_distance", "pdist",
]

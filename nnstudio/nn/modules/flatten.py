"""`Flatten` and `Unflatten`."""

from __future__ import annotations

from ...tensor import Tensor
from .module import Module


class Flatten(Module):
    """Merge dims start_dim..end_dim.  (N, *dims) -> (N, prod(dims)) with the defaults start_dim=1, end_dim=-1."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim <= self.start_dim and self.start_dim > 0 and input.ndim > 0:
            raise RuntimeError(f"Flatten(start_dim={self.start_dim}) expected an input with more than "
                               f"{self.start_dim} dimensions, got shape {tuple(input.shape)}")
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim into unflattened_size: (N, C*H*W) -> (N, C, H, W) with dim=1, unflattened_size=(C, H, W)."""

    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


__all__ = [
    "Flatten", "Unflatten",
]

"""Spatial sampling and pairwise distances of `nn.functional`: `affine_grid`, `grid_sample` (4-D input: bilinear
or nearest, zeros / border / reflection padding, torch's align_corners rule) and `pdist`; composed from
differentiable tensor ops, so gradients reach both the input and the grid."""

from __future__ import annotations

import warnings

from ..tensor import Tensor, where


def _base_coords(n: int, align_corners: bool, like: Tensor) -> Tensor:
    from .. import arange, linspace

    if align_corners:
        return linspace(-1.0, 1.0, n, dtype=like.dtype, device=like.device) if n > 1 else \
            arange(1, dtype=like.dtype, device=like.device) * 0
    return (arange(n, dtype=like.dtype, device=like.device) * 2 + 1) / n - 1


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """Sampling grid (N, H, W, 2) for 2-D affine matrices theta (N, 2, 3) and an output size (N, C, H, W)."""
    if align_corners is None:
        align_corners = False
    size = tuple(size)
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid: nnstudio supports 4-D sizes (N, C, H, W), got {list(size)}")
    n, _, h, w = size
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3):
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {list(size)}. Got "
                         f"{list(theta.shape)}.")
    if theta.shape[0] != n:
        raise ValueError(f"affine_grid: theta has {theta.shape[0]} matrices for a batch of {n}")
    from .. import ones, stack

    xs = _base_coords(w, align_corners, theta).reshape(1, w).expand(h, w)
    ys = _base_coords(h, align_corners, theta).reshape(h, 1).expand(h, w)
    base = stack([xs, ys, ones(h, w, dtype=theta.dtype, device=theta.device)], -1).reshape(1, h * w, 3)
    return (base @ theta.transpose(1, 2)).reshape(n, h, w, 2)


def _unnormalize(coord: Tensor, size: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(x: Tensor, twice_low: int, twice_high: int) -> Tensor:
    if twice_low == twice_high:
        return x * 0
    lo, span = twice_low / 2, (twice_high - twice_low) / 2
    x = (x - lo).abs()
    flips = (x / span).floor()
    extra = x - flips * span
    even = (flips - 2 * (flips / 2).floor()) == 0
    return where(even, extra + lo, span - extra + lo)


def _source(coord: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    x = _unnormalize(coord, size, align_corners)
    if padding_mode == "border":
        x = x.clamp(0, size - 1)
    elif padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        x = x.clamp(0, size - 1)
    return x


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Sample input (N, C, H, W) at grid (N, Ho, Wo, 2) locations in [-1, 1] (x, then y) -> (N, C, Ho, Wo)."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if mode == "bicubic":
        raise NotImplementedError("grid_sample: nnstudio supports mode='bilinear' and 'nearest'")
    if input.ndim != 4:
        raise NotImplementedError(f"grid_sample: nnstudio supports 4-D input (N, C, H, W), got {input.ndim}-D")
    if grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sample(): expected grid of shape (N, H_out, W_out, 2) with N={input.shape[0]}, "
                           f"got {list(grid.shape)}")
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                      "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                      "grid_sample for details.", stacklevel=2)
        align_corners = False
    n, c, h, w = input.shape
    ho, wo = grid.shape[1], grid.shape[2]
    ix = _source(grid[..., 0], w, padding_mode, align_corners)
    iy = _source(grid[..., 1], h, padding_mode, align_corners)
    flat = input.reshape(n, c, h * w)

    def tap(xi: Tensor, yi: Tensor) -> Tensor:
        """input at integer positions (N, Ho, Wo) -> (N, C, Ho, Wo); zero outside the image."""
        inside = (xi >= 0) & (xi <= w - 1) & (yi >= 0) & (yi <= h - 1)
        lin = (yi.clamp(0, h - 1) * w + xi.clamp(0, w - 1)).long().reshape(n, 1, ho * wo).expand(n, c, ho * wo)
        vals = flat.gather(2, lin).reshape(n, c, ho, wo)
        return vals * inside.unsqueeze(1).to(input.dtype)

    if mode == "nearest":  # the grid gets a zero gradient, as torch gives it
        return tap(ix.detach().round(), iy.detach().round()) + (grid * 0).sum()
    x0, y0 = ix.detach().floor(), iy.detach().floor()
    wx1, wy1 = (ix - x0).unsqueeze(1), (iy - y0).unsqueeze(1)
    wx0, wy0 = 1 - wx1, 1 - wy1
    return (tap(x0, y0) * wx0 * wy0 + tap(x0 + 1, y0) * wx1 * wy0 + tap(x0, y0 + 1) * wx0 * wy1
            + tap(x0 + 1, y0 + 1) * wx1 * wy1)



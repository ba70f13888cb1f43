"""Resampling in `nn.functional`: `interpolate` (nearest, nearest-exact, linear, bilinear, trilinear, bicubic, area),
the deprecated `upsample*` wrappers, `affine_grid` and `grid_sample` (4-D input: bilinear or nearest, zeros /
border / reflection padding, torch's align_corners rule), as torch 2.13."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...autograd import apply
from ...ops.resample import AxisTaps
from ...tensor import Tensor, where
from . import pooling as P

_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area")


_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}


_CUBIC_A = -0.75


def _scale_value(scale, in_size: int, out_size: int, dtype):
    """torch's compute_scales_value: 1 / scale_factor when one was given, else in / out (in `dtype`)."""
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(in_size) / dtype(out_size)


def _area_scale(in_size: int, out_size: int, align_corners: bool, scale, dtype):
    if align_corners:
        return dtype(in_size - 1) / dtype(out_size - 1) if out_size > 1 else dtype(0)
    return _scale_value(scale, in_size, out_size, dtype)


def _source(in_size: int, out_size: int, align_corners: bool, scale, dtype, cubic: bool = False) -> np.ndarray:
    """Real source coordinate of each output position (torch's area_pixel_compute_source_index)."""
    ratio = _area_scale(in_size, out_size, align_corners, scale, dtype)
    j = np.arange(out_size).astype(dtype)
    if align_corners:
        return ratio * j
    src = ratio * (j + dtype(0.5)) - dtype(0.5)
    return src if cubic else np.maximum(src, dtype(0))


def nearest_taps(in_size: int, out_size: int, scale, exact: bool) -> tuple:
    """One tap: the nearest source index (torch's nearest_idx / nearest_exact_idx, float32 arithmetic)."""
    j = np.arange(out_size)
    if not exact and out_size == in_size:
        return ((j, None),)
    if not exact and out_size == 2 * in_size:
        return ((j >> 1, None),)
    s = _scale_value(scale, in_size, out_size, np.float32)
    if exact:
        src = np.floor((j + 0.5) * np.float64(s)).astype(np.float32)
    else:
        src = np.floor(j.astype(np.float32) * s)
    return ((np.minimum(src.astype(np.int64), in_size - 1), None),)


def linear_taps(in_size: int, out_size: int, align_corners: bool, scale, dtype) -> tuple:
    """Two taps (i0, 1 - l), (i1, l) (torch's compute_source_index_and_lambda)."""
    if out_size == in_size:
        return ((np.arange(out_size), None),)
    src = _source(in_size, out_size, align_corners, scale, dtype)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lam1 = np.clip(src - i0.astype(dtype), 0, 1).astype(dtype)
    i1 = i0 + (i0 < in_size - 1)
    return ((i0, (dtype(1) - lam1).astype(dtype)), (i1, lam1))


def cubic_taps(in_size: int, out_size: int, align_corners: bool, scale, dtype) -> tuple:
    """Four taps at floor(src) - 1 .. + 2 (clamped to the edge) with Keys' cubic weights, A = -0.75."""
    src = _source(in_size, out_size, align_corners, scale, dtype, cubic=True)
    base = np.floor(src)
    t = (src - base).astype(dtype)
    a = dtype(_CUBIC_A)

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    base = base.astype(np.int64)
    return tuple((np.clip(base - 1 + k, 0, in_size - 1), w.astype(dtype)) for k, w in enumerate(weights))


def antialias_taps(in_size: int, out_size: int, align_corners: bool, scale, dtype, cubic: bool) -> tuple:
    """torch's anti-aliased resampling weights (Pillow's filters: triangle, or Keys' cubic with A = -0.5),
    stretched by the scale when downsampling and normalised per output; each output's taps padded with zero
    weights to the widest support."""
    ratio = _area_scale(in_size, out_size, align_corners, scale, dtype)
    half = dtype(2.0 if cubic else 1.0)
    support = half * ratio if ratio >= 1.0 else half
    invscale = dtype(1.0) / ratio if ratio >= 1.0 else dtype(1.0)
    width = int(math.ceil(support)) * 2 + 1
    center = ratio * (np.arange(out_size).astype(dtype) + dtype(0.5))
    lo = np.maximum(np.trunc(center - support + dtype(0.5)).astype(np.int64), 0)
    hi = np.minimum(np.trunc(center + support + dtype(0.5)).astype(np.int64), in_size)
    k = np.arange(width)
    x = np.abs(((lo[:, None] + k[None, :]).astype(dtype) - center[:, None] + dtype(0.5)) * invscale)
    if cubic:
        a = dtype(-0.5)
        w = np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                     np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0))
    else:
        w = np.maximum(dtype(1) - x, 0)
    w = np.where(k[None, :] < (hi - lo)[:, None], w, 0).astype(dtype)
    total = w.sum(1, keepdims=True, dtype=dtype)
    w = np.where(total != 0, w / np.where(total != 0, total, 1), w).astype(dtype)
    index = np.minimum(lo[:, None] + k[None, :], in_size - 1)
    return tuple((index[:, t], w[:, t]) for t in range(width) if (w[:, t] != 0).any())


def _sizes(input: Tensor, size, scale_factor, recompute_scale_factor, mode) -> tuple:
    """(output sizes, scale factors passed to the kernels or None per dim), torch's argument rules."""
    dim = input.ndim - 2
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("interpolate: recompute_scale_factor is not meaningful with an explicit size.")
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(f"interpolate: input and output must have the same number of spatial dimensions, "
                                 f"but got input with spatial dimensions of {spatial} and output size of {size}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 "(o1, o2, ...,oK) format.")
            out = [int(s) for s in size]
        else:
            out = [int(size)] * dim
        scales = [None] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(f"interpolate: input and scale_factor must have the same number of spatial "
                                 f"dimensions, but got input with spatial dimensions of {spatial} and scale_factor "
                                 f"of shape {scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
                                 "format and scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [math.floor(float(n) * s) for n, s in zip(spatial, scales)]
        if recompute_scale_factor or mode == "area":
            scales = [None] * dim
    else:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    if any(n <= 0 for n in spatial) or any(o <= 0 for o in out):
        raise RuntimeError(f"interpolate: input and output sizes should be greater than 0, but got input "
                           f"{tuple(spatial)} and output {tuple(out)} (input shape {tuple(input.shape)})")
    return out, scales


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims of input (N, C, d1[, d2[, d3]]) to `size` (int or tuple) or by `scale_factor`
    (float or tuple) -> (N, C, o1[, o2[, o3]]). mode: 'nearest' (torch's legacy floor rule), 'nearest-exact',
    'linear' (3-D input), 'bilinear' / 'bicubic' (4-D), 'trilinear' (5-D), 'area' (adaptive average pooling).
    `align_corners` (linear modes only) maps the corner pixels' centres onto each other."""
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: unknown mode {mode!r} (use one of {' | '.join(_MODES)})")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                             f"linear | bilinear | bicubic | trilinear (got mode {mode!r})")
    else:
        align_corners = bool(align_corners)
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"interpolate: only 3D, 4D and 5D input tensors (N, C, *spatial) are supported, "
                                  f"got {input.ndim}D input of shape {tuple(input.shape)} (mode {mode!r})")
    need = _LINEAR_DIMS.get(mode)
    if need is not None and input.ndim != need + 2:
        raise NotImplementedError(f"interpolate: got {input.ndim}D input of shape {tuple(input.shape)}, but {mode} "
                                  f"mode needs {need + 2}D input")
    if antialias:
        if not (mode in ("bilinear", "bicubic") and input.ndim == 4):
            raise ValueError("interpolate: anti-alias option is restricted to bilinear and bicubic modes and "
                             "requires a 4-D tensor as input")
    out, scales = _sizes(input, size, scale_factor, recompute_scale_factor, mode)
    if mode == "area":
        pool = (P.adaptive_avg_pool1d, P.adaptive_avg_pool2d, P.adaptive_avg_pool3d)[input.ndim - 3]
        return pool(input, tuple(out) if input.ndim > 3 else out[0])
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"interpolate: expected a floating-point input, got {input.dtype}")
    dtype = np.float64 if input._data.dtype == np.float64 else np.float32
    y = input
    axes = list(enumerate(zip(input.shape[2:], out, scales), start=2))
    for axis, (n, o, s) in reversed(axes) if antialias else axes:  # torch: the last (contiguous) axis first
        if antialias:
            if o == n:
                continue
            taps = antialias_taps(n, o, align_corners, s, dtype, mode == "bicubic")
        elif mode in ("nearest", "nearest-exact"):
            taps = nearest_taps(n, o, s, mode == "nearest-exact")
        elif mode == "bicubic":
            taps = cubic_taps(n, o, align_corners, s, dtype)
        else:
            taps = linear_taps(n, o, align_corners, s, dtype)
        if len(taps) == 1 and taps[0][1] is None and o == n and np.array_equal(taps[0][0], np.arange(n)):
            continue  # this axis is unchanged
        y = apply(AxisTaps, y, axis=axis, taps=taps)
    return y.clone() if y is input else y


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=3)


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners=None) -> Tensor:
    """Deprecated alias of `interpolate` (torch keeps it)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: interpolate(..., mode='nearest')."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: interpolate(..., mode='bilinear', align_corners=True)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def _base_coords(n: int, align_corners: bool, like: Tensor) -> Tensor:
    from ... import arange, linspace

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
    from ... import ones, stack

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


def _grid_source(coord: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
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
    ix = _grid_source(grid[..., 0], w, padding_mode, align_corners)
    iy = _grid_source(grid[..., 1], h, padding_mode, align_corners)
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


__all__ = [
    "nearest_taps", "linear_taps", "cubic_taps", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
    "affine_grid", "grid_sample",
]

"""`F.interpolate` (nearest, nearest-exact, linear, bilinear, trilinear, bicubic, area) and the deprecated
`F.upsample*` wrappers, as torch 2.13.

Every mode but 'area' is separable: each spatial axis is resampled by one `AxisTaps` gather whose source
indices and weights are computed once per call (length = the output size of that axis) with torch's formulas
and arithmetic precision (float32 scales for nearest; the input's dtype for the linear weights), so the values
match torch's kernels. No loop over pixels or samples.
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd import apply
from ..ops.resample import AxisTaps
from ..tensor import Tensor
from . import pooling_functional as P

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


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners=None) -> Tensor:
    """Deprecated alias of `interpolate` (torch keeps it)."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: interpolate(..., mode='nearest')."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: interpolate(..., mode='bilinear', align_corners=True)."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)

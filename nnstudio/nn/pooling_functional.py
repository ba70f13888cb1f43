"""Functional pooling with torch's names and arguments: `max_pool1d/2d/3d`, `avg_pool1d/2d/3d`,
`adaptive_avg_pool1d/2d/3d`, `adaptive_max_pool1d/2d/3d`; and the channel-wise `dropout1d/2d/3d`."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import apply
from ..ops import pooling as P
from ..tensor import Tensor
from ._functional.conv import ntuple


def _batched(input: Tensor, nd: int, who: str) -> tuple[Tensor, bool]:
    """(N, C, *S) view of a batched or unbatched (C, *S) input; a clear error for any other rank."""
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{who}: expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input, got input of "
                           f"shape {tuple(input.shape)}")
    if any(s == 0 for s in input.shape[-nd - 1:]):
        raise RuntimeError(f"{who}: expected non-empty channel and spatial dims, got input of shape "
                           f"{tuple(input.shape)}")
    batched = input.ndim == nd + 2
    return (input if batched else input.unsqueeze(0)), batched


def _window_args(input: Tensor, nd: int, kernel_size, stride, padding, dilation, ceil_mode: bool, who: str,
                 avg: bool) -> tuple:
    kernel = ntuple(kernel_size, nd, "kernel_size", who)
    stride = kernel if stride is None or (isinstance(stride, (list, tuple)) and not stride) else \
        ntuple(stride, nd, "stride", who)
    padding = ntuple(padding, nd, "padding", who)
    dilation = ntuple(dilation, nd, "dilation", who)
    if any(v <= 0 for v in kernel + stride + dilation):
        raise RuntimeError(f"{who}: kernel_size, stride and dilation must be positive, got kernel_size={kernel}, "
                           f"stride={stride}, dilation={dilation}")
    for p, k, d in zip(padding, kernel, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            what = "kernel size" if avg else "effective kernel size"
            raise RuntimeError(f"{who}: pad should be at most half of {what}, but got padding={padding}, "
                               f"kernel_size={kernel}" + ("" if avg else f" and dilation={dilation}"))
    spatial = tuple(input.shape[-nd:])
    out = tuple(P.pool_out_size(s, k, st, p, d, ceil_mode)
                for s, k, st, p, d in zip(spatial, kernel, stride, padding, dilation))
    if any(o < 1 for o in out):
        raise RuntimeError(f"{who}: given input of shape {tuple(input.shape)}, the calculated output size {out} is "
                           f"too small (the kernel {kernel} with padding {padding} is larger than the padded input)")
    return kernel, stride, padding, dilation


def max_pool_nd(input: Tensor, nd: int, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                return_indices: bool = False, who: str | None = None):
    """Max pooling over nd spatial dims. input (N, C, *S) or (C, *S) -> (N, C, *out); with return_indices,
    also the flat index of each maximum within its input plane (int64)."""
    who = who or f"max_pool{nd}d"
    x, batched = _batched(input, nd, who)
    k, s, p, d = _window_args(x, nd, kernel_size, stride, padding, dilation, ceil_mode, who, avg=False)
    y = apply(P.MaxPoolNd, x, kernel=k, stride=s, padding=p, dilation=d, ceil_mode=ceil_mode)
    y = y if batched else y.squeeze(0)
    if not return_indices:
        return y
    idx = Tensor._wrap(P.max_pool_indices(x._data, k, s, p, d, ceil_mode), None)
    return y, (idx if batched else idx.squeeze(0))


def avg_pool_nd(input: Tensor, nd: int, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                count_include_pad: bool = True, divisor_override: int | None = None, who: str | None = None):
    """Average pooling over nd spatial dims. input (N, C, *S) or (C, *S) -> (N, C, *out)."""
    who = who or f"avg_pool{nd}d"
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{who}: divisor must be not zero")
    x, batched = _batched(input, nd, who)
    k, s, p, _ = _window_args(x, nd, kernel_size, stride, padding, 1, ceil_mode, who, avg=True)
    if nd == 3 and any(n < ki for n, ki in zip(x.shape[2:], k)):  # torch's avg_pool3d looks at the unpadded input
        t, h, w = x.shape[2:]
        raise RuntimeError(f"{who}: input image (T: {t} H: {h} W: {w}) smaller than kernel size (kT: {k[0]} kH: "
                           f"{k[1]} kW: {k[2]})")
    y = apply(P.AvgPoolNd, x, kernel=k, stride=s, padding=p, ceil_mode=ceil_mode,
              count_include_pad=count_include_pad, divisor_override=divisor_override)
    return y if batched else y.squeeze(0)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """input (N, C, L) or (C, L) -> (N, C, L_out)."""
    return max_pool_nd(input, 1, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """input (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out),
    H_out = floor((H + 2 padding - dilation (kernel - 1) - 1) / stride) + 1 (ceil in ceil_mode)."""
    return max_pool_nd(input, 2, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """input (N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out)."""
    return max_pool_nd(input, 3, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """input (N, C, L) or (C, L) -> (N, C, L_out)."""
    return avg_pool_nd(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """input (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out)."""
    return avg_pool_nd(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """input (N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out)."""
    return avg_pool_nd(input, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


# ---------------------------------------------------------------------------- adaptive pooling


def _adaptive_size(output_size, spatial: tuple, who: str) -> tuple:
    nd = len(spatial)
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != nd:
            raise ValueError(f"{who}: output_size must be an int or a tuple of {nd}, got {output_size!r}")
        size = tuple(s if o is None else o for o, s in zip(output_size, spatial))
    else:
        size = (output_size,) * nd
    if any(isinstance(o, bool) or not isinstance(o, int) or o < 0 for o in size):
        raise ValueError(f"{who}: output_size must hold non-negative ints, got {output_size!r}")
    return size


def adaptive_avg_pool_nd(input: Tensor, nd: int, output_size, who: str | None = None) -> Tensor:
    """Adaptive average pooling: window i spans [floor(i L / out), ceil((i + 1) L / out)) along each dim,
    computed as one small matrix product per dim. input (N, C, *S) or (C, *S) -> (N, C, *output_size)."""
    who = who or f"adaptive_avg_pool{nd}d"
    x, batched = _batched(input, nd, who)
    size = _adaptive_size(output_size, tuple(x.shape[2:]), who)
    xp = xp_of(x._data)
    y = x
    for i, (s, o) in enumerate(zip(x.shape[2:], size)):
        axis = 2 + i
        if s == o:
            continue
        if o == 1:
            y = y.mean(axis, keepdim=True)
            continue
        mat = Tensor._wrap(P.adaptive_avg_matrix(s, o, xp, x._data.dtype).T.copy(), None)
        y = (y.transpose(axis, -1) @ mat).transpose(axis, -1)
    return y if batched else y.squeeze(0)


def adaptive_max_pool_nd(input: Tensor, nd: int, output_size, return_indices: bool = False,
                         who: str | None = None):
    """Adaptive max pooling. input (N, C, *S) or (C, *S) -> (N, C, *output_size) (and int64 flat indices)."""
    who = who or f"adaptive_max_pool{nd}d"
    x, batched = _batched(input, nd, who)
    size = _adaptive_size(output_size, tuple(x.shape[2:]), who)
    if any(o == 0 for o in size):
        raise RuntimeError(f"{who}: output_size must be positive, got {size}")
    y = apply(P.AdaptiveMaxPoolNd, x, output_size=size)
    y = y if batched else y.squeeze(0)
    if not return_indices:
        return y
    fn = P.AdaptiveMaxPoolNd()
    fn.forward(x._data, output_size=size)
    idx = Tensor._wrap(fn.where.astype(xp_of(x._data).int64), None)
    return y, (idx if batched else idx.squeeze(0))


def adaptive_avg_pool1d(input, output_size):
    """input (N, C, L) or (C, L) -> (N, C, output_size)."""
    return adaptive_avg_pool_nd(input, 1, output_size)


def adaptive_avg_pool2d(input, output_size):
    """input (N, C, H, W) or (C, H, W) -> (N, C, *output_size); None in output_size keeps that dim."""
    return adaptive_avg_pool_nd(input, 2, output_size)


def adaptive_avg_pool3d(input, output_size):
    """input (N, C, D, H, W) or (C, D, H, W) -> (N, C, *output_size)."""
    return adaptive_avg_pool_nd(input, 3, output_size)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """input (N, C, L) or (C, L) -> (N, C, output_size)."""
    return adaptive_max_pool_nd(input, 1, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """input (N, C, H, W) or (C, H, W) -> (N, C, *output_size)."""
    return adaptive_max_pool_nd(input, 2, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """input (N, C, D, H, W) or (C, D, H, W) -> (N, C, *output_size)."""
    return adaptive_max_pool_nd(input, 3, output_size, return_indices)

"""The poolings of `nn.functional`: max / avg / adaptive (with their `*_with_indices` forms), lp, max_unpool and
fractional max pooling."""

from __future__ import annotations

import numpy as np

from ..._backend import xp_of
from ...autograd import apply
from ...ops import pooling as P
from ...tensor import Tensor
from .conv import ntuple


def _batched(input: Tensor, nd: int, who: str) -> tuple[Tensor, bool]:
    """(N, C, *S) view of a batched or unbatched (C, *S) input; a clear error for any other rank."""
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{who}: expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input, got input of "
                           f"shape {tuple(input.shape)}")
    if any(s == 0 for s in input._data.shape[-nd - 1:]):
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


def _tuple(v, n: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _lp_pool(input: Tensor, nd: int, norm_type: float, kernel_size, stride, ceil_mode: bool) -> Tensor:
    from .. import functional as F

    pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[nd - 1]
    k = _tuple(kernel_size, nd)
    out = pool(input.pow(norm_type), k, stride, 0, ceil_mode)
    size = 1
    for s in k:
        size *= s
    return (out.sign() * out.abs().relu()).mul(size).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """(sum over the window of x^p)^(1/p).  input (N, C, L) -> (N, C, L_out)."""
    return _lp_pool(input, 1, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """input (N, C, H, W) -> (N, C, H_out, W_out)."""
    return _lp_pool(input, 2, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """input (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)."""
    return _lp_pool(input, 3, norm_type, kernel_size, stride, ceil_mode)


def _max_unpool(input: Tensor, indices: Tensor, nd: int, kernel_size, stride, padding, output_size) -> Tensor:
    k = _tuple(kernel_size, nd)
    s = _tuple(stride if stride is not None else kernel_size, nd)
    p = _tuple(padding, nd)
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    idx = indices.unsqueeze(0) if unbatched else indices
    spatial_in = tuple(x.shape[2:])
    default = tuple((spatial_in[i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(nd))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-nd:]
        for i in range(nd):
            lo, hi = default[i] - s[i], default[i] + s[i]
            if not lo < size[i] < hi:
                raise ValueError(f"invalid output_size {tuple(output_size)} (dim {i} must be between {lo} and {hi})")
    n, c = x.shape[0], x.shape[1]
    total = 1
    for d in size:
        total *= d
    flat_idx = idx.reshape(n, c, -1)
    if flat_idx.numel() and (int(flat_idx.max()) >= total or int(flat_idx.min()) < 0):
        raise RuntimeError(f"max_unpool{nd}d: found an invalid max index {int(flat_idx.max())} (output volume of "
                           f"size {total})")
    from ... import zeros

    out = zeros(n, c, total, dtype=x.dtype, device=x.device).scatter(2, flat_idx, x.reshape(n, c, -1))
    out = out.reshape(n, c, *size)
    return out.squeeze(0) if unbatched else out


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Put each pooled value back at its argmax; zeros elsewhere. (N, C, L_in) -> (N, C, L_out)."""
    return _max_unpool(input, indices, 1, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """(N, C, H_in, W_in) -> (N, C, H_out, W_out)."""
    return _max_unpool(input, indices, 2, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """(N, C, D_in, H_in, W_in) -> (N, C, D_out, H_out, W_out)."""
    return _max_unpool(input, indices, 3, kernel_size, stride, padding, output_size)


def _intervals(sample: np.ndarray, in_size: int, out_size: int, pool: int) -> np.ndarray:
    """Window starts (..., out_size) for uniform draws `sample` (...), as torch's generate_intervals."""
    seq = np.empty(sample.shape + (out_size,), dtype=np.int64)
    if out_size > 1:
        dt = sample.dtype
        alpha = dt.type(in_size - pool) / dt.type(out_size - 1)
        i = np.arange(out_size - 1, dtype=dt)
        seq[..., :-1] = ((i + sample[..., None]) * alpha).astype(np.int64) - (sample * alpha).astype(np.int64)[
            ..., None]
    if out_size > 0:
        seq[..., -1] = in_size - pool
    return seq


def _fractional_max_pool(input: Tensor, nd: int, kernel_size, output_size, output_ratio, return_indices: bool,
                         _random_samples, who: str):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{who}: expected {nd + 1}D or {nd + 2}D input, got {input.ndim}D")
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    n, c = x.shape[0], x.shape[1]
    spatial = tuple(x.shape[2:])
    k = _tuple(kernel_size, nd)
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{who} requires specifying either an output_size or an output_ratio")
        ratio = _tuple(output_ratio, nd)
        out = tuple(int(s * r) for s, r in zip(spatial, ratio))
    else:
        out = _tuple(output_size, nd)
    for s, o, kk in zip(spatial, out, k):
        if o + kk - 1 > s:
            raise RuntimeError(f"{who}(): pool size {kk} and output size {o} are too large for input size {s}")
    dtype = x.detach().cpu().numpy().dtype
    if _random_samples is None:
        from ..._random import generator

        samples = generator().uniform_array((n, c, nd), dtype)  # torch: rand((N, C, dims)) in the input's dtype
    else:
        samples = np.asarray(_random_samples.detach().cpu().numpy() if hasattr(_random_samples, "detach")
                             else _random_samples).astype(dtype)
        if samples.shape != (n, c, nd):
            raise RuntimeError(f"{who}: expected _random_samples of shape {(n, c, nd)}, got {samples.shape}")
    # torch's sample order: 2-D uses [.., 0] for W and [.., 1] for H; 3-D uses [.., 0], [.., 1], [.., 2] for T, H, W
    order = (1, 0) if nd == 2 else (0, 1, 2)
    starts = [_intervals(samples[..., order[d]], spatial[d], out[d], k[d]) for d in range(nd)]  # (N, C, out_d)
    strides = np.cumprod((1,) + spatial[::-1])[:-1][::-1]  # flat stride of each spatial dim
    idx = np.zeros((n, c) + out + k, dtype=np.int64)
    for d in range(nd):
        shape = [n, c] + [1] * nd + [1] * nd
        shape[2 + d] = out[d]
        pos = starts[d].reshape(shape)
        kshape = [1, 1] + [1] * nd + [1] * nd
        kshape[2 + nd + d] = k[d]
        idx = idx + (pos + np.arange(k[d]).reshape(kshape)) * int(strides[d])
    from ... import tensor

    flat = x.reshape(n, c, -1)
    window = int(np.prod(k))
    idx_t = tensor(idx.reshape(n, c, -1), device=x.device)
    vals = flat.gather(2, idx_t).reshape((n, c) + out + (window,))
    result, arg = vals.max(-1)
    if not return_indices:
        return result.squeeze(0) if unbatched else result
    chosen = np.take_along_axis(idx.reshape((n, c) + out + (window,)), arg.detach().cpu().numpy()[..., None],
                                -1)[..., 0]
    indices = tensor(chosen, device=x.device)
    if unbatched:
        return result.squeeze(0), indices.squeeze(0)
    return result, indices


def fractional_max_pool2d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """input (N, C, H, W) or (C, H, W) -> (N, C, oh, ow); with return_indices also the flat argmax per plane."""
    return _fractional_max_pool(input, 2, kernel_size, output_size, output_ratio, return_indices, _random_samples,
                                "fractional_max_pool2d")


def fractional_max_pool3d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """input (N, C, T, H, W) or (C, T, H, W) -> (N, C, ot, oh, ow)."""
    return _fractional_max_pool(input, 3, kernel_size, output_size, output_ratio, return_indices, _random_samples,
                                "fractional_max_pool3d")


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples=None):
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):  # torch: always both
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):  # torch: always both
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):  # torch: always both
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):  # torch: always both
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):  # torch: always both
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):  # torch: always both
    return adaptive_max_pool3d(input, output_size, True)


__all__ = [
    "max_pool_nd", "avg_pool_nd", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d",
    "avg_pool3d", "adaptive_avg_pool_nd", "adaptive_max_pool_nd", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d", "fractional_max_pool2d",
    "fractional_max_pool3d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
]

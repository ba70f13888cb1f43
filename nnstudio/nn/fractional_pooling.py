"""Fractional max pooling (Graham 2014): `FractionalMaxPool2d/3d` and their functionals. Each (sample, channel)
plane gets pseudo-random window starts from one uniform draw per spatial dim (torch's interval formula, computed
in the input's dtype), from nnstudio's seed or from `_random_samples` (N, C, dims) as torch accepts."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .modules.module import Module


def _tuple(v, n: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


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
        from .._random import generator

        samples = generator().random((n, c, nd)).astype(dtype)
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
    from .. import tensor

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


class _FractionalMaxPoolNd(Module):
    _nd = 0

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices: bool = False,
                 _random_samples=None) -> None:
        super().__init__()
        self.kernel_size, self.output_size, self.output_ratio = kernel_size, output_size, output_ratio
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        if output_size is None and output_ratio is None:
            raise ValueError(f"{type(self).__name__} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if output_ratio is not None and not all(0 < r < 1 for r in _tuple(output_ratio, self._nd)):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor):
        return _fractional_max_pool(input, self._nd, self.kernel_size, self.output_size, self.output_ratio,
                                    self.return_indices, self._random_samples, type(self).__name__)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Args: kernel_size, output_size or output_ratio, return_indices=False, _random_samples=None."""

    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    _nd = 3

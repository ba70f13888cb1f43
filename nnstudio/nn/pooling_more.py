"""`LPPool1d/2d/3d` (power-average pooling) and `MaxUnpool1d/2d/3d` (the partial inverse of max pooling), with
their functionals, composed from avg pooling and a scatter (differentiable)."""

from __future__ import annotations

from ..tensor import Tensor
from .modules.module import Module


def _tuple(v, n: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _lp_pool(input: Tensor, nd: int, norm_type: float, kernel_size, stride, ceil_mode: bool) -> Tensor:
    from . import functional as F

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
    from .. import zeros

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


class _LPPoolNd(Module):
    _nd = 0

    def __init__(self, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return _lp_pool(input, self._nd, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, " \
               f"ceil_mode={self.ceil_mode}"


class LPPool1d(_LPPoolNd):
    _nd = 1


class LPPool2d(_LPPoolNd):
    _nd = 2


class LPPool3d(_LPPoolNd):
    _nd = 3


class _MaxUnpoolNd(Module):
    _nd = 0

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        nd = self._nd
        self.kernel_size = _tuple(kernel_size, nd)
        self.stride = _tuple(stride if stride is not None else kernel_size, nd)
        self.padding = _tuple(padding, nd)

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        return _max_unpool(input, indices, self._nd, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    _nd = 1


class MaxUnpool2d(_MaxUnpoolNd):
    _nd = 2


class MaxUnpool3d(_MaxUnpoolNd):
    _nd = 3

"""Pooling layers: max, average, adaptive, LP, max-unpool and fractional max pooling (torch's arguments)."""

from __future__ import annotations

from ...tensor import Tensor
from .._functional import pooling as PF
from .._functional.pooling import _fractional_max_pool, _lp_pool, _max_unpool, _tuple
from .module import Module


class _MaxPoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor):
        return PF.max_pool_nd(input, self._nd, self.kernel_size, self.stride, self.padding, self.dilation,
                              self.ceil_mode, self.return_indices, who=f"{type(self).__name__}({self.extra_repr()})")

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over sliding windows. Shapes: (N, C, L) or (C, L) -> (N, C, L_out),
    L_out = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1 (ceil with ceil_mode)."""

    _nd = 1


class MaxPool2d(_MaxPoolNd):
    """Max over sliding windows. Shapes: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out); stride defaults to
    kernel_size; return_indices also returns the flat index of each maximum in its input plane."""

    _nd = 2


class MaxPool3d(_MaxPoolNd):
    """Max over sliding windows. Shapes: (N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out)."""

    _nd = 3


class _AvgPoolNd(Module):
    _nd = 2

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return PF.avg_pool_nd(input, self._nd, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                              self.count_include_pad, self.divisor_override,
                              who=f"{type(self).__name__}({self.extra_repr()})")

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over sliding windows. Shapes: (N, C, L) or (C, L) -> (N, C, L_out). (torch stores 1-tuples.)"""

    _nd = 1

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True):
        def single(v):
            return tuple(v) if isinstance(v, (list, tuple)) else (v,)

        super().__init__(single(kernel_size), single(stride if stride is not None else kernel_size),
                         single(padding), ceil_mode, count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """Mean over sliding windows. Shapes: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out); count_include_pad
    counts zero padding in the divisor; divisor_override replaces the divisor."""

    _nd = 2


class AvgPool3d(_AvgPoolNd):
    """Mean over sliding windows. Shapes: (N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out)."""

    _nd = 3


class _AdaptiveAvgPoolNd(Module):
    _nd = 2

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return PF.adaptive_avg_pool_nd(input, self._nd, self.output_size,
                                       who=f"{type(self).__name__}({self.extra_repr()})")

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Shapes: (N, C, L) or (C, L) -> (N, C, output_size)."""

    _nd = 1


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Shapes: (N, C, H, W) or (C, H, W) -> (N, C, *output_size); None in output_size keeps that dim."""

    _nd = 2


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Shapes: (N, C, D, H, W) or (C, D, H, W) -> (N, C, *output_size)."""

    _nd = 3


class _AdaptiveMaxPoolNd(Module):
    _nd = 2

    def __init__(self, output_size, return_indices: bool = False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor):
        return PF.adaptive_max_pool_nd(input, self._nd, self.output_size, self.return_indices,
                                       who=f"{type(self).__name__}({self.extra_repr()})")

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Shapes: (N, C, L) or (C, L) -> (N, C, output_size)."""

    _nd = 1


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Shapes: (N, C, H, W) or (C, H, W) -> (N, C, *output_size)."""

    _nd = 2


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Shapes: (N, C, D, H, W) or (C, D, H, W) -> (N, C, *output_size)."""

    _nd = 3


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


__all__ = [
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
    "LPPool1d", "LPPool2d", "LPPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "FractionalMaxPool2d",
    "FractionalMaxPool3d",
]

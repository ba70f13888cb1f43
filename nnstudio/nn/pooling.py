"""Pooling layers: `MaxPool1d/2d/3d`, `AvgPool1d/2d/3d`, `AdaptiveAvgPool1d/2d/3d`, `AdaptiveMaxPool1d/2d/3d`."""

from __future__ import annotations

from ..tensor import Tensor
from . import pooling_functional as PF
from .modules.module import Module


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


__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d"]
